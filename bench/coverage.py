"""Vaccination coverage of the province from the roll-ups (issue 19): "coverage for the
province (2 million doses) from the roll-ups in under 200 ms".

    python bench/coverage.py                                # 2,000,000 doses, 30 repeats
    python bench/coverage.py --doses 20000 --repeats 5 --no-write   # a quick check

On PostgreSQL (``BENCH_DATABASE_URL``, default ``portal_bench``; a database not named *bench*
needs ``--force``), with ``bench.settings``:

1. the data, bulk SQL: ``vaccination_dosedailystat`` (the ``vaccination.dose_daily`` roll-up's
   aggregate) emptied and filled with ``--doses`` doses over every ward of the province that
   has a reporting unit, the catalogue's vaccines, doses 1-3 of two-dose series and the four
   age bands, on session days spread over ``--days`` days (``--per-row`` doses a row on
   average: a ward's session day gives one row per vaccine, dose number and age band); the
   watermark is set to today, so every earlier day is read from the aggregate and today is
   counted live from the doses, as in production after the hourly fold;
2. ``vaccination.selectors.coverage()`` for the province (every reporting unit), timed in this
   process over ``--repeats`` runs after one cold run: median, p95 and max. The doses it finds
   must equal the doses written.
"""

import argparse
import datetime
import math
import statistics
import sys
import time
from datetime import UTC
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import add_output_arg, git_commit, machine, percentile, publish, setup_django, uptime

BANDS = ["u18", "18", "50", "65"]
COMBOS = 3 * len(BANDS)  # dose numbers 1-3 × age bands


