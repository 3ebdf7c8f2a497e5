"""Check-in POST under load, against two ceilings measured in the same run (issues 5 and 16).

    make bench-checkins                       # defaults below (8 rounds of 6 endpoints, 10 s each)
    python bench/checkin_load.py --rounds 2 --seconds 2 --no-write    # a smoke run

Starts gunicorn (sync workers, ``bench.settings`` = production settings, DEBUG off) on
PostgreSQL + Redis (``portal_bench``, Redis db 8), then drives with wrk + ``bench/checkin.lua``
these endpoints, in interleaved rounds (A, B, C… then the order rotated by one each round):

- ``insert``: the one-INSERT ceiling, ``POST /bench/ceiling`` (same server and middleware,
  the same JSON parsed, one raw INSERT; ``bench/ceiling.py``);
- ``same-work``: the same-work ceiling, ``POST /bench/same-work``: the work a returning
  visitor's check-in requires and nothing else (the same limiter, text cleaning, encryption,
  keyed hashes, express statement and response fields; ``bench/ceiling.py``);
- ``api``: the portal's public JSON check-in, ``POST /api/v1/checkins/`` (DRF, rate limiter on
  as in production: 12/min per device, 1200/min per IP, ``PORTAL_RATE_LIMIT_PROXY_COUNT=1``),
  a returning visitor;
- ``form``: the visitor's web form, ``POST /c/<token>/`` urlencoded as a phone's browser sends
  it (CSRF cookie and field), a returning visitor, answered 302 to the confirmation;
- ``api-new`` and ``form-new``: the same two paths for a first-time visitor (a new person,
  the general path).

Each request is a different visitor (own ``cp_dev`` cookie, own X-Forwarded-For address, fresh
``submission`` UUID); a returning one exists in the generated pool (found by keyed hash of the
ID number); the checkpoint is chosen at random among the bench checkpoints.

Per round and endpoint: accepted/s, p99, the ratio to each ceiling of the same round, and the
CPU per request of the gunicorn workers and of their PostgreSQL backends (utime + stime from
``/proc/<pid>/stat`` of the worker pids and of the backends connected to the bench database,
before and after the round). Counts: wrk writes what each accepted response names (a
check-in's submission, a one-INSERT row's id); afterwards every accepted check-in must be
stored exactly once (one position-0 row per submission, with its ``checkin.create`` audit row).
Needs the data of ``bench/gen_checkins.py`` (checkpoints ``bench000001``..., visitors).
Appends to docs/benchmarks.md unless ``--no-write``.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    BASE_DIR,
    add_output_arg,
    bench_env,
    git_commit,
    machine,
    publish,
    server_errors,
    setup_django,
    uptime,
)
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
    port: int,
    path: str,
    *,
    connections: int,
    threads: int,
    seconds: float,
    env: dict[str, str],
    ids_dir: str,
    new: bool = False,
    script: Path = LUA,
) -> dict[str, Any]:
    run_env = {
        **env,
        "BENCH_PATH": path,
        "BENCH_NEW": "1" if new else "0",
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
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(script),
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
    ids: list[str] = []
    for f in Path(ids_dir).glob("ids-*.txt"):
        ids += f.read_text().split()
    result["ids"] = ids
    return result


# label, path, first-time visitors, table written
ENDPOINTS = (
    ("insert", "/bench/ceiling", False),
    ("same-work", "/bench/same-work", False),
    ("api", "/api/v1/checkins/", False),
    ("form", "/c/", False),
    ("api-new", "/api/v1/checkins/", True),
    ("form-new", "/c/", True),
)
CEILINGS = ("insert", "same-work")
TITLES = {
    "insert": "ceiling: one raw INSERT (`/bench/ceiling`)",
    "same-work": "ceiling: same work (`/bench/same-work`)",
    "api": "API check-in, returning visitor (`/api/v1/checkins/`)",
    "form": "web form check-in, returning visitor (`POST /c/<token>/`)",
    "api-new": "API check-in, first-time visitor",
    "form-new": "web form check-in, first-time visitor",
}
TICK = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pids: list[int]) -> dict[int, int]:
    """utime + stime of each process (clock ticks); a process gone is left out."""
    ticks = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks[pid] = int(fields[11]) + int(fields[12])  # fields 14 and 15 of stat(5)
    return ticks


def worker_pids(master: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{master}/task/{master}/children").read_text().split()]
    except OSError:
        return []


def backend_pids() -> list[int]:
    """The PostgreSQL backends connected to the bench database, but this script's own."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def cpu_used(before: dict[int, int], after: dict[int, int]) -> float:
    """Seconds of CPU between two readings (a process that appeared counts from zero)."""
    return sum(t - before.get(pid, 0) for pid, t in after.items()) / TICK


