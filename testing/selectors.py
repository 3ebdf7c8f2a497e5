"""Every read of the testing app, scoped to the user (``<entity>_visible_to(user)``).

Sites, labs, campaigns and cases are scoped by their unit; samples by their site's or their
lab's unit (a provincial lab receives samples from every district it serves).
"""

import datetime
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from core import selectors as core_selectors
from core.crypto import lookup_hash
from core.roles import user_can
from testing.capabilities import TestingCap
from testing.models import (
    Campaign,
    Case,
    Contact,
    Lab,
    LabResult,
    Outcome,
    Sample,
    SamplePool,
    SamplingSite,
    SamplingTask,
)

User = Any
ANY_TESTING = (TestingCap.VIEW, TestingCap.MANAGE, TestingCap.COLLECT, TestingCap.LAB, TestingCap.CASES)


def _can_any(user: User) -> bool:
    return any(user_can(user, cap) for cap in ANY_TESTING)


def sites_visible_to(user: User) -> QuerySet[SamplingSite]:
    if not _can_any(user):
        return SamplingSite.objects.none()
    return core_selectors.filter_by_unit_scope(SamplingSite.objects.select_related("unit"), user)


def labs_visible_to(user: User) -> QuerySet[Lab]:
    if not _can_any(user):
        return Lab.objects.none()
    return core_selectors.filter_by_unit_scope(Lab.objects.select_related("unit"), user)


def campaigns_visible_to(user: User) -> QuerySet[Campaign]:
    if not _can_any(user):
        return Campaign.objects.none()
    return core_selectors.filter_by_unit_scope(Campaign.objects.select_related("unit"), user)


def samples_visible_to(user: User) -> QuerySet[Sample]:
    if not _can_any(user):
        return Sample.objects.none()
    qs = Sample.objects.select_related("site", "lab", "pool", "person", "result")
    units = core_selectors.unit_ids_in_scope(user)
    if units is None:
        return qs
    return qs.filter(Q(site__unit_id__in=units) | Q(lab__unit_id__in=units))


def cases_visible_to(user: User) -> QuerySet[Case]:
    if not user_can(user, TestingCap.CASES) and not user_can(user, TestingCap.VIEW):
        return Case.objects.none()
    return core_selectors.filter_by_unit_scope(Case.objects.select_related("person", "unit"), user)


def _access(qs: QuerySet, pk: int) -> Any:
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


def access_site(user: User, pk: int) -> SamplingSite:
    return _access(sites_visible_to(user), pk)


def access_lab(user: User, pk: int) -> Lab:
    return _access(labs_visible_to(user), pk)


def access_campaign(user: User, pk: int) -> Campaign:
    return _access(campaigns_visible_to(user), pk)


def access_case(user: User, pk: int) -> Case:
    return _access(cases_visible_to(user), pk)


def access_pool(user: User, pk: int) -> SamplePool:
    return _access(SamplePool.objects.filter(lab__in=labs_visible_to(user)), pk)


def samples_by_codes(user: User, codes: list[str]) -> dict[str, Sample]:
    """The visible samples among ``codes`` (a code outside the scope reads as unknown)."""
    return {s.code: s for s in samples_visible_to(user).filter(code__in=codes)}


def sample_exists(code: str) -> bool:
    return Sample.objects.filter(code=code).exists()


def open_tasks_for(person_id: int) -> QuerySet[SamplingTask]:
    return SamplingTask.objects.filter(person_id=person_id, done_by__isnull=True)


def tasks_visible_to(user: User) -> QuerySet[SamplingTask]:
    if not _can_any(user):
        return SamplingTask.objects.none()
    return core_selectors.filter_by_unit_scope(
        SamplingTask.objects.select_related("person", "campaign"), user
    ).filter(done_by__isnull=True)


# --- Officials' pages ------------------------------------------------------------------------


def campaign_progress(user: User) -> list[dict[str, Any]]:
    """Each visible campaign with the people sampled in it (distinct) against its target."""
    rows = []
    for campaign in campaigns_visible_to(user):
        sampled = Sample.objects.filter(campaign=campaign).values("person_id").distinct().count()
        target = campaign.target_population or 1
        rows.append(
            {
                "campaign": campaign,
                "sampled": sampled,
                "percent": round(100 * sampled / target, 1),
            }
        )
    return rows


