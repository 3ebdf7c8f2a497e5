"""Reads of the task force's records, scoped to what the user may see.

- Members and meetings: everyone with ``taskforce.view`` (task-force roles, the standing
  agency, the chairman). The task force is one provincial body; there is no sub-scope.
- Assignments and proposals: ``taskforce.view_all_work`` sees all of them; others see the
  assignments given to them, to their seat's organization or, for agency and district
  officers, to the organizations of their scope; and the proposals they submitted.
- Usage reports: ``adoption.view`` sees all; ``adoption.report`` sees its organizations'.
"""

import datetime
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core.collation import sort_by_name, vi_order
from core.models import Organization
from core.roles import Role, user_can, user_has_role
from core.selectors import organization_ids_in_scope
from taskforce.capabilities import TaskforceCap
from taskforce.models import (
    Assignment,
    AssignmentUpdate,
    Attendance,
    Conclusion,
    Decision,
    Meeting,
    Member,
    Platform,
    Proposal,
    UsageReport,
)

User = Any


def today() -> datetime.date:
    return timezone.localdate()


# --- Members ----------------------------------------------------------------------------


def seat_of(user: User, on: datetime.date | None = None) -> Member | None:
    """The user's active seat in the task force on a date (today by default)."""
    if user is None or not user.is_authenticated:
        return None
    day = on or today()
    cache: dict = user.__dict__.setdefault("_taskforce_seats", {})
    if day not in cache:
        cache[day] = Member.objects.active_on(day).filter(user=user).select_related("organization").first()
    return cache[day]


def members_visible_to(user: User, on: datetime.date | None = None) -> QuerySet[Member]:
    """Members, active on ``on`` when given (the task force as of that date)."""
    if not user_can(user, TaskforceCap.TASKFORCE_VIEW):
        return Member.objects.none()
    qs = Member.objects.select_related("organization", "appointed_by", "user")
    return qs.active_on(on) if on else qs


def members_by_role(user: User, on: datetime.date) -> list[tuple[Any, list[Member]]]:
    """(role label, members) in the decision's order: leader, deputies, members, support."""
    members = list(members_visible_to(user, on))
    return [
        (label, [m for m in members if m.role == value])
        for value, label in Member.Role.choices
        if any(m.role == value for m in members)
    ]


def decisions_visible_to(user: User) -> QuerySet[Decision]:
    if not user_can(user, TaskforceCap.TASKFORCE_VIEW):
        return Decision.objects.none()
    return Decision.objects.all()


def active_leader(on: datetime.date | None = None) -> Member | None:
    return Member.objects.active_on(on or today()).filter(role=Member.Role.LEADER).first()


def member_by_calendar_token(token: str) -> Member:
    """The member a calendar feed URL belongs to; 404 for an unknown or revoked token."""
    member = Member.objects.filter(calendar_token=token).first() if token else None
    if member is None or not member.is_active_on(today()):
        raise Http404
    return member


# --- Meetings ---------------------------------------------------------------------------


def meetings_visible_to(user: User) -> QuerySet[Meeting]:
    if not user_can(user, TaskforceCap.TASKFORCE_VIEW):
        return Meeting.objects.none()
    return (
        Meeting.objects.select_related("chair", "series")
        .annotate(invited_count=Count("attendances", distinct=True))
        .order_by("-starts_at", "-id")
    )


def upcoming_meetings(user: User, limit: int = 5) -> list[Meeting]:
    return list(
        meetings_visible_to(user)
        .filter(ends_at__gte=timezone.now(), status=Meeting.Status.PLANNED)
        .order_by("starts_at")[:limit]
    )


def meeting_detail(user: User, meeting_id: int) -> Meeting:
    """One meeting with its agenda, attendance, conclusions and their assignments."""
    qs = meetings_visible_to(user).prefetch_related(
        "agenda_items__presenter",
        Prefetch("attendances", queryset=Attendance.objects.select_related("member__organization")),
        Prefetch(
            "conclusions",
            queryset=Conclusion.objects.prefetch_related(
                Prefetch(
                    "assignments",
                    queryset=Assignment.objects.select_related("assignee_member", "assignee_organization"),
                )
            ),
        ),
    )
    try:
        return qs.get(pk=meeting_id)
    except Meeting.DoesNotExist as exc:
        raise Http404 from exc


def meetings_for_member(member: Member, since_days: int = 90) -> QuerySet[Meeting]:
    """The meetings a member is invited to, for the calendar feed."""
    since = timezone.now() - datetime.timedelta(days=since_days)
    return (
        Meeting.objects.filter(attendances__member=member, starts_at__gte=since)
        .select_related("chair")
        .prefetch_related("agenda_items")
        .order_by("starts_at")
    )


