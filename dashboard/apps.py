"""The public dashboard and open data (platform (d): the public information portal)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = _("Bảng tin công khai")
