"""Reads of checkpoints and check-ins, scoped to the user.

Scope: an official sees the checkpoints of the organizations in their scope and those located
in their units; an operator sees the checkpoints they operate. Tracing reads personal data:
callers log what they show with ``core.audit.audit_read``.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, Count, Exists, F, Field, OuterRef, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.db.models.functions import TruncDate
from django.http import Http404
from django.utils import timezone

from checkpoints.models import CheckIn, CheckinDailyStat, Checkpoint, RevokedQrCode
from core import selectors as core_selectors
from core.masking import mask_name, mask_phone
from core.models import Person
from core.roles import Cap, Role, user_can, user_has_role

User = Any


class RevokedCode(Exception):
    """The QR code was valid once and has been revoked."""


# --- Checkpoints --------------------------------------------------------------------------


def _in_scope(qs: QuerySet[Checkpoint], user: User) -> QuerySet[Checkpoint]:
    units = core_selectors.unit_ids_in_scope(user)
    if units is None:
        return qs
    organizations = core_selectors.organization_ids_in_scope(user) or set()
    return qs.filter(
        Q(unit_id__in=units) | Q(organization_id__in=organizations) | Q(operators=user)
    ).distinct()


def checkpoints_visible_to(user: User) -> QuerySet[Checkpoint]:
    qs = Checkpoint.objects.select_related("organization", "unit")
    if user_can(user, Cap.VIEW_CHECKPOINTS):
        return _in_scope(qs, user)
    if user_can(user, Cap.OPERATE_CHECKPOINTS):
        return qs.filter(operators=user)
    return qs.none()


def checkpoints_manageable_by(user: User) -> QuerySet[Checkpoint]:
    """Checkpoints whose QR code and operators the user may manage (the owner's officers)."""
    if not user_can(user, Cap.REGISTER_CHECKPOINTS):
        return Checkpoint.objects.none()
    return core_selectors.filter_by_organization_scope(
        Checkpoint.objects.select_related("organization", "unit"), user, field="organization"
    )


def checkpoints_approvable_by(user: User) -> QuerySet[Checkpoint]:
    """District officials approve in their units; the standing agency (secretariat) anywhere."""
    if not user_can(user, Cap.APPROVE_CHECKPOINTS):
        return Checkpoint.objects.none()
    qs = Checkpoint.objects.select_related("organization", "unit")
    if user.is_superuser or user_has_role(user, Role.SECRETARIAT):
        return qs
    return core_selectors.filter_by_unit_scope(qs, user, field="unit")


def checkpoints_operated_by(user: User) -> QuerySet[Checkpoint]:
    if user.is_authenticated and user.is_superuser:
        return Checkpoint.objects.filter(status=Checkpoint.Status.APPROVED)
    if not user_can(user, Cap.OPERATE_CHECKPOINTS):
        return Checkpoint.objects.none()
    return Checkpoint.objects.filter(operators=user, status=Checkpoint.Status.APPROVED)


def access_checkpoint(user: User, pk: int, queryset: QuerySet[Checkpoint] | None = None) -> Checkpoint:
    """One checkpoint from ``queryset`` (default: visible ones), or 404 (do not confirm it exists)."""
    qs = checkpoints_visible_to(user) if queryset is None else queryset
    try:
        return qs.get(pk=pk)
    except Checkpoint.DoesNotExist as exc:
        raise Http404 from exc


def checkpoint_by_token(token: str) -> Checkpoint:
    """The approved checkpoint a QR code opens. Raises RevokedCode or Checkpoint.DoesNotExist."""
    checkpoint = Checkpoint.objects.select_related("organization").filter(qr_token=token).first()
    if checkpoint is None:
        if RevokedQrCode.objects.filter(token=token).exists():
            raise RevokedCode
        raise Checkpoint.DoesNotExist
    if checkpoint.status != Checkpoint.Status.APPROVED:
        raise Checkpoint.DoesNotExist
    return checkpoint


def checkpoint_operator_candidates(checkpoint: Checkpoint) -> QuerySet[Any]:
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(groups__name=Role.CHECKPOINT_OPERATOR, is_active=True)
        .order_by("username")
    )


# --- Check-ins ----------------------------------------------------------------------------


def checkins_of_submission(submission: Any) -> list[CheckIn]:
    return list(
        CheckIn.objects.filter(submission=submission)
        .select_related("checkpoint", "person")
        .order_by("position")
    )


@dataclass
class MaskedCheckin:
    id: int
    checked_in_at: datetime.datetime
    checked_out_at: datetime.datetime
    checkout_method: str
    method: str
    risk: str
    name: str
    phone: str

    def get_checkout_method_display(self) -> str:
        return str(CheckIn.Checkout(self.checkout_method).label)

    def get_method_display(self) -> str:
        return str(CheckIn.Method(self.method).label)

    @property
    def flagged(self) -> bool:
        return self.risk != "none"


