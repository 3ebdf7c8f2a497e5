"""Privacy: the data-protection officer's monthly access report and people's requests for the
data held about them (export, deletion where the law allows)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Bảo vệ dữ liệu cá nhân")

    def ready(self) -> None:
        from core.navigation import Entry, register_portal
        from core.roles import user_can
        from privacy.capabilities import PrivacyCap

        register_portal(
            Entry(
                "privacy:access-reports",
                _("Báo cáo truy cập dữ liệu cá nhân"),
                _("Ai đã xem dữ liệu cá nhân của ai, vì mục đích gì; các trường hợp xem nhiều bất thường."),
                visible_to=lambda r: user_can(r.user, PrivacyCap.ACCESS_REPORT),
            )
        )
        register_portal(
            Entry(
                "privacy:requests",
                _("Yêu cầu của người dân về dữ liệu cá nhân"),
                _("Cung cấp bản sao dữ liệu đang lưu về một người; xóa khi pháp luật cho phép."),
                visible_to=lambda r: user_can(r.user, PrivacyCap.SUBJECT_REQUESTS),
            )
        )
