"""Where a check-in's time goes, in one process (no HTTP server, no client competing for CPUs).

    make bench-checkin-profile
    python bench/checkin_profile.py --requests 200

Drives ``POST /api/v1/checkins/`` and the ceiling ``POST /bench/ceiling`` through Django's test
client with ``bench.settings`` (production settings, PostgreSQL + Redis, same data and visitors
as ``checkin_load.py``). Prints the median time per request of each, the SQL round trips of one
check-in with their times, the Python CPU of each (process time) and of the check-in's parts,
and PostgreSQL's CPU for the express statement (``checkpoints/express.py``) and for the same
statement without some of its parts (audit rows, inferred check-out...), prepared under other
names in this measuring process only: the portal always runs the whole statement.
"""

import argparse
import datetime
import json
import os
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django, uptime


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--persons", type=int, default=500_000)
    parser.add_argument("--blocks", type=int, default=6)
    parser.add_argument("--only-layers", action="store_true", help="stop after the same-work comparison")
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.ceiling import ensure_table
    from checkpoints.models import Checkpoint

    ensure_table()
    checkpoints_count = Checkpoint.objects.filter(qr_token__startswith="bench").count()
    client = Client(HTTP_HOST="127.0.0.1")
    base = random.randrange(10**9) * 1000

    def body(v: int) -> str:
        person = 1000 + v % (args.persons - 1000)
        return json.dumps(
            {
                "checkpoint_token": f"bench{random.randint(1, checkpoints_count):06d}",
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
        )

    counter = iter(range(10**9))

    def checkin() -> None:
        v = base + next(counter)
        client.cookies["cp_dev"] = f"benchdevice{v:012d}"
        r = client.post(
            "/api/v1/checkins/",
            body(v),
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"10.{(v >> 16) % 256}.{(v >> 8) % 256}.{v % 256}",
        )
        assert r.status_code in (200, 201), r.status_code  # 200: the same visit again (small data)

    def ceiling() -> None:
        v = base + next(counter)
        assert client.post("/bench/ceiling", body(v), content_type="application/json").status_code == 201

    def same_work() -> None:
        v = base + next(counter)
        client.cookies["cp_dev"] = f"benchdevice{v:012d}"
        r = client.post(
            "/bench/same-work",
            body(v),
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"10.{(v >> 16) % 256}.{(v >> 8) % 256}.{v % 256}",
        )
        assert r.status_code in (200, 201), r.status_code  # 200: the same visit again (small data)

    def cpu_ms(fn: Callable[[], None], n: int) -> float:
        start = time.process_time()
        for _ in range(n):
            fn()
        return 1000 * (time.process_time() - start) / n

    def median_ms(fn: Callable[[], None], n: int) -> float:
        times = []
        for _ in range(n):
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        return 1000 * statistics.median(times)

    print(f"load: {uptime()}")
    for _ in range(20):
        checkin()
        ceiling()
        same_work()
    print(f"ceiling (one raw INSERT): {median_ms(ceiling, args.requests):.1f} ms per request (median)")
    print(f"check-in: {median_ms(checkin, args.requests):.1f} ms per request (median)")
    with CaptureQueriesContext(connection) as ctx:
        checkin()
    print(f"round trips of one check-in: {len(ctx.captured_queries)}")
    for q in ctx.captured_queries:
        print(f"  {float(q['time']) * 1000:5.1f} ms  {q['sql'][:100]}")

    print("python CPU per request (process time, the database's work excluded):")
    print(f"  ceiling  {cpu_ms(ceiling, args.requests):.2f} ms")
    # Interleaved blocks: the same-work ceiling and the check-in alternate, so a busy machine
    # slows both alike; the difference is what the project's layers add per request.
    gaps, same, real = [], [], []
    for _ in range(args.blocks):
        same.append(cpu_ms(same_work, args.requests // args.blocks or 1))
        real.append(cpu_ms(checkin, args.requests // args.blocks or 1))
        gaps.append(real[-1] - same[-1])
    print(
        f"  same-work ceiling {statistics.median(same):.2f} ms; check-in {statistics.median(real):.2f} ms; "
        f"the project's layers add {1000 * statistics.median(gaps):.0f} µs per request (median of "
        f"{args.blocks} interleaved blocks, range {1000 * min(gaps):.0f}–{1000 * max(gaps):.0f} µs)"
    )
    if args.only_layers:
        return
    print(f"  check-in {cpu_ms(checkin, args.requests):.2f} ms, of which:")
    for label, ms in parts(checkin, args.requests):
        print(f"    {label:34s} {ms:.2f} ms")
    print("PostgreSQL backend CPU per execution of the express statement and of parts of it:")
    for label, (cpu, wall) in statement_variants(args.requests * 2).items():
        print(f"  {label:38s} backend CPU {cpu:.3f} ms, wall {wall:.3f} ms")
    print(f"load: {uptime()}")


def parts(checkin: Callable[[], None], n: int) -> list[tuple[str, float]]:
    """Python CPU of the check-in's parts, by wrapping them for the measurement only."""
    from django.core.handlers.base import BaseHandler
    from django.db.backends.utils import CursorWrapper
    from rest_framework.views import APIView

    import checkpoints.api as api
    from checkpoints import express

    spent: dict[str, float] = {}
    wrapped = [
        (BaseHandler, "get_response", "Django handler (all of the request)"),
        (APIView, "dispatch", "DRF view (all of the view)"),
        (api._CHECKIN_INPUT, "run_validation", "validation (serializer)"),
        (api.ratelimit, "allow_checkin", "rate limiter (one Redis call)"),
        (api, "_declaration", "declaration data (code lists)"),
        (express, "_entry", "encryption, keyed hashes, name key"),
        (CursorWrapper, "execute", "SQL call (client side)"),
        (api._CHECKIN_OUTPUT, "to_representation", "response body"),
    ]
    originals = [(owner, name, getattr(owner, name)) for owner, name, _label in wrapped]

    def timed(fn: Callable[..., object], label: str) -> Callable[..., object]:
        def run(*args: object, **kwargs: object) -> object:
            start = time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[label] = spent.get(label, 0.0) + time.process_time() - start

        return run

    for (owner, name, label), (_o, _n, fn) in zip(wrapped, originals, strict=True):
        setattr(owner, name, timed(fn, label))
    try:
        for _ in range(n):
            checkin()
    finally:
        for owner, name, fn in originals:
            setattr(owner, name, fn)
    return [(label, 1000 * spent.get(label, 0.0) / n) for _o, _n, label in wrapped]


def statement_variants(n: int) -> dict[str, tuple[float, float]]:
    """Backend CPU (from /proc, 10 ms ticks over n executions) and wall time of the express
    statement, of the same statement without some of its parts, and of the ceiling's INSERT."""
    from django.db import connection
    from django.utils import timezone

    from checkpoints import express
    from checkpoints.models import Checkpoint
    from core.services import PersonData
    from declarations.data import DeclarationData

    s = express.STATEMENT
    ctes = ("declarations", "checkins", "closed", "audited")
    cut = {name: s.index(f"), {name} AS (") for name in ctes}
    tail = ")\n" + s[s.index("-- PostgreSQL runs") :]
    variants = {
        "whole statement": s,
        "without the audit row": s[: cut["audited"]] + tail,
        "without the inferred check-out": s[: cut["closed"]] + s[cut["audited"] :],
        "look-ups and the declaration only": s[: cut["checkins"]] + tail,
        "look-ups only (checkpoint, person)": s[: cut["declarations"]] + tail,
    }
    tokens = list(Checkpoint.objects.filter(qr_token__startswith="bench").values_list("qr_token", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
        cursor.execute(
            "SELECT pg_get_serial_sequence('declarations_declaration', 'id'),"
            " pg_get_serial_sequence('checkpoints_checkin', 'id')"
        )
        declaration_seq, checkin_seq = cursor.fetchone()
        sql: dict[str, str] = {}
        for i, (label, text) in enumerate(variants.items()):
            body, names = express._parameterized(text)
            body = body.replace("{declaration_seq}", express._regclass(declaration_seq))
            body = body.replace("{checkin_seq}", express._regclass(checkin_seq))
            cursor.execute(f"PREPARE bench_variant_{i} AS {body}")
            sql[label] = f"EXECUTE bench_variant_{i} ({', '.join(f'%({x})s' for x in names)})"
        sql["the ceiling's INSERT"] = (
            "INSERT INTO bench_ceiling (submission, body) VALUES (%(submission)s, %(notice)s) RETURNING id"
        )

        def backend_cpu() -> float:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

        def params() -> dict[str, Any]:
            v = random.randrange(1000, 499_000)
            person = PersonData(
                full_name=f"Người thử {v:07d}",
                birth_year=1940 + v % 66,
                id_number=f"038{v:09d}",
                phone=f"09{v % 100_000_000:08d}",
            )
            data = DeclarationData(person=person)
            now = timezone.now()
            return {
                "token": random.choice(tokens),
                "entries": json.dumps([express._entry(0, person, data)]),
                "symptom_version": data.symptom_list_version,
                "exposure_version": data.exposure_list_version,
                "notice": data.notice_version,
                "submission": uuid.uuid4(),
                "now": now,
                "default_out": now + datetime.timedelta(hours=1),
                "local_day": timezone.localdate(now),
                "time_zone": "Asia/Ho_Chi_Minh",
                "since": now - datetime.timedelta(hours=12),
            }

        out: dict[str, tuple[float, float]] = {}
        for label, text in sql.items():
            batch = [params() for _ in range(n)]
            cpu, wall = backend_cpu(), time.perf_counter()
            for p in batch:
                cursor.execute(text, p)
                cursor.fetchall()
            out[label] = (1000 * (backend_cpu() - cpu) / n, 1000 * (time.perf_counter() - wall) / n)
    return out


if __name__ == "__main__":
    main()