def checkins_masked(checkpoint: Checkpoint, *, limit: int = 50) -> list[MaskedCheckin]:
    """The latest check-ins at a checkpoint as its operators see them: masked identities."""
    rows = (
        CheckIn.objects.filter(checkpoint=checkpoint)
        .select_related("person")
        .only(
            "id",
            "checked_in_at",
            "checked_out_at",
            "checkout_method",
            "method",
            "risk",
            "person__full_name",
            "person__phone",
        )
        .order_by("-checked_in_at", "-id")[:limit]
    )
    return [
        MaskedCheckin(
            id=c.pk,
            checked_in_at=c.checked_in_at,
            checked_out_at=c.checked_out_at,
            checkout_method=c.checkout_method,
            method=c.method,
            risk=c.risk,
            name=mask_name(c.person.full_name),
            phone=mask_phone(c.person.phone),
        )
        for c in rows
    ]


# --- Contact tracing ----------------------------------------------------------------------


def tracing_scope(user: User) -> QuerySet[Checkpoint]:
    if not user_can(user, Cap.TRACE_CONTACTS):
        return Checkpoint.objects.none()
    return core_selectors.filter_by_unit_scope(Checkpoint.objects.all(), user, field="unit")


def case_candidates(user: User, *, id_number: str = "", phone: str = "") -> QuerySet[Person]:
    """People a tracer may pick as the confirmed case, by ID number or phone (hashed look-ups)."""
    from core.crypto import lookup_hash

    if not user_can(user, Cap.TRACE_CONTACTS):
        return Person.objects.none()
    qs = Person.objects.filter(merged_into__isnull=True)
    if id_number.strip():
        return qs.filter(id_number_hash=lookup_hash("id_number", id_number))
    if phone.strip():
        return qs.filter(phone_hash=lookup_hash("phone", phone))
    return qs.none()


VISIT_FIELDS = (
    "id",
    "person_id",
    "person__full_name",
    "person__birth_year",
    "checkpoint_id",
    "checkpoint__name",
    "method",
    "risk",
    "checked_in_at",
    "checked_out_at",
    "checkout_method",
)


@dataclass
class TraceResult:
    visits: list[dict[str, Any]]
    contacts: list[dict[str, Any]]
    min_overlap: int
    truncated: bool = False
    identities: dict[int, dict[str, str]] = field(default_factory=dict)

    def person_ids(self) -> list[int]:
        ids = {v["person_id"] for v in self.visits} | {c["person_id"] for c in self.contacts}
        return sorted(ids)


def trace_visits(
    user: User, *, person_id: int, start: datetime.datetime, end: datetime.datetime
) -> list[dict]:
    """The case's check-ins overlapping the infectious period, in the user's scope."""
    return list(
        CheckIn.objects.filter(
            person_id=person_id,
            checked_in_at__lt=end,
            checked_in_at__gte=start - datetime.timedelta(hours=settings.CHECKIN_MAX_HOURS),
            checked_out_at__gt=start,
            checkpoint__in=tracing_scope(user),
        )
        .order_by("checked_in_at")
        .values(*VISIT_FIELDS)
    )


def _overlap_windows(visits: list[dict[str, Any]], n: datetime.timedelta) -> dict[int, list[dict[str, Any]]]:
    """The case's visits long enough to overlap anyone by ``n``, by checkpoint."""
    windows: dict[int, list[dict[str, Any]]] = {}
    for v in visits:
        if v["checked_out_at"] >= v["checked_in_at"] + n:
            windows.setdefault(v["checkpoint_id"], []).append(v)
    return windows


def _present_during(
    windows: list[dict[str, Any]], n: datetime.timedelta, longest: datetime.timedelta
) -> RawSQL:
    """``b.checkpoint = a.checkpoint AND a.in − longest ≤ b.in ≤ a.out − N AND b.out ≥ a.in + N``
    for each visit ``a``, OR-ed. Written as one SQL fragment: as ``Q`` objects (four lookups per
    visit) building and compiling the query cost more than a third of running it (measured with
    bench/tracing.py: ORM 1.35× the raw SQL at p50, 9 ms of it building)."""
    ops = connection.ops
    table = ops.quote_name(CheckIn._meta.db_table)

    def col(name: str) -> str:
        field = cast(Field, CheckIn._meta.get_field(name))
        return f"{table}.{ops.quote_name(cast(str, field.column))}"

    one = (
        f"({col('checkpoint')} = %s AND {col('checked_in_at')} >= %s AND {col('checked_in_at')} <= %s "
        f"AND {col('checked_out_at')} >= %s)"
    )
    params: list[Any] = []
    for v in sorted(windows, key=lambda v: (v["checked_in_at"], v["id"])):
        params += [
            v["checkpoint_id"],
            ops.adapt_datetimefield_value(v["checked_in_at"] - longest),
            ops.adapt_datetimefield_value(v["checked_out_at"] - n),
            ops.adapt_datetimefield_value(v["checked_in_at"] + n),
        ]
    # Only column names and placeholders are formatted in; every value is a parameter.
    return RawSQL(" OR ".join([one] * len(windows)), params, output_field=BooleanField())  # noqa: S611


