"""The weekly report's testing figures (issue 18 point 11) against the rows counted
independently (straight ORM counts), with part of the week rolled up and part live."""

import contextlib
import datetime
from unittest import mock

import pytest
from django.utils import timezone

from core import services as core_services
from reports import data
from reports.models import Section
from reports.render import render_html
from testing import services
from testing.models import Case, LabResult, Sample, SamplePool, SamplingTask, Setting
from tests.actors import SYSTEM
from tests.core.fixtures import first_ward
from tests.testing.conftest import collect, person_n

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
START = TODAY - datetime.timedelta(days=6)


def at(days_ago: int, hour: int) -> datetime.datetime:
    day = TODAY - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@contextlib.contextmanager
def moment(when):
    with mock.patch("django.utils.timezone.now", return_value=when):
        yield


def result(lab, code, outcome, when):
    with moment(when):
        services.results_enter(
            actor=SYSTEM,
            lab=lab,
            rows=[services.ResultRow(code=code, outcome=outcome, verified_by="BS. Lê", resulted_at=when)],
        )


@pytest.fixture
def week(dong_son, sam_son):
    community = services.site_create(actor=SYSTEM, name="Trạm Y tế", unit=first_ward("405"))
    border = services.site_create(
        actor=SYSTEM, name="Khu cách ly", unit=first_ward("382"), setting=Setting.QUARANTINE
    )
    lab = services.lab_create(actor=SYSTEM, name="Khoa xét nghiệm", unit=dong_son)
    with moment(at(10, 9)):  # before the period: not counted
        collect(community, "OLD-0001", **person_n(20))
        services.samples_receive(actor=SYSTEM, lab=lab, codes=["OLD-0001"])
    result(lab, "OLD-0001", "positive", at(10, 15))
    with moment(at(3, 9)):
        for i in range(1, 5):
            collect(community, f"A-000{i}", **person_n(i))
        collect(border, "B-0001", **person_n(5))
        collect(border, "B-0002", test_kind="antigen", **person_n(6))
    with moment(at(3, 10)):
        codes = ["A-0001", "A-0002", "A-0003", "A-0004", "B-0001", "B-0002"]
        services.samples_receive(actor=SYSTEM, lab=lab, codes=codes)
        pool = services.pool_create(actor=SYSTEM, lab=lab, code="POOL-1", codes=["A-0001", "A-0002"])
    with moment(at(3, 14)):
        services.pool_result_enter(actor=SYSTEM, pool=pool, outcome="positive", verified_by="BS. Lê")
    result(lab, "B-0002", "negative", at(3, 12))
    result(lab, "B-0001", "positive", at(3, 20))
    result(lab, "A-0003", "negative", at(2, 8))
    with moment(at(2, 8)):
        services.sample_reject(actor=SYSTEM, sample=Sample.objects.get(code="A-0004"), reason="leaked")
    with moment(at(2, 9)):
        collect(community, "R-0001", **person_n(1))
        collect(community, "R-0002", **person_n(2))
        services.samples_receive(actor=SYSTEM, lab=lab, codes=["R-0001", "R-0002"])
    result(lab, "R-0001", "positive", at(2, 18))
    result(lab, "R-0002", "negative", at(2, 18))
    core_services.rollups_fold(actor=SYSTEM)  # the days before today from the aggregates...
    collect(community, "T-0001", **person_n(9))  # ...today live
    return {"community": community, "border": border, "lab": lab}


def _expected(unit, start, end):
    samples = Sample.objects.filter(site__unit__parent=unit, collected_at__gte=start, collected_at__lt=end)
    results = LabResult.objects.filter(
        sample__site__unit__parent=unit, resulted_at__gte=start, resulted_at__lt=end
    )
    cases = Case.objects.filter(unit__parent=unit, confirmed_on__gte=START, confirmed_on__lte=TODAY)
    positive = results.filter(outcome="positive").count()
    return [
        unit.name,
        samples.count(),
        samples.filter(status=Sample.Status.REJECTED).count(),
        results.count(),
        positive,
        round(100 * positive / results.count(), 1) if results.count() else None,
        cases.filter(found_in=Setting.COMMUNITY).count(),
        cases.exclude(found_in=Setting.COMMUNITY).count(),
    ]


