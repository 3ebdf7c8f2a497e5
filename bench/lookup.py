"""The citizen's result look-up under load (issue 18): throughput against a bare view behind
the same middleware at 64 connections, p99 at 8 connections (goal under 50 ms), with the rate
limiter on and each simulated citizen at its own address.

    python bench/lookup.py                     # 200,000 samples with results, 3 rounds
    python bench/lookup.py --samples 2000 --rounds 1 --seconds 3 --no-write   # a quick check

On PostgreSQL + Redis (``BENCH_DATABASE_URL`` / ``BENCH_REDIS_URL``, default ``portal_bench`` and
Redis db 8; a database not named *bench* needs ``--force``), with ``bench.settings``
(production settings, DEBUG off), gunicorn sync workers (``checkin_load.start_server``):

1. the data: ``--samples`` people (COPY; real keyed hashes of a distinct phone ``07`` + 8 digits
   each, placeholder ciphertexts as in ``gen_checkins.py``), one RT-PCR sample each with code
   ``BL-0000000``... and a result (2% positive), at one sampling site and lab (bulk SQL); kept
   for the next run when the count matches;
2. HTTP with wrk and ``bench/lookup.lua``: every request is a different citizen posting the
   look-up form (code + phone on record, CSRF cookie and field) from its own X-Forwarded-For
   address, read through ``PORTAL_RATE_LIMIT_PROXY_COUNT=1``. The limiter runs on every
   request (per code and per address, closed when Redis is down); its look-up counts are
   emptied before each wrk run, as an hour passing would, so a citizen of one run is not
   throttled by the previous run's. The bare view (``/bench/hello``: the same middleware, CSRF
   included, no database) gets the same POST. Rounds are interleaved (ceiling 64, look-up 64,
   ceiling 8, look-up 8, ...), because the machine is shared: throughput is the median of the
   per-round ratios to the ceiling, p99 the median over rounds. Every look-up answer must show
   a result: a 429, a 503 or a "not found" is counted and fails the run.
"""

import argparse
import datetime
import io
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.checkin_load import start_server, wrk
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
from bench.dashboard import load_average
from bench.http_bench import stop, wait_up

LUA = Path(__file__).resolve().parent / "lookup.lua"
NAME = "Công dân tra cứu"  # the bench people's names start with it
PATHS = {"ceiling": "/bench/hello", "lookup": "/xet-nghiem/tra-cuu/"}


def phone(i: int) -> str:
    return f"07{i:08d}"


