"""The report's figures against the same data counted independently (straight ORM counts)."""

import datetime

import pytest
from django.utils import timezone

from checkpoints.models import CheckIn, Checkpoint
from core import services as core_services
from core.models import AdministrativeUnit
from core.roles import Role
from reports import data
from reports.models import Section
from taskforce.models import Assignment, Meeting
from tests.actors import SYSTEM
from tests.checkpoints.conftest import make_checkpoint, visit
from tests.core.fixtures import first_ward
from tests.taskforce.factories import build


def _local_midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


@pytest.fixture
def world(province, dong_son, sam_son, make_user):
    tf = build(province, dong_son, make_user=make_user)
    new_org = core_services.organization_create
    agency = new_org(actor=SYSTEM, name="TTYT Đông Sơn", kind="hospital", unit=dong_son)
    market = new_org(actor=SYSTEM, name="Chợ Sầm Sơn", kind="business", unit=sam_son)
    operator = make_user(Role.CHECKPOINT_OPERATOR, organizations=[agency])
    gate = make_checkpoint(agency, name="Cổng TTYT")
    ward = make_checkpoint(agency, name="Khoa khám bệnh", operators=[operator])
    make_checkpoint(agency, name="Chưa duyệt", approve=False)
    stall = make_checkpoint(market, name="Cổng chợ", unit=first_ward("382"))
    quiet = make_checkpoint(market, name="Cổng sau chợ", unit=first_ward("382"))
    # Approved long ago and never scanned since: a silent checkpoint.
    Checkpoint.objects.filter(pk=quiet.pk).update(decided_at=timezone.now() - datetime.timedelta(days=30))
    hours = iter(range(2, 200, 3))
    phones = iter(range(900000000, 900001000))

    def person(**kw):
        n = next(phones)
        return {"id_number": "", "phone": f"0{n}", "full_name": f"Khách {n}", **kw}

    for _ in range(4):
        visit(gate, at=timezone.now() - datetime.timedelta(hours=next(hours)), **person())
    visit(gate, at=timezone.now() - datetime.timedelta(hours=next(hours)), symptoms=["fever"], **person())
    for method in (CheckIn.Method.STAFF, CheckIn.Method.PAPER):
        when = timezone.now() - datetime.timedelta(hours=next(hours))
        visit(ward, method=method, actor=operator, at=when, **person())
    when = timezone.now() - datetime.timedelta(hours=next(hours))
    visit(stall, at=when, exposures=["case_contact"], **person())
    # Outside the period: must not be counted.
    visit(gate, at=timezone.now() - datetime.timedelta(days=9), **person())
    # Task force work in and out of the period.
    assert tf.assignment is not None and tf.meeting is not None
    Assignment.objects.filter(pk=tf.assignment.pk).update(
        status=Assignment.Status.OVERDUE, due_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    Meeting.objects.filter(pk=tf.meeting.pk).update(
        status=Meeting.Status.HELD, starts_at=timezone.now() - datetime.timedelta(days=1)
    )
    return tf


def _expected_for(unit, start, end):
    """Independent counts for one district: registered, approved, scans by method, flagged."""
    points = Checkpoint.objects.filter(unit__parent=unit)
    checkins = CheckIn.objects.filter(
        checkpoint__unit__parent=unit, checked_in_at__gte=start, checked_in_at__lt=end
    )
    return {
        "registered": points.count(),
        "approved": points.filter(status=Checkpoint.Status.APPROVED).count(),
        "total": checkins.count(),
        "self": checkins.filter(method=CheckIn.Method.SELF).count(),
        "staff": checkins.filter(method=CheckIn.Method.STAFF).count(),
        "paper": checkins.filter(method=CheckIn.Method.PAPER).count(),
        "flagged": checkins.exclude(risk="none").count(),
    }


def test_adoption_and_epidemic_figures_match_independent_counts(world, dong_son, sam_son):
    end_day = timezone.localdate()
    start_day = end_day - datetime.timedelta(days=6)
    ctx, sections = data.collect(
        period_start=start_day, period_end=end_day, unit_ids=[], sections=list(Section.values)
    )
    start, end = _local_midnight(start_day), ctx.end
    by_key = {t.key: t for s in sections for t in s.tables}
    adoption = {row[0]: row for row in by_key["adoption_by_district"].rows}
    flagged = {row[0]: row for row in by_key["flagged_declarations"].rows}
    for unit, silent in ((dong_son, 0), (sam_son, 1)):
        e = _expected_for(unit, start, end)
        row = adoption[unit.name]
        assert row[1:9] == [
            e["registered"],
            e["approved"],
            e["approved"] - silent,
            silent,
            e["total"],
            e["self"],
            e["staff"],
            e["paper"],
        ], unit.name
        expected_share = round(100 * (e["staff"] + e["paper"]) / e["total"], 1) if e["total"] else None
        assert row[9] == expected_share
        assert flagged[unit.name][1:3] == [e["flagged"], e["total"]]
    # Concrete values, so the test would catch a bug shared by both countings.
    assert adoption[dong_son.name][1:9] == [3, 2, 2, 0, 7, 5, 1, 1]
    assert adoption[sam_son.name][1:9] == [2, 2, 1, 1, 1, 1, 0, 0]
    total_row = by_key["adoption_by_district"].rows[-1]
    assert (
        total_row[0] == "Tổng"
        and total_row[5] == CheckIn.objects.filter(checked_in_at__gte=start, checked_in_at__lt=end).count()
    )
    # Districts without any checkpoint are listed with zeros, not left out.
    assert len(by_key["adoption_by_district"].rows) == 28


def test_taskforce_figures_match_the_records(world):
    end_day = timezone.localdate()
    start_day = end_day - datetime.timedelta(days=6)
    _ctx, sections = data.collect(
        period_start=start_day, period_end=end_day, unit_ids=[], sections=[Section.TASKFORCE]
    )
    tables = {t.key: t for t in sections[0].tables}
    assert [r[1] for r in tables["meetings"].rows] == [world.meeting.title]
    overdue = Assignment.objects.filter(status=Assignment.Status.OVERDUE)
    assert [r[0] for r in tables["overdue"].rows] == [a.title for a in overdue]
    assert tables["overdue"].rows[0][1] == "UBND huyện Đông Sơn"
    counts = dict(tables["assignment_counts"].rows)
    assert counts["Quá hạn (tại thời điểm lập báo cáo)"] == overdue.count() == 1
    assert [r[0] for r in tables["proposals"].rows] == [world.proposal.title]


def test_selected_units_limit_the_figures(world, dong_son):
    end_day = timezone.localdate()
    _ctx, sections = data.collect(
        period_start=end_day - datetime.timedelta(days=6),
        period_end=end_day,
        unit_ids=[dong_son.pk],
        sections=[Section.ADOPTION],
    )
    table = next(t for t in sections[0].tables if t.key == "adoption_by_district")
    assert [r[0] for r in table.rows] == [dong_son.name, "Tổng"]
    agencies = next(t for t in sections[0].tables if t.key == "adoption_by_agency")
    assert "Chợ Sầm Sơn" not in [r[0] for r in agencies.rows if r[1]]


def test_summary_names_no_platform_missing_now_testing_is_built(world):
    end_day = timezone.localdate()
    _ctx, sections = data.collect(
        period_start=end_day - datetime.timedelta(days=6),
        period_end=end_day,
        unit_ids=[],
        sections=list(Section.values),
    )
    summary = sections[0]
    assert summary.key == Section.SUMMARY
    assert not any("chưa triển khai" in s for s in summary.statements)
    assert any("mẫu xét nghiệm được lấy" in h for h in summary.highlights)
    assert any("điểm kiểm dịch đã đăng ký" in h for h in summary.highlights)
    assert AdministrativeUnit.objects.exists()


def test_task_force_adoption_shows_what_the_portal_measured(world):
    from core.models import Organization
    from taskforce import selectors as tf_selectors

    agency = Organization.objects.get(name="TTYT Đông Sơn")
    summary = tf_selectors.adoption_summary(timezone.localdate())
    start, end = summary["period_start"], summary["period_end"]
    row = next(r for r in summary["rows"] if r["organization_id"] == agency.pk)
    expected_scans = CheckIn.objects.filter(
        checkpoint__organization=agency,
        checked_in_at__gte=_local_midnight(start),
        checked_in_at__lt=_local_midnight(end + datetime.timedelta(days=1)),
    ).count()
    assert row["measured"] == {"checkpoints": 2, "scans": expected_scans}


def test_checkin_totals_equal_the_daily_stats_summed(world):
    from checkpoints import selectors as cp_selectors

    end_day = timezone.localdate()
    start_day = end_day - datetime.timedelta(days=20)
    summed: dict[int, dict[str, int]] = {}
    for row in cp_selectors.checkin_stats(user=None, date_from=start_day, date_to=end_day):
        bucket = summed.setdefault(row["checkpoint_id"], dict.fromkeys(cp_selectors.SCAN_COUNTS, 0))
        for key in cp_selectors.SCAN_COUNTS:
            bucket[key] += row[key]
    totals = cp_selectors.checkin_totals(date_from=start_day, date_to=end_day)
    assert totals == summed and sum(t["total"] for t in totals.values()) == 9