def test_testing_figures_match_independent_counts(week, dong_son, sam_son):
    ctx, sections = data.collect(
        period_start=START, period_end=TODAY, unit_ids=[], sections=[Section.EPIDEMIC]
    )
    start, end = ctx.start, timezone.now() + datetime.timedelta(seconds=1)
    tables = {t.key: t for t in sections[0].tables}
    by_unit = {row[0]: row for row in tables["testing_by_unit"].rows}
    for unit in (dong_son, sam_son):
        assert by_unit[unit.name] == _expected(unit, start, end), unit.name
    # Concrete values, so a bug shared by both countings is caught too.
    assert by_unit[dong_son.name][1:] == [7, 1, 3, 1, 33.3, 1, 0]
    assert by_unit[sam_son.name][1:] == [2, 0, 2, 1, 50.0, 0, 1]
    assert by_unit["Tổng"][1:5] == [9, 1, 5, 2]

    in_period = LabResult.objects.filter(resulted_at__gte=start, resulted_at__lt=end).select_related("sample")
    hours = [(r.resulted_at - r.sample.collected_at).total_seconds() / 3600 for r in in_period]
    turnaround = {row[0]: row for row in tables["testing_turnaround"].rows}
    assert turnaround["Tổng"][1:3] == [len(hours), round(sum(hours) / len(hours), 1)]
    assert turnaround["Tổng"][4] == round(100 * sum(h < 24 for h in hours) / len(hours), 1)
    low, high = turnaround["Tổng"][3].split("–")
    assert float(low) <= sorted(hours)[(len(hours) - 1) // 2] < float(high)

    pools = dict(tables["testing_pools"].rows)
    positive_pools = SamplePool.objects.filter(outcome__in=["positive", "inconclusive"])
    assert (
        pools["Mẫu gộp dương tính hoặc không xác định: xét nghiệm lại từng người"]
        == positive_pools.count()
        == 1
    )
    assert pools["Người trong các mẫu gộp đó"] == Sample.objects.filter(pool__in=positive_pools).count() == 2
    retests = SamplingTask.objects.filter(reason="pool", done_by__isnull=False)
    assert pools["Mẫu đơn lấy lại cho người trong mẫu gộp dương tính"] == retests.count() == 2
    assert (
        pools["… trong đó dương tính"]
        == LabResult.objects.filter(sample__in=retests.values("done_by"), outcome="positive").count()
        == 1
    )

    daily = tables["testing_daily"]
    assert len(daily.rows) == 7 and sum(r[1] for r in daily.rows) == 9 and sum(r[3] for r in daily.rows) == 2
    assert daily.series and "Nền tảng xét nghiệm" not in " ".join(sections[0].statements)


def test_the_daily_trend_is_drawn_with_the_dashboards_series_chart(week):
    ctx, sections = data.collect(
        period_start=START, period_end=TODAY, unit_ids=[], sections=[Section.EPIDEMIC]
    )
    with mock.patch(
        "reports.render.series_chart", wraps=__import__("reports.charts").charts.series_chart
    ) as drawn:
        render_html(report=None, ctx=ctx, sections=sections)
    assert drawn.call_count == 1 and drawn.call_args.kwargs["title"] == "Xét nghiệm theo ngày"


def test_selected_units_limit_the_testing_figures(week, dong_son):
    _ctx, sections = data.collect(
        period_start=START, period_end=TODAY, unit_ids=[dong_son.pk], sections=[Section.EPIDEMIC]
    )
    tables = {t.key: t for t in sections[0].tables}
    assert [r[0] for r in tables["testing_by_unit"].rows] == [dong_son.name, "Tổng"]
    assert tables["testing_turnaround"].rows[-1][1] == 3  # Sầm Sơn's two results are left out
