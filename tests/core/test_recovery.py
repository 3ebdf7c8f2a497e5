"""Interrupted work: reports and messages a dead worker left claimed are resumed, once."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from core import services
from core.models import AuditLog, OutboundMessage
from reports import services as report_services
from reports.models import Report
from tests.actors import SYSTEM

pytestmark = pytest.mark.django_db


def _running_report(*, seconds_ago: float | None) -> Report:
    report = report_services.weekly_report_ensure(week_start=datetime.date(2021, 9, 6))
    # What a worker killed after its claim leaves behind.
    stamp = None if seconds_ago is None else timezone.now() - datetime.timedelta(seconds=seconds_ago)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING, progress=5, heartbeat_at=stamp)
    return report


def test_a_report_running_past_its_time_is_resumed_and_completes(
    province, settings, django_capture_on_commit_callbacks
):
    settings.STALLED_REPORT_SECONDS = 600
    report = _running_report(seconds_ago=601)
    # The redelivered task (or a duplicate) skips a report still running: that is the bug.
    assert report_services.report_generate(report_id=report.pk).status == Report.Status.RUNNING
    with django_capture_on_commit_callbacks(execute=True):  # the task runs eagerly here
        resumed = services.stalled_work_resume(actor=SYSTEM)
    assert resumed == {"report": [report.pk]}
    report.refresh_from_db()
    assert report.status == Report.Status.DONE
    assert report.progress == 100
    assert report.pdf_sha256
    row = AuditLog.objects.get(action="report.resume")
    assert row.target_id == str(report.pk)
    assert AuditLog.objects.filter(action="report.generate", target_id=str(report.pk)).count() == 1


def test_two_sweeps_resume_a_report_once(province, django_capture_on_commit_callbacks):
    report = _running_report(seconds_ago=None)  # claimed before stamps existed
    with django_capture_on_commit_callbacks(execute=False) as first:
        assert services.stalled_work_resume(actor=SYSTEM) == {"report": [report.pk]}
    with django_capture_on_commit_callbacks(execute=False) as second:
        assert services.stalled_work_resume(actor=SYSTEM) == {}
    assert (len(first), len(second)) == (1, 0)
    assert Report.objects.get(pk=report.pk).status == Report.Status.QUEUED
    assert AuditLog.objects.filter(action="report.resume").count() == 1


def test_a_sweep_with_an_old_stamp_loses_to_progress(province):
    """The conditional UPDATE: a worker that stamps progress between the sweep's read and its
    update keeps its report."""
    report = _running_report(seconds_ago=3600)
    stamp = Report.objects.get(pk=report.pk).heartbeat_at
    Report.objects.filter(pk=report.pk).update(heartbeat_at=timezone.now())  # the worker is alive
    moved = Report.objects.filter(pk=report.pk, status=Report.Status.RUNNING, heartbeat_at=stamp).update(
        status=Report.Status.QUEUED
    )
    assert moved == 0
    assert services.stalled_work_resume(actor=SYSTEM) == {}


def test_a_fresh_running_report_is_left_alone(province, settings):
    settings.STALLED_REPORT_SECONDS = 600
    report = _running_report(seconds_ago=599)
    assert services.stalled_work_resume(actor=SYSTEM) == {}
    assert Report.objects.get(pk=report.pk).status == Report.Status.RUNNING
    assert not AuditLog.objects.filter(action="report.resume").exists()


def test_the_lost_run_finishing_late_keeps_the_resumed_runs_files(province):
    report = _running_report(seconds_ago=None)
    services.stalled_work_resume(actor=SYSTEM)
    done = report_services.report_generate(report_id=report.pk)  # the resumed run
    sha = done.pdf_sha256
    # The lost run was only slow: it now finds the report done and writes nothing.
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING)
    again = report_services.report_generate(report_id=report.pk)
    assert again.pdf_sha256 == sha
    assert AuditLog.objects.filter(action="report.generate", target_id=str(report.pk)).count() == 1


def test_a_message_stuck_sending_goes_back_and_is_delivered_once(
    settings, django_capture_on_commit_callbacks
):
    settings.STALLED_MESSAGE_SECONDS = 300
    with django_capture_on_commit_callbacks(execute=False):  # its first task never ran
        message = services.message_send(
            actor=SYSTEM, channel="email", recipient="a@example.invalid", body="x", purpose="t"
        )
    old = timezone.now() - datetime.timedelta(seconds=301)
    OutboundMessage.objects.filter(pk=message.pk).update(
        status=OutboundMessage.Status.SENDING, attempts=1, claimed_at=old
    )
    fresh = OutboundMessage.objects.create(
        channel="email",
        recipient="b@example.invalid",
        body="y",
        purpose="t",
        status=OutboundMessage.Status.SENDING,
        claimed_at=timezone.now() - datetime.timedelta(seconds=299),
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert services.stalled_work_resume(actor=SYSTEM) == {"message": [message.pk]}
    with django_capture_on_commit_callbacks(execute=True):
        assert services.stalled_work_resume(actor=SYSTEM) == {}
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT
    assert message.attempts == 2
    assert [m.to for m in mail.outbox] == [["a@example.invalid"]]
    assert OutboundMessage.objects.get(pk=fresh.pk).status == OutboundMessage.Status.SENDING


def test_message_delivery_stamps_its_claim():
    message = OutboundMessage.objects.create(
        channel="email", recipient="a@example.invalid", body="x", purpose="t"
    )
    services.message_deliver(message_id=message.pk)
    message.refresh_from_db()
    assert message.claimed_at is not None


def test_the_sweep_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["core-resume-stalled"]
    assert entry["task"] == "core.tasks.resume_stalled_work"
    assert entry["schedule"] <= 300


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_on_postgresql_resume_once(django_capture_on_commit_callbacks):
    """Sweep A has moved the message but not committed; sweep B reads it still sending, waits on
    its row lock, then finds it moved (its conditional UPDATE matches nothing)."""
    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("row locks: run with DATABASE_URL=postgres://…")
    import threading

    message = OutboundMessage.objects.create(
        channel="email", recipient="a@example.invalid", body="x", purpose="t", status="sending"
    )
    moved, release, results = threading.Event(), threading.Event(), {}

    def sweep(name: str, hold: bool) -> None:
        try:
            with transaction.atomic():
                results[name] = services.stalled_work_resume(actor=SYSTEM)
                if hold:
                    moved.set()
                    release.wait(10)
        finally:
            connections.close_all()

    a = threading.Thread(target=sweep, args=("a", True))
    a.start()
    assert moved.wait(10)
    b = threading.Thread(target=sweep, args=("b", False))
    b.start()
    b.join(1)
    assert b.is_alive()  # waiting on A's row lock
    release.set()
    a.join(10)
    b.join(10)
    assert results == {"a": {"message": [message.pk]}, "b": {}}
    assert AuditLog.objects.filter(action="message.resume").count() == 1


def test_a_message_whose_task_was_never_published_is_sent_once(
    settings, caplog, django_capture_on_commit_callbacks
):
    """The broker was down when the message committed: the request did not fail, the message
    waits "queued", and the sweep enqueues it again; a second copy of the task sends nothing."""
    from unittest import mock

    from kombu.exceptions import OperationalError as BrokerDown

    settings.STALLED_MESSAGE_SECONDS = 300
    with (
        mock.patch("core.tasks.deliver_message.delay", side_effect=BrokerDown("refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = services.message_send(
            actor=SYSTEM, channel="email", recipient="a@example.invalid", body="x", purpose="t"
        )
    assert "could not publish core.tasks.deliver_message" in caplog.text
    assert OutboundMessage.objects.get(pk=message.pk).status == OutboundMessage.Status.QUEUED
    later = timezone.now() + datetime.timedelta(seconds=301)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.stalled_work_resume(actor=SYSTEM, now=later) == {"message": [message.pk]}
    services.message_deliver(message_id=message.pk)  # a second copy of the task
    assert OutboundMessage.objects.get(pk=message.pk).status == OutboundMessage.Status.SENT
    assert [m.to for m in mail.outbox] == [["a@example.invalid"]]
    assert AuditLog.objects.filter(action="message.redispatch").count() == 1
