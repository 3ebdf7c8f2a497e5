"""Electronic and paper health declarations (khai báo y tế)."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = _("Khai báo y tế")
