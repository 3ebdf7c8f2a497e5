"""Testing: sample collection, pooled samples, lab results and online result return."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TestingConfig(AppConfig):
    name = "testing"
    verbose_name = _("Xét nghiệm")
