"""Task force workplace: members, meetings, assignments, proposals and agency adoption."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TaskforceConfig(AppConfig):
    name = "taskforce"
    verbose_name = _("Tổ công nghệ")
