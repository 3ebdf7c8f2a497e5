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
doses a person, half the people already known to the portal.

Prints, for each path: wall seconds and rows per second, and the CPU seconds of this process
(``time.process_time``) and of its PostgreSQL backend (``/proc/<pid>/stat`` of
``pg_backend_pid()``, the server being on the same machine): on a shared machine wall time is
noisy, CPU time is not. The ratios are given both ways. ``--profile FILE`` writes the fast
path's cProfile statistics (``python -m pstats FILE``) and prints its 25 costliest functions;
``--skip-default`` leaves the slow row-by-row path out (profiling).
"""

import argparse
import cProfile
import functools
import io
import os
import pstats
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django, uptime


@dataclass
class Measure:
    rows: int
    wall: float  # seconds
    cpu: float  # this process's CPU seconds
    backend: float  # the PostgreSQL backend's CPU seconds

    def per_s(self) -> float:
        return self.rows / self.wall

    def per_cpu_s(self) -> float:
        return self.rows / (self.cpu + self.backend)


_BACKEND: list[int] = []


def backend_cpu() -> float:
    """CPU seconds (user + system) of this connection's PostgreSQL backend so far."""
    from django.db import connection

    if not _BACKEND:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            _BACKEND.append(cursor.fetchone()[0])
    try:
        fields = Path(f"/proc/{_BACKEND[0]}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # the server on another machine: not measured
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def timed(label: str, rows: int, work: Callable[[], object], profile: str = "") -> Measure:
    backend_cpu()
    profiler = cProfile.Profile() if profile else None
    cpu, pg, start = time.process_time(), backend_cpu(), time.perf_counter()
    if profiler is not None:
        profiler.runcall(work)
    else:
        work()
    m = Measure(rows, time.perf_counter() - start, time.process_time() - cpu, backend_cpu() - pg)
    print(
        f"  {label:<38} {rows:>7} rows {m.wall:8.2f} s {m.per_s():9.0f} rows/s | CPU: bench {m.cpu:7.2f} s"
        f" + PostgreSQL {m.backend:6.2f} s = {m.per_cpu_s():8.0f} rows/CPU-s",
        flush=True,
    )
    if profiler is not None:
        profiler.dump_stats(profile)
        stats = pstats.Stats(profiler, stream=sys.stdout)
        stats.sort_stats("cumulative").print_stats(25)
        stats.sort_stats("tottime").print_stats(25)
    return m


class Phases:
    """CPU seconds (this process, its PostgreSQL backend) of each phase of one import, from the
    import's progress calls: file read (tablib), rows parsed, checked, stored, then the rest."""

    def __init__(self) -> None:
        self.marks: list[tuple[str, float, float]] = [("start", time.process_time(), backend_cpu())]
        self.read_at: tuple[float, float] | None = None

    def mark(self, label: str, value: object) -> Any:
        if label != "imported (audit, commit)" and self.read_at is not None:
            self.marks.append(("rows parsed", *self.read_at))
            self.read_at = None
        self.marks.append((label, time.process_time(), backend_cpu()))
        return value

    def progress(self, stage: str, done: int, total: int) -> None:
        if stage == "read":
            self.read_at = (time.process_time(), backend_cpu())  # the last one: parsing done
        elif not any(label == stage for label, *_ in self.marks):
            self.mark(stage, None)

    def show(self) -> None:
        parts = []
        for (_l, cpu0, pg0), (label, cpu1, pg1) in zip(self.marks, self.marks[1:], strict=False):
            parts.append(f"{label} {cpu1 - cpu0:.2f}+{pg1 - pg0:.2f}")
        print("    CPU by phase (bench+PostgreSQL s): " + "; ".join(parts), flush=True)


def extra(fast: bool, phases: Phases) -> dict[str, Any]:
    """The fast path reports its phases; the row-by-row path is called as the admin calls it."""
    return {"progress": phases.progress} if fast else {}


def both_paths(
    resource_class: type,
    header: list[str],
    rows: list[tuple[Any, ...]],
    n: int,
    n_default: int,
    profile: str,
    *,
    stored: Callable[[], int],
    undo: Callable[[], None],
    **target: Any,
) -> tuple[Measure | None, Measure]:
    """Times django-import-export's row-by-row path on the first ``n_default`` rows (undone
    after) and the set-based path on ``n`` rows (left stored: the caller undoes it), each
    checked by ``stored()``; ``target``: the import's ``user`` and what the rows go to."""
    import tablib

    from core.imports import errors_of, read_file

    # The files are made before timing.
    files = {k: tablib.Dataset(*rows[:k], headers=header).export("csv").encode() for k in {n, n_default} if k}
    errors: list[str] = []

    def run_import(k: int, fast: bool) -> None:
        resource = resource_class()
        resource.fast = fast
        phases = Phases()
        result = resource.import_data(
            phases.mark("file read", read_file(files[k], "bench.csv")), **target, **extra(fast, phases)
        )
        phases.mark("imported (audit, commit)", None)
        if fast:
            phases.show()
        errors[:] = errors_of(result)

    def check(k: int) -> None:
        assert not errors, errors[:3]
        assert stored() == k

    default = None
    if n_default:
        default = timed(
            f"default (django-import-export), {n_default}", n_default, lambda: run_import(n_default, False)
        )
        check(n_default)
        undo()
    fast = timed("fast (set-based)", n, lambda: run_import(n, True), profile)
    check(n)
    return default, fast


def job_path(
    resource_class: type,
    header: list[str],
    rows: list[tuple[Any, ...]],
    target: Any,
    *,
    stored: Callable[[], int],
) -> None:
    """The admin's background job for the same file (core/services/import_jobs.py): the worker's
    check, then its import, each timed as the worker runs it; the progress it reported."""
    import tablib
    from django.contrib.auth import get_user_model

    from core.imports import count_rows, read_file
    from core.models import ImportJob
    from core.selectors import import_job_progress
    from core.services import import_jobs

    user, _ = get_user_model().objects.get_or_create(
        username="bench-importer", defaults={"is_superuser": True, "is_staff": True}
    )
    import_jobs.enqueue_on_commit = lambda task, *args: None  # this process is the worker
    data = tablib.Dataset(*rows, headers=header)
    content = data.export("csv").encode()
    # The admin's request only decides whether the file goes to a worker: it counts the rows.
    xlsx = data.export("xlsx")
    for name, blob in (("bench.csv", content), ("bench.xlsx", xlsx)):
        count = functools.partial(count_rows, blob, name)
        timed(f"admin request: count the rows of {name}", len(rows), count)
        timed(f"  (reading {name} whole, as before)", len(rows), functools.partial(read_file, blob, name))
    job = import_jobs.import_job_create(
        actor=user,
        resource=resource_class,
        target=target,
        content=content,
        file_name="bench.csv",
        rows=len(rows),
    )
    timed("job: check (worker, dry run)", len(rows), lambda: import_jobs.import_job_run(job_id=job.pk))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED, (job.status, job.errors[:3])
    print(f"    progress seen by the page at the end: {import_job_progress(job)}", flush=True)
    import_jobs.import_job_confirm(actor=user, job=job)
    timed("job: import (worker)", len(rows), lambda: import_jobs.import_job_run(job_id=job.pk))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.content is None and stored() == len(rows)


def report(kind: str, default: Measure | None, fast: Measure, copy: Measure) -> None:
    lines = [f"{kind}:"]
    if default is not None:
        lines.append(
            f"  fast / default = {fast.per_s() / default.per_s():.1f}x wall, "
            f"{fast.per_cpu_s() / default.per_cpu_s():.1f}x CPU"
        )
    wall, cpu = copy.per_s() / fast.per_s(), copy.per_cpu_s() / fast.per_cpu_s()
    lines.append(f"  COPY / fast = {wall:.2f}x wall, {cpu:.2f}x CPU (goal: within 4x)")
    lines.append(
        f"  fast path, 100,000 rows: {100_000 / fast.per_s():.1f} s wall, "
        f"{100_000 / fast.per_cpu_s():.1f} CPU-s (goal: under 60 s)"
    )
    print("\n".join(lines), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--default-rows", type=int, default=10_000)
    parser.add_argument("--skip-default", action="store_true", help="leave the row-by-row path out")
    parser.add_argument("--only", choices=("results", "doses"), default="", help="one kind only")
    parser.add_argument("--profile", default="", help="cProfile the fast path into FILE-<kind>.prof")
    parser.add_argument(
        "--job", action="store_true", help="lab results: also the admin's background job (check, then import)"
    )
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command

    from core.models import AdministrativeUnit

    if not AdministrativeUnit.objects.filter(level="ward").exists():
        call_command("load_admin_units", scheme="2021", province="38", verbosity=0)
    run = uuid.uuid4().hex[:6].upper()
    n_default = 0 if args.skip_default else min(args.default_rows, args.rows)
    print(f"run {run}: {args.rows} rows, default path on {n_default}", flush=True)
    print(f"uptime: {uptime()}", flush=True)
    if args.only != "doses":
        lab_results(
            run, args.rows, n_default, f"{args.profile}-results.prof" if args.profile else "", job=args.job
        )
    if args.only != "results":
        doses(run, args.rows, n_default, f"{args.profile}-doses.prof" if args.profile else "")
    print(f"uptime: {uptime()}", flush=True)


def analyze(*tables: str) -> None:
    """Fresh planner statistics after the generated rows (as autovacuum would give a live
    database; without them a look-up by hash may scan a million index entries: the bench
    database runs with autovacuum off)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {table}")


def _copy(table: str, columns: list[str], lines: list[str]) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv)",
            io.StringIO("".join(lines)),
        )


def lab_results(run: str, n: int, n_default: int, profile: str, *, job: bool = False) -> None:
    import datetime

    from django.utils import timezone

    from core.actors import SystemActor
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
    analyze("core_person", "testing_sample", "testing_labresult", "testing_case")
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

    ids = [s.pk for s in samples]

    def undo() -> None:
        LabResult.objects.filter(sample_id__in=ids).delete()
        Case.objects.filter(source_id__in=ids).delete()
        for start in range(0, len(ids), 5000):
            Sample.objects.filter(pk__in=ids[start : start + 5000]).update(status=Sample.Status.RECEIVED)

    default, fast = both_paths(
        LabResultResource,
        header,
        rows,
        n,
        n_default,
        profile,
        stored=lambda: LabResult.objects.filter(sample_id__in=ids).count(),
        undo=undo,
        user=system,
        lab=lab,
    )
    undo()
    if job:
        job_path(
            LabResultResource,
            header,
            rows,
            lab,
            stored=lambda: LabResult.objects.filter(sample_id__in=ids).count(),
        )
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


def doses(run: str, n: int, n_default: int, profile: str) -> None:
    import datetime

    from django.utils import timezone

    from core.actors import SystemActor
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
    analyze("core_person", "vaccination_dose")
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

    def undo() -> None:
        Dose.objects.filter(lot=lot).delete()
        Person.objects.filter(
            source=Person.Source.IMPORT, name_key__startswith=f"vbench {run.lower()} "
        ).delete()

    default, fast = both_paths(
        DoseImportResource,
        header,
        rows,
        n,
        n_default,
        profile,
        stored=lambda: Dose.objects.filter(lot=lot).count(),
        undo=undo,
        user=system,
        site=site,
    )
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
