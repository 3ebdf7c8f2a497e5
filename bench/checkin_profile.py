"""Where a check-in's time goes, in one process (no HTTP server, no client competing for CPUs).

    make bench-checkin-profile
    python bench/checkin_profile.py --requests 200

Drives ``POST /api/v1/checkins/`` and the ceiling ``POST /bench/ceiling`` through Django's test
client with ``bench.settings`` (production settings, PostgreSQL + Redis, same data and visitors
as ``checkin_load.py``). Prints the median time per request of each, the SQL round trips of one
check-in with their times, and the cost of the audit rows: blocks of check-ins with the audit
writer replaced by a no-op, alternating with normal blocks. That replacement exists only in this
measuring process, never in the portal: the audit rows stay (issue 5's rule).
"""

import argparse
import json
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django, uptime


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--persons", type=int, default=500_000)
    parser.add_argument("--blocks", type=int, default=6)
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    import checkpoints.services
    import core.services
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
        assert r.status_code == 201, r.status_code

    def ceiling() -> None:
        v = base + next(counter)
        assert client.post("/bench/ceiling", body(v), content_type="application/json").status_code == 201

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
    print(f"ceiling (one raw INSERT): {median_ms(ceiling, args.requests):.1f} ms per request (median)")
    print(f"check-in: {median_ms(checkin, args.requests):.1f} ms per request (median)")
    with CaptureQueriesContext(connection) as ctx:
        checkin()
    print(f"round trips of one check-in: {len(ctx.captured_queries)}")
    for q in ctx.captured_queries:
        print(f"  {float(q['time']) * 1000:5.1f} ms  {q['sql'][:100]}")

    real = {m: m.audit for m in (checkpoints.services, core.services)}

    class Row:
        pk = None

    def no_audit(**_kwargs: object) -> Row:
        return Row()

    with_audit, without = [], []
    n = max(10, args.requests // args.blocks)
    for _ in range(args.blocks):
        with_audit.append(median_ms(checkin, n))
        for module in real:
            module.audit = no_audit  # type: ignore[attr-defined]
        try:
            without.append(median_ms(checkin, n))
        finally:
            for module, fn in real.items():
                module.audit = fn  # type: ignore[attr-defined]
    a, b = statistics.median(with_audit), statistics.median(without)
    print(
        f"audit rows: check-in {a:.1f} ms with them, {b:.1f} ms without (measurement only) -> "
        f"{a - b:.1f} ms ({100 * (a - b) / a:.0f}%) per check-in; block medians with "
        f"{[round(x, 1) for x in with_audit]}, without {[round(x, 1) for x in without]}"
    )
    print(f"load: {uptime()}")


if __name__ == "__main__":
    main()
