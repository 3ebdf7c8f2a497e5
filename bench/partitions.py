"""Prototype for docs/scaling.md (issue 16 point 5): dropping a day partition of check-ins
against the batched purge of the same day from one table.

    python bench/partitions.py --rows 1000000          # the figure docs/scaling.md cites
    python bench/partitions.py --rows 100000 --other 100000   # a smoke run

Builds two bench-only tables in the bench database (never the portal's): ``bench_part_checkin``,
partitioned by day on ``checked_in_at`` (one partition per day), and ``bench_flat_checkin``, one
table as today; both with the check-in table's indexes, ``--rows`` check-ins on an expired day
and ``--other`` on the following days. Then times ``DROP TABLE`` of the expired day's partition
(after ``DETACH PARTITION ... CONCURRENTLY``) against deleting the same day from the flat table
in batches of ``--batch`` rows walking the time index forward, one transaction each (what
``core.retention`` does). A unique (submission, position) constraint cannot span partitions: the
partitioned table's unique key must include ``checked_in_at``, so it holds per day only.
Prints the figures; writes nothing else. Drops both tables at the end.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django, uptime

COLUMNS = """
    id bigint NOT NULL, checkpoint_id bigint NOT NULL, person_id bigint NOT NULL,
    declaration_id bigint, submission uuid, position smallint NOT NULL,
    method varchar(10) NOT NULL, checked_in_at timestamptz NOT NULL,
    checked_out_at timestamptz NOT NULL, checkout_method varchar(10) NOT NULL,
    risk varchar(10) NOT NULL, created_at timestamptz NOT NULL
"""

INDEXES = (
    "(checkpoint_id, checked_in_at, checked_out_at)",
    "(person_id, checked_in_at)",
    "(checked_in_at)",
)

FILL = """
INSERT INTO {table} SELECT g, 1 + g %% 2000, 1 + g %% 500000, g, gen_random_uuid(), 0, 'self',
       %(day)s::timestamptz + (g %% 86000) * interval '1 second',
       %(day)s::timestamptz + (g %% 86000) * interval '1 second' + interval '1 hour',
       'default', 'none', %(day)s::timestamptz
FROM generate_series(%(first)s::bigint, %(last)s::bigint) g
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="check-ins on the expired day")
    parser.add_argument("--other", type=int, default=1_000_000, help="check-ins on the 3 days after")
    parser.add_argument("--batch", type=int, default=2000)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    connection.ensure_connection()
    connection.connection.autocommit = True
    cursor = connection.connection.cursor()
    days = ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"]
    cursor.execute("DROP TABLE IF EXISTS bench_part_checkin, bench_flat_checkin, bench_part_old")
    cursor.execute(
        f"CREATE TABLE bench_flat_checkin ({COLUMNS}, PRIMARY KEY (id), UNIQUE (submission, position))"
    )
    cursor.execute(
        f"CREATE TABLE bench_part_checkin ({COLUMNS}, PRIMARY KEY (id, checked_in_at), "
        "UNIQUE (submission, position, checked_in_at)) PARTITION BY RANGE (checked_in_at)"
    )
    for i, (day, end) in enumerate(zip(days, [*days[1:], "2026-01-05"], strict=True)):
        cursor.execute(
            f"CREATE TABLE bench_part_d{i} PARTITION OF bench_part_checkin "
            f"FOR VALUES FROM ('{day}') TO ('{end}')"
        )
    for table in ("bench_flat_checkin", "bench_part_checkin"):
        for n, cols in enumerate(INDEXES):
            cursor.execute(f"CREATE INDEX {table}_i{n} ON {table} {cols}")
    print(f"load: {uptime()}", flush=True)
    start = time.perf_counter()
    per_other = args.other // 3
    ranges = [(days[0], 1, args.rows)] + [
        (day, args.rows + 1 + k * per_other, args.rows + (k + 1) * per_other)
        for k, day in enumerate(days[1:])
    ]
    for table in ("bench_flat_checkin", "bench_part_checkin"):
        for day, first, last in ranges:
            cursor.execute(FILL.format(table=table), {"day": day, "first": first, "last": last})
        cursor.execute(f"ANALYZE {table}")
    print(
        f"filled {args.rows:,} + {args.other:,} rows in each table: {time.perf_counter() - start:.1f} s",
        flush=True,
    )

    start = time.perf_counter()
    cursor.execute("ALTER TABLE bench_part_checkin DETACH PARTITION bench_part_d0 CONCURRENTLY")
    detached = time.perf_counter() - start
    cursor.execute("DROP TABLE bench_part_d0")
    dropped = time.perf_counter() - start
    print(f"partition: detach {1000 * detached:.0f} ms, detach + drop {1000 * dropped:.0f} ms", flush=True)

    start, deleted, after = time.perf_counter(), 0, "-infinity"
    end = f"{days[1]}"
    while True:
        cursor.execute("BEGIN")
        cursor.execute(
            "WITH batch AS (SELECT id, checked_in_at FROM bench_flat_checkin WHERE checked_in_at >= %s "
            "AND checked_in_at < %s ORDER BY checked_in_at LIMIT %s) "
            "DELETE FROM bench_flat_checkin c USING batch WHERE c.id = batch.id "
            "RETURNING batch.checked_in_at",
            [after, end, args.batch],
        )
        rows = cursor.fetchall()
        cursor.execute("COMMIT")
        if not rows:
            break
        deleted += len(rows)
        after = max(r[0] for r in rows)
    purge = time.perf_counter() - start
    print(
        f"batched purge: {deleted:,} rows in {purge:.1f} s ({deleted / purge:,.0f} rows/s, "
        f"batches of {args.batch})",
        flush=True,
    )
    print(f"load: {uptime()}")
    cursor.execute("DROP TABLE IF EXISTS bench_part_checkin, bench_flat_checkin")


if __name__ == "__main__":
    main()