def trace_contacts_queryset(
    user: User,
    *,
    person_id: int,
    start: datetime.datetime,
    end: datetime.datetime,
    min_overlap: int,
    visits: list[dict[str, Any]] | None = None,
) -> QuerySet[CheckIn]:
    """Check-ins present at a checkpoint with one of the case's visits for at least
    ``min_overlap`` minutes (``trace_case`` pairs each with the visit(s) it overlaps).

    ``visits``: the case's visits as ``trace_visits`` returns them (fetched when not given).
    One SQL query over ``checkpoints_checkin``: one constant range of the
    (checkpoint, checked_in_at, checked_out_at) index per visit, OR-ed. Overlap ≥ N ⇔ every
    pairwise "out − in" ≥ N, so per visit ``a`` the test needs no date arithmetic on two rows:
    ``b.in ≤ a.out − N``, ``b.out ≥ a.in + N``, ``b.out ≥ b.in + N`` (and ``a.out ≥ a.in + N``,
    checked here); ``b.in`` is bounded below by the longest visit (``_present_during``).
    Constant bounds, not a join to the case's check-ins: with the join, PostgreSQL's planner
    walked every check-in of each visited checkpoint (2 s over 10 million rows, see
    docs/benchmarks.md).
    """
    if not user_can(user, Cap.TRACE_CONTACTS):
        return CheckIn.objects.none()
    n = datetime.timedelta(minutes=min_overlap)
    longest = datetime.timedelta(hours=settings.CHECKIN_MAX_HOURS)
    if visits is None:
        visits = trace_visits(user, person_id=person_id, start=start, end=end)
    windows = [v for per_checkpoint in _overlap_windows(visits, n).values() for v in per_checkpoint]
    if not windows:
        return CheckIn.objects.none()
    qs = (
        CheckIn.objects.filter(_present_during(windows, n, longest))
        .filter(checked_out_at__gte=F("checked_in_at") + n)
        .exclude(person_id=person_id)
    )
    units = core_selectors.unit_ids_in_scope(user)
    if units is not None:
        qs = qs.filter(checkpoint__unit_id__in=units)
    return qs.order_by("checked_in_at", "id")


