"""Shared pieces every app uses."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Dùng chung")

    def ready(self) -> None:
        from core import retention, retention_categories  # noqa: F401  (registers core's categories)

        # Every app's ``retention.py`` registers its data categories and roll-ups.
        retention.discover()
