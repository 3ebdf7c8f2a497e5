"""Delivery of the weekly report cannot fail silently."""

import datetime
import hashlib
import io
import logging

from django.core import mail
from django.test import override_settings
from django.urls import reverse

from core.models import AuditLog, OutboundMessage
from core.roles import Role
from reports import demo, services
from reports.models import Report, ReportRecipient
from tests.core.fixtures import sweeps_after


def test_no_recipients_is_logged_and_audited(province, django_capture_on_commit_callbacks, caplog):
    with (
        caplog.at_level(logging.WARNING, logger="reports.services"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        report = services.weekly_report_ensure(week_start=datetime.date(2021, 9, 6))
    report.refresh_from_db()
    assert report.status == Report.Status.DONE and mail.outbox == []
    assert any(
        "no active recipients" in r.getMessage() and report.number in r.getMessage() for r in caplog.records
    )
    assert AuditLog.objects.filter(action="report.undelivered", target_id=str(report.pk)).count() == 1


def test_archive_warns_the_leader_when_nobody_receives_the_report(client, make_user, province):
    leader = make_user(Role.TASKFORCE_LEADER, province_wide=True)
    chairman = make_user(Role.CHAIRMAN, province_wide=True)
    client.force_login(leader)
    page = client.get(reverse("reports:archive")).content.decode()
    assert 'id="no-recipients"' in page and "Báo cáo tuần chưa có người nhận." in page
    assert reverse("admin:reports_reportrecipient_changelist") in page
    client.force_login(chairman)  # reads reports, manages nothing: no warning for him
    assert 'id="no-recipients"' not in client.get(reverse("reports:archive")).content.decode()
    ReportRecipient.objects.create(name="Văn phòng UBND tỉnh", email="vp@example.invalid")
    client.force_login(leader)
    assert 'id="no-recipients"' not in client.get(reverse("reports:archive")).content.decode()
    ReportRecipient.objects.update(is_active=False)
    assert 'id="no-recipients"' in client.get(reverse("reports:archive")).content.decode()


def test_demo_has_recipients_and_its_report_is_mailed(province, django_capture_on_commit_callbacks):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        demo.load(stdout=out)
        demo.load(stdout=out)
    emails = sorted(ReportRecipient.objects.filter(is_active=True).values_list("email", flat=True))
    assert emails == sorted(email for _name, email in demo.DEMO_RECIPIENTS)
    assert sorted(m.to[0] for m in mail.outbox) == emails  # once each, despite two loads
    assert AuditLog.objects.filter(action="report_recipient.create").count() == 2


@override_settings(STALLED_MESSAGE_SECONDS=300)
def test_a_weekly_report_finished_while_the_broker_was_down_is_emailed_by_the_sweep_once(
    province, django_capture_on_commit_callbacks
):
    from unittest import mock

    from kombu.exceptions import OperationalError as BrokerDown

    ReportRecipient.objects.create(name="Văn phòng UBND tỉnh", email="vp@example.invalid")
    with django_capture_on_commit_callbacks():  # its generation task is published...
        report = services.weekly_report_ensure(week_start=datetime.date(2021, 9, 6))
    with (  # ...and the broker is down by the time the worker has finished it
        mock.patch("celery.app.task.Task.delay", side_effect=BrokerDown("refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.report_generate(report_id=report.pk)
    report.refresh_from_db()
    queued = OutboundMessage.objects.get(purpose=f"report:{report.pk}")
    assert report.status == Report.Status.DONE and mail.outbox == []
    assert queued.status == OutboundMessage.Status.QUEUED  # queued with the report, not lost
    first, second = sweeps_after(300, django_capture_on_commit_callbacks)
    assert first == {"message": [queued.pk]} and second == {}
    assert [m.to[0] for m in mail.outbox] == ["vp@example.invalid"]
    assert hashlib.sha256(mail.outbox[0].attachments[0][1]).hexdigest() == report.pdf_sha256