def _overlap_minutes(row: dict[str, Any]) -> int:
    lo = max(row["checked_in_at"], row["case_in"])
    hi = min(row["checked_out_at"], row["case_out"])
    return int((hi - lo).total_seconds() // 60)


def _pair_with_visits(
    contacts: list[dict[str, Any]], visits: list[dict[str, Any]], n: datetime.timedelta
) -> list[dict[str, Any]]:
    """One row per (contact, case visit) overlapping by ``n`` or more, as the query's OR-ed
    conditions select them: ``case_checkin_id``, ``case_in``, ``case_out``, ``overlap_minutes``."""
    longest = datetime.timedelta(hours=settings.CHECKIN_MAX_HOURS)
    windows = _overlap_windows(visits, n)
    rows: list[dict[str, Any]] = []
    for c in contacts:
        for v in windows.get(c["checkpoint_id"], ()):
            if (
                v["checked_in_at"] - longest <= c["checked_in_at"] <= v["checked_out_at"] - n
                and c["checked_out_at"] >= v["checked_in_at"] + n
            ):
                row = {
                    **c,
                    "case_checkin_id": v["id"],
                    "case_in": v["checked_in_at"],
                    "case_out": v["checked_out_at"],
                }
                row["overlap_minutes"] = _overlap_minutes(row)
                rows.append(row)
    return rows


def trace_case(
    user: User,
    *,
    person_id: int,
    start: datetime.datetime,
    end: datetime.datetime,
    min_overlap: int | None = None,
    limit: int = 5000,
) -> TraceResult:
    """The case's visits and the co-present visitors (without decrypting anything): one row per
    contact and case visit they overlap, ordered by the contact's arrival."""
    min_overlap = settings.TRACING_MIN_OVERLAP_MINUTES if min_overlap is None else min_overlap
    visits = trace_visits(user, person_id=person_id, start=start, end=end)
    contacts: list[dict[str, Any]] = []
    if visits:
        qs = trace_contacts_queryset(
            user, person_id=person_id, start=start, end=end, min_overlap=min_overlap, visits=visits
        )
        found = list(qs.values(*VISIT_FIELDS)[: limit + 1])
        contacts = _pair_with_visits(found, visits, datetime.timedelta(minutes=min_overlap))
    return TraceResult(
        visits=visits, contacts=contacts[:limit], min_overlap=min_overlap, truncated=len(contacts) > limit
    )


def trace_checkpoint(
    user: User, *, checkpoint: Checkpoint, start: datetime.datetime, end: datetime.datetime, limit: int = 5000
) -> TraceResult:
    """Everyone at one checkpoint during a time window."""
    if not tracing_scope(user).filter(pk=checkpoint.pk).exists():
        raise Http404
    rows = list(
        CheckIn.objects.filter(
            checkpoint=checkpoint,
            checked_in_at__lt=end,
            checked_in_at__gte=start - datetime.timedelta(hours=settings.CHECKIN_MAX_HOURS),
            checked_out_at__gt=start,
        )
        .order_by("checked_in_at", "id")
        .values(*VISIT_FIELDS)[: limit + 1]
    )
    return TraceResult(visits=[], contacts=rows[:limit], min_overlap=0, truncated=len(rows) > limit)


def identities_for(person_ids: list[int]) -> dict[int, dict[str, str]]:
    """Decrypts the ID and phone numbers of the people shown, and only theirs."""
    people = Person.objects.filter(pk__in=person_ids).only(
        "id", "full_name", "phone", "id_number", "birth_year"
    )
    return {
        p.pk: {
            "full_name": p.full_name,
            "phone": p.phone,
            "id_number": p.id_number,
            "birth_year": str(p.birth_year or ""),
        }
        for p in people
    }


# --- Statistics and adoption ----------------------------------------------------------------


def local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def retention_cutoff(now: datetime.datetime | None = None, days: int | None = None) -> datetime.datetime:
    """Check-ins before this instant (a local midnight) are past retention."""
    now = now or timezone.now()
    days = settings.CHECKIN_RETENTION_DAYS if days is None else days
    return local_midnight(timezone.localdate(now) - datetime.timedelta(days=days))


def _live_stats(start: datetime.datetime, end: datetime.datetime, checkpoint_ids: Any = None) -> QuerySet:
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

    Days past retention come from ``CheckinDailyStat`` (rolled up before the purge); later days
    are counted live. Rows: checkpoint_id, day, total, self_scanned, staff_scanned, paper,
    flagged. ``user=None`` means the system (the task force's adoption figures, weekly report).
    """
    checkpoint_ids = None if user is None else checkpoints_visible_to(user).values("id")
    cutoff_day = timezone.localdate(retention_cutoff())
    rows: list[dict[str, Any]] = []
    if date_from < cutoff_day:
        stats = CheckinDailyStat.objects.filter(
            day__gte=date_from, day__lte=min(date_to, cutoff_day - datetime.timedelta(days=1))
        )
        if checkpoint_ids is not None:
            stats = stats.filter(checkpoint_id__in=checkpoint_ids)
        rows += [
            dict(row)
            for row in stats.order_by("day", "checkpoint_id").values(
                "checkpoint_id", "day", "total", "self_scanned", "staff_scanned", "paper", "flagged"
            )
        ]
    live_from = max(date_from, cutoff_day)
    if live_from <= date_to:
        rows += list(
            _live_stats(
                local_midnight(live_from),
                local_midnight(date_to + datetime.timedelta(days=1)),
                checkpoint_ids,
            )
        )
    return rows


SCAN_COUNTS = ("total", "self_scanned", "staff_scanned", "paper", "flagged")


def checkin_totals(*, date_from: datetime.date, date_to: datetime.date) -> dict[int, dict[str, int]]:
    """Check-ins per checkpoint over local days ``date_from``..``date_to`` inclusive: the same
    counts as ``checkin_stats`` summed over the days, in one grouped query per source (rolled-up
    days past retention, live days after), without grouping by day."""
    cutoff_day = timezone.localdate(retention_cutoff())
    totals: dict[int, dict[str, int]] = {}

    def add(rows: Any) -> None:
        for row in rows:
            bucket = totals.setdefault(row["checkpoint_id"], dict.fromkeys(SCAN_COUNTS, 0))
            for key in SCAN_COUNTS:
                bucket[key] += row[key] or 0

    if date_from < cutoff_day:
        add(
            CheckinDailyStat.objects.filter(
                day__gte=date_from, day__lte=min(date_to, cutoff_day - datetime.timedelta(days=1))
            )
            .values("checkpoint_id")
            .annotate(**{key: Sum(key) for key in SCAN_COUNTS})
            .order_by()
        )
    live_from = max(date_from, cutoff_day)
    if live_from <= date_to:
        add(
            CheckIn.objects.filter(
                checked_in_at__gte=local_midnight(live_from),
                checked_in_at__lt=local_midnight(date_to + datetime.timedelta(days=1)),
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
