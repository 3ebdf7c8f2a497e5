"""Testing: sample collection, pooled samples, lab results and online result return."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestingConfig(AppConfig):
    name = "testing"
    verbose_name = _("Xét nghiệm")

    def ready(self) -> None:
        from core.navigation import Entry, register_portal, register_public
        from core.roles import user_can
        from testing.selectors import ANY_TESTING

        register_portal(
            Entry(
                "testing:home",
                _("Xét nghiệm"),
                _("Đợt xét nghiệm, lấy mẫu, phòng xét nghiệm, ca bệnh và F1."),
                visible_to=lambda r: any(user_can(r.user, cap) for cap in ANY_TESTING),
            )
        )
        register_public(
            Entry(
                "testing:lookup",
                _("Tra cứu kết quả xét nghiệm"),
                _("Nhập mã mẫu và số điện thoại hoặc ngày sinh."),
            )
        )