def prepare(samples: int, force: bool) -> dict[str, Any]:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from core.crypto import encrypt, lookup_hash
    from core.models import AdministrativeUnit
    from core.services import name_key
    from testing.models import Lab, Sample, SamplingSite

    db_name = settings.DATABASES["default"]["NAME"]
    if "bench" not in db_name and not force:
        raise SystemExit(f"refusing to write into database {db_name!r} (not a bench database); --force")
    call_command("migrate", "--noinput", verbosity=0)
    if not AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.PROVINCE).exists():
        call_command("load_admin_units", province=settings.PROVINCE_CODE, verbosity=0)
    existing = Sample.objects.filter(code__startswith="BL-").count()
    if existing == samples:
        return {"samples": samples, "created": False}
    ward = AdministrativeUnit.objects.filter(level="ward").order_by("code").first()
    assert ward is not None, "no wards: load the administrative units"
    site, _ = SamplingSite.objects.get_or_create(name="Bench điểm lấy mẫu", defaults={"unit": ward})
    lab, _ = Lab.objects.get_or_create(name="Bench phòng xét nghiệm", defaults={"unit": ward})
    now = timezone.now()
    tokens = [encrypt(f"0379999999{t}") for t in range(8)]
    cursor = connection.cursor()
    with transaction.atomic():
        cursor.execute(
            "DELETE FROM testing_labresult WHERE sample_id IN"
            " (SELECT id FROM testing_sample WHERE code LIKE 'BL-%%')"
        )
        cursor.execute("DELETE FROM testing_sample WHERE code LIKE 'BL-%%'")
        cursor.execute("DELETE FROM core_person WHERE full_name LIKE %s", [NAME + " %"])
        buffer = io.StringIO()
        created = now.isoformat()
        for i in range(samples):
            name = f"{NAME} {i:07d}"
            t = tokens[i % len(tokens)]
            buffer.write(
                f"{name}\t{name_key(name)}\t\\N\t{1940 + i % 66}\tunknown\tVN\t{t}\t"
                f"{lookup_hash('id_number', f'037{i:09d}')}\t{t}\t{lookup_hash('phone', phone(i))}\t"
                f"\\N\t\tofficial\t\\N\t{created}\t{created}\n"
            )
        buffer.seek(0)
        cursor.execute("SELECT coalesce(max(id), 0) FROM core_person")
        (before,) = cursor.fetchone()
        cursor.copy_expert(
            "COPY core_person (full_name, name_key, date_of_birth, birth_year, sex, nationality, id_number, "
            "id_number_hash, phone, phone_hash, address_unit_id, address_line, source, merged_into_id, "
            "created_at, updated_at) FROM STDIN",
            buffer,
        )
        cursor.execute("SELECT min(id), max(id) FROM core_person WHERE id > %s", [before])
        low, high = cursor.fetchone()
        assert high - low + 1 == samples, "person ids are not contiguous"
        cursor.execute(
            "INSERT INTO testing_sample (code, person_id, site_id, collected_at, sample_type, test_kind,"
            " status, lab_id, received_at, rejection)"
            " SELECT 'BL-' || lpad(g::text, 7, '0'), %s + g, %s, %s, 'np', 'rt_pcr', 'resulted', %s, %s, ''"
            " FROM generate_series(0, %s) g",
            [
                low,
                site.pk,
                now - datetime.timedelta(days=1),
                lab.pk,
                now - datetime.timedelta(hours=20),
                samples - 1,
            ],
        )
        cursor.execute(
            "INSERT INTO testing_labresult (sample_id, outcome, via, resulted_at, verified_by) SELECT id,"
            " CASE WHEN id %% 50 = 0 THEN 'positive' ELSE 'negative' END, 'single', %s, 'Bench'"
            " FROM testing_sample WHERE code LIKE 'BL-%%'",
            [now - datetime.timedelta(hours=12)],
        )
    cursor.execute("ANALYZE core_person; ANALYZE testing_sample; ANALYZE testing_labresult")
    return {"samples": samples, "created": True}


def forget_lookups() -> int:
    """Empties the limiter's look-up counts (scope ``trx``) in the bench Redis, as an hour passing would."""
    import redis
    from django.conf import settings

    from testing.views.public import LOOKUP

    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter(match=f"{settings.RATE_LIMIT_KEY_PREFIX}:rl:{LOOKUP.scope}:*", count=10_000))
    for start in range(0, len(keys), 10_000):
        client.delete(*keys[start : start + 10_000])
    return len(keys)


def run(args: argparse.Namespace) -> dict[str, Any]:
    env = bench_env()
    setup_django()
    results: dict[str, Any] = {"load_start": uptime(), "prepare": prepare(args.samples, args.force)}
    print(f"prepare: {results['prepare']}", flush=True)
    subprocess.run(  # the page's static files, as the dashboard bench serves them
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        check=True,
    )
    env = {**env, "BENCH_SAMPLES": str(args.samples)}
    ids_dir = tempfile.mkdtemp(prefix="portal-bench-lookup-")
    log = Path(ids_dir) / "gunicorn.log"
    server = start_server(args.port, args.workers, env, log)
    rounds: list[dict[str, Any]] = []

    def one(label: str, connections: int, seconds: float) -> dict[str, Any]:
        forget_lookups()
        return wrk(
            args.port,
            PATHS[label],
            connections=connections,
            threads=min(args.threads, connections),
            seconds=seconds,
            env={**env, "BENCH_STRIDE": str(min(args.threads, connections))},
            ids_dir=ids_dir,
            script=LUA,
        )

    try:
        wait_up(args.port, "/healthz")
        for label in PATHS:  # warm: connections, code paths
            one(label, 8, 2)
        for number in range(args.rounds):
            row: dict[str, Any] = {"load_before": load_average()}
            for connections in (64, 8):
                for label in PATHS:
                    row[f"{label}_c{connections}"] = one(label, connections, args.seconds)
            row["load_after"] = load_average()
            rounds.append(row)
            print(
                f"round {number + 1}: "
                + ", ".join(
                    f"{k} {v['rps']:.0f} req/s p99 {v['p99_ms']:.1f} ms"
                    for k, v in row.items()
                    if isinstance(v, dict)
                ),
                flush=True,
            )
    finally:
        stop(server)
    results["rounds"] = rounds
    results["load_end"] = uptime()
    results["server_errors_logged"] = len(server_errors(log))
    return results


