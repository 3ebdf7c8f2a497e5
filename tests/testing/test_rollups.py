"""The testing roll-ups (core.rollups): samples per collection day, results per result day, each
day counted once, live or rolled up, and every figure equal to an independent count of the rows
(issue 18 point 11)."""

import contextlib
import datetime
from collections import Counter, defaultdict
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.utils import timezone

from core import rollups
from core import services as core_services
from testing import selectors, services
from testing.models import (
    TURNAROUND_BUCKETS,
    Case,
    LabResult,
    ResultDailyStat,
    Sample,
    SampleDailyStat,
    SamplingTask,
    Setting,
)
from testing.retention import RESULT_ROLLUP, SAMPLE_ROLLUP
from tests.actors import SYSTEM
from tests.testing.conftest import collect, person_n

pytestmark = pytest.mark.django_db

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
D = datetime.date(2026, 3, 2)
LAST = D + datetime.timedelta(days=3)
RETEST = ("positive", "inconclusive")


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(
        D + datetime.timedelta(days=day), datetime.time(hour, minute), tzinfo=HCM
    )


@contextlib.contextmanager
def moment(when):
    with mock.patch("django.utils.timezone.now", return_value=when):
        yield


def _nonzero(table):
    return {
        key: {k: v for k, v in counts.items() if v} for key, counts in table.items() if any(counts.values())
    }


def expected_samples():
    """Counted from the rows one by one, without the selectors' queries."""
    first_member: dict[int, int] = {}
    for pk, pool_id in Sample.objects.filter(pool__isnull=False).values_list("pk", "pool_id"):
        first_member[pool_id] = min(pk, first_member.get(pool_id, pk))
    done = set(SamplingTask.objects.filter(done_by__isnull=False).values_list("done_by_id", "reason"))
    table: dict[tuple, Counter] = defaultdict(Counter)
    for s in Sample.objects.select_related("site", "pool"):
        c = table[(timezone.localdate(s.collected_at), s.site.unit_id, s.site.setting, s.test_kind)]
        c["collected"] += 1
        c["rejected"] += s.status == Sample.Status.REJECTED
        if s.pool_id:
            pool = s.pool
            assert pool is not None
            c["pooled"] += 1
            c["members_retest"] += pool.outcome in RETEST
            if first_member[s.pool_id] == s.pk:
                c["pools"] += 1
                c["pools_negative"] += pool.outcome == "negative"
                c["pools_retest"] += pool.outcome in RETEST
        c["retests_pool"] += (s.pk, "pool") in done
        c["retests_rejected"] += (s.pk, "rejected") in done
    return _nonzero(table)


def expected_results():
    done = set(
        SamplingTask.objects.filter(done_by__isnull=False, reason="pool").values_list("done_by_id", flat=True)
    )
    sources = set(Case.objects.values_list("source_id", flat=True))
    names = ["tat_6h", "tat_12h", "tat_24h", "tat_48h", "tat_72h"]
    table: dict[tuple, Counter] = defaultdict(Counter)
    for r in LabResult.objects.select_related("sample__site"):
        s = r.sample
        key = (
            timezone.localdate(r.resulted_at),
            s.site.unit_id,
            s.site.setting,
            s.test_kind,
            r.via,
            s.pk in done,
        )
        c = table[key]
        c["results"] += 1
        c[r.outcome] += 1
        c["cases"] += s.pk in sources
        took = r.resulted_at - s.collected_at
        c["turnaround_minutes"] += round(took.total_seconds() / 60)
        hours = took.total_seconds() / 3600
        c[
            next((n for n, edge in zip(names, TURNAROUND_BUCKETS, strict=True) if hours < edge), "tat_over")
        ] += 1
    return _nonzero(table)


def _summed(rows, dims, fields):
    table: dict[tuple, Counter] = defaultdict(Counter)
    for row in rows:
        table[tuple(row[d] for d in dims)].update({f: row[f] for f in fields})
    return _nonzero(table)


