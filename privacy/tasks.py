"""Celery tasks of the privacy app."""

import datetime

from celery import shared_task
from django.utils import timezone

from core.actors import SystemActor


@shared_task(name="privacy.tasks.monthly_access_report")
def monthly_access_report(month: str = "") -> int:
    """On the 1st: the access report of the month just ended (or of ``month``, YYYY-MM-DD), then
    the data-protection officers are told through the gateway. Made again, it replaces the
    report; an officer already told is not told twice."""
    from privacy.services import access_report_generate, access_report_notify

    if month:
        day = datetime.date.fromisoformat(month)
    else:
        day = (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
    report = access_report_generate(actor=SystemActor("celery:monthly_access_report"), month=day)
    access_report_notify(report_id=report.pk)
    return report.pk