def overdue_before(now: datetime.datetime | None = None) -> datetime.datetime:
    return (now or timezone.now()) - datetime.timedelta(hours=settings.TESTING_TURNAROUND_HOURS)


def lab_work_list(user: User, lab: Lab) -> dict[str, Any]:
    """Received (waiting for a result), overdue among them, rejected, pending re-tests, pools."""
    samples = samples_visible_to(user).filter(lab=lab)
    waiting = samples.filter(status=Sample.Status.RECEIVED)
    return {
        "received": list(waiting.filter(received_at__gte=overdue_before())[:200]),
        "overdue": list(waiting.filter(received_at__lt=overdue_before())[:200]),
        "rejected": list(samples.filter(status=Sample.Status.REJECTED)[:200]),
        "pending": list(samples.filter(status=Sample.Status.PENDING)[:200]),
        "pools": list(SamplePool.objects.filter(lab=lab).annotate(size=Count("members"))[:50]),
    }


def positivity_by_unit_and_day(user: User, days: int = 14) -> list[dict[str, Any]]:
    """Results per reporting unit (the site's unit, raised to the reporting level) and local day:
    tested, positive, positivity. Pools count through their members' results."""
    since = timezone.now() - datetime.timedelta(days=days)
    results = LabResult.objects.filter(
        resulted_at__gte=since, sample__in=samples_visible_to(user)
    ).values_list("resulted_at", "outcome", "sample__site__unit_id")
    mapping = core_selectors.reporting_unit_map()
    names = dict(core_selectors.reporting_units().values_list("id", "name"))
    table: dict[tuple[int, datetime.date], list[int]] = defaultdict(lambda: [0, 0])
    for at, outcome, unit_id in results:
        key = (mapping.get(unit_id, unit_id), timezone.localdate(at))
        table[key][0] += 1
        table[key][1] += outcome == Outcome.POSITIVE
    return [
        {
            "unit": names.get(unit, str(unit)),
            "day": day,
            "tested": tested,
            "positive": positive,
            "positivity": round(100 * positive / tested, 1) if tested else 0.0,
        }
        for (unit, day), (tested, positive) in sorted(
            table.items(), key=lambda kv: (kv[0][1], kv[0][0]), reverse=True
        )
    ]


def contacts_of(case: Case) -> QuerySet[Contact]:
    return Contact.objects.filter(case=case).select_related("person").order_by("marked_at")


# --- The citizen's look-up -------------------------------------------------------------------


def sample_for_citizen(
    *, code: str, phone: str = "", birth_date: datetime.date | None = None
) -> Sample | None:
    """The sample of ``code`` when the phone or the birth date matches the person on record;
    None otherwise, whichever part was wrong (the caller answers both the same way)."""
    sample = Sample.objects.select_related("person").filter(code=code.strip().upper()).first()
    if sample is None:
        return None
    person = sample.person
    matched = (bool(phone.strip()) and person.phone_hash == lookup_hash("phone", phone)) or (
        birth_date is not None and person.date_of_birth == birth_date
    )
    return sample if matched else None


def sample_by_code(code: str) -> Sample | None:
    return Sample.objects.select_related("person").filter(code=code.strip().upper()).first()


def result_of(sample: Sample) -> LabResult | None:
    return LabResult.objects.filter(sample=sample).first()


# --- Daily figures: the roll-ups (testing/retention.py) and their readers ---------------------
#
# Each figure belongs to one local day (docs/testing.md "Daily figures"): a sample to its
# collection day, a result, its turnaround and the case it confirmed to the result's day.


