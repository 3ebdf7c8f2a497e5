"""Check-in counts (folded days from the daily roll-up, live days after), silent checkpoints,
adoption figures."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from checkpoints.models import CheckIn, CheckinDailyStat, Checkpoint
from checkpoints.retention import CHECKIN_ROLLUP, local_midnight
from checkpoints.selectors.checkpoints import checkpoints_visible_to
from core import rollups

User = Any


def live_stats(start: datetime.datetime, end: datetime.datetime, checkpoint_ids: Any = None) -> QuerySet:
    """Check-ins counted from the live table per checkpoint and local day in ``[start, end)``
    (the rows ``checkin_stats`` returns; the roll-up stores them as ``CheckinDailyStat``)."""
    qs = CheckIn.objects.filter(checked_in_at__gte=start, checked_in_at__lt=end)
    if checkpoint_ids is not None:
        qs = qs.filter(checkpoint_id__in=checkpoint_ids)
    return (
        qs.annotate(day=TruncDate("checked_in_at", tzinfo=timezone.get_current_timezone()))
        .values("checkpoint_id", "day")
        .annotate(
            total=Count("id"),
            self_scanned=Count("id", filter=Q(method=CheckIn.Method.SELF)),
            staff_scanned=Count("id", filter=Q(method=CheckIn.Method.STAFF)),
            paper=Count("id", filter=Q(method=CheckIn.Method.PAPER)),
            flagged=Count("id", filter=~Q(risk="none")),
        )
        .order_by("day", "checkpoint_id")
    )


def checkin_stats(
    *, user: User | None, date_from: datetime.date, date_to: datetime.date
) -> list[dict[str, Any]]:
    """Check-ins per checkpoint and local day, ``date_from``..``date_to`` inclusive.

    Days the roll-up has folded in (``core.rollups``: every finished day, and every day past
    retention) come from ``CheckinDailyStat``; later days are counted live, so each day is
    counted once at every moment. Rows: checkpoint_id, day, total, self_scanned, staff_scanned, paper,
    flagged. ``user=None`` means the system (the task force's adoption figures, weekly report).
    """
    checkpoint_ids = None if user is None else checkpoints_visible_to(user).values("id")
    folded, live = rollups.split(CHECKIN_ROLLUP, date_from, date_to)
    rows: list[dict[str, Any]] = []
    if folded:
        stats = CheckinDailyStat.objects.filter(day__gte=folded[0], day__lte=folded[1])
        if checkpoint_ids is not None:
            stats = stats.filter(checkpoint_id__in=checkpoint_ids)
        rows += [
            dict(row)
            for row in stats.order_by("day", "checkpoint_id").values(
                "checkpoint_id", "day", "total", "self_scanned", "staff_scanned", "paper", "flagged"
            )
        ]
    if live:
        rows += list(
            live_stats(
                local_midnight(live[0]),
                local_midnight(live[1] + datetime.timedelta(days=1)),
                checkpoint_ids,
            )
        )
    return rows


def checkin_folded_until() -> datetime.date | None:
    """The check-in roll-up's watermark: every local day before it is read from the aggregate
    (``checkin_stats``); None: nothing folded yet. Readers that keep figures of folded days
    (the public dashboard) recount only from it."""
    return rollups.folded_until(CHECKIN_ROLLUP)


def checkin_rollup_state() -> tuple[datetime.date | None, datetime.datetime | None]:
    """The check-in roll-up's watermark and when a fold last moved it (``core.rollups.state``)."""
    return rollups.state(CHECKIN_ROLLUP)


SCAN_COUNTS = ("total", "self_scanned", "staff_scanned", "paper", "flagged")


def checkin_totals(*, date_from: datetime.date, date_to: datetime.date) -> dict[int, dict[str, int]]:
    """Check-ins per checkpoint over local days ``date_from``..``date_to`` inclusive: the same
    counts as ``checkin_stats`` summed over the days, in one grouped query per source (folded
    days, live days after them), without grouping by day."""
    folded, live = rollups.split(CHECKIN_ROLLUP, date_from, date_to)
    totals: dict[int, dict[str, int]] = {}

    def add(rows: Any) -> None:
        for row in rows:
            bucket = totals.setdefault(row["checkpoint_id"], dict.fromkeys(SCAN_COUNTS, 0))
            for key in SCAN_COUNTS:
                bucket[key] += row[key] or 0

    if folded:
        add(
            CheckinDailyStat.objects.filter(day__gte=folded[0], day__lte=folded[1])
            .values("checkpoint_id")
            .annotate(**{key: Sum(key) for key in SCAN_COUNTS})
            .order_by()
        )
    if live:
        add(
            CheckIn.objects.filter(
                checked_in_at__gte=local_midnight(live[0]),
                checked_in_at__lt=local_midnight(live[1] + datetime.timedelta(days=1)),
            )
            .values("checkpoint_id")
            .annotate(
                total=Count("id"),
                self_scanned=Count("id", filter=Q(method=CheckIn.Method.SELF)),
                staff_scanned=Count("id", filter=Q(method=CheckIn.Method.STAFF)),
                paper=Count("id", filter=Q(method=CheckIn.Method.PAPER)),
                flagged=Count("id", filter=~Q(risk="none")),
            )
            .order_by()
        )
    return totals


def silent_checkpoints(
    *, now: datetime.datetime | None = None, days: int | None = None
) -> QuerySet[Checkpoint]:
    """Approved checkpoints (approved more than N days ago) with no check-in in the last N days."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=settings.SILENT_CHECKPOINT_DAYS if days is None else days)
    recent = CheckIn.objects.filter(checkpoint=OuterRef("pk"), checked_in_at__gte=since)
    return (
        Checkpoint.objects.filter(status=Checkpoint.Status.APPROVED, decided_at__lt=since)
        .exclude(Exists(recent))
        .select_related("organization", "unit")
    )


def silent_checkpoints_named(
    *, user: User | None, now: datetime.datetime | None = None, among: Iterable[int] | None = None
) -> list[dict[str, Any]]:
    """Silent checkpoints with what officials need to act (the weekly report, the list page):
    id, name, organization, organization_reachable (has a contact email: the daily reminder
    reaches it), unit, last_scan (the last check-in still kept) and last_day (the last day with
    a check-in in the daily roll-up, when the check-ins are past retention); None: never.
    ``user=None`` means the system."""
    qs = silent_checkpoints(now=now)
    if user is not None:
        qs = qs.filter(pk__in=checkpoints_visible_to(user).values("id"))
    if among is not None:
        qs = qs.filter(pk__in=list(among))
    last_scan = CheckIn.objects.filter(checkpoint=OuterRef("pk")).order_by("-checked_in_at")
    last_day = CheckinDailyStat.objects.filter(checkpoint=OuterRef("pk"), total__gt=0).order_by("-day")
    rows = qs.annotate(
        last_scan=Subquery(last_scan.values("checked_in_at")[:1]),
        last_day=Subquery(last_day.values("day")[:1]),
    ).order_by("organization__name", "name", "id")
    return [
        {
            "id": c.pk,
            "name": c.name,
            "organization": c.organization.name,
            "organization_reachable": bool(c.organization.contact_email),
            "unit": c.unit.name,
            "last_scan": c.last_scan,
            "last_day": c.last_day,
        }
        for c in rows
    ]


def adoption_figures(*, now: datetime.datetime | None = None, days: int | None = None) -> dict[str, int]:
    """Numbers for the task force's adoption table (docs/domain.md §3: registered vs. scanning)."""
    now = now or timezone.now()
    counts = Checkpoint.objects.aggregate(
        registered=Count("id"),
        approved=Count("id", filter=Q(status=Checkpoint.Status.APPROVED)),
        pending=Count("id", filter=Q(status=Checkpoint.Status.PENDING)),
    )
    silent = silent_checkpoints(now=now, days=days).count()
    return {**counts, "silent": silent, "active": counts["approved"] - silent}


def measured_by_organization(start: datetime.date, end: datetime.date) -> dict[int, dict[str, int]]:
    """What the portal itself measured per organization for a usage-report period: approved
    checkpoints registered by the period's end, and check-ins during it. Fed to the task
    force's adoption summary beside what each agency reported (taskforce.selectors)."""
    end_dt = local_midnight(end + datetime.timedelta(days=1))
    measured: dict[int, dict[str, int]] = {}
    approved = (
        Checkpoint.objects.filter(status=Checkpoint.Status.APPROVED, registered_at__lt=end_dt)
        .values("organization_id")
        .annotate(n=Count("id"))
    )
    for row in approved:
        measured.setdefault(row["organization_id"], {"checkpoints": 0, "scans": 0})["checkpoints"] = row["n"]
    org_of = dict(Checkpoint.objects.values_list("id", "organization_id"))
    for checkpoint_id, counts in checkin_totals(date_from=start, date_to=end).items():
        org_id = org_of.get(checkpoint_id)
        if org_id is not None:
            measured.setdefault(org_id, {"checkpoints": 0, "scans": 0})["scans"] += counts["total"]
    return measured


def checkpoints_registered_before(end: datetime.datetime) -> list[dict[str, Any]]:
    """Every checkpoint registered before ``end``, as the reports need it (system read): id,
    unit_id, organization_id, organization__name, status, decided_at, approved (status)."""
    rows: list[dict[str, Any]] = [
        dict(row)
        for row in Checkpoint.objects.filter(registered_at__lt=end).values(
            "id", "unit_id", "organization_id", "organization__name", "status", "decided_at"
        )
    ]
    for row in rows:
        row["approved"] = row["status"] == Checkpoint.Status.APPROVED
    return rows


def silent_checkpoint_ids(*, now: datetime.datetime, among: Iterable[int]) -> set[int]:
    """Which of ``among`` were silent at ``now`` (see ``silent_checkpoints``)."""
    return set(silent_checkpoints(now=now).filter(pk__in=list(among)).values_list("pk", flat=True))
