"""Celery tasks of the checkpoints app: take ids, call services, idempotent."""

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from checkpoints import services
from core.actors import SystemActor
from core.recovery import run_daily

logger = logging.getLogger(__name__)


@shared_task(name="checkpoints.tasks.alert_flagged")
def alert_flagged(checkin_id: int) -> int:
    """A check-in declared symptoms or exposure: tell the checkpoint's operators and the
    district officials of its area. Marked and queued in one transaction: a retried or
    re-enqueued task never alerts twice, and a worker killed in between leaves the check-in
    unmarked for the sweep (core.recovery) to enqueue again."""
    with transaction.atomic():
        return _alert_flagged(checkin_id)


def _alert_flagged(checkin_id: int) -> int:
    from checkpoints.notify import alert_recipients
    from core.services import message_send

    rows = services.checkin_alert_mark(checkin_id=checkin_id)
    if not rows:
        return 0
    checkpoint = rows[0].checkpoint
    sent = 0
    with override(settings.LANGUAGE_CODE):
        body = _(
            "Điểm kiểm dịch %(name)s: %(count)s lượt vào lúc %(time)s có khai báo triệu chứng hoặc yếu tố "
            "dịch tễ. Xem chi tiết trên cổng cán bộ (mã lượt vào: %(ids)s)."
        ) % {
            "name": checkpoint.name,
            "count": len(rows),
            "time": rows[0].checked_in_at.strftime("%H:%M %d/%m/%Y"),
            "ids": ", ".join(str(r.pk) for r in rows),
        }
        subject = _("Cảnh báo khai báo y tế tại %(name)s") % {"name": checkpoint.name}
        for email in alert_recipients(checkpoint):
            message_send(
                actor=SystemActor("celery:alert_flagged"),
                channel="email",
                recipient=email,
                subject=subject,
                body=body,
                purpose="checkin.flagged",
            )
            sent += 1
    return sent


@shared_task(name="checkpoints.tasks.notify_silent")
def notify_silent() -> int:
    """Daily: remind the organizations owning checkpoints with no check-in for N days. An
    agency without a contact email cannot be reminded: it is logged as unreachable (and the
    checkpoints list and the weekly report say so), never skipped silently. The marking and the
    messages commit together with today's run (``core.recovery.run_daily``): a worker killed
    before the end leaves nothing marked, and the sweep runs the job again."""
    return run_daily("checkpoints.silent", _notify_silent)


def _notify_silent() -> int:
    from core.services import message_send

    silent = services.checkpoints_mark_silent(actor=SystemActor("celery:notify_silent"))
    by_org: dict[int, list] = {}
    for checkpoint in silent:
        by_org.setdefault(checkpoint.organization_id, []).append(checkpoint)
    unreachable = [c[0].organization for c in by_org.values() if not c[0].organization.contact_email]
    if unreachable:
        logger.warning(
            "silent checkpoints: %d agencies unreachable (no contact email): %s",
            len(unreachable),
            "; ".join(f"{org.pk} {org.name}" for org in unreachable),
        )
    sent = 0
    with override(settings.LANGUAGE_CODE):
        for checkpoints in by_org.values():
            org = checkpoints[0].organization
            if not org.contact_email:
                continue
            names = "\n".join(f"- {c.name}" for c in checkpoints)
            message_send(
                actor=SystemActor("celery:notify_silent"),
                channel="email",
                recipient=org.contact_email,
                subject=_("Điểm kiểm dịch không có lượt quét mã"),
                body=_(
                    "Các điểm kiểm dịch sau của %(org)s không có lượt quét mã nào trong %(days)s ngày qua:\n"
                    "%(names)s\nĐề nghị kiểm tra việc dán mã QR và hướng dẫn người dân quét mã."
                )
                % {"org": org.name, "days": settings.SILENT_CHECKPOINT_DAYS, "names": names},
                purpose="checkpoint.silent",
            )
            sent += 1
    return sent
