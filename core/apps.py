"""Shared pieces every app uses."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Dùng chung")

    def ready(self) -> None:
        from core.roles import role_capabilities

        # Compose every app's capabilities now (all apps are loaded), so a clash between two
        # apps' declarations stops the start instead of the first permission check.
        role_capabilities()
