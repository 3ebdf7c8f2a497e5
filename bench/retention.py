"""Retention purge of one expired day of ~1 million check-ins while check-ins continue (issue 5).

    make bench-retention                     # after bench/gen_checkins.py --expired-checkins 1000000
    python bench/retention.py --rate 40 --prepare 1000000

Starts gunicorn (``bench.settings``, production settings) like ``checkin_load.py`` and posts
check-ins at a fixed rate (open loop: request *i* is due at ``t0 + i / rate``; its latency is
measured from when it was due, so a stalled server is not hidden by a waiting client), each a
different visitor (own ``cp_dev`` cookie and X-Forwarded-For, fresh ``submission``) to
``POST /api/v1/checkins/``. After ``--before`` seconds it runs
``checkpoints.services.checkins_purge_expired`` (the check-in category of the one purge loop,
``core.retention``: roll-up fold, then batches of ``PORTAL_RETENTION_BATCH_SIZE``) in another
process, keeps posting during it and for ``--after`` seconds more. Reports purge time, rows
deleted and check-in latency before, during and after. ``--prepare N`` first adds check-ins on
the expired day until it holds N (append mode of gen_checkins.py). Appends to
docs/benchmarks.md unless ``--no-write``.
"""

import argparse
import datetime
import http.client
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.checkin_load import start_server
from bench.common import (
    BASE_DIR,
    add_output_arg,
    bench_env,
    git_commit,
    machine,
    percentile,
    publish,
    setup_django,
    uptime,
)
from bench.http_bench import stop, wait_up

PURGE = """
import json, sys, time
sys.path.insert(0, {base!r})
from bench.common import setup_django
setup_django()
from checkpoints import services
from core import rollups
from core.actors import SystemActor
fold = rollups.fold
spent = []
def timed_fold(*args, **kwargs):  # measurement only: how much of the purge the roll-up takes
    t = time.perf_counter()
    try:
        return fold(*args, **kwargs)
    finally:
        spent.append(time.perf_counter() - t)
rollups.fold = timed_fold
t = time.perf_counter()
deleted = services.checkins_purge_expired(actor=SystemActor("bench:retention"))
print(json.dumps({{"deleted": deleted, "seconds": time.perf_counter() - t, "rollup_seconds": sum(spent)}}))
"""


class Load:
    """Open-loop check-ins at a fixed rate from a pool of client threads."""

    def __init__(self, port: int, rate: float, checkpoints: int, persons: int, threads: int = 32) -> None:
        self.port, self.rate, self.checkpoints, self.persons = port, rate, checkpoints, persons
        self.records: list[tuple[float, float, int]] = []  # (due, latency, status)
        self.lock = threading.Lock()
        self.next = 0
        self.stop_at = float("inf")
        self.t0 = time.monotonic()
        self.base = random.randrange(10**9)
        self.workers = [threading.Thread(target=self.client, daemon=True) for _ in range(threads)]

    def start(self) -> None:
        self.t0 = time.monotonic()
        for w in self.workers:
            w.start()

    def finish(self) -> None:
        self.stop_at = time.monotonic()
        for w in self.workers:
            w.join()

    def body(self, v: int) -> bytes:
        person = 1000 + v % (self.persons - 1000)
        return json.dumps(
            {
                "checkpoint_token": f"bench{random.randint(1, self.checkpoints):06d}",
                "submission": str(uuid.uuid4()),
                "person": {
                    "full_name": f"Người thử {person:07d}",
                    "birth_year": 1940 + person % 66,
                    "id_number": f"038{person:09d}",
                    "phone": f"09{person % 100_000_000:08d}",
                },
                "symptoms": [],
                "exposures": [],
            }
        ).encode()

    def client(self) -> None:
        while True:
            with self.lock:
                i = self.next
                self.next += 1
            due = self.t0 + i / self.rate
            if due >= self.stop_at:
                return
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            v = self.base + i
            status = 0
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                conn.request(
                    "POST",
                    "/api/v1/checkins/",
                    body=self.body(v),
                    headers={
                        "Content-Type": "application/json",
                        "Cookie": f"cp_dev=benchdevice{v:012d}",
                        "X-Forwarded-For": f"10.{(v >> 16) % 256}.{(v >> 8) % 256}.{v % 256}",
                    },
                )
                response = conn.getresponse()
                response.read()
                conn.close()
                status = response.status
            except OSError:
                status = 0
            latency = time.monotonic() - due
            with self.lock:
                self.records.append((due - self.t0, latency, status))


