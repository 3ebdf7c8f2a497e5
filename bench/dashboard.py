"""The public dashboard under load, and the cost of its figures (issue 20).

    python bench/gen_checkins.py --reset --checkpoints 2000 --days 30 --checkins 3000000 \\
        --persons 100000                       # the data (about 30 s on 2 CPUs)
    python bench/dashboard.py                  # defaults below; appends to docs/benchmarks.md

On PostgreSQL + Redis (``BENCH_DATABASE_URL`` / ``BENCH_REDIS_URL``, default ``portal_bench`` and
Redis db 8), with ``bench.settings`` (production settings, DEBUG off):

1. today's check-ins: yesterday's rows copied one day later (a full live day, ~100 000 rows),
   unless today already has rows;
2. the roll-ups: the first fold of every day (30 days), then ``rollup_rebuild`` from the first
   day ever, which recounts every day still within retention and never one past it (the
   script checks that the aggregate rows of those days are the same rows after it);
3. the dashboard's refresh: a full one (the folded days read again from the roll-up) and an
   incremental one (the live day only), median of several;
4. HTTP, gunicorn sync workers: the dashboard page, the per-unit table as JSON and one unit's
   JSON, against a bare Django view (``/bench/hello``, the same middleware, no database) in the
   same run. Rounds are interleaved (ceiling, page, JSON, unit JSON, again...), because the
   machine is shared: throughput at 64 connections is reported as the median of the per-round
   ratios to the ceiling, p99 latency at 8 connections as the median over rounds. The load
   average is recorded before and after each round.
"""

import argparse
import datetime
import json
import math
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.checkin_load import start_server
from bench.common import (
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


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def wrk(port: int, path: str, *, connections: int, seconds: float, threads: int = 2) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            f"-t{min(threads, connections)}",
            f"-c{connections}",
            f"-d{seconds:g}s",
            "--timeout",
            "10s",
            "--latency",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def ms(label: str) -> float:
        match = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)$", out, re.M)
    return {
        "rps": rps,
        "p50": ms("50%"),
        "p99": ms("99%"),
        "non2xx": float(errors.group(1)) if errors else 0.0,
        "socket_errors": socket_errors.group(1) if socket_errors else "",  # type: ignore[dict-item]
    }


