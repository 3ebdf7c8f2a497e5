"""Capabilities of the reports app and the roles that hold them (composed by ``core.roles``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.roles import Grants, Role


class ReportCap(models.TextChoices):
    VIEW_REPORTS = "reports.view", _("Xem, tải báo cáo")
    REQUEST_REPORTS = "reports.request", _("Yêu cầu tạo báo cáo")
    MANAGE_REPORT_RECIPIENTS = "reports.recipients", _("Quản lý người nhận báo cáo")


_REPORTS = {ReportCap.VIEW_REPORTS, ReportCap.REQUEST_REPORTS}

GRANTS: Grants = {
    Role.TASKFORCE_LEADER: _REPORTS | {ReportCap.MANAGE_REPORT_RECIPIENTS},
    Role.TASKFORCE_DEPUTY: _REPORTS,
    Role.TASKFORCE_MEMBER: {ReportCap.VIEW_REPORTS},
    Role.SECRETARIAT: _REPORTS | {ReportCap.MANAGE_REPORT_RECIPIENTS},
    # The chairman reads reports and writes nothing.
    Role.CHAIRMAN: {ReportCap.VIEW_REPORTS},
}