def table_max(table: str) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
        return cursor.fetchone()[0]


def stored_once(label: str, accepted: list[str], checkin_before: int, audit_before: int) -> dict[str, int]:
    """How the accepted responses are stored: one-INSERT rows by id; check-ins by submission,
    each exactly once (one position-0 row), with their ``checkin.create`` audit row."""
    from django.db import connection

    from bench.ceiling import TABLE

    with connection.cursor() as cursor:
        if label == "insert":
            cursor.execute(f"SELECT count(*) FROM {TABLE} WHERE id = ANY(%s::bigint[])", [accepted])
            (found,) = cursor.fetchone()
            return {"stored": found, "stored_once": found, "audited": found}
        cursor.execute(
            "SELECT count(*), count(DISTINCT submission) FROM checkpoints_checkin "
            "WHERE id > %s AND position = 0 AND submission = ANY(%s::uuid[])",
            [checkin_before, accepted],
        )
        rows, distinct = cursor.fetchone()
        cursor.execute(
            "SELECT count(DISTINCT a.target_id) FROM core_auditlog a JOIN checkpoints_checkin c "
            "ON a.target_id = c.id::text WHERE a.id > %s AND a.action = 'checkin.create' "
            "AND c.id > %s AND c.position = 0 AND c.submission = ANY(%s::uuid[])",
            [audit_before, checkin_before, accepted],
        )
        (audited,) = cursor.fetchone()
    return {"stored": rows, "stored_once": distinct if rows == distinct else -1, "audited": audited}


def loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run(args: argparse.Namespace) -> dict:
    env = bench_env()
    setup_django()
    from django.core.cache import cache
    from django.db import connection

    from bench.ceiling import TABLE, ensure_table
    from checkpoints.models import Checkpoint

    checkpoints = Checkpoint.objects.filter(qr_token__startswith="bench").count()
    if not checkpoints:
        raise SystemExit("no bench checkpoints: run bench/gen_checkins.py first")
    ensure_table()
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {TABLE}")
    cache.clear()  # Redis db 8 (bench only): limiter windows of earlier runs
    env["BENCH_CHECKPOINTS"] = str(min(checkpoints, args.checkpoints or checkpoints))
    env["BENCH_PERSONS"] = str(args.persons)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True
    )
    ids_dir = tempfile.mkdtemp(prefix="portal-bench-ids-")
    log = Path(ids_dir) / "gunicorn.log"
    server = start_server(args.port, args.workers, env, log)
    endpoints = [e for e in ENDPOINTS if e[0] in args.endpoints]
    results: dict = {"load_before": uptime(), "rounds": []}
    try:
        wait_up(args.port, "/healthz")
        common = {"connections": args.connections, "threads": args.threads, "env": env, "ids_dir": ids_dir}
        # Warm-up: connections, code paths, caches, prepared statements; not counted.
        for _label, path, new in endpoints:
            wrk(args.port, path, seconds=args.warmup, new=new, **common)
        for number in range(args.rounds):
            shift = number % len(endpoints)
            order = endpoints[shift:] + endpoints[:shift]
            current: dict[str, dict] = {}
            for label, path, new in order:
                checkin_before, audit_before = table_max("checkpoints_checkin"), table_max("core_auditlog")
                workers = worker_pids(server.pid)
                backends = backend_pids()
                load = loadavg()
                cpu_w, cpu_b = cpu_ticks(workers), cpu_ticks(backends)
                r = wrk(args.port, path, seconds=args.seconds, new=new, **common)
                time.sleep(0.5)  # requests still in flight when wrk stopped
                r["cpu_worker_s"] = cpu_used(cpu_w, cpu_ticks(worker_pids(server.pid)))
                r["cpu_backend_s"] = cpu_used(cpu_b, cpu_ticks(backend_pids()))
                r.update(stored_once(label, r["ids"], checkin_before, audit_before))
                r["accepted"] = len(r.pop("ids"))
                r["load"] = load
                current[label] = r
            results["rounds"].append({"order": [e[0] for e in order], "results": current})
            print(
                f"round {number + 1}/{args.rounds}: "
                + ", ".join(f"{k} {v['ok_rps']:.0f}/s" for k, v in current.items()),
                flush=True,
            )
    finally:
        stop(server)
    results["load_after"] = uptime()
    errors = server_errors(log)
    results["server_errors_logged"] = len(errors)
    results["server_errors_sample"] = errors[:5]
    return results


