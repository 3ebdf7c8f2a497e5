"""A capability and an API token scope standing for a coming app's (tests of core.apitokens)."""

from django.db import models

from core.apitokens import TokenScope
from core.roles import Grants


class SampleCap(models.TextChoices):
    RECORD_SAMPLES = "testapp.samples.record", "record samples"


GRANTS: Grants = {}

TOKEN_SCOPES = {"testapp.samples:write": TokenScope("write samples", {SampleCap.RECORD_SAMPLES})}
