"""Generates a province-sized synthetic check-in data set directly in PostgreSQL, fast.

    python bench/gen_checkins.py --reset --checkpoints 2000 --days 21 --checkins 10000000 \\
        --persons 500000                                     # tracing benchmark (issue 5)
    python bench/gen_checkins.py --reset --districts 27 --checkpoints 2000 --days 21 \\
        --checkins 3000000                                    # weekly report benchmark
    python bench/gen_checkins.py --reset ... --expired-checkins 1000000   # retention purge

What it writes (into the database of ``BENCH_DATABASE_URL``, default ``portal_bench``; it
refuses a database whose name does not contain "bench" unless ``--force``):

- the province's administrative units (``load_admin_units``, the bundled 2021/2025 list), and
  ``--districts`` reporting units of it (default: all, 27 for Thanh Hóa);
- one organization per district and ``--checkpoints`` approved checkpoints spread over the
  districts' wards (QR tokens ``bench000001``...), open all day;
- ``--persons`` visitors. Hashes are real (``core.crypto.lookup_hash`` of a distinct ID number
  ``038`` + 9 digits and phone ``09`` + 8 digits per person, see ``person_id_number`` /
  ``person_phone``), so look-ups by ID or phone behave as in production. The *encrypted*
  columns share a few pre-encrypted placeholder tokens (``--tokens``, default 8): encrypting
  every row would take hours, and decryption cost per row is the same. So a decrypted identity
  shows a placeholder, not the person's own number;
- ``--checkins`` check-ins over the ``--days`` whole local days before today (06:00–21:00 local,
  10–120 minutes long), checkpoints skewed like real life (busy markets and hospitals, quiet
  offices: ``random()^1.5``), visitors uniform, 90% self-scanned / 8% staff / 2% paper, ~1%
  flagged. No declarations are generated (check-ins have ``declaration_id`` NULL): none of the
  benchmarks reads them;
- a planted case (ID ``038999999999``) with exactly 20 visits across the window, and at every
  visit ``--planted-contacts`` known co-present visitors (overlap 40 min) plus one visitor who
  overlaps only 10 minutes (below the 15-minute threshold). Written to ``--manifest`` (JSON);
- ``--expired-checkins`` check-ins on the local day just past retention (for the purge).

Speed: secondary indexes and the unique constraint of ``checkpoints_checkin`` are dropped
during the load and rebuilt after it (from their own definitions), foreign-key triggers are
off for the loading session (``session_replication_role = replica``; the generated ids are
consistent), and rows come from ``INSERT ... SELECT generate_series``. Then VACUUM ANALYZE.
"""

import argparse
import datetime
import io
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BASE_DIR, setup_django

CASE_ID_NUMBER = "038999999999"
CASE_PHONE = "0999999999"
CHUNK = 1_000_000


def person_id_number(index: int) -> str:
    return f"038{index:09d}"