def figures():
    samples = _summed(
        selectors.sample_stats(date_from=D, date_to=LAST),
        ("day", "unit_id", "setting", "test_kind"),
        selectors.SAMPLE_STAT_FIELDS,
    )
    results = _summed(
        selectors.result_stats(date_from=D, date_to=LAST),
        ("day", "unit_id", "setting", "test_kind", "via", "retest"),
        selectors.RESULT_STAT_FIELDS,
    )
    return samples, results


def check(label):
    samples, results = figures()
    assert samples == expected_samples(), label
    assert results == expected_results(), label


@pytest.fixture
def quarantine_site(ward):
    return services.site_create(actor=SYSTEM, name="Khu cách ly", unit=ward, setting=Setting.QUARANTINE)


def row(code, outcome, when, verified_by="BS. Lê"):
    return services.ResultRow(code=code, outcome=outcome, verified_by=verified_by, resulted_at=when)


def scenario(site, quarantine_site, lab):
    """Four days of a ward's testing, each step at its own moment; yields after each."""
    with moment(at(0, 9)):
        for i in range(1, 7):
            collect(site, f"A-000{i}", **person_n(i))
        collect(quarantine_site, "B-0001", **person_n(7))
        collect(quarantine_site, "B-0002", test_kind="antigen", **person_n(8))
    with moment(at(0, 10)):
        services.samples_receive(
            actor=SYSTEM, lab=lab, codes=[*(f"A-000{i}" for i in range(1, 7)), "B-0001", "B-0002"]
        )
    with moment(at(0, 11)):
        p1 = services.pool_create(actor=SYSTEM, lab=lab, code="POOL-1", codes=["A-0001", "A-0002", "A-0003"])
        p2 = services.pool_create(actor=SYSTEM, lab=lab, code="POOL-2", codes=["A-0004", "A-0005"])
    yield "day 0"
    with moment(at(1, 1)):
        core_services.rollups_fold(actor=SYSTEM)
    yield "day 0 folded"
    with moment(at(1, 8)):  # a rejection on a folded collection day
        services.sample_reject(actor=SYSTEM, sample=Sample.objects.get(code="A-0006"), reason="leaked")
    yield "rejected"
    with moment(at(1, 9)):
        services.pool_result_enter(actor=SYSTEM, pool=p1, outcome="negative", verified_by="BS. Lê")
    with moment(at(1, 9, 30)):
        services.pool_result_enter(actor=SYSTEM, pool=p2, outcome="positive", verified_by="BS. Lê")
    yield "pools resulted"
    with moment(at(1, 10)):  # one result back-dated onto the folded day 0
        services.results_enter(
            actor=SYSTEM,
            lab=lab,
            rows=[row("B-0001", "positive", at(1, 10)), row("B-0002", "positive", at(0, 20))],
        )
    yield "single results"
    with moment(at(2, 1)):
        core_services.rollups_fold(actor=SYSTEM)
    yield "day 1 folded"
    with moment(at(2, 7)):  # a folded day's results by pool go
        services.pool_result_correct(
            actor=SYSTEM, pool=p1, outcome="positive", verified_by="BS. Lê", reason="Nhầm ống"
        )
    yield "pool corrected"
    with moment(at(2, 8)):
        for i in (4, 5, 6):
            collect(site, f"R-000{i}", **person_n(i))
    with moment(at(2, 9)):
        services.samples_receive(actor=SYSTEM, lab=lab, codes=["R-0004", "R-0005", "R-0006"])
    with moment(at(2, 15, 45)):
        services.results_enter(
            actor=SYSTEM,
            lab=lab,
            rows=[
                row("R-0004", "positive", at(2, 15)),
                row("R-0005", "negative", at(2, 15)),
                row("R-0006", "negative", at(2, 15)),
            ],
        )
    yield "re-tests resulted"
    with moment(at(3, 1)):
        core_services.rollups_fold(actor=SYSTEM)
    yield "day 2 folded"


