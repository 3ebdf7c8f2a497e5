"""Interrupted and undispatched work of the checkpoints app (issue 14, points 2 and 4): an alert
whose task could not be published when the check-in committed is sent later from the database,
once; the daily silent-checkpoint reminder killed mid-run leaves nothing half-done and is run
again by the sweep, once."""

import datetime
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown
from rest_framework.test import APIClient

from checkpoints.models import CheckIn, Checkpoint
from checkpoints.tasks import notify_silent
from core import services as core_services
from core.models import AuditLog, OutboundMessage, ScheduledRun
from tests.actors import SYSTEM
from tests.checkpoints.conftest import at, make_checkpoint, visit
from tests.checkpoints.test_api import payload

pytestmark = pytest.mark.django_db


def _later(seconds: float) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=seconds)


def test_a_broker_down_at_commit_keeps_the_checkin_and_the_sweep_alerts_once(
    checkpoint, settings, caplog, django_capture_on_commit_callbacks
):
    settings.STALLED_ALERT_SECONDS = 300
    body = payload(checkpoint, symptoms=["fever"])
    with (
        mock.patch("checkpoints.tasks.alert_flagged.delay", side_effect=BrokerDown("refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = APIClient().post("/api/v1/checkins/", body, format="json")
    assert response.status_code == 201  # stored, and answered as stored
    assert "could not publish checkpoints.tasks.alert_flagged" in caplog.text
    flagged = CheckIn.objects.exclude(risk="none").get()
    assert flagged.alerted_at is None
    # Not yet: a task may still be on its way.
    assert core_services.stalled_work_resume(actor=SYSTEM, now=_later(299)) == {}
    # After it, the sweep enqueues the alert; the task marks the check-in in the transaction
    # that queues the emails, so a second sweep (or a second copy of the task) finds it done.
    with django_capture_on_commit_callbacks(execute=True):
        first = core_services.stalled_work_resume(actor=SYSTEM, now=_later(301))
    with django_capture_on_commit_callbacks(execute=True):
        second = core_services.stalled_work_resume(actor=SYSTEM, now=_later(301))
    assert first == {"checkin_alert": [flagged.pk]} and second == {}
    flagged.refresh_from_db()
    assert flagged.alerted_at is not None
    assert OutboundMessage.objects.filter(purpose="checkin.flagged").count() == 1  # the operator
    row = AuditLog.objects.get(action="checkin_alert.redispatch")
    assert row.target_id == str(flagged.pk)


def test_an_alert_killed_between_marking_and_queueing_is_not_lost(checkpoint, settings):
    """The mark and the emails commit together: a worker dying after the mark (here: the
    gateway raising while queueing) leaves the check-in unmarked, for the sweep."""
    rows = visit(checkpoint, symptoms=["fever"])
    from checkpoints.tasks import alert_flagged

    with (
        mock.patch("core.services.message_send", side_effect=RuntimeError("worker killed")),
        pytest.raises(RuntimeError),
    ):
        alert_flagged(rows[0].pk)
    assert CheckIn.objects.get(pk=rows[0].pk).alerted_at is None
    assert alert_flagged(rows[0].pk) == 1
    assert CheckIn.objects.get(pk=rows[0].pk).alerted_at is not None


def _silent_world(agency):
    quiet = make_checkpoint(agency, name="Cổng phụ")
    other = make_checkpoint(agency, name="Cổng sau")
    Checkpoint.objects.filter(pk__in=[quiet.pk, other.pk]).update(
        decided_at=timezone.now() - datetime.timedelta(days=10)
    )
    return quiet, other


def _today_at(hour: int, minute: int) -> datetime.datetime:
    return timezone.localtime().replace(hour=hour, minute=minute, second=0, microsecond=0)


@override_settings(SILENT_CHECKPOINT_DAYS=3, STALLED_DAILY_SECONDS=1800)
def test_a_reminder_job_killed_mid_run_is_run_again_once(agency, django_capture_on_commit_callbacks):
    _silent_world(agency)
    # Killed while queueing the reminders: nothing of the run stays (no checkpoint marked).
    with (
        mock.patch("core.services.message_send", side_effect=RuntimeError("worker killed")),
        pytest.raises(RuntimeError),
    ):
        notify_silent()
    assert not Checkpoint.objects.filter(silent_notified_at__isnull=False).exists()
    run = ScheduledRun.objects.get(job="checkpoints.silent")
    assert run.claimed_at is not None and run.finished_at is None
    # Before the job's time (07:00) plus the grace, the sweep waits.
    ScheduledRun.objects.filter(pk=run.pk).update(claimed_at=_today_at(7, 0))
    assert core_services.daily_jobs_catch_up(actor=SYSTEM, now=_today_at(7, 29)) == []
    # After it, the job is enqueued once, even by two sweeps, and runs to the end.
    with django_capture_on_commit_callbacks(execute=True):
        first = core_services.daily_jobs_catch_up(actor=SYSTEM, now=_today_at(7, 31))
    with django_capture_on_commit_callbacks(execute=True):
        second = core_services.daily_jobs_catch_up(actor=SYSTEM, now=_today_at(7, 32))
    assert "checkpoints.silent" in first and "checkpoints.silent" not in second
    assert OutboundMessage.objects.filter(purpose="checkpoint.silent").count() == 1
    assert Checkpoint.objects.filter(silent_notified_at__isnull=False).count() == 2
    assert ScheduledRun.objects.get(job="checkpoints.silent").finished_at is not None
    assert AuditLog.objects.filter(action="scheduled.resume").count() == 1
    # Finished today: later sweeps leave it alone.
    assert "checkpoints.silent" not in core_services.daily_jobs_catch_up(actor=SYSTEM, now=_today_at(23, 0))


@override_settings(SILENT_CHECKPOINT_DAYS=3, STALLED_DAILY_SECONDS=1800)
def test_a_day_the_job_never_started_is_caught_up(agency, django_capture_on_commit_callbacks):
    """The whole portal (or the broker) was down at 07:00: no run is recorded at all."""
    _, other = _silent_world(agency)
    visit(other, at=at(1))
    with django_capture_on_commit_callbacks(execute=True):
        assert "checkpoints.silent" in core_services.daily_jobs_catch_up(actor=SYSTEM, now=_today_at(9, 0))
    assert OutboundMessage.objects.get(purpose="checkpoint.silent").body.count("- ") == 1


def test_a_job_still_running_within_its_grace_is_left_alone(settings):
    settings.STALLED_DAILY_SECONDS = 1800
    ScheduledRun.objects.create(
        job="checkpoints.silent", day=timezone.localdate(), claimed_at=_today_at(7, 20)
    )
    assert "checkpoints.silent" not in core_services.daily_jobs_catch_up(actor=SYSTEM, now=_today_at(7, 45))