def person_phone(index: int) -> str:
    return f"09{index % 100_000_000:08d}"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--checkpoints", type=int, default=2000)
    parser.add_argument("--districts", type=int, default=0, help="0: every district of the province")
    parser.add_argument("--days", type=int, default=21)
    parser.add_argument("--checkins", type=int, default=10_000_000)
    parser.add_argument("--persons", type=int, default=500_000)
    parser.add_argument("--expired-checkins", type=int, default=0)
    parser.add_argument("--planted-contacts", type=int, default=3)
    parser.add_argument("--tokens", type=int, default=8, help="distinct pre-encrypted placeholder values")
    parser.add_argument("--seed", type=float, default=0.42)
    parser.add_argument(
        "--reset", action="store_true", help="empty the check-in, checkpoint and person tables"
    )
    parser.add_argument(
        "--append",
        action="store_true",
        help="only add check-ins, to the checkpoints and people of an earlier run (no planted case)",
    )
    parser.add_argument("--force", action="store_true", help="allow a database not named *bench*")
    parser.add_argument("--manifest", default=str(BASE_DIR / "var" / "bench" / "planted.json"))
    args = parser.parse_args()

    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from checkpoints.models import Checkpoint
    from checkpoints.retention import local_midnight, retention_cutoff
    from core import selectors as core_selectors
    from core.crypto import encrypt, lookup_hash
    from core.models import AdministrativeUnit, Organization
    from core.services import name_key as name_key_of

    db_name = settings.DATABASES["default"]["NAME"]
    if "bench" not in db_name and not args.force:
        raise SystemExit(f"refusing to write into database {db_name!r} (not a bench database); --force")
    started = time.monotonic()
    call_command("migrate", "--noinput", verbosity=0)
    call_command("load_admin_units", province=settings.PROVINCE_CODE, verbosity=0)

    cursor = connection.cursor()
    if args.reset:
        log("reset: truncating check-ins, declarations, checkpoints, people")
        cursor.execute(
            "TRUNCATE checkpoints_checkin, checkpoints_checkindailystat, checkpoints_revokedqrcode, "
            "checkpoints_checkpoint_operators, checkpoints_checkpoint, declarations_declaration, "
            "core_duplicatecandidate, core_person CASCADE"
        )
        Organization.objects.filter(name__startswith="Bench ").delete()

    # --- Units, organizations, checkpoints ---------------------------------------------------
    districts = list(core_selectors.reporting_units().order_by("code"))
    if args.districts:
        districts = districts[: args.districts]
    wards = {
        d.pk: list(AdministrativeUnit.objects.filter(parent=d).order_by("code")) or [d] for d in districts
    }
    orgs = {}
    for d in districts:
        orgs[d.pk], _ = Organization.objects.get_or_create(
            name=f"Bench {d.name}", defaults={"kind": Organization.Kind.BUSINESS, "unit": d}
        )
    now = timezone.now()
    today = timezone.localdate(now)
    first_day = today - datetime.timedelta(days=args.days)
    kinds = [k for k, _label in Checkpoint.Kind.choices]
    offset = Checkpoint.objects.count()
    points = []
    for i in range(args.checkpoints):
        d = districts[i % len(districts)]
        ward_list = wards[d.pk]
        points.append(
            Checkpoint(
                name=f"Điểm kiểm dịch thử {offset + i + 1:06d}",
                organization=orgs[d.pk],
                kind=kinds[i % len(kinds)],
                unit=ward_list[(i // len(districts)) % len(ward_list)],
                status=Checkpoint.Status.APPROVED,
                registered_at=now - datetime.timedelta(days=args.days + 60),
                decided_at=now - datetime.timedelta(days=args.days + 59),
                qr_token=f"bench{offset + i + 1:06d}",
            )
        )
    if args.append:
        points = []
    with transaction.atomic():
        Checkpoint.objects.bulk_create(points, batch_size=1000)
    cp_ids = [p.pk for p in points] or list(
        Checkpoint.objects.filter(qr_token__startswith="bench").order_by("id").values_list("id", flat=True)
    )
    log(f"{len(districts)} districts, {len(cp_ids)} checkpoints")

    # --- People (COPY) -------------------------------------------------------------------------
    id_tokens = [encrypt(person_id_number(900_000_000 + t)) for t in range(args.tokens)]
    phone_tokens = [encrypt(person_phone(90_000_000 + t)) for t in range(args.tokens)]
    specials = 1 + 20 * (args.planted_contacts + 1)  # the case, then planted visitors
    total_people = specials + args.persons
    person_base = 0
    cursor.execute("SELECT coalesce(max(id), 0) FROM core_person")
    (before_max,) = cursor.fetchone()
    created = now.isoformat()

    def rows():
        for i in range(total_people):
            if i == 0:
                name, number, phone = "Ca bệnh thử nghiệm", CASE_ID_NUMBER, CASE_PHONE
            else:
                name, number, phone = f"Người thử {i:07d}", person_id_number(i), person_phone(i)
            t = i % args.tokens
            yield (
                f"{name}\t{name_key_of(name)}\t\\N\t{1940 + i % 66}\tunknown\tVN\t{id_tokens[t]}\t"
                f"{lookup_hash('id_number', number)}\t{phone_tokens[t]}\t{lookup_hash('phone', phone)}\t"
                f"\\N\t\tvisitor\t\\N\t{created}\t{created}\n"
            )

    class Stream(io.TextIOBase):
        def __init__(self) -> None:
            self.it = rows()
            self.buf = ""

        def readable(self) -> bool:
            return True

        def read(self, size: int | None = -1) -> str:
            size = -1 if size is None else size
            while size < 0 or len(self.buf) < size:
                try:
                    self.buf += next(self.it)
                except StopIteration:
                    break
            out, self.buf = (self.buf, "") if size < 0 else (self.buf[:size], self.buf[size:])
            return out

    if args.append:
        total_people = 0
        cursor.execute("SELECT min(id), max(id) FROM core_person WHERE full_name LIKE 'Người thử%%'")
        pool_lo, pool_hi = cursor.fetchone()
        before_max = pool_lo - specials
    with transaction.atomic():
        cursor.copy_expert(
            "COPY core_person (full_name, name_key, date_of_birth, birth_year, sex, nationality, id_number, "
            "id_number_hash, phone, phone_hash, address_unit_id, address_line, source, merged_into_id, "
            "created_at, updated_at) FROM STDIN",
            Stream(),
            size=1 << 16,
        )
        cursor.execute("SELECT min(id), max(id), count(*) FROM core_person WHERE id > %s", [before_max])
        lo, hi, count = cursor.fetchone()
    if args.append:
        lo, hi = before_max, pool_hi
    else:
        assert count == total_people and hi - lo + 1 == count, "person ids are not contiguous"
        pool_lo = lo + specials
    person_base = lo
    case_id = person_base
    pool_hi = hi
    log(f"{total_people} people (ids {lo}..{hi}), case person {case_id}")

    # --- Check-ins -------------------------------------------------------------------------------
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid = 'checkpoints_checkin'::regclass AND contype = 'u'"
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'checkpoints_checkin' "
        "AND indexname NOT LIKE '%%_pkey' AND indexname <> ALL(%s)",
        [[c[0] for c in constraints]],
    )
    indexes = cursor.fetchall()
    if args.append:
        # Adding to a big table: rebuilding every index would cost more than maintaining them.
        constraints, indexes = [], []
    window_start = local_midnight(first_day)
    expired_day = timezone.localdate(retention_cutoff(now)) - datetime.timedelta(days=1)
    fill = (
        "INSERT INTO checkpoints_checkin (checkpoint_id, person_id, declaration_id, submission, position, "
        "method, checked_in_at, checked_out_at, checkout_method, risk, entered_by_id, created_at, "
        "alerted_at) "
        "SELECT cp, person, NULL, gen_random_uuid(), 0, "
        "  CASE WHEN m < 0.90 THEN 'self' WHEN m < 0.98 THEN 'staff' ELSE 'paper' END, "
        "  t, t + make_interval(mins => 10 + (random() * 110)::int), 'default', "
        "  CASE WHEN r < 0.007 THEN 'symptoms' WHEN r < 0.01 THEN 'exposure' ELSE 'none' END, "
        "  NULL, t, NULL "
        "FROM (SELECT (%(cps)s::bigint[])[1 + floor(power(random(), 1.5) * %(ncp)s)::int] AS cp, "
        "  %(plo)s + floor(random() * %(npool)s)::bigint AS person, random() AS m, random() AS r, "
        "  %(start)s::timestamptz + make_interval(days => floor(random() * %(days)s)::int) "
        "    + interval '6 hours' + random() * interval '15 hours' AS t "
        "  FROM generate_series(1, %(n)s)) g"
    )
    try:
        with transaction.atomic():
            for name, _definition in constraints:
                cursor.execute(f'ALTER TABLE checkpoints_checkin DROP CONSTRAINT "{name}"')
            for name, _definition in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("SELECT setseed(%s)", [args.seed])
        params = {"cps": cp_ids, "ncp": len(cp_ids), "plo": pool_lo, "npool": pool_hi - pool_lo + 1}
        done = 0
        while done < args.checkins:
            n = min(CHUNK, args.checkins - done)
            with transaction.atomic():
                cursor.execute(fill, {**params, "start": window_start, "days": args.days, "n": n})
            done += n
            log(f"check-ins: {done:,} / {args.checkins:,}")
        if args.expired_checkins:
            done = 0
            while done < args.expired_checkins:
                n = min(CHUNK, args.expired_checkins - done)
                with transaction.atomic():
                    cursor.execute(fill, {**params, "start": local_midnight(expired_day), "days": 1, "n": n})
                done += n
            log(f"expired day {expired_day}: {args.expired_checkins:,} check-ins")
        manifest = (
            {}
            if args.append
            else plant_case(cursor, args, cp_ids, case_id, person_base, first_day, local_midnight)
        )
    finally:
        cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SET maintenance_work_mem = '1GB'")
        for name, definition in constraints:
            log(f"rebuilding {name}")
            cursor.execute(f'ALTER TABLE checkpoints_checkin ADD CONSTRAINT "{name}" {definition}')
        for name, definition in indexes:
            log(f"rebuilding {name}")
            cursor.execute(definition)
    log("VACUUM ANALYZE")
    cursor.execute("VACUUM ANALYZE checkpoints_checkin")
    cursor.execute("VACUUM ANALYZE core_person")
    cursor.execute("ANALYZE checkpoints_checkpoint")
    cursor.execute("SELECT count(*) FROM checkpoints_checkin")
    (total,) = cursor.fetchone()
    manifest.update(
        {
            "checkpoints": len(cp_ids),
            "districts": len(districts),
            "persons": args.persons,
            "days": args.days,
            "window": [first_day.isoformat(), (today - datetime.timedelta(days=1)).isoformat()],
            "checkins_total": total,
            "expired_day": expired_day.isoformat() if args.expired_checkins else None,
            "expired_checkins": args.expired_checkins,
            "generated_in_seconds": round(time.monotonic() - started, 1),
        }
    )
    if args.append:
        log(f"appended; {total:,} check-ins in the table")
        return
    Path(args.manifest).parent.mkdir(parents=True, exist_ok=True)
    Path(args.manifest).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    log(f"done: {total:,} check-ins in the table, manifest {args.manifest}")


def plant_case(cursor, args, cp_ids, case_id, person_base, first_day, local_midnight) -> dict:
    """20 visits of the case across the window, each with known contacts and one near miss."""
    visits, contacts, near_misses = [], [], []
    k = args.planted_contacts
    # Busy checkpoints (low indexes: the skew makes them the markets) and quiet ones, alternating.
    step = max(1, len(cp_ids) // 20)
    for v in range(20):
        cp = cp_ids[(v // 2) if v % 2 == 0 else min(len(cp_ids) - 1, v * step)]
        day = first_day + datetime.timedelta(days=(v * args.days) // 20)
        start = local_midnight(day) + datetime.timedelta(hours=8 + (v % 10))
        end = start + datetime.timedelta(minutes=60)
        visits.append((cp, case_id, start, end))
        for j in range(k):
            contacts.append(
                (
                    cp,
                    person_base + 1 + v * (k + 1) + j,
                    start + datetime.timedelta(minutes=10),
                    start + datetime.timedelta(minutes=50),
                )
            )
        near_misses.append(
            (
                cp,
                person_base + 1 + v * (k + 1) + k,
                start + datetime.timedelta(minutes=50),
                start + datetime.timedelta(minutes=100),
            )
        )
    ids: dict[str, list[int]] = {}
    for label, rows in (("visits", visits), ("contacts", contacts), ("near_misses", near_misses)):
        ids[label] = []
        for cp, person, t_in, t_out in rows:
            cursor.execute(
                "INSERT INTO checkpoints_checkin (checkpoint_id, person_id, submission, position, method, "
                "checked_in_at, checked_out_at, checkout_method, risk, created_at) "
                "VALUES (%s, %s, gen_random_uuid(), 0, 'self', %s, %s, 'scanned', 'none', %s) RETURNING id",
                [cp, person, t_in, t_out, t_in],
            )
            ids[label].append(cursor.fetchone()[0])
    period_start = local_midnight(first_day)
    period_end = local_midnight(first_day + datetime.timedelta(days=args.days))
    return {
        "case_person_id": case_id,
        "case_id_number": CASE_ID_NUMBER,
        "period": [period_start.isoformat(), period_end.isoformat()],
        "case_visit_ids": ids["visits"],
        "planted_contact_checkin_ids": ids["contacts"],
        "near_miss_checkin_ids": ids["near_misses"],
    }


if __name__ == "__main__":
    main()
