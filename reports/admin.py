"""Admin of the reports app: the archive is read-only; recipients are managed through a service."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin import ServiceAdmin
from reports import selectors, services
from reports.capabilities import ReportCap
from reports.models import Report, ReportRecipient


@admin.register(Report)
class ReportAdmin(ServiceAdmin):
    view_cap = ReportCap.VIEW_REPORTS
    selector = staticmethod(selectors.reports_visible_to)
    list_display = ("number", "kind", "period_start", "period_end", "version", "status", "finished_at")
    list_filter = ("kind", "status")
    search_fields = ("number",)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # generated reports are immutable


@admin.register(ReportRecipient)
class ReportRecipientAdmin(ServiceAdmin):
    view_cap = ReportCap.MANAGE_REPORT_RECIPIENTS
    add_cap = ReportCap.MANAGE_REPORT_RECIPIENTS
    change_cap = ReportCap.MANAGE_REPORT_RECIPIENTS
    selector = staticmethod(selectors.recipients_visible_to)
    list_display = ("name", "email", "is_active")

    def save_model(self, request: HttpRequest, obj: ReportRecipient, form: Any, change: bool) -> None:
        services.recipient_save(actor=request.user, recipient=obj)
