"""Imports of 100,000 rows (issues 18 and 19, speed): lab results and vaccination doses.

    BENCH_DATABASE_URL=postgres://.../portal_x python bench/imports.py [--rows 100000] [--default-rows 10000]

For each kind, in one run on the same generated rows (CSV, full validation):

- **default**: django-import-export's row-by-row path of the same resource (``fast = False``: a
  savepoint and a service call per row), on the first ``--default-rows`` rows and extrapolated
  to rows per second (it is slow; the figure says which);
- **fast**: the set-based path (``core/imports.py``) on all ``--rows`` rows;
- **COPY**: a raw PostgreSQL ``COPY`` of the same rows into the same table (the ceiling: no
  parsing, no checks, no cases, no people, no audit).

Each measured import is undone before the next (not timed). The lab samples are generated with
bulk inserts (received by one lab, 5% of the results positive); the vaccination list has two
doses a person, half the people already known to the portal. Prints rows per second and ratios.
"""

import argparse
import io
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django


def timed(label: str, rows: int, work) -> float:
    start = time.perf_counter()
    work()
    seconds = time.perf_counter() - start
    print(f"  {label:<38} {rows:>7} rows {seconds:8.2f} s {rows / seconds:10.0f} rows/s", flush=True)
    return rows / seconds


def report(kind: str, default: float, fast: float, copy: float) -> None:
    print(
        f"{kind}: fast / default = {fast / default:.1f}x; COPY / fast = {copy / fast:.2f}x "
        f"(goal: within 4x); fast path for 100,000 rows ≈ {100_000 / fast:.1f} s (goal: under 60 s)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--default-rows", type=int, default=10_000)
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command

    from core.models import AdministrativeUnit

    if not AdministrativeUnit.objects.filter(level="ward").exists():
        call_command("load_admin_units", scheme="2021", province="38", verbosity=0)
    run = uuid.uuid4().hex[:6].upper()
    print(f"run {run}: {args.rows} rows, default path on {min(args.default_rows, args.rows)}", flush=True)
    lab_results(run, args.rows, min(args.default_rows, args.rows))
    doses(run, args.rows, min(args.default_rows, args.rows))


def _copy(table: str, columns: list[str], lines: list[str]) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)",
            io.StringIO("".join(lines)),
        )


def lab_results(run: str, n: int, n_default: int) -> None:
    import datetime

    import tablib
    from django.utils import timezone

    from core.actors import SystemActor
    from core.imports import errors_of, read_file
    from core.models import AdministrativeUnit, Person
    from testing import services
    from testing.imports import LabResultResource
    from testing.models import Case, LabResult, Sample

    system = SystemActor("command:bench_imports")
    ward = AdministrativeUnit.objects.filter(level="ward").first()
    assert ward is not None
    site = services.site_create(actor=system, name=f"Bench {run}", unit=ward)
    lab = services.lab_create(actor=system, name=f"Bench lab {run}", unit=ward)
    now = timezone.now()
    print(f"lab results: generating {n} received samples…", flush=True)
    people = Person.objects.bulk_create(
        [Person(full_name=f"Bench {run} {i}", name_key=f"bench {run.lower()} {i}") for i in range(n)],
        batch_size=5000,
    )
    samples = Sample.objects.bulk_create(
        [
            Sample(
                code=f"B{run}-{i:06d}",
                person=p,
                site=site,
                collected_at=now - datetime.timedelta(hours=3),
                sample_type="np",
                test_kind="rt_pcr",
                status=Sample.Status.RECEIVED,
                lab=lab,
                received_at=now - datetime.timedelta(hours=2),
            )
            for i, p in enumerate(people)
        ],
        batch_size=5000,
    )
    when = timezone.localtime(now - datetime.timedelta(hours=1))
    rows = [
        (
            s.code,
            "duong" if i % 20 == 0 else "am",
            f"{when:%Y-%m-%d %H:%M}",
            "24.5" if i % 20 == 0 else "",
            "BS. Bench",
        )
        for i, s in enumerate(samples)
    ]
    header = ["ma_mau", "ket_qua", "thoi_diem_ket_qua", "gia_tri_ct", "nguoi_xac_nhan"]

    def content(k: int) -> bytes:
        return tablib.Dataset(*rows[:k], headers=header).export("csv").encode()

    ids = [s.pk for s in samples]

    def undo() -> None:
        LabResult.objects.filter(sample_id__in=ids).delete()
        Case.objects.filter(source_id__in=ids).delete()
        for start in range(0, len(ids), 5000):
            Sample.objects.filter(pk__in=ids[start : start + 5000]).update(status=Sample.Status.RECEIVED)

    def run_import(k: int, fast: bool) -> None:
        resource = LabResultResource()
        resource.fast = fast
        result = resource.import_data(read_file(content(k), "bench.csv"), user=system, lab=lab)
        assert not errors_of(result), errors_of(result)[:3]
        assert LabResult.objects.filter(sample_id__in=ids).count() == k

    default = timed(
        f"default (django-import-export), {n_default}", n_default, lambda: run_import(n_default, False)
    )
    undo()
    fast = timed("fast (set-based)", n, lambda: run_import(n, True))
    undo()
    stamp = f"{now - datetime.timedelta(hours=1):%Y-%m-%d %H:%M:%S+00}"
    lines = [
        f"{s.pk},{'positive' if i % 20 == 0 else 'negative'},import,{stamp},"
        f"{'24.5' if i % 20 == 0 else ''},BS. Bench\n"
        for i, s in enumerate(samples)
    ]
    copy = timed(
        "raw COPY (ceiling)",
        n,
        lambda: _copy(
            "testing_labresult",
            ["sample_id", "outcome", "via", "resulted_at", "ct_value", "verified_by"],
            lines,
        ),
    )
    undo()
    report("lab results", default, fast, copy)


