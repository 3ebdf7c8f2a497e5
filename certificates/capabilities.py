"""Capabilities of the certificates app and the roles that hold them (composed by ``core.roles``).

Labs and vaccination teams issue (and revoke what they issued); the task force's leadership
keeps the trust list; every role may use the staff verification page (the public one needs none).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.roles import Role


class CertificateCap(models.TextChoices):
    CERTIFICATES_VERIFY = "certificates.verify", _("Kiểm tra chứng nhận COVID-19 (trang cán bộ)")
    CERTIFICATES_ISSUE = "certificates.issue", _("Cấp, thu hồi chứng nhận COVID-19")
    CERTIFICATES_MANAGE_TRUST_LIST = (
        "certificates.manage_trust_list",
        _("Quản lý danh sách chứng chỉ ký tin cậy"),
    )


GRANTS: dict[str, set[str]] = {role: {CertificateCap.CERTIFICATES_VERIFY} for role in Role.values}
for _role in (Role.LAB_STAFF, Role.VACCINATION_STAFF):
    GRANTS[_role] = GRANTS[_role] | {CertificateCap.CERTIFICATES_ISSUE}
for _role in (Role.TASKFORCE_LEADER, Role.SECRETARIAT):
    GRANTS[_role] = GRANTS[_role] | {CertificateCap.CERTIFICATES_MANAGE_TRUST_LIST}
