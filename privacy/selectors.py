"""Reads of the privacy app, scoped to the user.

The access report aggregates the audit log in the database (one grouped query for the month);
the export of a person's data walks every relation to ``core.Person`` the way the merge does
(``core.services.merge.person_references``), so a new app's records are exported without being
listed here."""

import datetime
import statistics
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import serializers
from django.db.models import Case, Count, F, Func, IntegerField, QuerySet, Sum, Value, When

from core import selectors as core_selectors
from core.crypto import lookup_hashes
from core.models import AuditLog, Person
from core.retention import local_midnight
from core.roles import user_can
from core.services.merge import person_references
from privacy.capabilities import PrivacyCap
from privacy.models import AccessReport, SubjectRequest

# --- who may see what -----------------------------------------------------------------------


def _province_wide_holder(user: Any, capability: str) -> bool:
    """The privacy pages cover the whole province: only a holder scoped province-wide (or a
    superuser) sees them; the role given with a district scope sees nothing."""
    return user_can(user, capability) and core_selectors.is_unrestricted(user)


def access_reports_visible_to(user: Any) -> QuerySet[AccessReport]:
    if not _province_wide_holder(user, PrivacyCap.ACCESS_REPORT):
        return AccessReport.objects.none()
    return AccessReport.objects.all()


def subject_requests_visible_to(user: Any) -> QuerySet[SubjectRequest]:
    if not _province_wide_holder(user, PrivacyCap.SUBJECT_REQUESTS):
        return SubjectRequest.objects.none()
    return SubjectRequest.objects.select_related("recorded_by", "handled_by")


def person_for_request(user: Any, *, id_number: str = "", phone: str = "") -> QuerySet[Person]:
    """The people a request may be about, found by exact ID or phone (hashed look-ups, both key
    versions during a rotation); tombstones of merged people excluded."""
    if not _province_wide_holder(user, PrivacyCap.SUBJECT_REQUESTS):
        return Person.objects.none()
    people = Person.objects.filter(merged_into__isnull=True)
    if id_number.strip():
        return people.filter(id_number_hash__in=lookup_hashes("id_number", id_number))
    if phone.strip():
        return people.filter(phone_hash__in=lookup_hashes("phone", phone))
    return people.none()


# --- the access report ----------------------------------------------------------------------


def month_bounds(month: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Local midnight (Asia/Ho_Chi_Minh) of the month's first day and of the next month's."""
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return local_midnight(first), local_midnight(following)


class JsonArrayLength(Func):
    """The number of ids an audit row names (``target_ids``), in the database."""

    function = "jsonb_array_length"
    output_field = IntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, function="json_array_length", **extra)


def _reads(start: datetime.datetime, end: datetime.datetime) -> QuerySet[AuditLog]:
    """Officials' reads of personal data (``audit_read`` rows) in [start, end)."""
    return AuditLog.objects.filter(at__gte=start, at__lt=end, action__endswith=".read", actor__isnull=False)


# Records a read row covers: the ids it names ("none": a search that found nothing).
RECORDS = Case(
    When(target_id="none", then=Value(0)),
    When(target_id="", then=JsonArrayLength("target_ids")),
    default=Value(1),
    output_field=IntegerField(),
)


def access_rows(start: datetime.datetime, end: datetime.datetime) -> list[dict[str, Any]]:
    """Per official, kind of record and purpose: reads and records read (grouped in the database)."""
    rows = (
        _reads(start, end)
        .values("actor_id", "target_type", "reason")
        .annotate(username=F("actor__username"), reads=Count("id"), records=Sum(RECORDS))
        .order_by("username", "target_type", "reason")
    )
    return [
        {
            "user_id": r["actor_id"],
            "username": r["username"],
            "target_type": r["target_type"],
            "purpose": r["reason"],
            "reads": r["reads"],
            "records": int(r["records"] or 0),
        }
        for r in rows
    ]


def _roles_of(user_ids: set[int]) -> dict[int, list[str]]:
    User = get_user_model()
    roles: dict[int, list[str]] = defaultdict(list)
    for user_id, role in User.groups.through.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "group__name"
    ):
        roles[user_id].append(role)
    for user_id in User.objects.filter(pk__in=user_ids, is_superuser=True).values_list("pk", flat=True):
        roles[user_id].append("superuser")
    return {user_id: sorted(names) for user_id, names in roles.items()}


