"""Every write of the reports app: requesting, generating, regenerating and delivering reports.

Duty (e) of the task force (Decision 3019/QĐ-UBND, art. 2.1.e): "Báo cáo định kỳ hoặc đột xuất
về tình hình sử dụng, ứng dụng các phần mềm phục vụ phòng, chống dịch" to the chairman.
"""

import datetime
import hashlib
import logging
import time
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core import selectors as core_selectors
from core.actors import Actor, SystemActor, is_system, user_of
from core.audit import audit
from core.models import OutboundMessage
from core.recovery import enqueue_on_commit
from core.roles import require_capability
from core.services import message_send
from reports import data, render
from reports.capabilities import ReportCap
from reports.models import Report, ReportRecipient, Section

logger = logging.getLogger(__name__)
MAX_PERIOD_DAYS = 366


_require = require_capability


NUMBER_ATTEMPTS = 5


def _number(kind: str, period_start: datetime.date) -> str:
    year, week, _day = period_start.isocalendar()
    if kind == Report.Kind.WEEKLY:
        return f"{week:02d}/{year}/BC-TCN"
    return _next_adhoc_number()


def _next_adhoc_number() -> str:
    """The next ad-hoc number of this year (ĐX01/2021/BC-TCN, ĐX02/...): one past the highest
    taken. Two requests at once can read the same one; the unique constraint refuses the second
    and ``report_request`` tries again with a fresh read."""
    suffix = f"/{timezone.localdate().year}/BC-TCN"
    taken = Report.objects.filter(
        kind=Report.Kind.ADHOC, number__startswith="ĐX", number__endswith=suffix
    ).values_list("number", flat=True)
    sequence = [int(n[2 : -len(suffix)]) for n in taken if n[2 : -len(suffix)].isdigit()]
    return f"ĐX{max(sequence, default=0) + 1:02d}{suffix}"


def _validate(
    actor: Actor,
    period_start: datetime.date,
    period_end: datetime.date,
    unit_ids: list[int],
    sections: list[str],
) -> None:
    if period_end < period_start:
        raise ValidationError(_("Ngày kết thúc phải sau ngày bắt đầu."))
    if (period_end - period_start).days >= MAX_PERIOD_DAYS:
        raise ValidationError(_("Kỳ báo cáo dài tối đa một năm."))
    if period_start > timezone.localdate():
        raise ValidationError(_("Kỳ báo cáo chưa bắt đầu."))
    unknown = set(sections) - set(Section.values)
    if unknown or not sections:
        raise ValidationError(_("Vui lòng chọn ít nhất một phần hợp lệ của báo cáo."))
    valid_units = set(core_selectors.reporting_units().values_list("pk", flat=True))
    if set(unit_ids) - valid_units:
        raise ValidationError(_("Địa bàn không hợp lệ."))
    if not is_system(actor):
        scope = core_selectors.unit_ids_in_scope(actor)
        if scope is not None and (not unit_ids or set(unit_ids) - scope):
            raise PermissionDenied(_("Địa bàn nằm ngoài phạm vi của bạn."))


def report_request(
    *,
    actor: Actor,
    period_start: datetime.date,
    period_end: datetime.date,
    unit_ids: list[int] | None = None,
    sections: list[str] | None = None,
    instruction: str = "",
) -> Report:
    """An official asks for an ad-hoc report; the worker produces it (``reports.tasks``)."""
    from reports.tasks import generate_report

    _require(actor, ReportCap.REQUEST_REPORTS)
    unit_ids = sorted(set(unit_ids or []))
    sections = [s for s in Section.values if s in set(sections or Section.values)]
    _validate(actor, period_start, period_end, unit_ids, sections)
    with transaction.atomic():
        report = _create_adhoc(
            period_start=period_start,
            period_end=period_end,
            unit_ids=unit_ids,
            sections=sections,
            instruction=instruction.strip(),
            requested_by=user_of(actor),
        )
        audit(
            actor=actor,
            action="report.request",
            target=report,
            details={
                "period": [str(period_start), str(period_end)],
                "unit_ids": unit_ids,
                "sections": sections,
            },
        )
        enqueue_on_commit(generate_report, report.pk)
    return report