def _local_day(field: str) -> Any:
    from django.db.models.functions import TruncDate

    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def live_sample_stats(start: datetime.datetime, end: datetime.datetime) -> list[dict[str, Any]]:
    """Samples collected in ``[start, end)`` per local day, site unit, setting and test type:
    ``SampleDailyStat`` rows, counted from the samples as they are now."""
    from django.db.models import Exists, OuterRef

    retest_outcomes = (Outcome.POSITIVE, Outcome.INCONCLUSIVE)
    # The first member (lowest id) of a pool stands for the pool.
    head = Q(pool__isnull=False) & ~Q(
        Exists(Sample.objects.filter(pool_id=OuterRef("pool_id"), pk__lt=OuterRef("pk")))
    )

    def closes(reason: str) -> Q:
        return Q(Exists(SamplingTask.objects.filter(done_by=OuterRef("pk"), reason=reason)))

    rows = (
        Sample.objects.filter(collected_at__gte=start, collected_at__lt=end)
        .annotate(day=_local_day("collected_at"), unit_key=F("site__unit_id"), setting=F("site__setting"))
        .values("day", "unit_key", "setting", "test_kind")
        .annotate(
            collected=Count("id"),
            rejected=Count("id", filter=Q(status=Sample.Status.REJECTED)),
            pooled=Count("id", filter=Q(pool__isnull=False)),
            pools=Count("id", filter=head),
            pools_negative=Count("id", filter=head & Q(pool__outcome=Outcome.NEGATIVE)),
            pools_retest=Count("id", filter=head & Q(pool__outcome__in=retest_outcomes)),
            members_retest=Count("id", filter=Q(pool__outcome__in=retest_outcomes)),
            retests_pool=Count("id", filter=closes(SamplingTask.Reason.POOL_POSITIVE)),
            retests_rejected=Count("id", filter=closes(SamplingTask.Reason.REJECTED)),
        )
        .order_by("day", "unit_key", "setting", "test_kind")
    )
    return [{**{k: v for k, v in row.items() if k != "unit_key"}, "unit_id": row["unit_key"]} for row in rows]


def live_result_stats(start: datetime.datetime, end: datetime.datetime) -> list[dict[str, Any]]:
    """Results in ``[start, end)`` per local day, site unit, setting, test type, how the result
    came (single, by pool, import) and whether the sample re-tests a positive pool's member:
    ``ResultDailyStat`` rows. Turnaround is collection → result."""
    from django.db.models import DurationField, Exists, ExpressionWrapper, OuterRef, Sum

    from testing.models import TURNAROUND_BUCKETS

    collected = F("sample__collected_at")
    took = ExpressionWrapper(F("resulted_at") - collected, output_field=DurationField())

    def within(hours: int) -> Q:
        return Q(resulted_at__lt=collected + datetime.timedelta(hours=hours))

    edges = [None, *TURNAROUND_BUCKETS[:-1]]
    names = ["tat_6h", "tat_12h", "tat_24h", "tat_48h", "tat_72h"]
    buckets = {
        name: Count("id", filter=within(upper) & (Q() if lower is None else ~within(lower)))
        for name, lower, upper in zip(names, edges, TURNAROUND_BUCKETS, strict=True)
    }
    rows = (
        LabResult.objects.filter(resulted_at__gte=start, resulted_at__lt=end)
        .annotate(
            day=_local_day("resulted_at"),
            unit_key=F("sample__site__unit_id"),
            setting=F("sample__site__setting"),
            test_kind=F("sample__test_kind"),
            retest=Exists(
                SamplingTask.objects.filter(
                    done_by=OuterRef("sample_id"), reason=SamplingTask.Reason.POOL_POSITIVE
                )
            ),
        )
        .values("day", "unit_key", "setting", "test_kind", "via", "retest")
        .annotate(
            results=Count("id"),
            negative=Count("id", filter=Q(outcome=Outcome.NEGATIVE)),
            positive=Count("id", filter=Q(outcome=Outcome.POSITIVE)),
            inconclusive=Count("id", filter=Q(outcome=Outcome.INCONCLUSIVE)),
            cases=Count("id", filter=Q(Exists(Case.objects.filter(source_id=OuterRef("sample_id"))))),
            took=Sum(took),
            tat_over=Count("id", filter=~within(TURNAROUND_BUCKETS[-1])),
            **buckets,
        )
        .order_by("day", "unit_key", "setting", "test_kind", "via", "retest")
    )
    out = []
    for row in rows:
        took_sum = row.pop("took") or datetime.timedelta(0)
        row["unit_id"] = row.pop("unit_key")
        row["turnaround_minutes"] = round(took_sum.total_seconds() / 60)
        out.append(row)
    return out


