"""Checkpoints (điểm kiểm dịch): registration, QR posters, check-in, check-out and tracing."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckpointsConfig(AppConfig):
    name = "checkpoints"
    verbose_name = _("Điểm kiểm dịch")

    def ready(self) -> None:
        from checkpoints.capabilities import CheckpointCap
        from checkpoints.selectors import measured_by_organization
        from core.navigation import Entry, register_portal
        from core.roles import user_can
        from taskforce.selectors import register_measured_source

        # The task force's adoption table shows measured figures beside the agencies' reports.
        register_measured_source(measured_by_organization)

        register_portal(
            Entry(
                "checkpoints:list",
                _("Điểm kiểm dịch"),
                _("Đăng ký, duyệt, in mã QR; quét mã khách và nhập tờ khai giấy."),
                visible_to=lambda r: (
                    user_can(r.user, CheckpointCap.VIEW_CHECKPOINTS)
                    or user_can(r.user, CheckpointCap.OPERATE_CHECKPOINTS)
                ),
            )
        )
        register_portal(
            Entry(
                "checkpoints:trace",
                _("Truy vết tiếp xúc"),
                _("Tìm người ở cùng điểm kiểm dịch với ca bệnh; xuất CSV, Excel."),
                visible_to=lambda r: user_can(r.user, CheckpointCap.TRACE_CONTACTS),
            )
        )
