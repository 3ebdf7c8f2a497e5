"""Celery tasks of the reports app: take ids, call one service, retry only transient errors."""

import smtplib

from celery import shared_task

from core.notifications import TransientSendError


@shared_task(name="reports.tasks.weekly_report")
def weekly_report() -> int:
    """Beat fires this every Monday 07:00 (PORTAL_WEEKLY_REPORT_CRON): last week's report."""
    from reports.services import last_week, weekly_report_ensure

    start, _end = last_week()
    return weekly_report_ensure(week_start=start).pk


@shared_task(name="reports.tasks.generate_report", autoretry_for=(OSError,), max_retries=3, retry_backoff=30)
def generate_report(report_id: int) -> None:
    from reports.services import report_generate

    report_generate(report_id=report_id)


@shared_task(
    name="reports.tasks.deliver_report",
    autoretry_for=(OSError, smtplib.SMTPException, TransientSendError),
    max_retries=5,
    retry_backoff=60,
)
def deliver_report(report_id: int) -> None:
    """Kept for deliveries queued by an earlier version: a new weekly report queues its e-mails
    when it is generated (each sent by ``core.tasks.deliver_message``)."""
    from reports.services import report_deliver

    report_deliver(report_id=report_id)
