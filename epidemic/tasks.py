"""Celery tasks of the epidemic-level app."""

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import override

from core.actors import SystemActor


@shared_task(name="epidemic.tasks.compute_levels")
def compute_levels() -> dict[str, object]:
    """Weekly (beat ``epidemic-levels``, Monday morning before the weekly report): the proposed
    levels of the week that just ended."""
    from epidemic.services import levels_compute

    result = levels_compute(actor=SystemActor("celery:compute_levels"))
    return {**result, "week": result["week"].isoformat()}


@shared_task(name="epidemic.tasks.notify_level_change")
def notify_level_change(declared_id: int) -> int:
    """A unit's declared level changed: tell its officials (the district officials whose scope
    covers it, and the province-wide officials who see the levels). Claimed and queued in one
    transaction: a retried or re-enqueued task never tells twice; a worker killed in between
    leaves the change unclaimed for the sweep (``epidemic/recovery.py``)."""
    with transaction.atomic():
        return _notify(declared_id)


def _notify(declared_id: int) -> int:
    from core.services import message_send
    from epidemic.notify import recipients
    from epidemic.services import level_change_mark

    declared = level_change_mark(declared_id=declared_id)
    if declared is None:
        return 0
    with override(settings.LANGUAGE_CODE):
        subject = _("Thay đổi cấp độ dịch: %(unit)s") % {"unit": declared.unit.name}
        body = _(
            "%(unit)s: cấp độ dịch %(level)s áp dụng từ ngày %(from)s theo Quyết định số %(number)s "
            "ngày %(date)s. Xem chi tiết và các tiêu chí trên cổng cán bộ."
        ) % {
            "unit": declared.unit.name,
            "level": declared.level,
            "from": declared.effective_from.strftime("%d/%m/%Y"),
            "number": declared.decision_number,
            "date": declared.decision_date.strftime("%d/%m/%Y"),
        }
        sent = 0
        for email in recipients(declared.unit):
            message_send(
                actor=SystemActor("celery:notify_level_change"),
                channel="email",
                recipient=email,
                subject=subject,
                body=body,
                purpose="epidemic.level_change",
            )
            sent += 1
    return sent
