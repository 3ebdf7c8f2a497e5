from django.db import models

from core.roles import Grants, Role


class LabCap(models.TextChoices):
    RECORD_RESULTS = "testing_demo.record_results", "record results"


GRANTS: Grants = {Role.LAB_STAFF: {LabCap.RECORD_RESULTS}}