def _create_adhoc(**fields: Any) -> Report:
    """An ad-hoc report with the next free number; a number taken by a concurrent request (the
    unique constraint) is read again, in a savepoint, up to ``NUMBER_ATTEMPTS`` times."""
    for attempt in range(NUMBER_ATTEMPTS):
        try:
            with transaction.atomic():
                return Report.objects.create(kind=Report.Kind.ADHOC, number=_next_adhoc_number(), **fields)
        except IntegrityError:
            if attempt == NUMBER_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def last_week(today: datetime.date | None = None) -> tuple[datetime.date, datetime.date]:
    """Monday to Sunday of the week before ``today`` (local date)."""
    today = today or timezone.localdate()
    this_monday = today - datetime.timedelta(days=today.weekday())
    start = this_monday - datetime.timedelta(days=7)
    return start, start + datetime.timedelta(days=6)


def weekly_report_ensure(*, week_start: datetime.date) -> Report:
    """The official weekly report of a week: created once, however often the job runs."""
    from reports.tasks import generate_report

    existing = Report.objects.filter(kind=Report.Kind.WEEKLY, period_start=week_start, version=1).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            report = Report.objects.create(
                kind=Report.Kind.WEEKLY,
                number=_number(Report.Kind.WEEKLY, week_start),
                period_start=week_start,
                period_end=week_start + datetime.timedelta(days=6),
                sections=list(Section.values),
                version=1,
            )
            audit(
                actor=SystemActor("celery:weekly_report"),
                action="report.schedule",
                target=report,
                details={"week_start": str(week_start)},
            )
            enqueue_on_commit(generate_report, report.pk)
    except IntegrityError:
        # Another run created it between our read and our insert.
        return Report.objects.get(kind=Report.Kind.WEEKLY, period_start=week_start, version=1)
    return report


def report_regenerate(*, actor: Actor, report: Report) -> Report:
    """A new version of a report with fresh figures; the old one stays as it was."""
    from reports.tasks import generate_report

    _require(actor, ReportCap.REQUEST_REPORTS)
    with transaction.atomic():
        latest = (
            Report.objects.filter(
                kind=report.kind, period_start=report.period_start, number=report.number
            ).aggregate(Max("version"))["version__max"]
            or 1
        )
        new = Report.objects.create(
            kind=report.kind,
            number=report.number,
            period_start=report.period_start,
            period_end=report.period_end,
            unit_ids=report.unit_ids,
            sections=report.sections,
            instruction=report.instruction,
            version=latest + 1,
            previous=report,
            requested_by=user_of(actor),
        )
        audit(actor=actor, action="report.regenerate", target=new, details={"previous_id": report.pk})
        enqueue_on_commit(generate_report, new.pk)
    return new


def _progress(report_id: int, percent: int) -> None:
    # Committed at once (outside any transaction) so the progress page sees it.
    # Each step also stamps the heartbeat: a report not stamped for long lost its worker.
    Report.objects.filter(pk=report_id, status=Report.Status.RUNNING).update(
        progress=percent, heartbeat_at=timezone.now()
    )
    if settings.REPORTS_STEP_DELAY_SECONDS:  # tests only: a slow step a worker can be killed in
        time.sleep(settings.REPORTS_STEP_DELAY_SECONDS)