def summary(results: dict) -> dict[str, dict]:
    """Per endpoint: medians and ranges over the rounds."""
    labels = list(results["rounds"][0]["results"])
    out: dict[str, dict] = {}
    for label in labels:
        runs = [r["results"][label] for r in results["rounds"]]
        s: dict[str, Any] = {
            "ok_rps": statistics.median(r["ok_rps"] for r in runs),
            "p99": statistics.median(r["p99_ms"] for r in runs),
            "p99_max": max(r["p99_ms"] for r in runs),
            "requests": sum(r["requests"] for r in runs),
            "accepted": sum(r["accepted"] for r in runs),
            "stored": sum(r["stored"] for r in runs),
            "stored_once": sum(r["stored_once"] for r in runs),
            "audited": sum(r["audited"] for r in runs),
            "limited": sum(r["limited"] for r in runs),
            "repeats": sum(r.get("repeats", 0) for r in runs),
            "other": sum(r["other_status"] for r in runs),
            "errors": sum(
                r["connect_errors"] + r["read_errors"] + r["write_errors"] + r["timeouts"] for r in runs
            ),
        }
        # CPU per request: summed over the rounds, divided by the requests answered.
        answered = max(1, s["requests"])
        s["cpu_worker_us"] = 1e6 * sum(r["cpu_worker_s"] for r in runs) / answered
        s["cpu_backend_us"] = 1e6 * sum(r["cpu_backend_s"] for r in runs) / answered
        for ceiling in CEILINGS:
            if ceiling in labels:
                ratios = [
                    r["results"][label]["ok_rps"] / r["results"][ceiling]["ok_rps"]
                    for r in results["rounds"]
                    if r["results"][ceiling]["ok_rps"]
                ]
                if ratios:
                    s[f"ratio_{ceiling}"] = (statistics.median(ratios), min(ratios), max(ratios))
        if label.startswith("form") and label.replace("form", "api") in labels:
            api = label.replace("form", "api")
            ratios = [
                r["results"][label]["ok_rps"] / r["results"][api]["ok_rps"]
                for r in results["rounds"]
                if r["results"][api]["ok_rps"]
            ]
            s["ratio_api"] = (statistics.median(ratios), min(ratios), max(ratios))
        out[label] = s
    return out


