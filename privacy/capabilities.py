"""Capabilities of the privacy app and the roles that hold them (composed by ``core.roles``).

Both read personal data (core.roles.PERSONAL_DATA_CAPS): the role is granted by someone else,
audited and notified, like the other roles reading personal data."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.roles import Grants, Role


class PrivacyCap(models.TextChoices):
    ACCESS_REPORT = "privacy.access_report", _("Xem báo cáo truy cập dữ liệu cá nhân")
    SUBJECT_REQUESTS = "privacy.subject_requests", _("Xử lý yêu cầu của người dân về dữ liệu cá nhân")


GRANTS: Grants = {
    Role.DATA_PROTECTION_OFFICER: {PrivacyCap.ACCESS_REPORT, PrivacyCap.SUBJECT_REQUESTS},
}