def doses(run: str, n: int, n_default: int) -> None:
    import datetime

    import tablib
    from django.utils import timezone

    from core.actors import SystemActor
    from core.imports import errors_of, read_file
    from core.models import AdministrativeUnit, Person
    from core.services.people import PersonData, _apply, name_key
    from vaccination import services
    from vaccination.imports import DoseImportResource
    from vaccination.models import Dose, Vaccine

    system = SystemActor("command:bench_imports")
    ward = AdministrativeUnit.objects.filter(level="ward").first()
    assert ward is not None
    site = services.site_create(actor=system, name=f"Bench {run}", unit=ward)
    vaccine = Vaccine.objects.get(name="Vaxzevria (AstraZeneca)")
    lot = services.lot_create(
        actor=system,
        vaccine=vaccine,
        number=f"B{run}",
        expiry_date=timezone.localdate() + datetime.timedelta(days=400),
    )
    people_n = n // 2
    digits = int(run, 16) % 10**4
    print(f"doses: generating {people_n} people, half already known…", flush=True)
    datas = [
        PersonData(
            full_name=f"Vbench {run} {i}",
            date_of_birth=datetime.date(1960 + i % 40, 1 + i % 12, 1 + i % 28),
            id_number=f"9{digits:04d}{i:07d}",
        )
        for i in range(people_n)
    ]
    known = []
    for data in datas[: people_n // 2]:
        person = Person(source=Person.Source.OFFICIAL)
        _apply(person, data)
        known.append(person)
    Person.objects.bulk_create(known, batch_size=2000)
    first = timezone.localdate() - datetime.timedelta(days=200)
    header = ["ho_ten", "ngay_sinh", "so_giay_to", "vac_xin", "so_lo", "mui_so", "ngay_tiem"]
    rows = []
    for data in datas:
        for dose, day in ((1, first), (2, first + datetime.timedelta(days=60))):
            rows.append(
                (
                    data.full_name,
                    f"{data.date_of_birth}",
                    data.id_number,
                    vaccine.name,
                    lot.number,
                    dose,
                    f"{day} 09:00",
                )
            )
    rows = rows[:n]

    def content(k: int) -> bytes:
        return tablib.Dataset(*rows[:k], headers=header).export("csv").encode()

    def undo() -> None:
        Dose.objects.filter(lot=lot).delete()
        Person.objects.filter(
            source=Person.Source.IMPORT, name_key__startswith=f"vbench {run.lower()} "
        ).delete()

    def run_import(k: int, fast: bool) -> None:
        resource = DoseImportResource()
        resource.fast = fast
        result = resource.import_data(read_file(content(k), "bench.csv"), user=system, site=site)
        assert not errors_of(result), errors_of(result)[:3]
        assert Dose.objects.filter(lot=lot).count() == k

    default = timed(
        f"default (django-import-export), {n_default}", n_default, lambda: run_import(n_default, False)
    )
    undo()
    fast = timed("fast (set-based)", n, lambda: run_import(n, True))
    # The ceiling copies the same doses for the people the fast path resolved (kept for it).
    by_id = {p.name_key: p.pk for p in Person.objects.filter(name_key__startswith=f"vbench {run.lower()} ")}
    Dose.objects.filter(lot=lot).delete()
    now = f"{timezone.now():%Y-%m-%d %H:%M:%S+00}"
    lines = [
        f'{by_id[name_key(r[0])]},{vaccine.pk},{lot.pk},{r[5]},2,{r[6]}:00+07,{site.pk},"",30,{now}\n'
        for r in rows
    ]
    copy = timed(
        "raw COPY (ceiling)",
        n,
        lambda: _copy(
            "vaccination_dose",
            [
                "person_id",
                "vaccine_id",
                "lot_id",
                "dose_number",
                "series_doses",
                "administered_at",
                "site_id",
                "vaccinator_name",
                "observation_minutes",
                "created_at",
            ],
            lines,
        ),
    )
    undo()
    report("doses", default, fast, copy)


if __name__ == "__main__":
    main()
