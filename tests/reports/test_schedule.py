"""The weekly report really fires from beat's schedule and is produced by a real worker,
on the embedded filesystem broker and on Redis. The cron expression is shortened to every
minute through PORTAL_WEEKLY_REPORT_CRON, the same setting operators use to edit it."""

import sqlite3
from typing import Any

import pytest
from celery.schedules import crontab
from django.conf import settings

from tests.skeleton.test_celery import BEAT, WORKER, embedded_env, redis_env, wait_ready
from tests.support import run_manage, wait_for


def test_default_schedule_is_monday_seven_in_hanoi_time():
    entry = settings.CELERY_BEAT_SCHEDULE["reports-weekly"]["schedule"]
    assert isinstance(entry, crontab)
    schedule: Any = entry  # celery-types does not declare crontab's parsed fields
    assert schedule.hour == {7} and schedule.minute == {0} and schedule.day_of_week == {1}
    assert settings.CELERY_TIMEZONE == "Asia/Ho_Chi_Minh"


def _prepare(env):
    for args in (["migrate", "--noinput"], ["load_admin_units", "--province", "38"]):
        result = run_manage(args, env, timeout=300)
        assert result.returncode == 0, result.stderr


def _weekly_reports(db_path):
    if not db_path.exists():
        return []
    try:
        with sqlite3.connect(db_path) as conn:
            return conn.execute(
                "SELECT status, pdf_sha256 FROM reports_report WHERE kind = 'weekly' AND status = 'done'"
            ).fetchall()
    except sqlite3.OperationalError:
        return []


def _run(tmp_path, spawn, env):
    env["PORTAL_WEEKLY_REPORT_CRON"] = "* * * * *"
    _prepare(env)
    worker = spawn("worker", WORKER, env)
    beat = spawn("beat", BEAT, env)
    wait_ready(worker)
    done = wait_for(lambda: _weekly_reports(tmp_path / "portal.sqlite3"), timeout=150, interval=1)
    assert done, f"no weekly report\n--- worker\n{worker.log()[-3000:]}\n--- beat\n{beat.log()[-2000:]}"
    assert "Sending due task reports-weekly" in beat.log()
    assert len(done[0][1]) == 64


@pytest.mark.slow
def test_weekly_report_fires_on_the_embedded_broker(tmp_path, spawn):
    _run(tmp_path, spawn, embedded_env(tmp_path))


@pytest.mark.slow
@pytest.mark.redis
def test_weekly_report_fires_on_redis(tmp_path, spawn, needs_redis):
    env, _prefix = redis_env(tmp_path, needs_redis)
    _run(tmp_path, spawn, env)
