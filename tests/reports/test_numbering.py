"""Ad-hoc report numbers: one past the highest taken, unique even for requests at once."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from core.roles import Role
from reports import services
from reports.models import Report

START, END = datetime.date(2021, 9, 6), datetime.date(2021, 9, 12)


@pytest.fixture
def quiet_worker(monkeypatch):
    from reports.tasks import generate_report

    monkeypatch.setattr(generate_report, "delay", lambda *args: None)


@pytest.mark.django_db
def test_numbers_follow_the_highest_taken(make_user, province, quiet_worker):
    leader = make_user(Role.TASKFORCE_LEADER, province_wide=True)
    first = services.report_request(actor=leader, period_start=START, period_end=END)
    services.report_regenerate(actor=leader, report=first)  # same number, version 2
    second = services.report_request(actor=leader, period_start=START, period_end=END)
    year = first.requested_at.year
    assert (first.number, second.number) == (f"ĐX01/{year}/BC-TCN", f"ĐX02/{year}/BC-TCN")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_two_requests_at_once_get_two_numbers(make_user, province, quiet_worker, monkeypatch):
    leader = make_user(Role.TASKFORCE_LEADER, province_wide=True)
    # Both requests read the numbers before either writes: the race count() + 1 lost.
    both_read = threading.Barrier(2, timeout=10)
    reads = []
    original = services._next_adhoc_number

    def read_then_wait() -> str:
        number = original()
        reads.append(number)
        if len(reads) <= 2:
            both_read.wait()
        return number

    monkeypatch.setattr(services, "_next_adhoc_number", read_then_wait)
    errors: list[BaseException] = []

    def request() -> None:
        try:
            services.report_request(actor=leader, period_start=START, period_end=END)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    numbers = sorted(Report.objects.values_list("number", flat=True))
    year = timezone.localdate().year
    assert numbers == [f"ĐX01/{year}/BC-TCN", f"ĐX02/{year}/BC-TCN"]
    assert reads[:2] == [f"ĐX01/{year}/BC-TCN"] * 2 and len(reads) == 3  # one retried