def flag_officials(rows: list[dict[str, Any]], factor: float, min_records: int) -> list[dict[str, Any]]:
    """Totals per official and the flag: records read above ``factor`` × the median of the other
    officials holding one of the same roles (who read anything in the period), and at least
    ``min_records``. An official with no peer in any role is compared with nobody (not flagged,
    and the report says so)."""
    totals: dict[int, dict[str, Any]] = {}
    for row in rows:
        entry = totals.setdefault(
            row["user_id"], {"user_id": row["user_id"], "username": row["username"], "reads": 0, "records": 0}
        )
        entry["reads"] += row["reads"]
        entry["records"] += row["records"]
    roles = _roles_of(set(totals))
    by_role: dict[str, list[int]] = defaultdict(list)
    for user_id in totals:
        for role in roles.get(user_id, ["—"]):
            by_role[role].append(user_id)
    officials = []
    for user_id, entry in totals.items():
        medians = {}
        for role in roles.get(user_id, ["—"]):
            peers = [totals[u]["records"] for u in by_role[role] if u != user_id]
            if peers:
                medians[role] = statistics.median(peers)
        flagged = (
            [role for role, median in medians.items() if entry["records"] > factor * median]
            if entry["records"] >= min_records
            else []
        )
        officials.append(
            {
                **entry,
                "roles": roles.get(user_id, []),
                "peer_medians": medians,
                "flagged_in": flagged,
                "flagged": bool(flagged),
            }
        )
    return sorted(officials, key=lambda o: (not o["flagged"], -o["records"], o["username"]))


def access_report_data(month: datetime.date) -> dict[str, Any]:
    """What the report of ``month`` holds (read by the service that freezes it)."""
    start, end = month_bounds(month)
    rows = access_rows(start, end)
    factor, min_records = settings.ACCESS_REPORT_OUTLIER_FACTOR, settings.ACCESS_REPORT_MIN_RECORDS
    officials = flag_officials(rows, factor, min_records)
    return {
        "rule": {"factor": factor, "min_records": min_records},
        "rows": rows,
        "officials": officials,
        "flagged": sum(o["flagged"] for o in officials),
    }


def access_read_details(start: datetime.datetime, end: datetime.datetime) -> QuerySet[AuditLog]:
    """Every read row of the period, for the detailed export (who read which records, when, why)."""
    return _reads(start, end).select_related("actor").order_by("at", "id")


# --- a person's data ----------------------------------------------------------------------------


def person_data(person: Person) -> dict[str, Any]:
    """Everything the portal holds about ``person``, decrypted: the person's row, the people
    merged into it, and every record of every app pointing at it; plus the reads of the
    person's record that the audit log holds (who read it, when, why)."""
    people = [person, *Person._base_manager.filter(merged_into=person)]
    person_ids = [p.pk for p in people]
    records: dict[str, list[dict[str, Any]]] = {}
    for related, field in person_references():
        if related is Person:
            continue
        rows = list(related._base_manager.filter(**{f"{field}__in": person_ids}).order_by("pk"))
        if rows:
            records[related._meta.label_lower] = _plain(rows)
    reads = (
        AuditLog.objects.filter(target_type="core.person", action__endswith=".read")
        .filter(_ids_named(person_ids))
        .select_related("actor")
    )
    return {
        "person": _plain([person])[0],
        "merged": _plain(people[1:]),
        "records": records,
        "reads": [
            {
                "at": r.at.isoformat(),
                "by": r.actor.get_username() if r.actor else (r.details.get("actor") or ""),
                "action": r.action,
                "purpose": r.reason,
            }
            for r in reads.order_by("at", "id")
        ],
    }


def _ids_named(ids: list[int]) -> Any:
    from django.db.models import Q

    condition = Q(target_id__in=[str(i) for i in ids])
    for i in ids:  # rows naming several records keep them in target_ids
        condition |= Q(target_ids__icontains=f'"{i}"')
    return condition


def _plain(rows: list[Any]) -> list[dict[str, Any]]:
    """Rows as plain values (foreign keys as ids), encrypted fields decrypted, hashes left out."""
    out = []
    for item in serializers.serialize("python", rows):
        fields = {k: v for k, v in item["fields"].items() if not k.endswith("_hash") and k != "name_key"}
        out.append({"id": item["pk"], **fields})
    return out
