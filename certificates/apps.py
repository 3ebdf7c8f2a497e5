"""EU Digital COVID Certificates: issue (for the testing and vaccination apps), verify, trust list."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Chứng nhận COVID-19 số")

    def ready(self) -> None:
        from certificates.capabilities import CertificateCap
        from core.navigation import Entry, register_portal, register_public
        from core.roles import user_can

        register_public(
            Entry(
                "certificates:verify",
                _("Kiểm tra chứng nhận COVID-19"),
                _("Quét hoặc dán mã QR của chứng nhận tiêm chủng, xét nghiệm (EU DCC) để kiểm tra."),
            )
        )
        register_portal(
            Entry(
                "certificates:staff-verify",
                _("Kiểm tra chứng nhận COVID-19"),
                _("Quét mã chứng nhận của khách tại điểm kiểm dịch."),
                visible_to=lambda r: user_can(r.user, CertificateCap.CERTIFICATES_VERIFY),
            )
        )
        register_portal(
            Entry(
                "certificates:issued",
                _("Chứng nhận COVID-19 đã cấp"),
                _("Tải bản in, thu hồi chứng nhận cấp sai."),
                visible_to=lambda r: user_can(r.user, CertificateCap.CERTIFICATES_ISSUE),
            )
        )
        register_portal(
            Entry(
                "certificates:trust-list",
                _("Danh sách chứng chỉ ký tin cậy"),
                _("Thêm, gỡ chứng chỉ ký của các nước và của tỉnh."),
                visible_to=lambda r: user_can(r.user, CertificateCap.CERTIFICATES_MANAGE_TRUST_LIST),
            )
        )
