"""Meetings: list and scheduling; the meeting page where the secretary records attendance,
minutes and conclusions during the meeting, and the leader turns a conclusion into
assignments in one step. Plain HTML forms: everything works without JavaScript."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.collation import vi_order
from core.models import Organization
from core.roles import user_can
from core.selectors import organizations_visible_to
from taskforce import selectors, services
from taskforce.capabilities import TaskforceCap
from taskforce.forms import AgendaForm, ConclusionAssignForm, ConclusionForm, MeetingForm, MinutesForm
from taskforce.models import Attendance, Conclusion, Meeting, Member
from taskforce.views._common import capability_required, run_service


@require_http_methods(["GET", "POST"])
@capability_required(TaskforceCap.TASKFORCE_VIEW)
def meeting_list(request: HttpRequest) -> HttpResponse:
    can_run = user_can(request.user, TaskforceCap.TASKFORCE_RUN_MEETINGS)
    form = MeetingForm(request.POST or None)
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            meeting = run_service(
                form,
                lambda: services.meeting_schedule(
                    actor=request.user,
                    title=data["title"],
                    starts_at=data["starts_at"],
                    ends_at=form.ends_at,
                    location=data["location"],
                    agenda=data["agenda"].splitlines(),
                ),
            )
            if meeting is not None:
                messages.success(request, _("Đã lên lịch cuộc họp."))
                return redirect("taskforce:meeting-detail", pk=meeting.pk)
    meetings = selectors.meetings_visible_to(request.user).order_by("-starts_at")[:50]
    return render(
        request, "taskforce/meeting_list.html", {"meetings": meetings, "form": form, "can_run": can_run}
    )


def _assignee_choices(request: HttpRequest) -> tuple[dict[int, Member], dict[int, Organization]]:
    members = Member.objects.active_on(selectors.today()).select_related("organization")
    organizations = (
        organizations_visible_to(request.user).filter(is_active=True).order_by(vi_order("name"), "id")
    )
    return {m.pk: m for m in members}, {o.pk: o for o in organizations}


def _assign_form(
    choices: tuple[dict[int, Member], dict[int, Organization]], conclusion: Conclusion, data: Any = None
) -> ConclusionAssignForm:
    members, organizations = choices
    return ConclusionAssignForm(
        data, prefix=f"c{conclusion.pk}", members=members, organizations=organizations
    )


def _attendance_entries(request: HttpRequest, meeting: Meeting) -> list[services.AttendanceEntry]:
    entries = []
    for row in meeting.attendances.all():
        status = request.POST.get(f"status-{row.member_id}")
        if status is None:
            continue
        entries.append(
            services.AttendanceEntry(
                member_id=row.member_id,
                status=status,
                delegate_name=request.POST.get(f"delegate-{row.member_id}", ""),
                note=request.POST.get(f"note-{row.member_id}", ""),
            )
        )
    return entries


@require_http_methods(["GET", "POST"])
@capability_required(TaskforceCap.TASKFORCE_VIEW)
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.meeting_detail(request.user, pk)
    can_run = user_can(request.user, TaskforceCap.TASKFORCE_RUN_MEETINGS)
    action = request.POST.get("action", "") if request.method == "POST" else ""
    agenda_form = AgendaForm(request.POST if action == "agenda" else None, prefix="agenda")
    minutes_form = MinutesForm(
        request.POST if action == "minutes" else None,
        prefix="minutes",
        initial={"minutes": meeting.minutes, "held": True},
    )
    conclusion_form = ConclusionForm(request.POST if action == "conclusion" else None, prefix="conclusion")
    attendance_errors: list[str] = []
    if request.method == "POST":
        if not can_run:
            raise PermissionDenied
        done = None
        if action == "attendance":
            try:
                count = services.meeting_attendance_record(
                    actor=request.user, meeting=meeting, entries=_attendance_entries(request, meeting)
                )
                done = _("Đã ghi điểm danh %(count)s thành viên.") % {"count": count}
            except ValidationError as exc:
                attendance_errors = exc.messages
                # Show what was typed, not what is stored, so nothing is lost.
                for row in meeting.attendances.all():
                    row.status = request.POST.get(f"status-{row.member_id}", row.status)
                    row.delegate_name = request.POST.get(f"delegate-{row.member_id}", "")
                    row.note = request.POST.get(f"note-{row.member_id}", "")
        elif action == "agenda" and agenda_form.is_valid():
            if run_service(
                agenda_form,
                lambda: services.meeting_agenda_add(
                    actor=request.user, meeting=meeting, title=agenda_form.cleaned_data["title"]
                ),
            ):
                done = _("Đã thêm nội dung họp.")
        elif action == "minutes" and minutes_form.is_valid():
            if run_service(
                minutes_form,
                lambda: services.meeting_minutes_record(
                    actor=request.user,
                    meeting=meeting,
                    minutes=minutes_form.cleaned_data["minutes"],
                    held=minutes_form.cleaned_data["held"],
                ),
            ):
                done = _("Đã lưu biên bản.")
        elif action == "conclusion" and conclusion_form.is_valid():
            if run_service(
                conclusion_form,
                lambda: services.meeting_conclusion_add(
                    actor=request.user, meeting=meeting, text=conclusion_form.cleaned_data["text"]
                ),
            ):
                done = _("Đã ghi kết luận.")
        elif action == "invite":
            try:
                sent = services.meeting_invitations_send(actor=request.user, meeting=meeting)
                done = _("Đã gửi giấy mời tới %(count)s thành viên.") % {"count": len(sent)}
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
        if done:
            messages.success(request, done)
            return redirect("taskforce:meeting-detail", pk=meeting.pk)
    return _meeting_page(
        request,
        meeting,
        agenda_form=agenda_form,
        minutes_form=minutes_form,
        conclusion_form=conclusion_form,
        attendance_errors=attendance_errors,
        status=400 if request.method == "POST" else 200,
    )


def _meeting_page(
    request: HttpRequest,
    meeting: Meeting,
    *,
    status: int = 200,
    bound_assign: ConclusionAssignForm | None = None,
    **forms: Any,
) -> HttpResponse:
    can_assign = services.can_assign(request.user)
    if can_assign:
        choices = _assignee_choices(request)
        for conclusion in meeting.conclusions.all():
            # Prefetched instances: the template reads the form from the conclusion.
            conclusion.assign_form = (  # type: ignore[attr-defined]
                bound_assign
                if bound_assign is not None and bound_assign.prefix == f"c{conclusion.pk}"
                else _assign_form(choices, conclusion)
            )
    context = {
        "meeting": meeting,
        "can_run": user_can(request.user, TaskforceCap.TASKFORCE_RUN_MEETINGS),
        "can_assign": can_assign,
        "statuses": Attendance.Status.choices,
        "agenda_form": forms.get("agenda_form") or AgendaForm(prefix="agenda"),
        "minutes_form": forms.get("minutes_form")
        or MinutesForm(prefix="minutes", initial={"minutes": meeting.minutes, "held": True}),
        "conclusion_form": forms.get("conclusion_form") or ConclusionForm(prefix="conclusion"),
        "attendance_errors": forms.get("attendance_errors") or [],
    }
    return render(request, "taskforce/meeting_detail.html", context, status=status)


@require_POST
@capability_required(TaskforceCap.TASKFORCE_ASSIGN)
def conclusion_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """One step from a conclusion to one assignment per chosen member or organization."""
    if not services.can_assign(request.user):
        raise PermissionDenied
    conclusion = get_object_or_404(
        Conclusion.objects.select_related("meeting"),
        pk=pk,
        meeting__in=selectors.meetings_visible_to(request.user),
    )
    form = _assign_form(_assignee_choices(request), conclusion, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        created = run_service(
            form,
            lambda: services.conclusion_assign(
                actor=request.user,
                conclusion=conclusion,
                title=data["title"],
                assignee_members=list(data["members"]),
                assignee_organizations=list(data["organizations"]),
                due_on=data["due_on"],
                backdated=data["backdated"],
                priority=data["priority"],
            ),
        )
        if created:
            messages.success(request, _("Đã giao %(count)s nhiệm vụ từ kết luận.") % {"count": len(created)})
            return redirect("taskforce:meeting-detail", pk=conclusion.meeting_id)
    meeting = selectors.meeting_detail(request.user, conclusion.meeting_id)
    return _meeting_page(request, meeting, bound_assign=form, status=400)
