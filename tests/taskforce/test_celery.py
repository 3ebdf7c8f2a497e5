"""The daily overdue task fires on its beat schedule with real worker and beat processes, on
the embedded (filesystem broker, SQLite) and the Redis broker. PORTAL_TASKFORCE_OVERDUE_SECONDS
shortens the daily schedule for the test, as PORTAL_HEARTBEAT_SECONDS does for the heartbeat."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.skeleton.test_celery import BEAT, WORKER, embedded_env, redis_env, wait_ready
from tests.support import BASE_DIR, run_manage, wait_for

SETUP = """
import datetime, django
django.setup()
from django.utils import timezone
from core import services as core
from core.models import AdministrativeUnit
from taskforce import services
from tests.actors import SYSTEM
unit = AdministrativeUnit.objects.create(scheme="2021", level="province", code="38", name="Thanh Hóa")
org = core.organization_create(actor=SYSTEM, name="Sở TT&TT", kind="department", unit=unit)
leader = services.member_appoint(actor=SYSTEM, decision=None, active_from=datetime.date(2021, 8, 10),
    full_name="Nguyễn Văn Tước", organization=org, position_title="PGĐ", role="leader",
    email="leader@example.invalid")
a = services.assignment_create(actor=SYSTEM, title="Trễ", assignee_member=leader, due_on=timezone.localdate())
# The due date passes (a new assignment cannot be given a past due date).
type(a).objects.filter(pk=a.pk).update(due_on=timezone.localdate() - datetime.timedelta(days=1))
print(a.pk)
"""


def _prepare(env: dict[str, str]) -> int:
    migrated = run_manage(["migrate", "--noinput", "-v0"], env, timeout=300)
    assert migrated.returncode == 0, migrated.stderr
    result = subprocess.run(
        [sys.executable, "-c", SETUP],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip().splitlines()[-1])


def _status(db: Path, pk: int) -> tuple[str, str | None]:
    with sqlite3.connect(db, timeout=20) as conn:
        row = conn.execute(
            "SELECT status, last_reminded_on FROM taskforce_assignment WHERE id = ?", [pk]
        ).fetchone()
    return row


def _reminded(db: Path) -> int:
    with sqlite3.connect(db, timeout=20) as conn:
        return conn.execute(
            "SELECT COUNT(*) FROM core_outboundmessage"
            " WHERE purpose = 'assignment.reminder' AND status = 'sent'"
        ).fetchone()[0]


def _run(tmp_path: Path, env: dict[str, str], spawn) -> None:
    env = {**env, "PORTAL_TASKFORCE_OVERDUE_SECONDS": "2", "PORTAL_HEARTBEAT_SECONDS": "3600"}
    pk = _prepare(env)
    db = tmp_path / "portal.sqlite3"
    assert _status(db, pk)[0] == "new"
    worker = spawn("worker", WORKER, env)
    beat = spawn("beat", BEAT, env)
    wait_ready(worker)
    marked = wait_for(lambda: _status(db, pk)[0] == "overdue", timeout=60)
    logs = f"--- worker\n{worker.log()}\n--- beat\n{beat.log()}"
    assert marked, logs
    assert "Sending due task taskforce-overdue-assignments" in beat.log()
    assert wait_for(lambda: _reminded(db) == 1, timeout=30), logs
    assert _status(db, pk)[1] is not None  # the reminder day is recorded
    # Beat keeps firing every 2 s: the assignee is still reminded only once that day.
    wait_for(lambda: beat.log().count("Sending due task taskforce-overdue-assignments") >= 3, timeout=30)
    assert _reminded(db) == 1, logs
    assert worker.alive() and beat.alive()


@pytest.mark.slow
def test_overdue_task_on_its_schedule_embedded(tmp_path, spawn):
    _run(tmp_path, embedded_env(tmp_path), spawn)


@pytest.mark.slow
@pytest.mark.redis
def test_overdue_task_on_its_schedule_on_redis(tmp_path, spawn, needs_redis):
    env, _prefix = redis_env(tmp_path, needs_redis)
    _run(tmp_path, env, spawn)


def test_the_schedule_is_daily_by_default():
    from celery.schedules import crontab
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["taskforce-overdue-assignments"]
    assert entry["task"] == "taskforce.tasks.mark_overdue_assignments"
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    assert (schedule.hour, schedule.minute) == ({7}, {0})  # type: ignore[attr-defined]