def test_every_figure_equals_an_independent_count_at_every_step(site, quarantine_site, lab):
    for step in scenario(site, quarantine_site, lab):
        with moment(at(3, 12)):
            check(step)
    assert rollups.folded_until(SAMPLE_ROLLUP) == rollups.folded_until(RESULT_ROLLUP) == LAST
    # Everything before today came from the aggregates; spot-check what they say.
    samples = SampleDailyStat.objects.filter(day=D, setting="community").get()
    assert (samples.collected, samples.rejected, samples.pooled, samples.pools) == (6, 1, 5, 2)
    assert (samples.pools_negative, samples.pools_retest, samples.members_retest) == (0, 2, 5)
    retests = SampleDailyStat.objects.get(day=D + datetime.timedelta(days=2))
    assert (retests.retests_pool, retests.retests_rejected) == (2, 1)
    assert not ResultDailyStat.objects.filter(via="pool").exists()  # the corrected pool's results went
    assert selectors.case_counts(date_from=D, date_to=LAST) == {
        site.unit_id: {"community": 1, "quarantine": 1}
    }


def test_each_day_is_counted_once_while_the_watermark_moves_back_and_forth(site, quarantine_site, lab):
    """At every step, every day once: splitting the period anywhere gives the same totals."""
    for step in scenario(site, quarantine_site, lab):
        with moment(at(3, 12)):
            whole = selectors.result_stats(date_from=D, date_to=LAST)
            parts = [
                r
                for day in range(4)
                for r in selectors.result_stats(
                    date_from=D + datetime.timedelta(days=day), date_to=D + datetime.timedelta(days=day)
                )
            ]
            assert (
                sum(r["results"] for r in whole)
                == sum(r["results"] for r in parts)
                == LabResult.objects.count()
            ), step


@pytest.mark.parametrize("hourly_fold", [True, False])
@override_settings(TESTING_SAMPLE_RETENTION_DAYS=10)
def test_the_figures_outlive_the_samples_across_midnight_and_the_purge(
    site, quarantine_site, lab, hourly_fold
):
    steps = scenario(site, quarantine_site, lab)
    for _step in steps:
        pass
    with moment(at(3, 12)):
        before = figures()
    # 12 March 00:00 puts 2 March past the 10-day retention; 14 March all four days.
    moments = [
        (at(9, 23, 59), None),
        (at(10, 0, 15), "fold" if hourly_fold else None),
        (at(10, 2, 30), "purge"),
        (at(13, 2, 30), "purge"),
    ]
    for when, action in moments:
        with moment(when):
            if action == "fold":
                core_services.rollups_fold(actor=SYSTEM)
            elif action == "purge":
                for category in ("testing.labresult", "testing.sample"):
                    core_services.retention_purge(actor=SYSTEM, category=category)
            assert figures() == before, when
    assert not Sample.objects.exists() and not LabResult.objects.exists()


def test_turnaround_is_derived_from_the_buckets():
    rows = [
        {
            "tat_6h": 1,
            "tat_12h": 1,
            "tat_24h": 2,
            "tat_48h": 0,
            "tat_72h": 0,
            "tat_over": 0,
            "turnaround_minutes": 3 * 60 + 8 * 60 + 2 * 20 * 60,
        },
        {
            "tat_6h": 0,
            "tat_12h": 0,
            "tat_24h": 0,
            "tat_48h": 1,
            "tat_72h": 0,
            "tat_over": 1,
            "turnaround_minutes": 30 * 60 + 100 * 60,
        },
    ]
    figures = selectors.turnaround(rows)
    # 6 results; the median (3rd of 6) falls in 12–24 h.
    assert figures == {
        "results": 6,
        "mean_hours": round((3 + 8 + 40 + 30 + 100) / 6, 1),
        "median_range": "12–24",
        "within_24h_pct": 66.7,
    }
    assert selectors.turnaround([])["mean_hours"] is None
