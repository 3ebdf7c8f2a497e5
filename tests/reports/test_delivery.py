"""Delivery of the weekly report cannot fail silently."""

import datetime
import io
import logging

from django.core import mail
from django.urls import reverse

from core.models import AuditLog
from core.roles import Role
from reports import demo, services
from reports.models import Report, ReportRecipient


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
