"""The testing app's daily figures: the two roll-ups' counts (``testing/retention.py``), their
readers split at the watermark, and the figures the weekly report and the epidemic level read
(docs/testing.md "Daily figures"). No personal data: counts only."""

import datetime
from typing import Any

from django.db.models import Count, F, Q
from django.utils import timezone

from testing.models import Case, LabResult, Outcome, Sample, SamplingTask


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
    24 hours (both exact), and the bucket holding the median ("12–24", "≥ 72"): the buckets
    do not tell more than that."""
    from testing.models import TURNAROUND_BUCKETS

    names = ("tat_6h", "tat_12h", "tat_24h", "tat_48h", "tat_72h", "tat_over")
    counts = [sum(r[n] for r in rows) for n in names]
    total = sum(counts)
    if not total:
        return {"results": 0, "mean_hours": None, "median_range": None, "within_24h_pct": None}
    minutes = sum(r["turnaround_minutes"] for r in rows)
    edges = [0, *TURNAROUND_BUCKETS]
    seen, median = 0, f"≥ {TURNAROUND_BUCKETS[-1]}"
    for index, count in enumerate(counts[:-1]):
        seen += count
        if seen >= total / 2:
            median = f"{edges[index]}–{edges[index + 1]}"
            break
    return {
        "results": total,
        "mean_hours": round(minutes / total / 60, 1),
        "median_range": median,
        "within_24h_pct": round(100 * sum(counts[:3]) / total, 1),
    }


def report_figures(
    *, date_from: datetime.date, date_to: datetime.date, units: set[int] | None = None
) -> dict[str, Any]:
    """The weekly report's testing figures for the local days ``date_from``..``date_to``, from
    the roll-ups (each day once), of the reporting units ``units`` (None: all): per reporting
    unit (samples, rejected, results, positive, cases in the community and elsewhere),
    turnaround per test type, pools and re-tests, and per day (samples, results, positive)."""
    from core import selectors as core_selectors
    from testing.models import Setting, TestKind

    mapping = core_selectors.reporting_unit_map()
    samples = sample_stats(date_from=date_from, date_to=date_to)
    results = result_stats(date_from=date_from, date_to=date_to)
    if units is not None:
        samples = [r for r in samples if mapping.get(r["unit_id"]) in units]
        results = [r for r in results if mapping.get(r["unit_id"]) in units]
    per_unit: dict[int, dict[str, int]] = {}
    empty = dict.fromkeys(("samples", "rejected", "results", "positive", "community", "elsewhere"), 0)
    days: dict[datetime.date, dict[str, int]] = {}

    def unit_of(row: dict[str, Any]) -> dict[str, int]:
        return per_unit.setdefault(mapping.get(row["unit_id"], row["unit_id"]), dict(empty))

    def day_of(row: dict[str, Any]) -> dict[str, int]:
        return days.setdefault(row["day"], {"samples": 0, "results": 0, "positive": 0})

    for row in samples:
        unit_of(row)["samples"] += row["collected"]
        unit_of(row)["rejected"] += row["rejected"]
        day_of(row)["samples"] += row["collected"]
    for row in results:
        unit = unit_of(row)
        unit["results"] += row["results"]
        unit["positive"] += row["positive"]
        unit["community" if row["setting"] == Setting.COMMUNITY else "elsewhere"] += row["cases"]
        day_of(row)["results"] += row["results"]
        day_of(row)["positive"] += row["positive"]
    pools = {field: sum(r[field] for r in samples) for field in SAMPLE_STAT_FIELDS}
    retested = [r for r in results if r["retest"]]
    pools.update(
        by_pool=sum(r["results"] for r in results if r["via"] == LabResult.Via.POOL),
        retest_results=sum(r["results"] for r in retested),
        retest_positive=sum(r["positive"] for r in retested),
    )
    return {
        "units": per_unit,
        "turnaround": {
            kind: turnaround([r for r in results if r["test_kind"] == kind]) for kind in TestKind.values
        }
        | {"": turnaround(results)},
        "pools": pools,
        "days": days,
    }
