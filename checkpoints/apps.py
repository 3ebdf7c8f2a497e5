"""Checkpoints (điểm kiểm dịch): registration, QR posters, check-in, check-out and tracing."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CheckpointsConfig(AppConfig):
    name = "checkpoints"
    verbose_name = _("Điểm kiểm dịch")
