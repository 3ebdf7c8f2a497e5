"""Steady check-ins while PostgreSQL restarts, Redis stops and the worker is killed (issue 14).

    python bench/fault_load.py                        # as root (runs initdb/postgres as postgres)
    python bench/fault_load.py --rate 30 --seconds 110 --port 8120

Starts its OWN PostgreSQL cluster (``initdb`` in a temporary directory, port 55432) and its
own ``redis-server`` (port 6395, no persistence), never the shared ones; migrates, loads the
administrative units and creates one approved checkpoint, then runs ``manage.py runportal``
(gunicorn 2 workers, Celery worker and beat; production settings of ``bench.settings``)
against them. A paced client posts ``POST /api/v1/checkins/`` at ``--rate`` per second, each
submission a different visitor (own ``cp_dev`` cookie and X-Forwarded-For) with its own
``submission`` UUID; a 503, 5xx or connection error is retried with the same UUID (at most
``--attempts`` times, 0.5 s apart), as the check-in page does. Meanwhile:

- PostgreSQL: ``pg_ctl restart -m fast``;
- Redis: shut down, started again 10 s later;
- the Celery worker: ``kill -9`` (runportal restarts it).

Afterwards it counts the requests by status, finds every 2xx submission in the database (each
must be stored exactly once), the time from each service's return to the first 2xx of a
request sent after it, and whether runportal's children are all alive; prints JSON. The
cluster and the temporary directory are removed at the end.
"""

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BASE_DIR, bench_env, git_commit, percentile, uptime
from bench.process_faults import child_pids, wait

PG_BIN = Path("/usr/lib/postgresql") / sorted(os.listdir("/usr/lib/postgresql"))[-1] / "bin"
TOKEN = "faultload0001"  # the bench checkpoint's QR token


