"""A real worker killed mid-report: the sweep puts the report back and a new worker finishes it."""

import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.skeleton.test_celery import BEAT, WORKER, embedded_env, wait_ready
from tests.support import BASE_DIR, run_manage, wait_for

# The solo pool runs the task in the worker process itself: SIGKILL takes the task with it,
# as a lost host or the out-of-memory killer would.
SOLO = [*WORKER, "--pool", "solo"]


def _report(db) -> tuple[str, int]:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT status, progress FROM reports_report").fetchone()


@pytest.mark.slow
def test_a_report_whose_worker_is_killed_is_finished_by_the_sweep(tmp_path, spawn):
    env = embedded_env(tmp_path)
    db = tmp_path / "portal.sqlite3"
    assert run_manage(["migrate", "-v0"], env, timeout=300).returncode == 0
    units = run_manage(["load_admin_units", "--scheme", "2021", "--province", "38", "-v0"], env, timeout=300)
    assert units.returncode == 0, units.stderr
    slow = {**env, "PORTAL_REPORTS_STEP_DELAY_SECONDS": "20"}
    first = spawn("worker-1", SOLO, slow)
    wait_ready(first)
    code = (
        "import datetime, django; django.setup()\n"
        "from reports.services import weekly_report_ensure\n"
        "weekly_report_ensure(week_start=datetime.date(2021, 9, 6))\n"
    )
    created = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )
    assert created.returncode == 0, created.stderr
    # The worker is inside a slow step (40 %): kill it there.
    assert wait_for(lambda: _report(db) in {("running", 40), ("failed", 5)}, timeout=120), first.log()
    assert _report(db) == ("running", 40), first.log()
    first.process.send_signal(signal.SIGKILL)
    first.process.wait(timeout=20)
    killed = time.monotonic()

    # A new worker alone does not finish it: nothing in the queue, the report still "running".
    recovery_env = {**env, "PORTAL_STALLED_REPORT_SECONDS": "3", "PORTAL_STALLED_SWEEP_SECONDS": "2"}
    second = spawn("worker-2", SOLO, recovery_env)
    wait_ready(second)
    assert _report(db) == ("running", 40)
    # The beat's sweep finds it stalled and enqueues it again; the new worker completes it.
    beat = spawn("beat", BEAT, recovery_env)
    done = wait_for(lambda: _report(db) == ("done", 100), timeout=180)
    print(f"report done {time.monotonic() - killed:.1f} s after the kill")  # the measurement (-s)
    assert done, f"{_report(db)}\n--- worker\n{second.log()}\n--- beat\n{beat.log()}"
    with sqlite3.connect(db) as connection:
        actions = [row[0] for row in connection.execute("SELECT action FROM core_auditlog ORDER BY id")]
    assert actions.count("report.resume") == 1
    assert actions.count("report.generate") == 1
