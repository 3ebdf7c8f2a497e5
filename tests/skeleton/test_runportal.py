"""The supervisor behind `make run`: serves, stops on SIGTERM, restarts a child that dies."""

import os
import re
import signal
import socket
import time
import urllib.request
import uuid
from pathlib import Path

import pytest
from django.core.cache.backends.filebased import FileBasedCache

from core.management.commands.runportal import (
    BACKOFF_FIRST_SECONDS,
    BACKOFF_MAX_SECONDS,
    STABLE_SECONDS,
    next_backoff,
)
from tests.skeleton.test_celery import send_echo
from tests.support import project_env, run_manage, wait_for


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def portal(tmp_path, spawn):
    env = project_env(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        PORTAL_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=None,
        REDIS_URL=None,
    )
    assert run_manage(["migrate", "-v0"], env).returncode == 0
    port = free_port()
    proc = spawn("runportal", ["manage.py", "runportal", "--port", str(port)], env)
    url = f"http://127.0.0.1:{port}/"
    assert wait_for(lambda: url in proc.log() or not proc.alive(), timeout=90), proc.log()
    assert proc.alive(), proc.log()
    return proc, url


def child_pids(proc) -> dict[str, int]:
    """Main pids of web, worker and beat, from the log lines the children print."""
    log = proc.log()
    match = re.search(r"\[web\s*\].*Listening at: \S+ \((\d+)\)", log)
    assert match, log
    pids = {"web": int(match.group(1))}
    for name in ("worker", "beat"):
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    cmd = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                    ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
                except OSError:
                    continue
                if ppid == proc.process.pid and name.encode() in cmd and b"celery" in cmd:
                    pids[name] = int(pid)
    return pids


def gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie awaiting its parent counts as gone.
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"


def all_gone(pids) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if all(gone(pid) for pid in pids):
            return True
        time.sleep(0.2)
    return False


@pytest.mark.slow
def test_serves_and_stops_everything_on_sigterm(portal):
    proc, url = portal
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 200
    pids = child_pids(proc)
    assert set(pids) == {"web", "worker", "beat"}, proc.log()
    time.sleep(0.7)  # land the signal while the supervisor is in its watch loop
    proc.process.send_signal(signal.SIGTERM)
    assert proc.process.wait(timeout=40) == 0, proc.log()
    assert all_gone(pids.values())


def worker_ready_count(proc) -> int:
    return sum(1 for line in proc.log().splitlines() if line.startswith("[worker") and " ready." in line)


def web_answers(url: str) -> bool:
    with urllib.request.urlopen(f"{url}healthz", timeout=5) as response:
        return response.status == 200


@pytest.mark.slow
def test_restarts_a_killed_worker_while_web_keeps_serving(portal, tmp_path):
    proc, url = portal
    assert wait_for(lambda: worker_ready_count(proc) == 1, timeout=60), proc.log()
    before = child_pids(proc)
    os.kill(before["worker"], signal.SIGKILL)
    killed, answered = time.monotonic(), 0
    while worker_ready_count(proc) < 2 and time.monotonic() - killed < 60:
        assert web_answers(url), proc.log()  # raises on an error status or a refused connection
        answered += 1
        time.sleep(0.2)
    restarted = time.monotonic() - killed
    assert worker_ready_count(proc) == 2, proc.log()
    assert answered > 0
    assert re.search(r"\[runportal\] .*worker.*-9", proc.log()), proc.log()
    after = child_pids(proc)
    assert after["worker"] != before["worker"] and gone(before["worker"])
    assert (after["web"], after["beat"]) == (before["web"], before["beat"])  # untouched
    assert proc.alive(), proc.log()
    print(f"worker ready again {restarted:.1f} s after kill -9; web answered {answered} times meanwhile")

    # The new worker consumes the queue.
    env = project_env(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        PORTAL_VAR_DIR=str(tmp_path / "var"),
        DATABASE_URL=None,
        REDIS_URL=None,
    )
    key, value = f"echo:{uuid.uuid4().hex}", uuid.uuid4().hex
    send_echo(env, key, value)
    cache = FileBasedCache(str(tmp_path / "var" / "cache"), {})
    assert wait_for(lambda: cache.get(key), timeout=30) == value, proc.log()

    # Ctrl-C/SIGTERM still stops everything, the restarted worker too.
    proc.process.send_signal(signal.SIGTERM)
    assert proc.process.wait(timeout=40) == 0, proc.log()
    assert all_gone(after.values())


def test_back_off_doubles_to_its_cap_and_starts_over_after_a_stable_minute():
    backoff, delays = BACKOFF_FIRST_SECONDS, []
    for _ in range(8):  # a child that dies again at once, eight times
        delay, backoff = next_backoff(backoff, ran=0.5)
        delays.append(delay)
    assert delays == [1, 2, 4, 8, 16, 30, 30, 30]
    assert BACKOFF_MAX_SECONDS == 30
    assert next_backoff(backoff, ran=STABLE_SECONDS - 1) == (30, 30)
    assert next_backoff(backoff, ran=STABLE_SECONDS) == (1, 2)