# --- Assignments ------------------------------------------------------------------------


def work_organization_ids(user: User) -> set[int] | None:
    """Organizations whose assignments the user works on (None: every organization)."""
    ids: set[int] = set()
    seat = seat_of(user)
    if seat is not None:
        ids.add(seat.organization_id)
    if user_has_role(user, Role.AGENCY_OFFICER, Role.DISTRICT_OFFICIAL):
        scoped = organization_ids_in_scope(user)
        if scoped is None:
            return None
        ids |= scoped
    return ids


def assignments_visible_to(user: User) -> QuerySet[Assignment]:
    qs = Assignment.objects.select_related(
        "assignee_member", "assignee_organization", "assigned_by", "conclusion__meeting", "proposal"
    )
    if user_can(user, TaskforceCap.TASKFORCE_VIEW_ALL_WORK):
        return qs
    if not user_can(user, TaskforceCap.ASSIGNMENT_WORK):
        return qs.none()
    orgs = work_organization_ids(user)
    if orgs is None:
        return qs
    return qs.filter(
        Q(assignee_member__user=user) | Q(assignee_organization_id__in=orgs) | Q(assigned_by__user=user)
    )


def assignment_detail(user: User, assignment_id: int) -> Assignment:
    qs = assignments_visible_to(user).prefetch_related(
        Prefetch("updates", queryset=AssignmentUpdate.objects.select_related("author"))
    )
    try:
        return qs.get(pk=assignment_id)
    except Assignment.DoesNotExist as exc:
        raise Http404 from exc


def my_assignments(user: User) -> QuerySet[Assignment]:
    """Open assignments given to the user's seat or organizations (not all they may see)."""
    orgs = work_organization_ids(user)
    mine = Q(assignee_member__user=user)
    if orgs:
        mine |= Q(assignee_organization_id__in=orgs)
    elif orgs is None and user_can(user, TaskforceCap.ASSIGNMENT_WORK):
        mine |= Q(assignee_organization__isnull=False)
    return assignments_visible_to(user).filter(mine, status__in=Assignment.OPEN_STATUSES)


def overdue_assignments(user: User) -> QuerySet[Assignment]:
    return assignments_visible_to(user).filter(status=Assignment.Status.OVERDUE)


def assignments_due_for_overdue(on: datetime.date) -> QuerySet[Assignment]:
    """Open assignments whose due date has passed and are not yet marked overdue."""
    return Assignment.objects.filter(
        status__in=[Assignment.Status.NEW, Assignment.Status.IN_PROGRESS], due_on__lt=on
    )


def assignments_to_remind(on: datetime.date) -> QuerySet[Assignment]:
    return Assignment.objects.filter(status=Assignment.Status.OVERDUE).exclude(last_reminded_on=on)


# --- Proposals --------------------------------------------------------------------------


def proposals_visible_to(user: User) -> QuerySet[Proposal]:
    qs = (
        Proposal.objects.select_related("submitted_by__organization", "decided_by")
        .annotate(assignment_count=Count("assignments"))
        .order_by("-submitted_at", "-id")
    )
    if user_can(user, TaskforceCap.TASKFORCE_VIEW_ALL_WORK):
        return qs
    if not user_can(user, TaskforceCap.TASKFORCE_PROPOSE):
        return qs.none()
    return qs.filter(submitted_by__user=user)


def proposal_detail(user: User, proposal_id: int) -> Proposal:
    qs = proposals_visible_to(user).prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("assignee_member", "assignee_organization"),
        )
    )
    try:
        return qs.get(pk=proposal_id)
    except Proposal.DoesNotExist as exc:
        raise Http404 from exc


def open_proposals(user: User) -> QuerySet[Proposal]:
    return proposals_visible_to(user).filter(status__in=[Proposal.Status.OPEN, Proposal.Status.NEEDS_INFO])


# --- Adoption ---------------------------------------------------------------------------


