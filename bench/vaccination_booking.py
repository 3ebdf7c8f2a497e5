"""200 concurrent bookings for the last 50 places of a session (issue 19, speed).

    BENCH_DATABASE_URL=postgres://.../portal_x BENCH_REDIS_URL=redis://.../n \\
        python bench/vaccination_booking.py [--workers 40] [--no-write]

A session of 200 places with 150 already booked (through the service); 200 people then book at
once: ``--workers`` threads (each its own PostgreSQL connection; the shared server allows about
100) released together by a barrier, each booking 200 / workers people back to back through
``vaccination.services.appointment_book`` as the public would (a Visitor). Checks that exactly
50 succeed, the rest are refused with the "full" message, and the session's counter and its
booked appointments both equal the capacity. Prints and appends the wall time and the
per-booking latency percentiles to docs/benchmarks.md.
"""

import argparse
import datetime
import sys
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import add_output_arg, git_commit, machine, percentile, publish, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=40)
    add_output_arg(parser)
    args = parser.parse_args()
    setup_django()
    from django.core.exceptions import ValidationError
    from django.core.management import call_command
    from django.db import connections
    from django.utils import timezone

    from core import services as core_services
    from core.actors import SystemActor, Visitor
    from core.models import AdministrativeUnit
    from vaccination import services
    from vaccination.models import Appointment, Session, Vaccine

    system = SystemActor("command:bench_vaccination_booking")
    if not AdministrativeUnit.objects.filter(level="ward").exists():
        call_command("load_admin_units", scheme="2021", province="38", verbosity=0)
    ward = AdministrativeUnit.objects.filter(level="ward").first()
    assert ward is not None
    run = uuid.uuid4().hex[:6]
    site = services.site_create(actor=system, name=f"Bench {run}", unit=ward)
    session = services.session_create(
        actor=system,
        site=site,
        date=timezone.localdate() + datetime.timedelta(days=1),
        vaccine=Vaccine.objects.get(name="Vaxzevria (AstraZeneca)"),
        capacity=200,
    )

    def person(i: int):
        data = core_services.PersonData(full_name=f"Bench {run} {i}", birth_year=1970, phone=f"08{i:08d}")
        return core_services.person_create(actor=system, data=data)

    for i in range(150):
        services.appointment_book(actor=system, session=session, person=person(i))
    crowd = [person(i) for i in range(150, 350)]
    chunks = [crowd[w :: args.workers] for w in range(args.workers)]
    start = threading.Barrier(args.workers + 1, timeout=60)
    latencies: list[float] = []
    outcomes: list[str] = []
    lock = threading.Lock()

    def work(people) -> None:
        try:
            start.wait()
            for p in people:
                t0 = time.perf_counter()
                try:
                    services.appointment_book(actor=Visitor("bench"), session=session, person=p)
                    outcome = "ok"
                except ValidationError:
                    outcome = "full"
                elapsed = time.perf_counter() - t0
                with lock:
                    latencies.append(elapsed)
                    outcomes.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(chunk,)) for chunk in chunks]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    session.refresh_from_db()
    booked_rows = Appointment.objects.filter(session=session, status="booked").count()
    ok, full = outcomes.count("ok"), outcomes.count("full")
    assert (ok, full) == (50, 150), (ok, full)
    assert session.booked == booked_rows == 200 == Session.objects.get(pk=session.pk).capacity
    lat = sorted(x * 1000 for x in latencies)
    p50, p95, p99 = (percentile(lat, q) for q in (0.5, 0.95, 0.99))
    text = f"""
## Vaccination: 200 concurrent bookings for the last 50 places (issue 19)

Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, commit {git_commit()}, {machine()}.
`bench/vaccination_booking.py --workers {args.workers}`: a session of 200 places with 150 booked;
200 people book at once ({args.workers} threads, one PostgreSQL connection each, released by a barrier),
through `appointment_book` (one conditional UPDATE of the counter, the appointment row, the audit row,
the confirmation task queued after commit).

| Figure | Value |
|---|---|
| Bookings accepted / refused "full" | {ok} / {full} |
| Session counter / booked appointments / capacity | {session.booked} / {booked_rows} / 200 |
| Wall time for the 200 | {wall * 1000:.0f} ms |
| Per booking p50 / p95 / p99 / max | {p50:.1f} / {p95:.1f} / {p99:.1f} / {lat[-1]:.1f} ms |
"""
    publish(text, write=not args.no_write)


if __name__ == "__main__":
    main()
