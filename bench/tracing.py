"""Tracing one case with 20 visits over ~10 million check-ins (issue 5).

    make bench-tracing                       # after bench/gen_checkins.py
    python bench/tracing.py --runs 50

A province-wide epidemiologist (role ``epidemiologist``, scope province-wide) traces the planted
case of ``bench/gen_checkins.py`` over the whole generated window with the default minimum
overlap (15 min). Timed, interleaved so drift hits both alike (ORM and raw swap order every
run; a ``gc.collect()`` before each timed step so no step pays for another's garbage):

- ORM: what the tracing page runs, ``selectors.trace_contacts_queryset(...).values(...)`` sliced
  like ``trace_case`` (``limit + 1`` rows), evaluated to a list of dicts (the case's visits,
  which the query is built from, come from ``trace_visits``, timed on its own row);
- raw: the same SQL (``qs.query.sql_with_params()``) through a cursor, rows fetched as tuples;
  asserted to return the same rows;
- ``trace_case`` end to end (visits query + contacts query + pairing each contact with the
  visit(s) it overlaps, overlap minutes);
- ``identities_for`` (decrypting the ID and phone numbers of everyone shown), separately.

Checks that the planted contacts are found and the near misses (10-minute overlap) are not.
Prints an EXPLAIN (ANALYZE, BUFFERS) of the query. Appends to docs/benchmarks.md unless
``--no-write``.
"""

import argparse
import datetime
import gc
import json
import statistics
import sys
import time
from datetime import UTC
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (
    BASE_DIR,
    add_output_arg,
    git_commit,
    machine,
    percentile,
    publish,
    setup_django,
    uptime,
)


def tracer():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from core.models import UserScope
    from core.roles import Role

    user, _ = get_user_model().objects.get_or_create(username="bench-tracer", defaults={"is_active": True})
    user.groups.add(Group.objects.get(name=Role.EPIDEMIOLOGIST))
    UserScope.objects.update_or_create(user=user, defaults={"province_wide": True})
    return get_user_model().objects.get(pk=user.pk)