def timed(fn: Any) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def health_data(cases: int) -> dict[str, Any]:
    """The health sections' data (issue 21): ``cases`` confirmed cases spread over the wards and
    the window (one in five found outside the community), each with its sample and positive
    result (the testing roll-up counts them from there), a boundary for every reporting unit
    (a grid of irregular cells, about 60 points each before simplification), a declared level
    for each, and the weekly computation of the proposals, timed. Replaced at each run."""
    import random

    from django.utils import timezone

    from core import selectors as core_selectors
    from core import services as core_services
    from core.actors import SystemActor
    from core.models import AdministrativeUnit, Person
    from epidemic import services as epidemic_services
    from epidemic.models import DeclaredLevel, LevelAssessment
    from testing.models import Case, LabResult, Sample, SamplingSite
    from testing.retention import RESULT_ROLLUP, SAMPLE_ROLLUP

    actor = SystemActor("command:bench_dashboard")
    rng = random.Random(21)
    Case.objects.filter(person__name_key__startswith="bench case ").delete()
    LabResult.objects.filter(sample__code__startswith="BENCH-").delete()
    Sample.objects.filter(code__startswith="BENCH-").delete()
    Person.objects.filter(name_key__startswith="bench case ").delete()
    DeclaredLevel.objects.all().delete()
    LevelAssessment.objects.all().delete()
    province = core_selectors.province_unit()
    wards = list(
        AdministrativeUnit.objects.filter(parent__parent=province, level="ward").values_list("pk", flat=True)
    ) or list(AdministrativeUnit.objects.filter(parent=province, level="ward").values_list("pk", flat=True))
    today = timezone.localdate()
    now = timezone.now()
    sites = {}
    for setting in ("community", "quarantine"):
        for ward in wards:
            sites[(ward, setting)] = SamplingSite.objects.get_or_create(
                unit_id=ward, setting=setting, defaults={"name": f"Bench {setting} {ward}"}
            )[0]
    people = Person.objects.bulk_create(
        Person(full_name=f"Bench case {i}", name_key=f"bench case {i}") for i in range(cases)
    )
    # As the testing roll-up counts cases: a sample, the positive result that confirmed it.
    plan = [
        (
            person,
            rng.choice(wards),
            min(now, now - datetime.timedelta(days=rng.randrange(30), hours=rng.randrange(24))),
            "community" if rng.random() < 0.8 else "quarantine",
        )
        for person in people
    ]
    samples = Sample.objects.bulk_create(
        Sample(
            code=f"BENCH-{i:07d}",
            person=person,
            site=sites[(ward, setting)],
            collected_at=when - datetime.timedelta(hours=12),
            sample_type="np",
            test_kind="rt_pcr",
            status=Sample.Status.RESULTED,
        )
        for i, (person, ward, when, setting) in enumerate(plan)
    )
    LabResult.objects.bulk_create(
        LabResult(sample=sample, outcome="positive", resulted_at=when, verified_by="bench")
        for sample, (_p, _w, when, _s) in zip(samples, plan, strict=True)
    )
    Case.objects.bulk_create(
        Case(
            person=person,
            unit_id=ward,
            confirmed_on=timezone.localdate(when),
            source=sample,
            found_in=setting,
        )
        for sample, (person, ward, when, setting) in zip(samples, plan, strict=True)
    )
    # Written behind the roll-ups' back: their folded days are recounted, as the services would.
    for name in (RESULT_ROLLUP, SAMPLE_ROLLUP):
        core_services.rollup_rebuild(actor=actor, name=name, since=today - datetime.timedelta(days=31))
    units = list(core_selectors.reporting_units().order_by("code"))
    for index, unit in enumerate(units):
        x, y, size = 105.0 + (index % 6) * 0.1, 20.4 - (index // 6) * 0.1, 0.1
        ring = [[x + size * t / 15, y + 0.004 * math.sin(t)] for t in range(15)] + [
            [x + size + 0.004 * math.sin(t), y - size * t / 15] for t in range(15)
        ]
        ring += [[x + size - size * t / 15, y - size] for t in range(15)] + [
            [x, y - size + size * t / 15] for t in range(15)
        ]
        ring.append(ring[0])
        shape = {"type": "Polygon", "coordinates": [ring]}
        epidemic_services.boundary_upload(actor=actor, unit=unit, content=json.dumps(shape).encode())
        epidemic_services.level_declare(
            actor=actor,
            unit=unit,
            level=1 + index % 4,
            decision_number=f"{index}/QĐ-UBND",
            decision_date=today,
            effective_from=today,
        )
    runs = [timed(lambda: epidemic_services.levels_compute(actor=actor)) for _ in range(3)]
    return {"cases": cases, "units_with_boundary": len(units), "levels_compute_s": statistics.median(runs)}


def prepare(cases: int = 20_000) -> dict[str, Any]:
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from checkpoints.models import CheckIn, CheckinDailyStat
    from checkpoints.retention import CHECKIN_ROLLUP, local_midnight, retention_cutoff
    from core import services as core_services
    from core.actors import SystemActor
    from core.models import RollupWatermark
    from dashboard.services import snapshot_refresh

    actor = SystemActor("command:bench_dashboard")
    call_command("migrate", "--noinput", verbosity=0)
    today = timezone.localdate()
    out: dict[str, Any] = {}
    if not CheckIn.objects.filter(checked_in_at__gte=local_midnight(today)).exists():
        yesterday = today - datetime.timedelta(days=1)
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO checkpoints_checkin (checkpoint_id, person_id, declaration_id, submission, position,"  # noqa: E501
                " method, checked_in_at, checked_out_at, checkout_method, risk, entered_by_id, alerted_at, created_at)"  # noqa: E501
                " SELECT checkpoint_id, person_id, NULL, gen_random_uuid(), position, method,"
                " checked_in_at + interval '1 day', checked_out_at + interval '1 day', checkout_method, risk,"
                " NULL, NULL, now() FROM checkpoints_checkin WHERE checked_in_at >= %s AND checked_in_at < %s",  # noqa: E501
                [local_midnight(yesterday), local_midnight(today)],
            )
            cursor.execute("ANALYZE checkpoints_checkin")
    out["checkins_total"] = CheckIn.objects.count()
    out["checkins_today"] = CheckIn.objects.filter(checked_in_at__gte=local_midnight(today)).count()
    first = CheckIn.objects.order_by("checked_in_at").values_list("checked_in_at", flat=True).first()
    out["days"] = (today - timezone.localdate(first)).days + 1 if first else 0

    # The first fold of every day, from an empty aggregate.
    CheckinDailyStat.objects.all().delete()
    RollupWatermark.objects.filter(name=CHECKIN_ROLLUP).delete()
    out["fold_all_s"] = timed(lambda: core_services.rollups_fold(actor=actor))
    out["aggregate_rows"] = CheckinDailyStat.objects.count()
    cutoff_day = timezone.localdate(retention_cutoff())
    out["cutoff_day"] = cutoff_day.isoformat()
    past = list(CheckinDailyStat.objects.filter(day__lt=cutoff_day).order_by("pk").values_list("pk", "total"))
    out["days_past_retention"] = (
        CheckinDailyStat.objects.filter(day__lt=cutoff_day).values("day").distinct().count()
    )
    rebuilds = []
    for _ in range(3):
        rebuilds.append(
            timed(
                lambda: core_services.rollup_rebuild(
                    actor=actor, name=CHECKIN_ROLLUP, since=datetime.date(2000, 1, 1)
                )
            )
        )
    out["rebuild_s"] = statistics.median(rebuilds)
    out["rebuild_runs"] = rebuilds
    after = list(
        CheckinDailyStat.objects.filter(day__lt=cutoff_day).order_by("pk").values_list("pk", "total")
    )
    out["past_retention_untouched"] = past == after
    out["health"] = health_data(cases)

    full = [timed(lambda: snapshot_refresh(actor=actor, full=True)) for _ in range(3)]
    incremental = []
    for _ in range(5):
        start = time.perf_counter()
        result = snapshot_refresh(actor=actor)
        incremental.append(time.perf_counter() - start)
        assert not result["rebuilt"], result
    out["refresh_full_s"] = statistics.median(full)
    out["refresh_incremental_s"] = statistics.median(incremental)
    out["refresh_full_runs"] = full
    out["refresh_incremental_runs"] = incremental
    return out


def run(args: argparse.Namespace) -> dict[str, Any]:
    env = bench_env()
    setup_django()
    from django.core.cache import cache

    results: dict[str, Any] = {"load_start": uptime()}
    saved = Path(__file__).resolve().parent.parent / "var" / "bench" / "dashboard-prepare.json"
    if args.http_only and saved.exists():
        # The roll-up and refresh figures of an earlier run (they take minutes); one refresh so
        # that the servers have a published version.
        results["prepare"] = json.loads(saved.read_text())
        from core.actors import SystemActor
        from dashboard.services import snapshot_refresh

        snapshot_refresh(actor=SystemActor("command:bench_dashboard"))
    else:
        results["prepare"] = prepare(args.cases)
        results["prepare"]["date"] = f"{datetime.datetime.now(UTC):%Y-%m-%d %H:%M} UTC, commit {git_commit()}"
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_text(json.dumps(results["prepare"]))
    print(f"prepare: {results['prepare']}", flush=True)
    cache.clear()
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        check=True,
    )
    log = Path(tempfile.mkdtemp(prefix="portal-bench-dash-")) / "gunicorn.log"
    server = start_server(args.port, args.workers, env, log)
    urls = {
        "ceiling": "/bench/hello",
        "page": "/tinh-hinh-dich/",
        "units_json": "/api/v1/public/units/",
        "unit_json": f"/api/v1/public/units/{args.unit}/",
    }
    rounds: list[dict[str, Any]] = []
    try:
        wait_up(args.port, "/healthz")
        for path in urls.values():  # warm: connections, code paths, the cache of this version
            wrk(args.port, path, connections=8, seconds=2)
        for number in range(args.rounds):
            one: dict[str, Any] = {"load_before": load_average()}
            for label, path in urls.items():
                one[label] = {
                    "c64": wrk(args.port, path, connections=64, seconds=args.seconds, threads=4),
                    "c8": wrk(args.port, path, connections=8, seconds=args.seconds),
                }
            one["load_after"] = load_average()
            rounds.append(one)
            print(f"round {number + 1}: {one}", flush=True)
    finally:
        stop(server)
    results["rounds"] = rounds
    results["load_end"] = uptime()
    results["server_errors_logged"] = len(server_errors(log))
    return results