def report_generate(*, report_id: int) -> Report:
    """Collects the figures and writes the PDF and the Excel file. Runs in the worker.

    Idempotent: a report already done is returned as it is, never rewritten. A report whose
    worker died is put back to queued by ``core.services.stalled_work_resume`` and claimed
    here again; if the lost run wakes up after all, whichever run finishes second finds the
    report done (or no longer running) and keeps the first one's files.
    """
    claimed = Report.objects.filter(
        pk=report_id, status__in=[Report.Status.QUEUED, Report.Status.FAILED]
    ).update(status=Report.Status.RUNNING, progress=5, error="", heartbeat_at=timezone.now())
    report = Report.objects.get(pk=report_id)
    if not claimed:
        return report  # done already, or another worker has it
    try:
        ctx, sections = data.collect(
            period_start=report.period_start,
            period_end=report.period_end,
            unit_ids=list(report.unit_ids),
            sections=list(report.sections),
        )
        _progress(report.pk, 40)
        pdf = render.html_to_pdf(render.render_html(report=report, ctx=ctx, sections=sections))
        _progress(report.pk, 80)
        xlsx = render.render_xlsx(ctx=ctx, sections=sections)
    except Exception as exc:
        with transaction.atomic():
            Report.objects.filter(pk=report.pk, status=Report.Status.RUNNING).update(
                status=Report.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:500]
            )
            audit(
                actor=SystemActor("celery:generate_report"),
                action="report.fail",
                target=report,
                details={"error": type(exc).__name__},
            )
        raise
    stem = f"bao-cao-{report.kind}-{report.period_start:%Y%m%d}-{report.pk}-v{report.version}"
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.status != Report.Status.RUNNING:
            return current  # finished by a resumed run meanwhile: its files stand
        report.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        report.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
        report.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        report.xlsx_sha256 = hashlib.sha256(xlsx).hexdigest()
        report.snapshot_at = ctx.snapshot_at
        report.finished_at = timezone.now()
        report.status = Report.Status.DONE
        report.progress = 100
        report.save()
        audit(
            actor=SystemActor("celery:generate_report"),
            action="report.generate",
            target=report,
            details={"pdf_sha256": report.pdf_sha256, "bytes": len(pdf)},
        )
        if report.kind == Report.Kind.WEEKLY and report.version == 1:
            # Queued with the report's completion, in its transaction: a broker down at commit
            # leaves the e-mails queued, and the sweep sends them (docs/operations.md).
            _emails_queue(report, pdf, actor=SystemActor("celery:generate_report"))
    return report


def report_deliver(*, report_id: int) -> list[OutboundMessage]:
    """Emails a finished report to every active recipient not yet sent it. The e-mails of a new
    weekly report are queued by its generation; this is the delivery task's part, kept for
    tasks queued before that (``reports.tasks.deliver_report``)."""
    report = Report.objects.get(pk=report_id)
    if report.status != Report.Status.DONE:
        raise ValidationError(_("Báo cáo chưa tạo xong."))
    with report.pdf.open("rb") as handle:
        pdf = handle.read()
    with transaction.atomic():
        return _emails_queue(report, pdf, actor=SystemActor("celery:deliver_report"))


def _emails_queue(report: Report, pdf: bytes, *, actor: SystemActor) -> list[OutboundMessage]:
    """The report by e-mail to every active recipient, once per recipient (queued again, it
    sends nothing twice). Each e-mail is recorded and audited by ``core.services.message_send``."""
    purpose = f"report:{report.pk}"
    already = core_selectors.message_recipients(purpose=purpose)
    recipients = list(ReportRecipient.objects.filter(is_active=True))
    if not recipients:
        # Never silent: the log, the audit trail and the archive page (for the leader) say so.
        logger.warning("Report %s (id %s) has no active recipients: not emailed.", report.number, report.pk)
        audit(actor=actor, action="report.undelivered", target=report, details={"reason": "no_recipients"})
        return []
    sent = []
    for recipient in recipients:
        if recipient.email in already:
            continue
        sent.append(
            message_send(
                actor=actor,
                channel=OutboundMessage.Channel.EMAIL,
                recipient=recipient.email,
                subject=_("Báo cáo %(number)s của Tổ công nghệ phòng, chống dịch COVID-19")
                % {"number": report.number},
                body=_(
                    "Kính gửi %(name)s,\n\n"
                    "Tổ công nghệ gửi kèm báo cáo %(number)s (kỳ %(start)s – %(end)s).\n"
                    "Mã kiểm tra SHA-256 của tệp: %(sha)s\n"
                )
                % {
                    "name": recipient.name,
                    "number": report.number,
                    "start": f"{report.period_start:%d/%m/%Y}",
                    "end": f"{report.period_end:%d/%m/%Y}",
                    "sha": report.pdf_sha256,
                },
                purpose=purpose,
                attachment=(report.pdf.name.rsplit("/", 1)[-1], pdf),
            )
        )
    return sent


def recipient_save(*, actor: Actor, recipient: ReportRecipient) -> ReportRecipient:
    _require(actor, ReportCap.MANAGE_REPORT_RECIPIENTS)
    created = recipient.pk is None
    recipient.full_clean()
    with transaction.atomic():
        recipient.save()
        audit(
            actor=actor,
            action="report_recipient.create" if created else "report_recipient.update",
            target=recipient,
        )
    return recipient
