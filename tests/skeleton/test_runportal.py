"""The supervisor behind `make run`: serves, stops on SIGTERM, fails when a child dies."""

import os
import re
import signal
import socket
import time
import urllib.request
from pathlib import Path

import pytest

from tests.support import project_env, run_manage, wait_for

pytestmark = pytest.mark.slow


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


def test_stops_everything_and_fails_when_a_child_dies(portal):
    proc, _url = portal
    pids = child_pids(proc)
    os.kill(pids["beat"], signal.SIGKILL)
    assert proc.process.wait(timeout=40) != 0
    assert "CommandError" in proc.log()
    assert all_gone([pids["web"], pids["worker"]])