SAMPLE_STAT_FIELDS = (
    "collected",
    "rejected",
    "pooled",
    "pools",
    "pools_negative",
    "pools_retest",
    "members_retest",
    "retests_pool",
    "retests_rejected",
)
RESULT_STAT_FIELDS = (
    "results",
    "negative",
    "positive",
    "inconclusive",
    "cases",
    "turnaround_minutes",
    "tat_6h",
    "tat_12h",
    "tat_24h",
    "tat_48h",
    "tat_72h",
    "tat_over",
)


def _split_stats(
    name: str,
    model: Any,
    live: Any,
    dims: tuple[str, ...],
    fields: tuple[str, ...],
    date_from: Any,
    date_to: Any,
) -> list[dict[str, Any]]:
    from core import retention, rollups

    folded, live_days = rollups.split(name, date_from, date_to)
    rows: list[dict[str, Any]] = []
    if folded:
        rows += list(model.objects.filter(day__range=folded).values(*dims, *fields))
    if live_days:
        start = retention.local_midnight(live_days[0])
        rows += live(start, retention.local_midnight(live_days[1] + datetime.timedelta(days=1)))
    return rows


def sample_stats(*, date_from: datetime.date, date_to: datetime.date) -> list[dict[str, Any]]:
    """``SampleDailyStat`` rows for the local days ``date_from``..``date_to``: folded days from the
    aggregate, later days counted live (each day once)."""
    from testing.models import SampleDailyStat
    from testing.retention import SAMPLE_ROLLUP

    dims = ("day", "unit_id", "setting", "test_kind")
    return _split_stats(
        SAMPLE_ROLLUP, SampleDailyStat, live_sample_stats, dims, SAMPLE_STAT_FIELDS, date_from, date_to
    )


def result_stats(*, date_from: datetime.date, date_to: datetime.date) -> list[dict[str, Any]]:
    """``ResultDailyStat`` rows for the local days ``date_from``..``date_to`` (as ``sample_stats``)."""
    from testing.models import ResultDailyStat
    from testing.retention import RESULT_ROLLUP

    dims = ("day", "unit_id", "setting", "test_kind", "via", "retest")
    return _split_stats(
        RESULT_ROLLUP, ResultDailyStat, live_result_stats, dims, RESULT_STAT_FIELDS, date_from, date_to
    )


def case_counts(*, date_from: datetime.date, date_to: datetime.date) -> dict[int, dict[str, int]]:
    """Confirmed cases per unit of the sampling site (the finest unit: a ward where the site is
    in one) and place found (``Setting`` values), by confirmation day: what the epidemic level's
    "new community cases per 100,000" reads (docs/domain.md §4)."""
    counts: dict[int, dict[str, int]] = {}
    for row in result_stats(date_from=date_from, date_to=date_to):
        if row["cases"]:
            unit = counts.setdefault(row["unit_id"], {})
            unit[row["setting"]] = unit.get(row["setting"], 0) + row["cases"]
    return counts


def turnaround(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Turnaround (collection → result) of result rows: count, mean hours, the share within
    24 hours, and the median estimated inside its bucket (linear; None when over 72 hours)."""
    from testing.models import TURNAROUND_BUCKETS

    names = ("tat_6h", "tat_12h", "tat_24h", "tat_48h", "tat_72h", "tat_over")
    counts = [sum(r[n] for r in rows) for n in names]
    total = sum(counts)
    if not total:
        return {"results": 0, "mean_hours": None, "median_hours": None, "within_24h_pct": None}
    minutes = sum(r["turnaround_minutes"] for r in rows)
    median = None
    seen, lower = 0, 0
    for count, upper in zip(counts, TURNAROUND_BUCKETS, strict=False):
        if count and seen + count >= total / 2:
            median = round(lower + (upper - lower) * (total / 2 - seen) / count, 1)
            break
        seen, lower = seen + count, upper
    return {
        "results": total,
        "mean_hours": round(minutes / total / 60, 1),
        "median_hours": median,
        "within_24h_pct": round(100 * sum(counts[:3]) / total, 1),
    }