def ms(values: list[float]) -> dict[str, float]:
    s = sorted(values)
    return {
        "p50": 1000 * statistics.median(s),
        "p95": 1000 * percentile(s, 0.95),
        "min": 1000 * s[0],
        "max": 1000 * s[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--manifest", default=str(BASE_DIR / "var" / "bench" / "planted.json"))
    add_output_arg(parser)
    args = parser.parse_args()

    setup_django()
    from django.conf import settings
    from django.db import connection

    from checkpoints import selectors

    manifest = json.loads(Path(args.manifest).read_text())
    user = tracer()
    person_id = manifest["case_person_id"]
    start, end = (datetime.datetime.fromisoformat(x) for x in manifest["period"])
    min_overlap = settings.TRACING_MIN_OVERLAP_MINUTES
    limit = 5000
    load_before = uptime()

    visits = selectors.trace_visits(user, person_id=person_id, start=start, end=end)
    assert len(visits) == 20, len(visits)

    def queryset():
        qs = selectors.trace_contacts_queryset(
            user, person_id=person_id, start=start, end=end, min_overlap=min_overlap, visits=visits
        )
        return qs.values(*selectors.VISIT_FIELDS)[: limit + 1]

    sql, params = queryset().query.sql_with_params()

    def orm() -> list[dict]:
        return list(queryset())

    def raw() -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    # First (cold-ish) run, then correctness.
    t = time.perf_counter()
    first_rows = orm()
    first_ms = 1000 * (time.perf_counter() - t)
    raw_rows = raw()
    keys = selectors.VISIT_FIELDS
    assert [tuple(r[k] for k in keys) for r in first_rows] == [tuple(r) for r in raw_rows], "ORM != raw"
    traced = selectors.trace_case(user, person_id=person_id, start=start, end=end, min_overlap=min_overlap)
    found = {r["id"] for r in traced.contacts}
    planted = set(manifest["planted_contact_checkin_ids"])
    assert planted <= found, f"planted contacts missing: {sorted(planted - found)}"
    assert not found & set(manifest["near_miss_checkin_ids"]), "a 10-minute near miss was reported"
    timings: dict[str, list[float]] = {"orm": [], "raw": [], "case": [], "visits": [], "identities": []}
    result = traced
    for i in range(args.runs):
        pair = [("orm", orm), ("raw", raw)]
        for name, fn in (
            *(pair if i % 2 == 0 else pair[::-1]),
            ("visits", lambda: selectors.trace_visits(user, person_id=person_id, start=start, end=end)),
            (
                "case",
                lambda: selectors.trace_case(
                    user, person_id=person_id, start=start, end=end, min_overlap=min_overlap
                ),
            ),
        ):
            gc.collect()  # the previous step's garbage is not this step's cost
            t = time.perf_counter()
            value = fn()
            timings[name].append(time.perf_counter() - t)
            if isinstance(value, selectors.TraceResult):
                result = value
        ids = result.person_ids()
        gc.collect()
        t = time.perf_counter()
        identities = selectors.identities_for(ids)
        timings["identities"].append(time.perf_counter() - t)
        assert len(identities) == len(ids)

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        plan = [r[0] for r in cursor.fetchall()]
        cursor.execute("SELECT count(*) FROM checkpoints_checkin")
        total = cursor.fetchone()[0]
    stats = {k: ms(v) for k, v in timings.items()}
    ratio50 = stats["orm"]["p50"] / stats["raw"]["p50"]
    ratio95 = stats["orm"]["p95"] / stats["raw"]["p95"]
    people = len(result.person_ids())
    out = {
        "rows": len(first_rows),
        "people_shown": people,
        "first_ms": first_ms,
        "stats": stats,
        "ratio_p50": ratio50,
        "ratio_p95": ratio95,
        "plan": plan,
    }
    print(json.dumps(out, indent=2, default=str))
    now = datetime.datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")

    def line(label: str, s: dict[str, float]) -> str:
        return f"| {label} | {s['p50']:.1f} | {s['p95']:.1f} | {s['min']:.1f} | {s['max']:.1f} |"

    text = "\n".join(
        [
            "## Tracing one case (issue 5)",
            "",
            f"Produced by `make bench-tracing` (`python bench/tracing.py --runs {args.runs}`) on the data of "
            "`bench/gen_checkins.py` (see its docstring).",
            "",
            f"- Date: {now}; git commit `{git_commit()}`",
            f"- Machine: {machine()}; PostgreSQL 15 on the same machine (shared_buffers 128 MB)",
            f"- Load (`uptime`) before: `{load_before}`; after: `{uptime()}`",
            f"- Data: {total:,} check-ins in the table ({manifest['checkins_total']:,} generated: "
            f"{manifest['days']} days, {manifest['checkpoints']:,} checkpoints, {manifest['persons']:,} "
            f"visitors); the case has 20 visits over {manifest['period'][0]} – {manifest['period'][1]}",
            f"- Query: province-wide epidemiologist, minimum overlap {min_overlap} min; {len(first_rows):,} "
            f"contact rows ({len(traced.contacts):,} contact–visit pairs), {people:,} people shown; "
            "planted contacts found, near misses excluded, "
            "ORM rows == raw rows (asserted)",
            f"- {args.runs} runs, interleaved (ORM and raw alternate first), `gc.collect()` before each "
            f"step; first (cold-ish) ORM run: {first_ms:.1f} ms",
            "",
            "| Step | p50 ms | p95 ms | min ms | max ms |",
            "|---|---:|---:|---:|---:|",
            line("contacts, ORM (`trace_contacts_queryset(...).values()`)", stats["orm"]),
            line("contacts, same SQL raw (cursor, tuples) — the ceiling", stats["raw"]),
            line("case visits (`trace_visits`)", stats["visits"]),
            line("`trace_case` end to end (visits + contacts)", stats["case"]),
            line(f"`identities_for` ({people:,} people decrypted)", stats["identities"]),
            "",
            f"ORM / raw: **{ratio50:.2f}×** at p50, {ratio95:.2f}× at p95 (goal ≤ 1.2×: "
            f"{'met' if ratio95 <= 1.2 and ratio50 <= 1.2 else 'missed'}); contacts p95 "
            f"{stats['orm']['p95']:.1f} ms "
            f"(goal < 100 ms: {'met' if stats['orm']['p95'] < 100 else 'missed'}).",
            "",
            "EXPLAIN (ANALYZE, BUFFERS) of the contacts query:",
            "",
            "```",
            *plan,
            "```",
        ]
    )
    publish(text, write=not args.no_write)


if __name__ == "__main__":
    main()