def period_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The reporting period (Monday to Sunday) that contains ``day``."""
    start = day - datetime.timedelta(days=day.weekday())
    return start, start + datetime.timedelta(days=6)


def platforms_visible_to(user: User) -> QuerySet[Platform]:
    if not (user_can(user, TaskforceCap.ADOPTION_VIEW) or user_can(user, TaskforceCap.ADOPTION_REPORT)):
        return Platform.objects.none()
    return Platform.objects.all()


def reporting_organizations() -> QuerySet[Organization]:
    """Organizations expected to report each period (kinds in ``TASKFORCE_REPORTING_KINDS``)."""
    return Organization.objects.filter(is_active=True, kind__in=settings.TASKFORCE_REPORTING_KINDS)


def usage_reports_visible_to(user: User) -> QuerySet[UsageReport]:
    qs = UsageReport.objects.select_related("organization", "submitted_by").prefetch_related("platforms_used")
    if user_can(user, TaskforceCap.ADOPTION_VIEW):
        return qs
    if not user_can(user, TaskforceCap.ADOPTION_REPORT):
        return qs.none()
    ids = organization_ids_in_scope(user)
    return qs if ids is None else qs.filter(organization_id__in=ids)


def organizations_reporting_for(user: User) -> QuerySet[Organization]:
    """The organizations a user may submit usage reports for."""
    if not user_can(user, TaskforceCap.ADOPTION_REPORT):
        return Organization.objects.none()
    ids = organization_ids_in_scope(user)
    qs = reporting_organizations()
    qs = qs.order_by(vi_order("name"), "id")
    return qs if ids is None else qs.filter(id__in=ids)


# Apps that measure use (the checkpoints app: registered points and scans per organization)
# register a source: ``fn(period_start, period_end) -> {organization_id: {name: number}}``.
MeasuredSource = Callable[[datetime.date, datetime.date], dict[int, dict[str, int]]]
MEASURED_SOURCES: list[MeasuredSource] = []


def register_measured_source(source: MeasuredSource) -> None:
    if source not in MEASURED_SOURCES:
        MEASURED_SOURCES.append(source)


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def adoption_summary(period_start: datetime.date) -> dict[str, Any]:
    """Adoption of the COVID software for the period containing ``period_start``.

    Not scoped: callers check ``adoption.view`` (the standing agency, the task force, the
    chairman). Returns::

        {
          "period_start": date, "period_end": date,
          "expected": int, "reported": int,            # organizations expected / reported
          "missing": [{"organization_id": int, "name": str}],
          "totals": {"staff_count", "staff_with_app", "checkpoints_registered",
                     "scans_in_period": int, "install_rate": float | None (percent)},
          "rows": [{"organization_id", "name", "kind", "reported": bool,
                    "report_id": int | None, "staff_count", "staff_with_app",
                    "checkpoints_registered", "scans_in_period": int | None,
                    "install_rate": float | None, "problems": str, "is_demo": bool,
                    "measured": {name: int}}],           # from MEASURED_SOURCES, may be {}
        }

    Rows are ordered by organization name; organizations that reported without being
    expected (e.g. a business) are included too.
    """
    start, end = period_bounds(period_start)
    reports = {
        r.organization_id: r
        for r in UsageReport.objects.filter(period_start=start).select_related("organization")
    }
    expected = list(reporting_organizations().order_by(vi_order("name"), "id"))
    expected_ids = {o.pk for o in expected}
    organizations = expected + sort_by_name(
        r.organization for oid, r in reports.items() if oid not in expected_ids
    )
    measured: dict[int, dict[str, int]] = {}
    for source in MEASURED_SOURCES:
        for oid, values in source(start, end).items():
            measured.setdefault(oid, {}).update(values)
    totals = {"staff_count": 0, "staff_with_app": 0, "checkpoints_registered": 0, "scans_in_period": 0}
    rows = []
    for org in organizations:
        report = reports.get(org.pk)
        row: dict[str, Any] = {
            "organization_id": org.pk,
            "name": org.name,
            "kind": org.kind,
            "reported": report is not None,
            "report_id": report.pk if report else None,
            "problems": report.problems if report else "",
            "is_demo": bool(report and report.is_demo),
            "measured": measured.get(org.pk, {}),
        }
        for name in totals:
            value = getattr(report, name) if report else None
            row[name] = value
            totals[name] += value or 0
        row["install_rate"] = _rate(report.staff_with_app, report.staff_count) if report else None
        rows.append(row)
    return {
        "period_start": start,
        "period_end": end,
        "expected": len(expected),
        "reported": sum(1 for o in expected if o.pk in reports),
        "missing": [{"organization_id": o.pk, "name": o.name} for o in expected if o.pk not in reports],
        "totals": {**totals, "install_rate": _rate(totals["staff_with_app"], totals["staff_count"])},
        "rows": rows,
    }


# --- Figures for the reports (system reads: the whole province) ----------------------------


def meetings_in_period(start: datetime.datetime, end: datetime.datetime) -> list[Any]:
    """Meetings starting in ``[start, end)``, each with ``n_conclusions`` (annotated)."""
    return list(
        Meeting.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .annotate(n_conclusions=Count("conclusions"))
        .order_by("starts_at")
    )


def assignment_figures(start: datetime.datetime, end: datetime.datetime) -> dict[str, Any]:
    """Assignments given and completed in ``[start, end)``; in progress and overdue now
    (``overdue``: the assignments themselves, by due date)."""
    assignments = Assignment.objects.select_related("assignee_member", "assignee_organization")
    return {
        "created": assignments.filter(created_at__gte=start, created_at__lt=end).count(),
        "done": assignments.filter(completed_at__gte=start, completed_at__lt=end).count(),
        "in_progress": assignments.filter(
            status__in=[Assignment.Status.NEW, Assignment.Status.IN_PROGRESS]
        ).count(),
        "overdue": list(assignments.filter(status=Assignment.Status.OVERDUE).order_by("due_on", "pk")),
    }


def proposals_in_period(start: datetime.datetime, end: datetime.datetime) -> list[Proposal]:
    """Proposals submitted or decided in ``[start, end)``, by submission time."""
    return list(
        Proposal.objects.filter(
            Q(submitted_at__gte=start, submitted_at__lt=end) | Q(decided_at__gte=start, decided_at__lt=end)
        )
        .select_related("submitted_by")
        .order_by("submitted_at")
    )


def proposals_pending(before: datetime.datetime) -> list[Proposal]:
    """Proposals submitted before ``before`` and not yet settled (open or waiting for information)."""
    return list(
        Proposal.objects.filter(
            status__in=[Proposal.Status.OPEN, Proposal.Status.NEEDS_INFO], submitted_at__lt=before
        )
        .select_related("submitted_by")
        .order_by("submitted_at")
    )


def usage_report_problems(period_start: datetime.date, period_end: datetime.date) -> list[UsageReport]:
    """Usage reports overlapping the period that name problems, by organization and week."""
    return list(
        UsageReport.objects.filter(period_start__lte=period_end, period_end__gte=period_start)
        .exclude(problems="")
        .select_related("organization")
        .order_by(vi_order("organization__name"), "period_start")
    )


def platform_adoption(period_start: datetime.date) -> dict[str, Any]:
    """Which platforms the agencies say they use, for the period containing ``period_start``
    (the boxes they tick on the weekly usage report).

    Not scoped: callers check ``adoption.view``. Returns::

        {
          "period_start": date, "period_end": date,
          "expected": int, "reported": int,     # organizations expected to report / that did
          "platforms": [{"platform_id", "code", "name", "scope": str,
                         "using": int,          # expected organizations that use it
                         "rate": float | None}],  # using / expected, percent
          "agencies": [{"organization_id": int, "name": str, "expected": bool,
                        "reported": bool, "platform_ids": [int],
                        "platforms": [str]}],  # names, in the platforms' order
        }

    Platforms: the active ones, plus an inactive one someone still ticked. Agencies: those
    expected to report, then those that reported without being expected (not counted in
    ``using``: the rate is over the agencies expected to report).
    """
    start, end = period_bounds(period_start)
    ticks: dict[int, set[int]] = {}
    reported: set[int] = set()
    for org_id, platform_id in UsageReport.objects.filter(period_start=start).values_list(
        "organization_id", "platforms_used"
    ):
        reported.add(org_id)
        if platform_id is not None:
            ticks.setdefault(org_id, set()).add(platform_id)
    ticked = set().union(*ticks.values()) if ticks else set()
    platforms = list(Platform.objects.filter(Q(is_active=True) | Q(pk__in=ticked)))
    expected = list(reporting_organizations())
    expected_ids = {o.pk for o in expected}
    others = list(Organization.objects.filter(pk__in=reported - expected_ids))
    agencies = []
    for org in [*sort_by_name(expected), *sort_by_name(others)]:
        used = ticks.get(org.pk, set())
        agencies.append(
            {
                "organization_id": org.pk,
                "name": org.name,
                "expected": org.pk in expected_ids,
                "reported": org.pk in reported,
                "platform_ids": [p.pk for p in platforms if p.pk in used],
                "platforms": [p.name for p in platforms if p.pk in used],
            }
        )
    rows = []
    for p in platforms:
        using = sum(1 for oid in expected_ids if p.pk in ticks.get(oid, ()))
        rows.append(
            {
                "platform_id": p.pk,
                "code": p.code,
                "name": p.name,
                "scope": p.scope,
                "using": using,
                "rate": _rate(using, len(expected)),
            }
        )
    return {
        "period_start": start,
        "period_end": end,
        "expected": len(expected),
        "reported": len(reported & expected_ids),
        "platforms": rows,
        "agencies": agencies,
    }
