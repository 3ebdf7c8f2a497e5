"""The daily roll-up (core.rollups) of check-ins: watermark, no rebuild past retention, a day
counted once at every moment (issue 13, point 6)."""

import datetime
import importlib
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.test import override_settings

from checkpoints import selectors, services
from checkpoints.models import CheckIn, CheckinDailyStat
from checkpoints.retention import CHECKIN_ROLLUP
from core import rollups
from core import services as core_services
from core.models import RollupWatermark
from tests.actors import SYSTEM
from tests.checkpoints.conftest import visit

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def _visits(checkpoint, when, n, **kw):
    return [
        visit(checkpoint, at=when, id_number="", phone=f"090{when.day:02d}{i:05d}", **kw)[0] for i in range(n)
    ]


def _per_day(date_from, date_to):
    days: dict[datetime.date, int] = {}
    for row in selectors.checkin_stats(user=None, date_from=date_from, date_to=date_to):
        days[row["day"]] = days.get(row["day"], 0) + row["total"]
    return days


def test_the_fold_takes_in_finished_days_from_the_watermark(checkpoint):
    today = datetime.datetime.now(HCM).replace(hour=12, minute=0, second=0, microsecond=0)
    _visits(checkpoint, today - datetime.timedelta(days=2), 2)
    _visits(checkpoint, today - datetime.timedelta(days=1), 3)
    _visits(checkpoint, today, 1)
    assert not CheckinDailyStat.objects.exists()  # no write per check-in
    done = core_services.rollups_fold(actor=SYSTEM)
    assert done[CHECKIN_ROLLUP] == 2
    assert rollups.folded_until(CHECKIN_ROLLUP) == today.date()
    assert sorted(CheckinDailyStat.objects.values_list("day", "total")) == [
        ((today - datetime.timedelta(days=2)).date(), 2),
        ((today - datetime.timedelta(days=1)).date(), 3),
    ]
    # Nothing new: a second run folds nothing; today stays live.
    assert core_services.rollups_fold(actor=SYSTEM)[CHECKIN_ROLLUP] == 0
    first = (today - datetime.timedelta(days=2)).date()
    assert _per_day(first, today.date()) == {
        first: 2,
        first + datetime.timedelta(days=1): 3,
        today.date(): 1,
    }


def test_a_back_dated_paper_entry_is_counted_after_its_day_was_folded(checkpoint, operator):
    yesterday = datetime.datetime.now(HCM).replace(
        hour=9, minute=0, second=0, microsecond=0
    ) - datetime.timedelta(days=1)
    _visits(checkpoint, yesterday, 2)
    core_services.rollups_fold(actor=SYSTEM)
    assert rollups.folded_until(CHECKIN_ROLLUP) == yesterday.date() + datetime.timedelta(days=1)
    visit(checkpoint, at=yesterday + datetime.timedelta(hours=2), method=CheckIn.Method.PAPER, actor=operator)
    # The watermark went back: the day is live again, counted with the paper entry...
    assert rollups.folded_until(CHECKIN_ROLLUP) == yesterday.date()
    assert _per_day(yesterday.date(), yesterday.date()) == {yesterday.date(): 3}
    # ...and folded again with it.
    core_services.rollups_fold(actor=SYSTEM)
    stat = CheckinDailyStat.objects.get(day=yesterday.date())
    assert (stat.total, stat.paper) == (3, 1)


