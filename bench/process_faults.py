"""Faults in the processes of the embedded portal and in Redis, measured (docs/operations.md).

    python bench/process_faults.py supervisor          # kill -9 each child of runportal
    python bench/process_faults.py redis --outages 25  # Redis outages under a worker and beat

``supervisor`` runs ``manage.py runportal`` (embedded settings, a throw-away var/), polls
/healthz every 50 ms, kills the worker three times, then web and beat, and prints how long
each took to come back and how many health checks failed. ``redis`` starts its own
``redis-server`` on a free port (never the shared one), a worker (concurrency 2) and beat
(heartbeat every 0.5 s), then stops Redis 1–8 s at a time with tasks in flight, and prints
whether worker and beat survived and whether a task runs after the last outage.
"""

import argparse
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(predicate: Callable[[], object], timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def child_pids(parent: int) -> dict[str, int]:
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if ppid == parent:
            for name in ("gunicorn", "worker", "beat"):
                if name.encode() in argv:
                    found[name] = int(pid)
    return found


def supervisor(var: Path) -> None:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.local", PORTAL_VAR_DIR=str(var))
    for name in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL"):
        env.pop(name, None)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)
    port, log_path = free_port(), var / "runportal.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [*manage, "runportal", "--port", str(port)], cwd=BASE_DIR, env=env, stdout=log, stderr=log
        )
    url = f"http://127.0.0.1:{port}/healthz"

    def text() -> str:
        return log_path.read_text(errors="replace")

    def readies() -> int:
        return sum(1 for line in text().splitlines() if line.startswith("[worker") and " ready." in line)

    def up() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    try:
        assert wait(lambda: url.removesuffix("healthz") in text() and readies() == 1), text()
        for n in range(1, 4):
            before, logged, failures = readies(), text().count("[runportal]"), [0]
            started = time.monotonic()
            os.kill(child_pids(proc.pid)["worker"], signal.SIGKILL)

            def logged_restart(logged: int = logged) -> bool:
                return text().count("[runportal]") > logged

            wait(logged_restart)
            seen = time.monotonic() - started

            def back(before: int = before, failures: list[int] = failures) -> bool:
                failures[0] += not up()
                return readies() > before

            wait(back)
            print(
                f"worker kill -9 #{n}: restart logged after {seen:.2f} s, ready after "
                f"{time.monotonic() - started:.2f} s, /healthz failures meanwhile: {failures[0]}"
            )
            time.sleep(1)
        started = time.monotonic()
        os.kill(child_pids(proc.pid)["gunicorn"], signal.SIGKILL)
        wait(lambda: not up(), 10)
        wait(up)
        print(f"web kill -9: answering again after {time.monotonic() - started:.2f} s")
        old = child_pids(proc.pid)["beat"]
        started = time.monotonic()
        os.kill(old, signal.SIGKILL)
        wait(lambda: child_pids(proc.pid).get("beat", old) != old)
        print(f"beat kill -9: running again after {time.monotonic() - started:.2f} s")
        started = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(60)
        print(f"SIGTERM: exit {code} after {time.monotonic() - started:.2f} s")
        print("\n".join(line for line in text().splitlines() if "[runportal]" in line))
    finally:
        if proc.poll() is None:
            proc.kill()


def redis_outages(var: Path, outages: int) -> None:
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server is not installed")
    port = free_port()
    url = f"redis://127.0.0.1:{port}/0"
    redis_argv = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--dir", str(var)]
    redis_argv += ["--appendonly", "yes"]
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.local", PORTAL_VAR_DIR=str(var))
    env.update(REDIS_URL=url, PORTAL_HEARTBEAT_SECONDS="0.5", PYTHONUNBUFFERED="1")
    env.pop("DATABASE_URL", None)
    env.pop("CELERY_BROKER_URL", None)
    os.environ.update(env)
    import django

    django.setup()
    from django.core.cache import cache

    from config.celery_app import app

    def start_redis() -> subprocess.Popen[bytes]:
        server = subprocess.Popen(redis_argv, stdout=subprocess.DEVNULL)
        time.sleep(0.5)
        return server

    celery = [sys.executable, "-m", "celery", "-A", "config"]
    server = start_redis()
    worker_argv = [*celery, "worker", "-l", "info", "--concurrency", "2"]
    worker_argv += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    worker_argv += ["--include", "tests.skeleton.slow_task"]
    with (var / "worker.log").open("wb") as wlog, (var / "beat.log").open("wb") as blog:
        worker = subprocess.Popen(worker_argv, cwd=BASE_DIR, env=env, stdout=wlog, stderr=wlog)
        beat = subprocess.Popen(
            [*celery, "beat", "-l", "info"], cwd=BASE_DIR, env=env, stdout=blog, stderr=blog
        )
    rng = random.Random(1)
    try:
        wait(lambda: b" ready." in (var / "worker.log").read_bytes(), 60)
        for n in range(1, outages + 1):
            for seconds in (0.5, 2, 4):
                app.send_task("tests.sleep_then_echo", args=[seconds, f"bench:{n}:{seconds}", "done"])
            time.sleep(rng.uniform(0, 1))
            server.send_signal(signal.SIGTERM)
            server.wait()
            time.sleep(rng.uniform(1, 8))
            server = start_redis()
            time.sleep(rng.uniform(2, 8))
            if worker.poll() is not None:
                print(f"worker died after outage {n}")
                break
        back, key = time.monotonic(), f"bench:{uuid.uuid4().hex}"
        app.send_task("tests.sleep_then_echo", args=[0, key, "done"])
        ran = wait(lambda: cache.get(key) == "done", 60)
        log = (var / "worker.log").read_text(errors="replace")
        unrecoverable, not_acked = log.count("Unrecoverable error"), log.count("Couldn't ack")
        print(
            f"outages: {outages}; worker alive: {worker.poll() is None}; beat alive: {beat.poll() is None}; "
            f"task after the last outage ran: {ran} ({time.monotonic() - back:.1f} s); "
            f"unrecoverable errors: {unrecoverable}; acknowledgements lost: {not_acked}"
        )
    finally:
        for proc in (worker, beat):
            proc.terminate()
        for proc in (worker, beat):
            proc.wait(30)
        server.terminate()
        server.wait()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("scenario", choices=["supervisor", "redis"])
    parser.add_argument("--outages", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="portal-faults-") as tmp:
        if args.scenario == "supervisor":
            supervisor(Path(tmp))
        else:
            redis_outages(Path(tmp), args.outages)


if __name__ == "__main__":
    main()
