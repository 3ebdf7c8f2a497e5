"""The public dashboard and open data (platform (d): the public information portal)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Bảng tin công khai")

    def ready(self) -> None:
        from core.navigation import Entry, register_public

        register_public(
            Entry(
                "dashboard:home",
                _("Tình hình dịch bệnh"),
                _(
                    "Số liệu công khai của tỉnh: lượt quét mã QR, điểm kiểm dịch, xu hướng 30 ngày; dữ liệu mở."  # noqa: E501
                ),
            )
        )