@override_settings(CHECKIN_RETENTION_DAYS=21)
def test_a_rebuild_never_touches_days_past_retention(checkpoint):
    now = datetime.datetime.now(HCM)
    old_day = (now - datetime.timedelta(days=30)).date()  # purged long ago: the roll-up is its only record
    recent = now.replace(hour=10, minute=0, second=0, microsecond=0) - datetime.timedelta(days=3)
    _visits(checkpoint, recent, 2)
    old = CheckinDailyStat.objects.create(checkpoint=checkpoint, day=old_day, total=7, self_scanned=7)
    core_services.rollups_fold(actor=SYSTEM)
    # A correction to a recent day's source (within retention) is picked up by a rebuild: its
    # counts are recounted, and a day left without check-ins loses its stale counts.
    CheckinDailyStat.objects.filter(day=recent.date()).update(total=99, self_scanned=0)
    emptied = recent.date() + datetime.timedelta(days=1)
    CheckinDailyStat.objects.create(checkpoint=checkpoint, day=emptied, total=5, self_scanned=5)
    result = core_services.rollup_rebuild(
        actor=SYSTEM, name=CHECKIN_ROLLUP, since=old_day - datetime.timedelta(days=5)
    )
    assert result["days"] >= 1
    old_after = CheckinDailyStat.objects.get(pk=old.pk)
    assert (old_after.total, old_after.self_scanned) == (7, 7)
    assert CheckinDailyStat.objects.get(day=recent.date()).total == 2
    assert not CheckinDailyStat.objects.filter(day=emptied).exists()
    assert rollups.folded_until(CHECKIN_ROLLUP) == now.date()


@pytest.mark.parametrize("hourly_fold", [True, False])
@override_settings(CHECKIN_RETENTION_DAYS=21)
def test_a_day_is_counted_once_at_every_moment_across_midnight_and_the_purge(checkpoint, hourly_fold):
    """The day crossing the retention line at midnight keeps its figures between midnight and
    the nightly purge (the live part used to stop at the line before the roll-up had run)."""
    crossing = datetime.date(2026, 2, 16)  # past retention from 00:00 on 10 March (21 days)
    _visits(checkpoint, datetime.datetime(2026, 2, 16, 12, tzinfo=HCM), 3)
    _visits(checkpoint, datetime.datetime(2026, 2, 17, 12, tzinfo=HCM), 2)
    expected = {crossing: 3, crossing + datetime.timedelta(days=1): 2}

    def at(day, hour, minute=0, second=0):
        return datetime.datetime(2026, 3, day, hour, minute, second, tzinfo=HCM)

    moments = [
        (at(9, 23, 59, 59), None),
        (at(10, 0, 0, 1), None),
        (at(10, 0, 15), "fold" if hourly_fold else None),
        (at(10, 0, 30), None),
        (at(10, 2, 30), "purge"),
        (at(10, 3, 0), None),
        (at(11, 2, 30), "purge"),  # the next night: 17 February goes too
    ]
    for moment, action in moments:
        with mock.patch("django.utils.timezone.now", return_value=moment):
            if action == "fold":
                core_services.rollups_fold(actor=SYSTEM)
            elif action == "purge":
                services.checkins_purge_expired(actor=SYSTEM)
            assert _per_day(crossing, crossing + datetime.timedelta(days=1)) == expected, moment
            totals = selectors.checkin_totals(
                date_from=crossing, date_to=crossing + datetime.timedelta(days=1)
            )
            assert totals[checkpoint.pk]["total"] == 5, moment
    assert not CheckIn.objects.filter(checked_in_at__date__lte=datetime.date(2026, 2, 17)).exists()


@pytest.mark.django_db
def test_the_migration_keeps_existing_daily_counts_as_the_folded_part(checkpoint):
    CheckinDailyStat.objects.create(
        checkpoint=checkpoint, day=datetime.date(2026, 1, 5), total=4, self_scanned=4
    )
    CheckinDailyStat.objects.create(
        checkpoint=checkpoint, day=datetime.date(2026, 1, 6), total=1, self_scanned=1
    )
    RollupWatermark.objects.all().delete()
    migration = importlib.import_module("checkpoints.migrations.0004_checkin_declaration_set_null_rollup")
    migration.watermark_after_existing_stats(django_apps, None)
    assert rollups.folded_until(CHECKIN_ROLLUP) == datetime.date(2026, 1, 7)
    assert CheckinDailyStat.objects.count() == 2
    assert _per_day(datetime.date(2026, 1, 5), datetime.date(2026, 1, 6)) == {
        datetime.date(2026, 1, 5): 4,
        datetime.date(2026, 1, 6): 1,
    }