def summary(records: list[tuple[float, float, int]], lo: float, hi: float) -> dict[str, float]:
    rows = [r for r in records if lo <= r[0] < hi]
    ok = sorted(lat for _d, lat, s in rows if s in (200, 201))
    return {
        "requests": len(rows),
        "ok": len(ok),
        "errors": len(rows) - len(ok),
        "p50": 1000 * percentile(ok, 0.5),
        "p95": 1000 * percentile(ok, 0.95),
        "p99": 1000 * percentile(ok, 0.99),
        "max": 1000 * (ok[-1] if ok else 0),
        "seconds": hi - lo,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rate", type=float, default=40, help="check-ins per second during the run")
    parser.add_argument("--before", type=float, default=20)
    parser.add_argument("--after", type=float, default=10)
    parser.add_argument("--port", type=int, default=8402)
    parser.add_argument("--persons", type=int, default=500_000)
    parser.add_argument("--prepare", type=int, default=0, help="fill the expired day up to N check-ins")
    add_output_arg(parser)
    args = parser.parse_args()

    env = bench_env()
    setup_django()
    from django.core.cache import cache
    from django.db import connection
    from django.utils import timezone

    from checkpoints.models import Checkpoint
    from checkpoints.retention import retention_cutoff

    cutoff = retention_cutoff()

    def expired() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM checkpoints_checkin WHERE checked_in_at < %s", [cutoff])
            return cursor.fetchone()[0]

    have = expired()
    if args.prepare and have < args.prepare:
        subprocess.run(
            [
                sys.executable,
                str(BASE_DIR / "bench" / "gen_checkins.py"),
                "--append",
                "--checkins",
                "0",
                "--expired-checkins",
                str(args.prepare - have),
            ],
            cwd=BASE_DIR,
            env=env,
            check=True,
        )
        have = expired()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM checkpoints_checkin")
        total_before = cursor.fetchone()[0]
        cursor.execute(
            "SELECT min(checked_in_at), max(checked_in_at) FROM checkpoints_checkin WHERE checked_in_at < %s",
            [cutoff],
        )
        first, last = cursor.fetchone()
    if not have:
        raise SystemExit("nothing past retention: run gen_checkins.py with --expired-checkins")
    days = sorted({timezone.localdate(first), timezone.localdate(last)})
    checkpoints = Checkpoint.objects.filter(qr_token__startswith="bench").count()
    connection.close()
    cache.clear()

    log = Path(tempfile.mkdtemp(prefix="portal-bench-")) / "gunicorn.log"
    server = start_server(args.port, args.workers, env, log)
    load_before = uptime()
    try:
        wait_up(args.port, "/healthz")
        warm = Load(args.port, args.rate, checkpoints, args.persons)
        warm.start()
        time.sleep(3)
        warm.finish()
        load = Load(args.port, args.rate, checkpoints, args.persons)
        load.start()
        time.sleep(args.before)
        purge_start = time.monotonic() - load.t0
        load_mid = uptime()
        done = subprocess.run(
            [sys.executable, "-c", PURGE.format(base=str(BASE_DIR))],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        purge_end = time.monotonic() - load.t0
        purge = json.loads(done.stdout.strip().splitlines()[-1])
        time.sleep(args.after)
        load.finish()
        end = time.monotonic() - load.t0
    finally:
        stop(server)
    load_after = uptime()
    records = load.records
    phases = {
        "before": summary(records, 0, purge_start),
        "during": summary(records, purge_start, purge_end),
        "after": summary(records, purge_end, end),
    }
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM checkpoints_checkin WHERE checked_in_at < %s", [cutoff])
        left = cursor.fetchone()[0]
    out = {"expired_rows": have, "purge": purge, "left_expired": left, "phases": phases}
    print(json.dumps(out, indent=2))
    now = datetime.datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")

    def line(label: str, s: dict[str, float]) -> str:
        return (
            f"| {label} | {s['seconds']:.1f} | {s['requests']} | {s['ok'] / max(s['seconds'], 1e-9):.1f} | "
            f"{s['p50']:.1f} | {s['p95']:.1f} | {s['p99']:.1f} | {s['max']:.1f} | {s['errors']} |"
        )

    text = "\n".join(
        [
            "## Retention purge while check-ins continue (issue 5)",
            "",
            f"Produced by `make bench-retention` (`python bench/retention.py --rate {args.rate:.0f} "
            f"--workers {args.workers}`).",
            "",
            f"- Date: {now}; git commit `{git_commit()}`",
            f"- Machine: {machine()}; PostgreSQL 15 and Redis on the same machine",
            f"- Load (`uptime`) before: `{load_before}`; at purge start: `{load_mid}`; after: `{load_after}`",
            f"- Data: {total_before:,} check-ins, of which {have:,} past retention (local day(s) "
            f"{', '.join(d.isoformat() for d in days)}; cutoff {cutoff.isoformat()})",
            f"- Purge: `checkins_purge_expired` (system actor) in its own process (roll-up, then batches of "
            f"{__import__('django.conf').conf.settings.RETENTION_BATCH_SIZE} rows per transaction)",
            f"- Load: gunicorn sync workers: {args.workers}; open-loop client posting {args.rate:.0f} "
            "check-ins/s (`POST /api/v1/checkins/`, each a different visitor), latency measured "
            "from when each request was due",
            "",
            f"**Purge: {purge['deleted']:,} rows deleted in {purge['seconds']:.1f} s** "
            f"({purge['deleted'] / purge['seconds']:,.0f} rows/s), of which the daily roll-up "
            f"{purge['rollup_seconds']:.1f} s; {left} expired rows left.",
            "",
            "| Check-ins | seconds | requests | accepted/s | p50 ms | p95 ms | p99 ms | max ms "
            "| errors/non-2xx |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
            line("before the purge", phases["before"]),
            line("during the purge", phases["during"]),
            line("after the purge", phases["after"]),
        ]
    )
    publish(text, write=not args.no_write)


if __name__ == "__main__":
    main()
