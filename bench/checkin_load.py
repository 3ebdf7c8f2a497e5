"""Check-in POST under load, against a ceiling measured in the same run (issue 5).

    make bench-checkins                       # defaults below
    python bench/checkin_load.py --workers 4 --connections 8 --seconds 30

Starts gunicorn (sync workers, ``bench.settings`` = production settings, DEBUG off) on
PostgreSQL + Redis (``portal_bench``, Redis db 8), then drives with wrk + ``bench/checkin.lua``:

- the portal's public JSON check-in, ``POST /api/v1/checkins/`` (DRF, rate limiter on as in
  production: 12/min per device, 1200/min per IP, ``PORTAL_RATE_LIMIT_PROXY_COUNT=1``). Each
  request is a different visitor (own ``cp_dev`` cookie, own X-Forwarded-For address, fresh
  ``submission`` UUID) who exists in the generated pool (found by keyed hash of the ID number,
  as a returning visitor is); checkpoint chosen at random among the bench checkpoints;
- the ceiling, ``POST /bench/ceiling`` on the same server and middleware: parse the same JSON,
  one raw INSERT (``bench/ceiling.py``).

Counts: every 201 response's id is written by wrk; afterwards the script checks that each of
them is a stored row (check-ins in ``checkpoints_checkin``, with their ``checkin.create`` audit
rows), and compares the rows added with the responses. Needs the data of
``bench/gen_checkins.py`` (checkpoints ``bench000001``..., visitors). Appends to
docs/benchmarks.md unless ``--no-write``.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BASE_DIR, append_section, bench_env, git_commit, machine, setup_django, uptime
from bench.http_bench import stop, wait_up

LUA = BASE_DIR / "bench" / "checkin.lua"


def start_server(port: int, workers: int, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    handle = log.open("wb")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=handle,
        stderr=subprocess.STDOUT,
    )


def wrk(
    port: int, path: str, *, connections: int, threads: int, seconds: float, env: dict[str, str], ids_dir: str
) -> dict[str, Any]:
    run_env = {
        **env,
        "BENCH_PATH": path,
        "BENCH_IDS_DIR": ids_dir,
        "BENCH_BASE": str(int(time.time() * 1000) % 10**9 * 1000),
    }
    for f in Path(ids_dir).glob("ids-*.txt"):
        f.unlink()
    out = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            f"http://127.0.0.1:{port}{path}",
        ],
        env=run_env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    match = re.search(r"^RESULT (\{.*\})$", out, re.M)
    if not match:
        raise SystemExit(f"wrk printed no result:\n{out}")
    result = json.loads(match.group(1))
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    result["ok_rps"] = result["ok"] / (result["duration_us"] / 1e6)
    ids: list[int] = []
    for f in Path(ids_dir).glob("ids-*.txt"):
        ids += [int(x) for x in f.read_text().split()]
    result["ids"] = ids
    return result


def stored(table: str, ids: list[int]) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE id = ANY(%s)", [ids])
        return cursor.fetchone()[0]


def table_max(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        return cursor.fetchone()[0]


def table_count_after(table: str, after_id: int, where: str = "") -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE id > %s {where}", [after_id])
        return cursor.fetchone()[0]


def audited(ids: list[int], after_id: int) -> int:
    """Accepted check-ins that have their ``checkin.create`` audit row."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(DISTINCT target_id) FROM core_auditlog WHERE id > %s AND action = 'checkin.create' "
            "AND target_type = 'checkpoints.checkin' AND target_id = ANY(%s)",
            [after_id, [str(i) for i in ids]],
        )
        return cursor.fetchone()[0]


