"""Sessions: closing counts the opened vials; bookings never exceed capacity, also at once."""

import datetime
import threading
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone

from core import services as core_services
from core.models import AuditLog, OutboundMessage
from tests.actors import SYSTEM, VISITOR
from tests.core.fixtures import person_data, sweeps_after
from tests.vaccination.conftest import give, vaccine
from vaccination import services, tasks
from vaccination.models import Appointment, Session, Stock, StockMovement


def make_session(site, capacity=10, day=None, name="Vaxzevria (AstraZeneca)"):
    return services.session_create(
        actor=SYSTEM, site=site, date=day or timezone.localdate(), vaccine=vaccine(name), capacity=capacity
    )


def people(n, start=0):
    return [
        core_services.person_create(
            actor=SYSTEM, data=person_data(id_number=f"0380850{i:05d}", phone=f"09100{i:05d}")
        )
        for i in range(start, start + n)
    ]


def test_closing_records_the_unused_doses_of_opened_vials_as_wastage(site, lot):
    session = make_session(site)
    for p in people(3):
        give(p, site, lot, session=session)
    # Three doses from one opened 10-dose vial: seven are wasted.
    services.session_close(actor=SYSTEM, session=session, opened_vials={lot: 1})
    session.refresh_from_db()
    assert session.status == Session.Status.CLOSED
    waste = StockMovement.objects.get(session=session, kind="wastage")
    assert (waste.quantity, waste.reason) == (-7, "opened_vial")
    assert Stock.objects.get(site=site, lot=lot).quantity == 100 - 3 - 7
    with pytest.raises(ValidationError, match="đã kết thúc"):
        services.session_close(actor=SYSTEM, session=session, opened_vials={lot: 1})


def test_closing_refuses_a_count_that_cannot_be_true(site, lot):
    session = make_session(site)
    for p in people(11):
        give(p, site, lot, session=session)
    with pytest.raises(ValidationError, match="chỉ mở 1 lọ"):
        services.session_close(actor=SYSTEM, session=session, opened_vials={lot: 1})
    with pytest.raises(ValidationError, match="số lọ đã mở của lô"):
        services.session_close(actor=SYSTEM, session=session, opened_vials={})
    assert Session.objects.get(pk=session.pk).status == Session.Status.OPEN
    services.session_close(actor=SYSTEM, session=session, opened_vials={lot: 2})
    assert StockMovement.objects.get(session=session, kind="wastage").quantity == -9


def test_booking_takes_a_place_and_cancelling_frees_it(site, staff, django_capture_on_commit_callbacks):
    session = make_session(site, capacity=1)
    first, second = people(2)
    with django_capture_on_commit_callbacks(execute=True):
        booked = services.appointment_book(actor=VISITOR, session=session, person=first)
    assert booked.channel == "online" and len(booked.code) == 8
    sms = OutboundMessage.objects.get(purpose="vaccination.appointment_confirmation")
    assert booked.code in sms.body and sms.recipient == first.phone
    with pytest.raises(ValidationError, match="hết chỗ"):
        services.appointment_book(actor=staff, session=session, person=second)
    services.appointment_cancel(actor=VISITOR, appointment=booked)
    assert Session.objects.get(pk=session.pk).booked == 0
    again = services.appointment_book(actor=staff, session=session, person=second)
    assert again.channel == "staff"
    with pytest.raises(ValidationError, match="không còn hiệu lực"):
        services.appointment_cancel(actor=VISITOR, appointment=booked)


def test_one_person_books_a_session_once(site):
    session = make_session(site, capacity=5)
    (person,) = people(1)
    services.appointment_book(actor=VISITOR, session=session, person=person)
    with pytest.raises(ValidationError, match="đã đặt lịch"):
        services.appointment_book(actor=VISITOR, session=session, person=person)
    assert Session.objects.get(pk=session.pk).booked == 1


def test_the_reminder_goes_the_day_before_once(site, django_capture_on_commit_callbacks):
    session = make_session(site, day=timezone.localdate() + datetime.timedelta(days=1))
    (person,) = people(1)
    appointment = services.appointment_book(actor=VISITOR, session=session, person=person)
    assert services.appointments_due_for_reminder() == [appointment.pk]
    tasks.send_appointment_message(appointment.pk, "reminder")
    tasks.send_appointment_message(appointment.pk, "reminder")  # a retried task sends nothing more
    assert OutboundMessage.objects.filter(purpose="vaccination.appointment_reminder").count() == 1
    assert services.appointments_due_for_reminder() == []


def test_a_dose_in_the_session_marks_the_appointment_attended(site, lot):
    session = make_session(site)
    (person,) = people(1)
    appointment = services.appointment_book(actor=VISITOR, session=session, person=person)
    give(person, site, lot, session=session)
    assert Appointment.objects.get(pk=appointment.pk).status == "attended"


def test_a_session_with_another_vaccine_refuses_the_lot(site, lot):
    session = make_session(site, name="Comirnaty (Pfizer-BioNTech)")
    (person,) = people(1)
    with pytest.raises(ValidationError, match="không khớp"):
        give(person, site, lot, session=session)
    assert not Stock.objects.filter(site=site, lot=lot, quantity__lt=100).exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL")