class Cluster:
    """A private PostgreSQL cluster in a temporary directory, run as the postgres user."""

    def __init__(self, root: Path, port: int) -> None:
        self.data, self.port, self.log = root / "pg", port, root / "pg.log"

    def _as_postgres(self, *argv: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *argv], check=True, stdout=subprocess.DEVNULL)

    def create(self) -> None:
        self.data.parent.chmod(0o777)
        self.data.mkdir()
        if os.geteuid() == 0:
            shutil.chown(self.data, "postgres", "postgres")
            self.log.touch()
            shutil.chown(self.log, "postgres", "postgres")
        self._as_postgres(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres")
        self.pg_ctl("start")
        subprocess.run(
            [PG_BIN / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "portal_faults"],
            check=True,
        )

    def pg_ctl(self, action: str, *extra: str) -> None:
        opts = f"-p {self.port} -k /tmp -c listen_addresses=127.0.0.1"
        argv = [str(PG_BIN / "pg_ctl"), action, "-D", str(self.data), "-w", "-l", str(self.log), "-o", opts]
        self._as_postgres(*argv, *extra)

    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/portal_faults"


class Redis:
    def __init__(self, port: int) -> None:
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        argv = ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", ""]
        self.process = subprocess.Popen([*argv, "--appendonly", "no"], stdout=subprocess.DEVNULL)
        wait(self.ping, 10)

    def ping(self) -> bool:
        out = subprocess.run(
            ["redis-cli", "-p", str(self.port), "ping"], capture_output=True, text=True, check=False
        )
        return out.stdout.strip() == "PONG"

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(10)


class Client:
    """Paced check-ins; every attempt recorded as (sent, done, status) with status 0 = socket error."""

    def __init__(self, port: int, attempts: int) -> None:
        self.url = f"http://127.0.0.1:{port}/api/v1/checkins/"
        self.attempts = attempts
        self.log: list[tuple[float, float, int, str]] = []
        self.ok: dict[str, int] = {}  # submission -> 2xx status of its final answer
        self.final: Counter[str] = Counter()
        self.bodies_5xx: list[str] = []
        self.lock = threading.Lock()

    def post(self, n: int, submission: str) -> int:
        body = {
            "checkpoint_token": TOKEN,
            "submission": submission,
            "person": {
                "full_name": f"Người thử {n:07d}",
                "birth_year": 1950 + n % 60,
                "id_number": f"038{n:09d}",
                "phone": f"09{n:08d}",
            },
            "symptoms": [],
            "exposures": [],
        }
        request = urllib.request.Request(
            self.url,
            data=json.dumps(body).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Cookie": f"cp_dev=faultdevice{n:012d}",
                "X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            if exc.code >= 500 and exc.code != 503:
                with self.lock:
                    self.bodies_5xx.append(exc.read(300).decode(errors="replace"))
            return exc.code
        except OSError:
            return 0

    def submit(self, n: int) -> None:
        submission = str(uuid.uuid4())
        for attempt in range(self.attempts):
            sent = time.monotonic()
            status = self.post(n, submission)
            with self.lock:
                self.log.append((sent, time.monotonic(), status, submission))
            if status == 0 or status >= 500:
                if attempt + 1 < self.attempts:
                    time.sleep(0.5)
                continue
            break
        with self.lock:
            self.final["2xx" if 200 <= status < 300 else str(status)] += 1
            if 200 <= status < 300:
                self.ok[submission] = status


def summarise(client: Client, events: dict[str, float]) -> dict[str, Any]:
    statuses = Counter(status for _s, _d, status, _u in client.log)
    by_class = {
        "requests": len(client.log),
        "2xx": sum(v for k, v in statuses.items() if 200 <= k < 300),
        "201": statuses[201],
        "200_replayed": statuses[200],
        "4xx": {str(k): v for k, v in sorted(statuses.items()) if 400 <= k < 500},
        "503": statuses[503],
        "5xx_other": {str(k): v for k, v in sorted(statuses.items()) if k >= 500 and k != 503},
        "connection_errors": statuses[0],
    }
    recovery = {}
    for name in ("postgres_back", "redis_back", "worker_killed"):
        back = events.get(name)
        if back is None:
            continue
        firsts = [done for sent, done, status, _u in client.log if sent >= back and 200 <= status < 300]
        failed_after = [
            done for sent, done, status, _u in client.log if sent >= back and not 200 <= status < 300
        ]
        recovery[name] = {
            "first_2xx_after_s": round(min(firsts) - back, 3) if firsts else None,
            "failures_sent_after": len(failed_after),
        }
    return {
        "attempts": by_class,
        "submissions": dict(client.final),
        "recovery": recovery,
        "by_phase": phases(client, events),
        "latency_2xx_ms": latency(client),
    }


def phases(client: Client, events: dict[str, float]) -> dict[str, dict[str, int]]:
    """Statuses of the attempts sent during each fault (until 5 s after the service returned)."""
    windows = {
        "postgres_restart": (events.get("postgres_restart"), events.get("postgres_back")),
        "redis_down": (events.get("redis_stop"), events.get("redis_back")),
        "worker_killed": (events.get("worker_killed"), events.get("worker_killed")),
    }
    out: dict[str, Counter[str]] = {name: Counter() for name in [*windows, "steady"]}
    for sent, _done, status, _u in client.log:
        phase = "steady"
        for name, (start, end) in windows.items():
            if start is not None and end is not None and start <= sent <= end + 5:
                phase = name
        out[phase][str(status)] += 1
    return {name: dict(sorted(c.items())) for name, c in out.items()}


def latency(client: Client) -> dict[str, float]:
    values = sorted(1000 * (done - sent) for sent, done, status, _u in client.log if 200 <= status < 300)
    return {f"p{q}": round(percentile(values, q / 100), 1) for q in (50, 95, 99)} | {
        "max": round(values[-1], 1) if values else 0.0
    }


def stored(submissions: list[str]) -> dict[str, int]:
    from django.db import connection

    connection.close()  # the set-up's connection did not survive the restart
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT submission::text, count(*) FROM checkpoints_checkin GROUP BY submission",
        )
        counts = dict(cursor.fetchall())
        cursor.execute("SELECT count(*) FROM checkpoints_checkin")
        rows = cursor.fetchone()[0]
    wanted = set(submissions)
    return {
        "rows_stored": rows,
        "submissions_2xx": len(wanted),
        "2xx_stored_once": sum(1 for s in wanted if counts.get(s) == 1),
        "2xx_missing": sum(1 for s in wanted if s not in counts),
        "2xx_duplicated": sum(1 for s in wanted if counts.get(s, 0) > 1),
        "stored_without_final_2xx": sum(1 for s in counts if s not in wanted),
    }


def task_runs() -> float | None:
    """Seconds until a task sent after all the faults ran on the (restarted) worker; None if not in 60 s."""
    from django.core.cache import cache

    from core.tasks import echo

    key, started = f"faultload:{uuid.uuid4().hex}", time.monotonic()
    echo.delay(key, "done")
    ran = wait(lambda: cache.get(key) == "done", 60)
    return round(time.monotonic() - started, 2) if ran else None


def prepare(env: dict[str, str]) -> None:
    manage = [sys.executable, "manage.py"]
    for argv in (["migrate", "-v0"], ["load_admin_units"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([*manage, *argv], cwd=BASE_DIR, env=env, check=True, stdout=subprocess.DEVNULL)
    os.environ.update(env)
    import django

    django.setup()
    from django.utils import timezone

    from checkpoints.models import Checkpoint
    from core.models import AdministrativeUnit, Organization

    unit = AdministrativeUnit.objects.order_by("-level", "code")[0]
    org = Organization.objects.create(name="Bench faults", kind=Organization.Kind.BUSINESS, unit=unit)
    Checkpoint.objects.create(
        name="Điểm kiểm dịch thử lỗi",
        organization=org,
        kind=Checkpoint.Kind.choices[0][0],
        unit=unit,
        status=Checkpoint.Status.APPROVED,
        decided_at=timezone.now(),
        qr_token=TOKEN,
    )


def faults(
    args: argparse.Namespace, cluster: Cluster, redis: Redis, portal: int, t0: float
) -> dict[str, float]:
    events: dict[str, float] = {}

    def at(offset: float) -> None:
        time.sleep(max(0.0, t0 + offset - time.monotonic()))

    at(args.seconds * 0.15)
    events["postgres_restart"] = time.monotonic()
    cluster.pg_ctl("restart", "-m", "fast")
    events["postgres_back"] = time.monotonic()
    at(args.seconds * 0.35)
    events["redis_stop"] = time.monotonic()
    redis.stop()
    time.sleep(10)
    redis.start()
    events["redis_back"] = time.monotonic()
    at(args.seconds * 0.7)
    os.kill(child_pids(portal)["worker"], signal.SIGKILL)
    events["worker_killed"] = time.monotonic()
    return events


def run(args: argparse.Namespace, root: Path) -> dict[str, Any]:
    cluster, redis = Cluster(root, args.pg_port), Redis(args.redis_port)
    cluster.create()
    redis.start()
    env = bench_env()
    env.update(DATABASE_URL=cluster.url(), REDIS_URL=f"redis://127.0.0.1:{args.redis_port}/0")
    env.update(PORTAL_VAR_DIR=str(root / "var"))
    log_path = root / "runportal.log"
    portal = None
    try:
        prepare(env)
        with log_path.open("wb") as log:
            portal = subprocess.Popen(
                [sys.executable, "manage.py", "runportal", "--port", str(args.port), "--web-workers", "2"],
                cwd=BASE_DIR,
                env=env,
                stdout=log,
                stderr=log,
            )
        wait(lambda: f":{args.port}/" in log_path.read_text(errors="replace"), 120)
        result: dict[str, Any] = {"load_before": uptime(), "commit": git_commit()}
        client = Client(args.port, args.attempts)
        t0 = time.monotonic()
        events: dict[str, float] = {}
        injector = threading.Thread(
            target=lambda: events.update(faults(args, cluster, redis, portal.pid, t0)), daemon=True
        )
        injector.start()
        with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
            n = 0
            while (now := time.monotonic()) < t0 + args.seconds:
                pool.submit(client.submit, n)
                n += 1
                time.sleep(max(0.0, t0 + n / args.rate - now))
        injector.join()
        time.sleep(2)
        children = child_pids(portal.pid)
        result["children_alive_at_end"] = {k: k in children for k in ("gunicorn", "worker", "beat")}
        result["runportal_alive"] = portal.poll() is None
        result.update(summarise(client, events))
        result["events_s"] = {k: round(v - t0, 2) for k, v in events.items()}
        result["postgres_restart_took_s"] = round(events["postgres_back"] - events["postgres_restart"], 2)
        result["stored"] = stored(list(client.ok))
        result["task_after_faults_s"] = task_runs()
        text = log_path.read_text(errors="replace")
        result["log_tracebacks"] = text.count("Traceback")
        result["log_worker_ready"] = text.count(" ready.")
        result["log_unrecoverable"] = text.count("Unrecoverable error")
        result["log_outage_503"] = text.count("ERROR portal.outage")
        result["log_limiter_fail_open"] = text.count("rate limit store unreachable")
        result["log_restarts"] = [line for line in text.splitlines() if line.startswith("[runportal]")]
        result["bodies_5xx"] = client.bodies_5xx[:3]
        result["load_after"] = uptime()
        return result
    finally:
        if args.keep_log and log_path.exists():
            shutil.copy(log_path, args.keep_log)
        if portal is not None and portal.poll() is None:
            portal.send_signal(signal.SIGTERM)
            try:
                portal.wait(30)
            except subprocess.TimeoutExpired:
                portal.kill()
        redis.stop()
        cluster.pg_ctl("stop", "-m", "fast")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rate", type=float, default=30, help="submissions started per second")
    parser.add_argument("--seconds", type=float, default=110)
    parser.add_argument("--concurrency", type=int, default=32, help="client threads")
    parser.add_argument("--attempts", type=int, default=10, help="tries per submission")
    parser.add_argument("--port", type=int, default=8120)
    parser.add_argument("--pg-port", type=int, default=55432)
    parser.add_argument("--redis-port", type=int, default=6395)
    parser.add_argument("--keep-log", help="copy runportal's log here")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="fb-"))
    try:
        result = run(args, root)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(json.dumps(result, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
