"""Contact tracing: the case's visits, the co-present visitors, identities of those shown.

Tracing reads personal data: callers log what they show with ``core.audit.audit_read``.
"""

import datetime
from dataclasses import dataclass, field
from typing import Any, cast

from django.conf import settings
from django.db import connection
from django.db.models import BooleanField, F, Field, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import Http404

from checkpoints.capabilities import CheckpointCap
from checkpoints.models import CheckIn, Checkpoint
from core import selectors as core_selectors
from core.models import Person
from core.roles import user_can

User = Any


def tracing_scope(user: User) -> QuerySet[Checkpoint]:
    if not user_can(user, CheckpointCap.TRACE_CONTACTS):
        return Checkpoint.objects.none()
    return core_selectors.filter_by_unit_scope(Checkpoint.objects.all(), user, field="unit")


def case_candidates(user: User, *, id_number: str = "", phone: str = "") -> QuerySet[Person]:
    """People a tracer may pick as the confirmed case, by ID number or phone (hashed look-ups)."""
    from core.crypto import lookup_hashes

    if not user_can(user, CheckpointCap.TRACE_CONTACTS):
        return Person.objects.none()
    qs = _people_in_tracing_scope(user)
    if id_number.strip():
        return qs.filter(id_number_hash__in=lookup_hashes("id_number", id_number))
    if phone.strip():
        return qs.filter(phone_hash__in=lookup_hashes("phone", phone))
    return qs.none()


def case_candidates_by_ids(user: User, *, ids: list[int]) -> QuerySet[Person]:
    """The people a stored tracing search found (``case_candidates``), read again by id."""
    if not user_can(user, CheckpointCap.TRACE_CONTACTS):
        return Person.objects.none()
    return _people_in_tracing_scope(user).filter(pk__in=ids).order_by("pk")


def _people_in_tracing_scope(user: User) -> QuerySet[Person]:
    """People a tracer may see as a case: anyone for a province-wide tracer; otherwise those
    with an address in the tracer's units or a check-in at a checkpoint in them. Anyone else
    is answered as "not found" (the look-up must not confirm who exists elsewhere)."""
    qs = Person.objects.filter(merged_into__isnull=True)
    units = core_selectors.unit_ids_in_scope(user)
    if units is None:
        return qs
    visited = CheckIn.objects.filter(checkpoint__in=tracing_scope(user)).values("person_id")
    return qs.filter(Q(address_unit_id__in=units) | Q(pk__in=visited))


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

    @property
    def contact_count(self) -> int:
        """People co-present (a person with several visits or rows counts once)."""
        return len({c["person_id"] for c in self.contacts})

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
    if not user_can(user, CheckpointCap.TRACE_CONTACTS):
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
