"""Electronic and paper health declarations (khai báo y tế)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = _("Khai báo y tế")

    def ready(self) -> None:
        from core.navigation import Entry, register_public

        register_public(
            Entry(
                "declarations:declare",
                _("Khai báo y tế di chuyển nội địa"),
                _("Khai báo trước khi đi lại giữa các tỉnh, không cần cài ứng dụng."),
            )
        )