def report(results: dict[str, Any], args: argparse.Namespace) -> str:
    p = results["prepare"]
    rounds = results["rounds"]
    lines = [
        "## Public dashboard and open data (issue 20)",
        "",
        f"- Date: {datetime.datetime.now(UTC):%Y-%m-%d %H:%M} UTC; commit `{git_commit()}`; {machine()}",
        f"- Load: start `{results['load_start']}`; end `{results['load_end']}`",
        f"- Data: {p['checkins_total']:,} check-ins over {p['days']} local days (of them "
        f"{p['checkins_today']:,} today, live), 2,000 checkpoints in 27 districts (`bench/gen_checkins.py "
        "--days 30 --checkins 3000000 --persons 100000`, today's rows a copy of yesterday's); roll-up "
        f"rows: {p['aggregate_rows']:,}",
        f"- Server: gunicorn, {args.workers} sync workers, `bench.settings` (production, DEBUG off), "
        "PostgreSQL + Redis cache; wrk on the same machine",
        "",
        "### Figures: roll-ups and refresh",
        "",
        f"Measured {p.get('date', 'in this run')}, load average then: see the run's log.",
        "",
        "| What | Time |",
        "|---|---:|",
        f"| First fold of every day (empty aggregate, {p['days'] - 1} finished days) | {p['fold_all_s']:.2f} s |",  # noqa: E501
        f"| `rollup_rebuild` of every day still kept (cut-off {p['cutoff_day']}; median of 3: "
        f"{', '.join(f'{t:.2f}' for t in p['rebuild_runs'])}) | {p['rebuild_s']:.2f} s |",
        f"| Dashboard refresh, full (folded days read again from the roll-up; median of 3) | "
        f"{p['refresh_full_s'] * 1000:.0f} ms |",
        f"| Dashboard refresh, incremental (live day only; median of 5) | {p['refresh_incremental_s'] * 1000:.0f} ms |",  # noqa: E501
        *(
            [
                f"| Weekly epidemic levels, every unit of the tree ({p['health']['cases']:,} cases in the "
                f"window, {p['health']['units_with_boundary']} boundaries; median of 3) | "
                f"{p['health']['levels_compute_s'] * 1000:.0f} ms |"
            ]
            if "health" in p
            else []
        ),
        "",
        f"Days past retention in the aggregate: {p['days_past_retention']}; their rows identical after the "
        f"rebuilds: **{'yes' if p['past_retention_untouched'] else 'NO'}**.",
        "",
        "### HTTP: throughput at 64 connections against the bare view, p99 at 8 connections",
        "",
        f"{len(rounds)} interleaved rounds of {args.seconds:g} s per URL and connection count.",
        "",
        "| Request | req/s at 64 (median) | % of bare view (median of per-round ratios; goal ≥ 80%) | "
        "p99 at 8 ms (median; goal < 50) | p50 at 8 ms | non-2xx |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    labels = {
        "ceiling": "ceiling: bare Django view `/bench/hello` (same middleware)",
        "page": "dashboard page `/tinh-hinh-dich/`",
        "units_json": "per-unit table JSON `/api/v1/public/units/`",
        "unit_json": f"one unit's JSON `/api/v1/public/units/{args.unit}/`",
    }
    for key, label in labels.items():
        rps = statistics.median(r[key]["c64"]["rps"] for r in rounds)
        ratio = statistics.median(r[key]["c64"]["rps"] / r["ceiling"]["c64"]["rps"] for r in rounds)
        p99 = statistics.median(r[key]["c8"]["p99"] for r in rounds)
        p50 = statistics.median(r[key]["c8"]["p50"] for r in rounds)
        non2xx = sum(r[key]["c64"]["non2xx"] + r[key]["c8"]["non2xx"] for r in rounds)
        lines.append(f"| {label} | {rps:.0f} | {ratio * 100:.0f}% | {p99:.1f} | {p50:.1f} | {non2xx:.0f} |")
    lines += ["", "Per round (req/s at 64 connections; load average before → after):", ""]
    for number, r in enumerate(rounds, 1):
        lines.append(
            f"- round {number}: "
            + ", ".join(f"{k} {r[k]['c64']['rps']:.0f}" for k in labels)
            + f"; load {r['load_before']} → {r['load_after']}"
        )
    lines += ["", f"Server errors logged: {results['server_errors_logged']}.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--port", type=int, default=8795)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--unit", default="405", help="the unit code of the unit JSON")
    add_output_arg(parser)
    parser.add_argument("--cases", type=int, default=20_000, help="confirmed cases in the window (issue 21)")
    parser.add_argument(
        "--http-only", action="store_true", help="reuse the roll-up and refresh figures of the last full run"
    )
    args = parser.parse_args()
    results = run(args)
    text = report(results, args)
    publish(text, write=not args.no_write)


if __name__ == "__main__":
    main()
