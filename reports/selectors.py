"""Reads of the reports app."""

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from core.roles import user_can
from reports.capabilities import ReportCap
from reports.models import Report, ReportRecipient


def reports_visible_to(user: Any) -> QuerySet[Report]:
    """Reports hold aggregates only (no personal data): every holder of the capability sees all."""
    if not user_can(user, ReportCap.VIEW_REPORTS):
        return Report.objects.none()
    return Report.objects.select_related("requested_by")


def access_report_by_id(user: Any, report_id: int) -> Report:
    try:
        return reports_visible_to(user).get(pk=report_id)
    except Report.DoesNotExist as exc:
        raise Http404 from exc


def report_archive(user: Any) -> list[tuple[tuple[Any, Any], list[Report]]]:
    """Reports grouped by period, newest period first, newest version first within it."""
    groups: dict[tuple[Any, Any], list[Report]] = {}
    for report in reports_visible_to(user).order_by("-period_start", "-period_end", "kind", "-version"):
        groups.setdefault((report.period_start, report.period_end), []).append(report)
    return list(groups.items())


def recipients_visible_to(user: Any) -> QuerySet[ReportRecipient]:
    if not user_can(user, ReportCap.MANAGE_REPORT_RECIPIENTS):
        return ReportRecipient.objects.none()
    return ReportRecipient.objects.all()


def active_recipient_count() -> int:
    """How many addresses the weekly report is emailed to (0: it reaches nobody)."""
    return ReportRecipient.objects.filter(is_active=True).count()
