"""Assignments and proposals."""

from pathlib import PurePosixPath

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.collation import vi_order
from core.files import protected_file_response
from core.roles import user_can
from core.selectors import organizations_visible_to
from taskforce import selectors, services
from taskforce.capabilities import TaskforceCap
from taskforce.forms import AssignmentForm, DecideForm, ProgressForm, ProposalForm
from taskforce.models import Assignment, AssignmentUpdate, Member, Proposal
from taskforce.views._common import capability_required, run_service


def _assignment_form(request: HttpRequest, data: object = None, prefix: str | None = None) -> AssignmentForm:
    return AssignmentForm(
        data,
        prefix=prefix,
        members=Member.objects.active_on(selectors.today()).select_related("organization"),
        organizations=organizations_visible_to(request.user)
        .filter(is_active=True)
        .order_by(vi_order("name"), "id"),
    )


@require_http_methods(["GET", "POST"])
@capability_required(TaskforceCap.TASKFORCE_VIEW_ALL_WORK, TaskforceCap.ASSIGNMENT_WORK)
def assignment_list(request: HttpRequest) -> HttpResponse:
    can_assign = services.can_assign(request.user)
    form = _assignment_form(request, request.POST or None) if can_assign else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            created = run_service(
                form,
                lambda: services.assignment_create(
                    actor=request.user,
                    title=data["title"],
                    description=data["description"],
                    assignee_member=data["assignee_member"],
                    assignee_organization=data["assignee_organization"],
                    due_on=data["due_on"],
                    backdated=data["backdated"],
                    priority=data["priority"],
                    source=data["source"],
                    source_reference=data["source_reference"],
                ),
            )
            if created is not None:
                messages.success(request, _("Đã giao nhiệm vụ."))
                return redirect("taskforce:assignment-detail", pk=created.pk)
    show = request.GET.get(
        "show", "mine" if not user_can(request.user, TaskforceCap.TASKFORCE_VIEW_ALL_WORK) else "all"
    )
    qs = (
        selectors.my_assignments(request.user)
        if show == "mine"
        else selectors.assignments_visible_to(request.user)
    )
    status = request.GET.get("status", "")
    if status in Assignment.Status.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "taskforce/assignment_list.html",
        {
            "page": page,
            "show": show,
            "status": status,
            "statuses": Assignment.Status.choices,
            "form": form,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_GET
@capability_required(TaskforceCap.TASKFORCE_VIEW)
def decision_document(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The signed document of a decision, for whoever may see the decisions (the admin links here:
    no URL serves the stored files directly, core/files.py)."""
    decision = selectors.decisions_visible_to(request.user).filter(pk=pk).first()
    if decision is None or not decision.document:
        raise Http404
    name = f"quyet-dinh-{decision.pk}{PurePosixPath(decision.document.name).suffix}"
    return protected_file_response(decision.document, filename=name, as_attachment=False)


@require_GET
@capability_required(TaskforceCap.TASKFORCE_VIEW_ALL_WORK, TaskforceCap.ASSIGNMENT_WORK)
def update_attachment(request: HttpRequest, pk: int, update_id: int) -> HttpResponseBase:
    """The file of a progress update, for whoever may see its assignment."""
    assignment = selectors.assignment_detail(request.user, pk)
    update = AssignmentUpdate.objects.filter(assignment=assignment, pk=update_id).first()
    if update is None or not update.attachment:
        raise Http404
    name = f"cap-nhat-{update.pk}{PurePosixPath(update.attachment.name).suffix}"
    return protected_file_response(update.attachment, filename=name)


def _statuses_for(request: HttpRequest) -> list[str]:
    statuses: list[str] = [Assignment.Status.IN_PROGRESS, Assignment.Status.DONE]
    if services.can_assign(request.user):
        statuses.append(Assignment.Status.CANCELLED)
    return statuses


@require_http_methods(["GET", "POST"])
@capability_required(TaskforceCap.TASKFORCE_VIEW_ALL_WORK, TaskforceCap.ASSIGNMENT_WORK)
def assignment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assignment = selectors.assignment_detail(request.user, pk)
    may_update = assignment.is_open and services.may_work_on(request.user, assignment)
    form = ProgressForm(
        request.POST or None,
        request.FILES or None,
        statuses=_statuses_for(request),
        initial={"progress": assignment.progress},
    )
    if request.method == "POST":
        if not may_update:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            update = run_service(
                form,
                lambda: services.assignment_progress(
                    actor=request.user,
                    assignment=assignment,
                    text=data["text"],
                    status=data["status"],
                    progress=data["progress"],
                    attachment=data["attachment"],
                ),
            )
            if update is not None:
                messages.success(request, _("Đã cập nhật tiến độ."))
                return redirect("taskforce:assignment-detail", pk=assignment.pk)
    return render(
        request,
        "taskforce/assignment_detail.html",
        {"assignment": assignment, "form": form, "may_update": may_update},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@capability_required(TaskforceCap.TASKFORCE_VIEW_ALL_WORK, TaskforceCap.TASKFORCE_PROPOSE)
def proposal_list(request: HttpRequest) -> HttpResponse:
    seat = selectors.seat_of(request.user)
    can_propose = seat is not None and user_can(request.user, TaskforceCap.TASKFORCE_PROPOSE)
    form = ProposalForm(request.POST or None)
    if request.method == "POST":
        if not can_propose:
            raise PermissionDenied
        if form.is_valid():
            proposal = run_service(
                form,
                lambda: services.proposal_submit(
                    actor=request.user, title=form.cleaned_data["title"], body=form.cleaned_data["body"]
                ),
            )
            if proposal is not None:
                messages.success(request, _("Đã gửi đề xuất tới Tổ trưởng."))
                return redirect("taskforce:proposal-detail", pk=proposal.pk)
    proposals = Paginator(selectors.proposals_visible_to(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "taskforce/proposal_list.html",
        {"page": proposals, "form": form, "can_propose": can_propose},
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@capability_required(TaskforceCap.TASKFORCE_VIEW_ALL_WORK, TaskforceCap.TASKFORCE_PROPOSE)
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = selectors.proposal_detail(request.user, pk)
    can_decide = user_can(request.user, TaskforceCap.TASKFORCE_DECIDE) and services.is_leader(request.user)
    can_assign = services.can_assign(request.user) and proposal.status == Proposal.Status.ACCEPTED
    action = request.POST.get("action", "")
    decide_form = DecideForm(request.POST if action == "decide" else None, prefix="decide")
    assign_form = _assignment_form(request, request.POST if action == "assign" else None, prefix="assign")
    if request.method == "POST":
        if action == "decide" and can_decide:
            if decide_form.is_valid() and run_service(
                decide_form,
                lambda: services.proposal_decide(
                    actor=request.user,
                    proposal=proposal,
                    status=decide_form.cleaned_data["status"],
                    response=decide_form.cleaned_data["response"],
                ),
            ):
                messages.success(request, _("Đã trả lời đề xuất."))
                return redirect("taskforce:proposal-detail", pk=proposal.pk)
        elif action == "assign" and can_assign:
            if assign_form.is_valid():
                data = assign_form.cleaned_data
                if run_service(
                    assign_form,
                    lambda: services.assignment_create(
                        actor=request.user,
                        title=data["title"],
                        description=data["description"],
                        assignee_member=data["assignee_member"],
                        assignee_organization=data["assignee_organization"],
                        due_on=data["due_on"],
                        backdated=data["backdated"],
                        priority=data["priority"],
                        source_reference=data["source_reference"],
                        proposal=proposal,
                    ),
                ):
                    messages.success(request, _("Đã giao nhiệm vụ từ đề xuất."))
                    return redirect("taskforce:proposal-detail", pk=proposal.pk)
        else:
            raise PermissionDenied
    return render(
        request,
        "taskforce/proposal_detail.html",
        {
            "proposal": proposal,
            "can_decide": can_decide,
            "can_assign": can_assign,
            "decide_form": decide_form,
            "assign_form": assign_form,
        },
        status=400 if request.method == "POST" else 200,
    )
