"""The dashboard's figures against hand-counted values (tests/dashboard/conftest.py), read the
same whether the days are folded into the roll-up or still live, and the local day boundary."""

import datetime

import pytest
from django.test import override_settings

from core import services as core_services
from dashboard import figures
from dashboard.models import Snapshot
from dashboard.services import snapshot_refresh
from tests.actors import SYSTEM
from tests.dashboard.conftest import NOW, TODAY, add_checkins, day, on

pytestmark = pytest.mark.django_db


def _unit(data, code):
    return next(u for u in data["units"] if u["code"] == code)


def _by_day(data, figures_, key):
    return dict(zip(data["days"], figures_[key], strict=True))


@pytest.mark.parametrize("folded", [False, True], ids=["live", "folded"])
def test_figures_match_the_hand_count(week_data, folded):
    if folded:
        core_services.rollups_fold(actor=SYSTEM, now=NOW)  # every day before the 25th from the roll-up
    snapshot_refresh(actor=SYSTEM, now=NOW)
    data = Snapshot.objects.get().data
    assert data["today"] == "2026-11-25" and data["week_start"] == "2026-11-23"
    assert len(data["days"]) == 30 and data["days"][-1] == "2026-11-25"
    province = data["province"]
    # Today 8 + 7; this week (23-25) 16 + 50 + 15; flagged 6 + 5.
    assert (province["checkins_today"], province["checkins_week"], province["flagged_week"]) == (15, 81, 11)
    series = _by_day(data, province, "checkins")
    assert [series[d.isoformat()] for d in map(day, range(19, 26))] == [5, 6, 7, 8, 16, 50, 15]
    assert series["2026-11-18"] == "< 5"  # nobody: 0 is below the threshold too
    # 7-day average of the 25th: (5+6+7+8+16+50+15) / 7 = 107 / 7 = 15.3; the 24th's window
    # holds the 18th (0, withheld), so its average is withheld.
    average = _by_day(data, province, "checkins_avg7")
    assert average["2026-11-25"] == 15.3
    assert average["2026-11-24"] == "*"
    assert data["province"]["checkins_avg7"][:6] == [None] * 6

    dong_son, sam_son = _unit(data, "405"), _unit(data, "382")
    assert (dong_son["checkins_today"], dong_son["checkins_week"], dong_son["flagged_week"]) == (8, 38, 6)
    assert (sam_son["checkins_today"], sam_son["checkins_week"], sam_son["flagged_week"]) == (7, 43, 5)
    # Sầm Sơn's 7 days 19..25: 5+6+7+8+6+30+7 = 69 -> 9.9.
    assert _by_day(data, sam_son, "checkins_avg7")["2026-11-25"] == 9.9
    # Checkpoints: Đông Sơn's and Sầm Sơn's markets scanned this week; Sầm Sơn's post office
    # (approved 1 November) has had no check-in in the last 7 days.
    assert (dong_son["checkpoints_active"], dong_son["checkpoints_silent"]) == (1, 0)
    assert (sam_son["checkpoints_active"], sam_son["checkpoints_silent"]) == (1, 1)
    assert (province["checkpoints_active"], province["checkpoints_silent"]) == (2, 1)
    # A district without checkpoints: every count withheld, none invented.
    other = _unit(data, "380")
    assert other["checkins_week"] == "< 5" and other["checkpoints_active"] == 0


@override_settings(PUBLIC_SUPPRESSION_THRESHOLD=1)
@pytest.mark.parametrize("folded", [False, True], ids=["live", "folded"])
def test_the_day_boundary_is_midnight_in_ho_chi_minh_city(places, folded):
    ds, _ss, _quiet, person = places
    # 23:59 on the 23rd and 00:01 on the 24th, local: 16:59 and 17:01 UTC on the same UTC day.
    add_checkins(ds, person, on(23, 23, 59), 1)
    add_checkins(ds, person, on(24, 0, 1), 1)
    add_checkins(ds, person, on(25, 9), 1)  # (else the week total minus the 24th would give the 23rd's 0)
    assert on(23, 23, 59).astimezone(datetime.UTC).date() == on(24, 0, 1).astimezone(datetime.UTC).date()
    if folded:
        core_services.rollups_fold(actor=SYSTEM, now=NOW)
    snapshot_refresh(actor=SYSTEM, now=NOW)
    data = Snapshot.objects.get().data
    series = _by_day(data, _unit(data, "405"), "checkins")
    assert (series["2026-11-23"], series["2026-11-24"], series["2026-11-22"]) == (1, 1, "< 1")


def test_today_is_the_local_date(places):
    """At 00:30 on the 25th in Hồ Chí Minh City it is still the 24th in UTC: the dashboard's
    today is the 25th, and a check-in at 00:10 local counts for it."""
    ds, _ss, _quiet, person = places
    add_checkins(ds, person, on(25, 0, 10), 5)
    now = on(25, 0, 30)
    assert now.astimezone(datetime.UTC).date() == day(24)
    snapshot_refresh(actor=SYSTEM, now=now)
    data = Snapshot.objects.get().data
    assert data["today"] == "2026-11-25"
    assert _unit(data, "405")["checkins_today"] == 5


def test_refresh_is_incremental_and_recounts_folded_days_only_when_the_roll_up_moves(week_data):
    ds, _ss, _quiet, person = week_data
    core_services.rollups_fold(actor=SYSTEM, now=NOW)
    first = snapshot_refresh(actor=SYSTEM, now=NOW)
    assert first["rebuilt"]
    # A new check-in today: the next refresh keeps the folded counts and recounts today only.
    add_checkins(ds, person, on(25, 11), 5)
    second = snapshot_refresh(actor=SYSTEM, now=NOW + datetime.timedelta(minutes=5))
    assert not second["rebuilt"] and second["changed"]
    assert second["version"] == first["version"] + 1
    data = Snapshot.objects.get().data
    assert data["province"]["checkins_today"] == 20
    # Were the folded days recounted from the source rows, deleting them would change the
    # figures; they do not change: the folded part comes from the roll-up.
    base_before = Snapshot.objects.get().base
    assert figures.base_is_current(base_before, TODAY)
    # A back-dated paper entry sends the watermark back: the next refresh rebuilds.
    from core import rollups

    rollups.mark_stale("checkpoints.checkin_daily", day(24))
    third = snapshot_refresh(actor=SYSTEM, now=NOW + datetime.timedelta(minutes=10))
    assert third["rebuilt"]


def test_after_midnight_the_refresh_folds_yesterday_first(week_data):
    core_services.rollups_fold(actor=SYSTEM, now=NOW)  # watermark: the 25th
    from checkpoints import selectors as cp_selectors

    assert cp_selectors.checkin_folded_until() == day(25)
    ds, ss, _quiet, person = week_data
    add_checkins(ds, person, on(26, 0, 2), 5)
    add_checkins(ss, person, on(26, 0, 3), 5)
    snapshot_refresh(actor=SYSTEM, now=on(26, 0, 5))
    assert cp_selectors.checkin_folded_until() == day(26)
    data = Snapshot.objects.get().data
    assert data["today"] == "2026-11-26"
    assert _by_day(data, data["province"], "checkins")["2026-11-25"] == 15