FAILURES = ("not_found", "limited", "unavailable", "other_status", "timeouts")


def report(results: dict[str, Any], args: argparse.Namespace) -> str:
    rounds = results["rounds"]

    def median(key: str, field: str) -> float:
        return statistics.median(r[key][field] for r in rounds)

    ratio = statistics.median(r["lookup_c64"]["rps"] / r["ceiling_c64"]["rps"] for r in rounds)
    failed = {f: sum(r[k][f] for r in rounds for k in r if isinstance(r[k], dict)) for f in FAILURES}
    p99 = median("lookup_c8", "p99_ms")
    lines = [
        "## Result look-up (issue 18)",
        "",
        f"- Date: {datetime.datetime.now(UTC):%Y-%m-%d %H:%M} UTC; commit `{git_commit()}`; {machine()}",
        f"- Load: start `{results['load_start']}`; end `{results['load_end']}`",
        f"- Data: {args.samples:,} samples with results, one person each (`bench/lookup.py --samples "
        f"{args.samples}`)",
        f"- Server: gunicorn, {args.workers} sync workers, `bench.settings` (production, DEBUG off), "
        "PostgreSQL + Redis (limiter on, closed); wrk on the same machine, `bench/lookup.lua`: every "
        "request a different citizen (code + phone on record) from its own X-Forwarded-For address",
        "",
        f"{len(rounds)} interleaved rounds of {args.seconds:g} s per URL and connection count.",
        "",
        "| Request | req/s at 64 (median) | % of bare view (median of per-round ratios) | "
        "p99 at 8 ms (median; goal < 50) | p50 at 8 ms |",
        "|---|---:|---:|---:|---:|",
        "| ceiling: bare view `/bench/hello`, same POST and middleware | "
        f"{median('ceiling_c64', 'rps'):.0f} | "
        f"100% | {median('ceiling_c8', 'p99_ms'):.1f} | {median('ceiling_c8', 'p50_ms'):.1f} |",
        f"| look-up `POST /xet-nghiem/tra-cuu/` | {median('lookup_c64', 'rps'):.0f} | {ratio * 100:.0f}% | "
        f"{p99:.1f} | {median('lookup_c8', 'p50_ms'):.1f} |",
        "",
        f"p99 at 8 connections under 50 ms: **{'yes' if p99 < 50 else 'NO'}**. Answers without a "
        f"result shown: {', '.join(f'{k} {v}' for k, v in failed.items())}. Server errors logged: "
        f"{results['server_errors_logged']}.",
        "",
        "Per round (req/s at 64 connections, ceiling → look-up; load average before → after):",
        "",
    ]
    for number, r in enumerate(rounds, 1):
        lines.append(
            f"- round {number}: {r['ceiling_c64']['rps']:.0f} → {r['lookup_c64']['rps']:.0f}; "
            f"load {r['load_before']} → {r['load_after']}"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=200_000)
    parser.add_argument("--port", type=int, default=8797)
    parser.add_argument("--workers", type=int, default=4, help="as deployed (docker-compose.yml)")
    parser.add_argument("--threads", type=int, default=4, help="wrk threads")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--force", action="store_true", help="allow a database not named *bench*")
    add_output_arg(parser)
    args = parser.parse_args()
    results = run(args)
    text = report(results, args)
    publish(text, write=not args.no_write)
    failed = sum(r[k][f] for r in results["rounds"] for k in r if isinstance(r[k], dict) for f in FAILURES)
    if failed:
        raise SystemExit(f"{failed} look-ups did not show a result")


if __name__ == "__main__":
    main()