def prepare(args: argparse.Namespace) -> dict[str, Any]:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from core import selectors as core_selectors
    from core.models import AdministrativeUnit, RollupWatermark
    from vaccination.models import DoseDailyStat, Vaccine
    from vaccination.retention import DOSE_ROLLUP

    db_name = settings.DATABASES["default"]["NAME"]
    if "bench" not in db_name and not args.force:
        raise SystemExit(f"refusing to write into database {db_name!r} (not a bench database); --force")
    call_command("migrate", "--noinput", verbosity=0)
    if not core_selectors.reporting_units().exists():
        call_command("load_admin_units", province=settings.PROVINCE_CODE, verbosity=0)
    mapping = core_selectors.reporting_unit_map()
    wards = list(
        AdministrativeUnit.objects.filter(level="ward", pk__in=list(mapping))
        .order_by("code")
        .values_list("pk", flat=True)
    )
    vaccines = list(Vaccine.objects.order_by("pk").values_list("pk", flat=True))
    assert wards and vaccines, "no wards or no vaccines: load the units and the catalogue"
    rows = max(1, args.doses // args.per_row)
    days_used = math.ceil(rows / (len(wards) * COMBOS))
    if days_used > args.days:
        raise SystemExit(f"{rows} rows need {days_used} session days a ward; --days is {args.days}")
    step = max(1, args.days // days_used)
    today = timezone.localdate()
    first = today - datetime.timedelta(days=args.days + 1)
    base, remainder = divmod(args.doses, rows)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("TRUNCATE vaccination_dosedailystat")
        # Row k: ward k mod W; then its combination (dose number, age band) and its session day.
        cursor.execute(
            "INSERT INTO vaccination_dosedailystat (day, unit_id, vaccine_id, dose_number, series_doses,"
            " age_band, doses)"
            " SELECT %(first)s::date + ((k / %(w)s / %(c)s) * %(step)s)::int,"
            " (%(wards)s::int[])[1 + k %% %(w)s],"
            " (%(vaccines)s::int[])[1 + (k / %(w)s / %(c)s) %% %(v)s],"
            " 1 + ((k / %(w)s) %% %(c)s) / %(b)s, 2,"
            " (%(bands)s::text[])[1 + ((k / %(w)s) %% %(c)s) %% %(b)s],"
            " %(base)s + CASE WHEN k < %(rem)s THEN 1 ELSE 0 END"
            " FROM generate_series(0, %(rows)s - 1) k",
            {
                "first": first,
                "w": len(wards),
                "c": COMBOS,
                "b": len(BANDS),
                "step": step,
                "wards": wards,
                "vaccines": vaccines,
                "v": len(vaccines),
                "bands": BANDS,
                "base": base,
                "rem": remainder,
                "rows": rows,
            },
        )
        RollupWatermark.objects.update_or_create(name=DOSE_ROLLUP, defaults={"next_day": today})
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE vaccination_dosedailystat")
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('vaccination_dosedailystat'))")
        (size,) = cursor.fetchone()
    written = DoseDailyStat.objects.count()
    return {
        "rows": written,
        "wards": len(wards),
        "vaccines": len(vaccines),
        "session_days": days_used,
        "size": size,
        "fill_s": time.perf_counter() - started,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    setup_django()
    from django.db.models import Sum
    from django.utils import timezone

    from core import retention
    from vaccination import selectors
    from vaccination.models import Dose

    results: dict[str, Any] = {"load_start": uptime(), "prepare": prepare(args)}
    print(f"prepare: {results['prepare']}", flush=True)
    today = timezone.localdate()
    live = Dose.objects.filter(administered_at__gte=retention.local_midnight(today)).count()

    def timed() -> tuple[float, list[dict[str, Any]]]:
        start = time.perf_counter()
        rows = selectors.coverage(until=today)
        return time.perf_counter() - start, rows

    cold, rows = timed()
    found = sum(r["doses"] for r in rows)
    expected = args.doses + live
    if found != expected:
        raise SystemExit(f"coverage found {found} doses, {expected} were written")
    runs = [timed()[0] for _ in range(args.repeats)]
    from vaccination.models import DoseDailyStat

    results.update(
        cold_ms=cold * 1000,
        runs_ms=[t * 1000 for t in runs],
        units=len(rows),
        doses_found=found,
        live_doses=live,
        aggregate_doses=DoseDailyStat.objects.aggregate(n=Sum("doses"))["n"],
        load_end=uptime(),
    )
    return results


def report(results: dict[str, Any], args: argparse.Namespace) -> str:
    p = results["prepare"]
    runs = sorted(results["runs_ms"])
    median, p95 = statistics.median(runs), percentile(runs, 0.95)
    return "\n".join(
        [
            "## Vaccination coverage from the roll-ups (issue 19)",
            "",
            f"- Date: {datetime.datetime.now(UTC):%Y-%m-%d %H:%M} UTC; commit `{git_commit()}`; {machine()}",
            f"- Load: start `{results['load_start']}`; end `{results['load_end']}`",
            f"- Data: {args.doses:,} doses in {p['rows']:,} aggregate rows ({p['size']}): "
            f"{p['wards']} wards × "
            f"{p['session_days']} session days over {args.days} days × {p['vaccines']} vaccines, doses 1-3 × "
            f"4 age bands (`bench/coverage.py --doses {args.doses} --per-row {args.per_row}`; filled in "
            f"{p['fill_s']:.1f} s); today live ({results['live_doses']} doses)",
            "",
            f"`vaccination.selectors.coverage()` for the province ({results['units']} reporting units), in "
            f"process, {args.repeats} runs after a cold one:",
            "",
            "| Cold | Median | p95 | Max | Goal |",
            "|---:|---:|---:|---:|---|",
            f"| {results['cold_ms']:.0f} ms | {median:.0f} ms | {p95:.0f} ms | {runs[-1]:.0f} ms | "
            f"< 200 ms: **{'yes' if p95 < 200 else 'NO'}** (p95) |",
            "",
            f"Doses found by the selector: {results['doses_found']:,} (written {args.doses:,} + live "
            f"{results['live_doses']}).",
            "",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--doses", type=int, default=2_000_000)
    parser.add_argument("--per-row", type=int, default=10, help="doses an aggregate row on average")
    parser.add_argument("--days", type=int, default=540, help="days the campaign spans")
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--force", action="store_true", help="allow a database not named *bench*")
    add_output_arg(parser)
    args = parser.parse_args()
    results = run(args)
    text = report(results, args)
    publish(text, write=not args.no_write)


if __name__ == "__main__":
    main()