def test_concurrent_bookings_never_exceed_the_capacity(dong_son, site):
    session = make_session(site, capacity=8)
    crowd = people(30)
    start = threading.Barrier(len(crowd), timeout=30)
    outcomes: list[str] = []

    def book(person) -> None:
        try:
            start.wait()
            services.appointment_book(actor=VISITOR, session=session, person=person)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("full")
        except BaseException as exc:  # reported by the assertion below
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=book, args=(p,)) for p in crowd]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(outcomes) == ["full"] * 22 + ["ok"] * 8
    assert Session.objects.get(pk=session.pk).booked == 8
    assert Appointment.objects.filter(session=session, status="booked").count() == 8


def test_the_person_cancels_after_the_citizen_check_and_frees_the_place(client, site):
    import re

    session = make_session(site, capacity=1)
    (person,) = people(1)
    appointment = services.appointment_book(actor=VISITOR, session=session, person=person)
    record = f"/tiem-chung/lich-hen/{appointment.code}/ho-so/"
    cancel = f"/tiem-chung/lich-hen/{appointment.code}/huy/"
    # Before the check: sent to it, nothing cancelled.
    assert client.post(cancel)["Location"].endswith("/xac-minh/")
    assert Session.objects.get(pk=session.pk).booked == 1
    check = f"/tiem-chung/lich-hen/{appointment.code}/xac-minh/"
    client.post(check, {"send": "1"})
    sms = OutboundMessage.objects.filter(purpose="citizen_check").latest("id")
    code = re.search(r"\b(\d{6})\b", sms.body).group(1)  # type: ignore[union-attr]
    assert client.post(check, {"code": code})["Location"] == record
    assert client.post(cancel)["Location"] == record
    assert Session.objects.get(pk=session.pk).booked == 0
    assert Appointment.objects.get(pk=appointment.pk).status == "cancelled"


def test_the_daily_reminder_job_killed_midway_is_run_again_by_the_sweep(
    site, settings, django_capture_on_commit_callbacks
):
    """Issue 14 point 4: the reminders and today's run commit together; a run killed while
    queueing leaves no appointment claimed, and the recovery sweep runs the job again, once."""
    from unittest import mock

    from core import services as core_services
    from core.models import ScheduledRun
    from tests.actors import SYSTEM

    settings.STALLED_DAILY_SECONDS = 1800
    session = make_session(site, day=timezone.localdate() + datetime.timedelta(days=1))
    booked = [services.appointment_book(actor=VISITOR, session=session, person=p) for p in people(2)]
    # The killed run claims today's run at 08:00:30 (just after its 08:00 schedule); the sweep
    # comes at 08:40, past the 30-minute grace, whatever the time the test runs at.
    today = timezone.localtime().replace(second=0, microsecond=0)
    killed_at, late = today.replace(hour=8, minute=0, second=30), today.replace(hour=8, minute=40)
    with (
        mock.patch("django.utils.timezone.now", return_value=killed_at),
        mock.patch("core.services.messages.OutboundMessage.save", side_effect=RuntimeError("killed")),
        pytest.raises(RuntimeError),
    ):
        tasks.remind_appointments()
    assert sorted(services.appointments_due_for_reminder()) == sorted(a.pk for a in booked)
    with django_capture_on_commit_callbacks(execute=True):
        assert "vaccination.reminders" in core_services.daily_jobs_catch_up(actor=SYSTEM, now=late)
    with django_capture_on_commit_callbacks(execute=True):
        assert "vaccination.reminders" not in core_services.daily_jobs_catch_up(actor=SYSTEM, now=late)
    assert OutboundMessage.objects.filter(purpose="vaccination.appointment_reminder").count() == 2
    assert ScheduledRun.objects.get(job="vaccination.reminders").finished_at is not None


@override_settings(STALLED_MESSAGE_SECONDS=300)
def test_a_confirmation_that_never_reached_the_broker_is_sent_by_the_sweep_once(
    site, caplog, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError as BrokerDown

    session = make_session(site, day=timezone.localdate() + datetime.timedelta(days=2))
    (with_phone,) = people(1)
    no_phone = core_services.person_create(actor=SYSTEM, data=person_data(id_number="038085099999", phone=""))
    with (
        mock.patch("vaccination.tasks.send_appointment_message.delay", side_effect=BrokerDown("refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        booked = services.appointment_book(actor=VISITOR, session=session, person=with_phone)
        services.appointment_book(actor=VISITOR, session=session, person=no_phone)  # nothing to send
    assert "could not publish vaccination.tasks.send_appointment_message" in caplog.text
    assert not OutboundMessage.objects.exists()  # the bookings stand, unconfirmed
    first, second = sweeps_after(300, django_capture_on_commit_callbacks)
    assert first == {"appointment_confirmation": [booked.pk]} and second == {}
    sms = OutboundMessage.objects.get(purpose="vaccination.appointment_confirmation")
    assert booked.code in sms.body and sms.recipient == with_phone.phone
    assert AuditLog.objects.filter(
        action="appointment_confirmation.redispatch", target_id=str(booked.pk)
    ).exists()
    # A booking cancelled, or for a session already past, is not confirmed late.
    Appointment.objects.filter(pk=booked.pk).update(confirmed_at=None)
    services.appointment_cancel(actor=VISITOR, appointment=booked)
    later = timezone.now() + datetime.timedelta(seconds=301)
    assert core_services.stalled_work_resume(actor=SYSTEM, now=later) == {}
    Appointment.objects.filter(pk=booked.pk).update(status="booked")
    assert core_services.stalled_work_resume(actor=SYSTEM, now=later + datetime.timedelta(days=3)) == {}