def run(args: argparse.Namespace) -> dict:
    env = bench_env()
    setup_django()
    from django.core.cache import cache

    from bench.ceiling import TABLE, ensure_table
    from checkpoints.models import Checkpoint

    checkpoints = Checkpoint.objects.filter(qr_token__startswith="bench").count()
    if not checkpoints:
        raise SystemExit("no bench checkpoints: run bench/gen_checkins.py first")
    ensure_table()
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLE}")
    cache.clear()  # Redis db 8 (bench only): limiter windows of earlier runs
    env["BENCH_CHECKPOINTS"] = str(checkpoints)
    env["BENCH_PERSONS"] = str(args.persons)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True
    )
    ids_dir = tempfile.mkdtemp(prefix="portal-bench-ids-")
    log = Path(ids_dir) / "gunicorn.log"
    server = start_server(args.port, args.workers, env, log)
    results: dict = {"load_before": uptime()}
    try:
        wait_up(args.port, "/healthz")
        common = {"connections": args.connections, "threads": args.threads, "env": env, "ids_dir": ids_dir}
        # Warm-up: connections, code paths, caches; not counted.
        wrk(args.port, "/bench/ceiling", seconds=3, **common)
        wrk(args.port, "/api/v1/checkins/", seconds=3, **common)
        for label, path, table in (
            ("ceiling", "/bench/ceiling", TABLE),
            ("checkin", "/api/v1/checkins/", "checkpoints_checkin"),
        ):
            before = table_max(table)
            audit_before = table_max("core_auditlog")
            r = wrk(args.port, path, seconds=args.seconds, **common)
            time.sleep(1)  # requests still in flight when wrk stopped
            r["stored_of_accepted"] = stored(table, r["ids"])
            r["rows_added"] = table_count_after(table, before)
            if label == "checkin":
                r["audited_of_accepted"] = audited(r["ids"], audit_before)
            r["accepted"] = len(r.pop("ids"))
            results[label] = r
    finally:
        stop(server)
    results["load_after"] = uptime()
    errors = [
        line
        for line in log.read_text(errors="replace").splitlines()
        if "Traceback" in line or "ERROR" in line
    ]
    results["server_errors_logged"] = len(errors)
    return results


def report(args: argparse.Namespace, results: dict) -> str:
    c, k = results["ceiling"], results["checkin"]
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")

    def row(label: str, r: dict, ceiling: float) -> str:
        errors = r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"]
        return (
            f"| {label} | {r['ok_rps']:.0f} | {100 * r['ok_rps'] / ceiling:.0f}% | {r['p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['requests']} | {r['accepted']} | {r['limited']} | "
            f"{r['other_status']} | {errors} | {r['stored_of_accepted']} / {r['rows_added']} |"
        )

    ratio = k["ok_rps"] / c["ok_rps"]
    lines = [
        "## Check-in POST under load (issue 5)",
        "",
        "Produced by `make bench-checkins` "
        f"(`python bench/checkin_load.py --workers {args.workers} --connections {args.connections} "
        f"--seconds {args.seconds:.0f}`).",
        "",
        f"- Date: {now}; git commit `{git_commit()}`",
        f"- Machine: {machine()}",
        f"- Load (`uptime`) before: `{results['load_before']}`; after: `{results['load_after']}`",
        f"- Server: gunicorn sync workers: {args.workers}, `bench.settings` (production settings, DEBUG off, "
        "no TLS redirect), PostgreSQL 15 + Redis on the same machine, `PORTAL_RATE_LIMIT_PROXY_COUNT=1`",
        f"- Client: wrk, {args.threads} threads, {args.connections} connections, "
        f"{args.seconds:.0f} s per row after a 3 s warm-up; every request a different visitor "
        "(own `cp_dev` cookie, own X-Forwarded-For, fresh `submission`), all existing in the "
        f"generated pool of {args.persons:,} visitors; data: `{results.get('data', '')}`",
        "- Endpoint: `POST /api/v1/checkins/` (JSON API) vs the ceiling `POST /bench/ceiling` (same "
        "server and middleware, same JSON parsed, one raw INSERT)",
        "",
        "| Request | accepted/s | % of ceiling | p50 ms | p95 ms | p99 ms | requests | accepted (2xx) "
        "| 429 | other status | socket errors | stored of accepted / rows added |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        row("check-in (`/api/v1/checkins/`)", k, c["ok_rps"]),
        row("ceiling: one raw INSERT", c, c["ok_rps"]),
        "",
        f"Ratio to the ceiling: **{100 * ratio:.0f}%** (goal ≥ 70%: {'met' if ratio >= 0.7 else 'missed'}); "
        f"check-in p99 {k['p99_ms']:.1f} ms (goal < 100 ms: {'met' if k['p99_ms'] < 100 else 'missed'}); "
        f"accepted check-ins stored: {k['stored_of_accepted']} of {k['accepted']}, with their audit row: "
        f"{k['audited_of_accepted']} (rows added include requests still in flight when wrk stopped); "
        f"server errors logged: {results['server_errors_logged']}.",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--port", type=int, default=8401)
    parser.add_argument("--persons", type=int, default=500_000, help="visitor pool of gen_checkins.py")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    results = run(args)
    manifest = BASE_DIR / "var" / "bench" / "planted.json"
    if manifest.exists():
        m = json.loads(manifest.read_text())
        results["data"] = (
            f"{m['checkins_total']:,} check-ins, {m['checkpoints']} checkpoints, {m['persons']:,} visitors"
        )
    print(json.dumps(results, indent=2))
    text = report(args, results)
    print(text)
    if not args.no_write:
        append_section(text)


if __name__ == "__main__":
    main()
