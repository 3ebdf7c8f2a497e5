"""Celery tasks of the vaccination app: take ids, call one service, idempotent."""

from celery import shared_task
from django.conf import settings
from django.utils.translation import override

from core.recovery import run_daily
from vaccination import services


@shared_task(name="vaccination.tasks.send_appointment_message")
def send_appointment_message(appointment_id: int, kind: str) -> bool:
    """The booking confirmation or the reminder (claimed before sending: sent once)."""
    with override(settings.LANGUAGE_CODE):
        return services.appointment_message_send(appointment_id=appointment_id, kind=kind) is not None


@shared_task(name="vaccination.tasks.remind_appointments")
def remind_appointments() -> int:
    """Daily: the reminder the day before. Each appointment's claim and its SMS are queued in
    one transaction with today's run (``core.recovery.run_daily``): a worker killed midway
    leaves nothing half-done and the sweep runs the job again; a reminder already claimed is
    not sent twice."""

    def work() -> int:
        with override(settings.LANGUAGE_CODE):
            ids = services.appointments_due_for_reminder()
            for appointment_id in ids:
                services.appointment_message_send(appointment_id=appointment_id, kind="reminder")
        return len(ids)

    return run_daily("vaccination.reminders", work)


@shared_task(name="vaccination.tasks.alert_serious_aefi")
def alert_serious_aefi(event_id: int) -> int:
    """A serious AEFI: the unit's officials and the Department of Health, at once."""
    with override(settings.LANGUAGE_CODE):
        return len(services.aefi_alert_send(event_id=event_id))