def report(args: argparse.Namespace, results: dict) -> str:
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    s = summary(results)

    def ratio(v: dict, key: str) -> str:
        if key not in v:
            return "–"
        med, low, high = v[key]
        return f"{100 * med:.0f}% ({100 * low:.0f}–{100 * high:.0f})"

    rows = []
    for label, v in s.items():
        rows.append(
            f"| {TITLES[label]} | {v['ok_rps']:.0f} | {ratio(v, 'ratio_insert')} | "
            f"{ratio(v, 'ratio_same-work')} | "
            f"{v['p99']:.1f} ({v['p99_max']:.1f}) | {v['cpu_worker_us']:.0f} | {v['cpu_backend_us']:.0f} | "
            f"{v['requests']} | {v['accepted']} | {v['stored_once']} / {v['audited']} | {v['repeats']} | "
            f"{v['limited']} | "
            f"{v['other']} | {v['errors']} |"
        )
    loads = " · ".join(
        f"r{i + 1}: {min(r['results'].values(), key=lambda x: x['load'])['load'].split()[0]}–"
        f"{max(r['results'].values(), key=lambda x: x['load'])['load'].split()[0]}"
        for i, r in enumerate(results["rounds"])
    )
    verdicts = []
    if "api" in s and "ratio_same-work" in s["api"]:
        med = s["api"]["ratio_same-work"][0]
        api, same = s["api"], s["same-work"]
        verdicts.append(
            f"API ÷ same-work ceiling: **{100 * med:.0f}%** ({ratio(api, 'ratio_same-work')}; goal ≥ 95%: "
            f"{'met' if med >= 0.95 else 'missed'}); CPU per request {api['cpu_worker_us']:.0f} µs against "
            f"{same['cpu_worker_us']:.0f} µs (worker), {api['cpu_backend_us']:.0f} µs against "
            f"{same['cpu_backend_us']:.0f} µs (PostgreSQL)."
        )
    if "form" in s and "ratio_api" in s["form"]:
        med = s["form"]["ratio_api"][0]
        form = s["form"]
        verdicts.append(
            f"Web form ÷ API (returning visitor): **{100 * med:.0f}%** ({ratio(form, 'ratio_api')}; "
            f"goal ≥ 90%: {'met' if med >= 0.9 else 'missed'}); CPU per request "
            f"{form['cpu_worker_us']:.0f} µs against {s['api']['cpu_worker_us']:.0f} µs (worker), "
            f"{form['cpu_backend_us']:.0f} µs against {s['api']['cpu_backend_us']:.0f} µs (PostgreSQL)."
        )
    if "form-new" in s and "ratio_api" in s["form-new"]:
        verdicts.append(f"First-time visitor, web form ÷ API: {ratio(s['form-new'], 'ratio_api')}.")
    p99s = {k: v["p99"] for k, v in s.items() if k in ("api", "form", "api-new", "form-new")}
    if p99s:
        verdicts.append(
            "p99 at "
            + f"{args.connections} connections (median of rounds): "
            + ", ".join(f"{k} {v:.1f} ms" for k, v in p99s.items())
            + f" (goal < 100 ms on a quiet machine: {'met' if max(p99s.values()) < 100 else 'missed'})."
        )
    stored_ok = all(v["stored_once"] == v["accepted"] for v in s.values())
    verdicts.append(
        f"Every accepted request stored exactly once: {'yes' if stored_ok else '**no**'} "
        + "; ".join(f"{k} {v['stored_once']} of {v['accepted']}" for k, v in s.items())
        + f"; server errors logged: {results['server_errors_logged']}."
    )
    lines = [
        "## Check-in POST under load, two ceilings, interleaved rounds (issues 5 and 16)",
        "",
        "Produced by `make bench-checkins` "
        f"(`python bench/checkin_load.py --workers {args.workers} --connections {args.connections} "
        f"--rounds {args.rounds} --seconds {args.seconds:g}`).",
        "",
        f"- Date: {now}; git commit `{git_commit()}`",
        f"- Machine: {machine()}",
        f"- Load (`uptime`) before: `{results['load_before']}`; after: `{results['load_after']}`",
        f"- Load average (1 min) at the start of each endpoint's run, lowest–highest per round: {loads}",
        f"- Server: gunicorn sync workers: {args.workers}, `bench.settings` (production settings, DEBUG off, "
        "no TLS redirect), PostgreSQL + Redis on the same machine, `PORTAL_RATE_LIMIT_PROXY_COUNT=1`",
        f"- Client: wrk, {args.threads} threads, {args.connections} connections; {args.rounds} rounds of "
        f"{args.seconds:g} s per endpoint after a {args.warmup:g} s warm-up each, the order rotated by one "
        "each round; every request a different visitor (own `cp_dev` cookie, own X-Forwarded-For, fresh "
        f"`submission`); returning visitors from the generated pool of {args.persons:,}; data: "
        f"`{results.get('data', '')}`",
        "- Ratios: each round's accepted/s divided by the ceiling's in the same round; median "
        "(lowest–highest). "
        "CPU per request: utime + stime of the gunicorn workers and of the PostgreSQL backends of the bench "
        "database (`/proc/<pid>/stat`), over all rounds, divided by the requests answered.",
        "",
        "| Request | accepted/s (median) | ÷ one-INSERT ceiling | ÷ same-work ceiling | p99 ms median (max) "
        "| worker CPU µs/req | PostgreSQL CPU µs/req | requests | accepted | stored once / audited "
        "| same visit again | 429 | other status | socket errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        *(f"- {v}" for v in verdicts),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--port", type=int, default=8401)
    parser.add_argument("--persons", type=int, default=500_000, help="visitor pool of gen_checkins.py")
    parser.add_argument("--checkpoints", type=int, default=0, help="0: every bench checkpoint")
    parser.add_argument(
        "--endpoints", nargs="+", default=[e[0] for e in ENDPOINTS], choices=[e[0] for e in ENDPOINTS]
    )
    add_output_arg(parser)
    args = parser.parse_args()
    results = run(args)
    manifest = BASE_DIR / "var" / "bench" / "planted.json"
    if manifest.exists():
        m = json.loads(manifest.read_text())
        results["data"] = (
            f"{m['checkins_total']:,} check-ins, {m['checkpoints']} checkpoints, {m['persons']:,} visitors"
        )
    (BASE_DIR / "var" / "bench").mkdir(parents=True, exist_ok=True)
    (BASE_DIR / "var" / "bench" / "checkin_load.json").write_text(json.dumps(results, indent=2))
    text = report(args, results)
    publish(text, write=not args.no_write)


if __name__ == "__main__":
    main()
