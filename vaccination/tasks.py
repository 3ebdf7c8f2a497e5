"""Celery tasks of the vaccination app: take ids, call one service, idempotent."""

from celery import shared_task
from django.conf import settings
from django.utils.translation import override

from vaccination import services


@shared_task(name="vaccination.tasks.send_appointment_message")
def send_appointment_message(appointment_id: int, kind: str) -> bool:
    """The booking confirmation or the reminder (claimed before sending: sent once)."""
    with override(settings.LANGUAGE_CODE):
        return services.appointment_message_send(appointment_id=appointment_id, kind=kind) is not None


@shared_task(name="vaccination.tasks.remind_appointments")
def remind_appointments() -> int:
    """Daily: the reminder the day before, one task per appointment."""
    ids = services.appointments_due_for_reminder()
    for appointment_id in ids:
        send_appointment_message.delay(appointment_id, "reminder")
    return len(ids)


@shared_task(name="vaccination.tasks.alert_serious_aefi")
def alert_serious_aefi(event_id: int) -> int:
    """A serious AEFI: the unit's officials and the Department of Health, at once."""
    with override(settings.LANGUAGE_CODE):
        return len(services.aefi_alert_send(event_id=event_id))
