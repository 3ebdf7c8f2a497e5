"""Admin for the task force's records. Day-to-day work happens on the pages under
/taskforce/; the admin keeps the reference records (decisions, members, platforms) and
read-only views of the rest. Every save goes through a service."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import ServiceAdmin
from core.collation import vi_order
from taskforce import selectors, services
from taskforce.capabilities import TaskforceCap
from taskforce.models import Assignment, Decision, Meeting, Member, Platform, Proposal, UsageReport


class ReadOnlyAdmin(ServiceAdmin):
    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Decision)
class DecisionAdmin(ServiceAdmin):
    view_cap = TaskforceCap.TASKFORCE_VIEW
    add_cap = TaskforceCap.TASKFORCE_MANAGE_MEMBERS
    selector = staticmethod(selectors.decisions_visible_to)
    list_display = ("number", "title", "kind", "signed_on", "signer_name")
    fields = (
        "number",
        "kind",
        "title",
        "signed_on",
        "signer_name",
        "signer_title",
        "effective_from",
        "document",
        "notes",
    )

    readonly_fields = ("document_link",)

    def get_fields(self, request: HttpRequest, obj: Decision | None = None) -> Any:
        """A recorded decision shows its document as a link to the protected download (the
        stored file has no public URL: core/files.py); a new one takes the upload."""
        if obj is None:
            return self.fields
        return tuple("document_link" if name == "document" else name for name in self.fields)

    @admin.display(description=_("văn bản đính kèm"))
    def document_link(self, obj: Decision) -> str:
        if not obj.document:
            return "—"
        url = reverse("taskforce:decision-document", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Mở văn bản"))

    def save_model(self, request: HttpRequest, obj: Decision, form: Any, change: bool) -> None:
        created = services.decision_record(
            actor=request.user,
            **{name: form.cleaned_data.get(name) or getattr(obj, name) for name in self.fields},
        )
        obj.pk = created.pk


@admin.register(Member)
class MemberAdmin(ServiceAdmin):
    view_cap = TaskforceCap.TASKFORCE_VIEW
    add_cap = TaskforceCap.TASKFORCE_MANAGE_MEMBERS
    change_cap = TaskforceCap.TASKFORCE_MANAGE_MEMBERS
    selector = staticmethod(selectors.members_visible_to)
    list_display = ("full_name", "role", "position_title", "organization", "active_from", "active_to", "user")
    ordering = ("order", vi_order("full_name"), "id")  # type: ignore[assignment]  # expressions work
    list_filter = ("role",)
    search_fields = ("full_name", "position_title")
    autocomplete_fields = ("organization", "user")
    fields = (
        "full_name",
        "honorific",
        "organization",
        "position_title",
        "role",
        "responsibilities",
        "phone",
        "email",
        "contact_is_demo",
        "user",
        "order",
        "appointed_by",
        "active_from",
        "active_to",
        "ended_by",
    )

    def save_model(self, request: HttpRequest, obj: Member, form: Any, change: bool) -> None:
        data = form.cleaned_data
        values = {name: data.get(name) for name in services.MEMBER_FIELDS if name in data}
        if not change:
            created = services.member_appoint(
                actor=request.user,
                decision=data.get("appointed_by"),
                active_from=data["active_from"],
                **values,
            )
            obj.pk = created.pk
            return
        current = Member.objects.get(pk=obj.pk)
        changed = {name: values[name] for name in values if name in form.changed_data}
        if changed:
            current = services.member_update(actor=request.user, member=current, **changed)
        if "active_to" in form.changed_data and data.get("active_to"):
            services.member_end(
                actor=request.user, member=current, active_to=data["active_to"], decision=data.get("ended_by")
            )


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    view_cap = TaskforceCap.TASKFORCE_VIEW
    selector = staticmethod(selectors.meetings_visible_to)
    list_display = ("title", "kind", "starts_at", "status", "chair")
    list_filter = ("kind", "status")
    date_hierarchy = "starts_at"


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    view_cap = TaskforceCap.TASKFORCE_VIEW_ALL_WORK
    selector = staticmethod(selectors.assignments_visible_to)
    list_display = (
        "title",
        "assignee_member",
        "assignee_organization",
        "due_on",
        "priority",
        "status",
        "source",
    )
    list_filter = ("status", "priority", "source")
    search_fields = ("title",)


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    view_cap = TaskforceCap.TASKFORCE_VIEW_ALL_WORK
    selector = staticmethod(selectors.proposals_visible_to)
    list_display = ("title", "submitted_by", "submitted_at", "status", "decided_at")
    list_filter = ("status",)


@admin.register(Platform)
class PlatformAdmin(ServiceAdmin):
    view_cap = TaskforceCap.ADOPTION_VIEW
    add_cap = TaskforceCap.PLATFORMS_EDIT
    change_cap = TaskforceCap.PLATFORMS_EDIT
    selector = staticmethod(selectors.platforms_visible_to)
    list_display = ("name", "code", "scope", "purpose", "order", "is_active")
    list_filter = ("scope", "purpose", "is_active")
    fields = services.PLATFORM_FIELDS

    def save_model(self, request: HttpRequest, obj: Platform, form: Any, change: bool) -> None:
        values = {name: form.cleaned_data.get(name) for name in services.PLATFORM_FIELDS}
        saved = services.platform_save(
            actor=request.user, platform=Platform.objects.get(pk=obj.pk) if change else None, **values
        )
        obj.pk = saved.pk


@admin.register(UsageReport)
class UsageReportAdmin(ReadOnlyAdmin):
    view_cap = TaskforceCap.ADOPTION_VIEW
    selector = staticmethod(selectors.usage_reports_visible_to)
    list_display = (
        "organization",
        "period_start",
        "staff_count",
        "staff_with_app",
        "scans_in_period",
        "is_demo",
    )
    list_filter = ("period_start", "is_demo")
