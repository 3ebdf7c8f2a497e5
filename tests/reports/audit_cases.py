import datetime

from reports import services
from reports.models import Report, ReportRecipient
from tests.actors import SYSTEM


def _done_report(ctx):
    report = services.weekly_report_ensure(week_start=datetime.date(2021, 9, 6))
    return services.report_generate(report_id=report.pk)


def _deliver(ctx):
    report = _done_report(ctx)
    ReportRecipient.objects.create(name="VP", email="vp@example.invalid")
    return lambda: services.report_deliver(report_id=report.pk)


def _generate(ctx):
    # An ad-hoc report: the service's one row. A new weekly report also queues its e-mails (the
    # gateway's message.queue rows) or, with nobody to send to, writes report.undelivered
    # (tests/reports/test_delivery.py).
    report = services.report_request(
        actor=SYSTEM, period_start=datetime.date(2021, 9, 6), period_end=datetime.date(2021, 9, 12)
    )
    return lambda: services.report_generate(report_id=report.pk)


SERVICE_CASES = {
    "reports.services.report_request": lambda ctx: (
        lambda: services.report_request(
            actor=SYSTEM, period_start=datetime.date(2021, 9, 6), period_end=datetime.date(2021, 9, 12)
        )
    ),
    "reports.services.weekly_report_ensure": lambda ctx: (
        lambda: services.weekly_report_ensure(week_start=datetime.date(2021, 9, 13))
    ),
    "reports.services.report_regenerate": lambda ctx: (
        lambda report: lambda: services.report_regenerate(actor=SYSTEM, report=report)
    )(_done_report(ctx)),
    "reports.services.report_generate": _generate,
    "reports.services.report_deliver": _deliver,
    "reports.services.recipient_save": lambda ctx: (
        lambda: services.recipient_save(
            actor=SYSTEM, recipient=ReportRecipient(name="A", email="a@example.invalid")
        )
    ),
}

NOT_SERVICES = {"reports.services.last_week"}

__all__ = ["NOT_SERVICES", "SERVICE_CASES", "Report"]
