"""The vaccination app's interrupted work (``core.recovery``): the daily appointment reminders,
and the booking confirmations and alerts of serious adverse events whose task never reached
the broker."""

import datetime

from django.db.models import QuerySet
from django.utils import timezone

from core.recovery import Daily, Undispatched, register_daily, register_undispatched
from vaccination.models import AdverseEvent, Appointment


def _reminders() -> None:
    from vaccination.tasks import remind_appointments

    remind_appointments.delay()


register_daily(
    Daily(
        name="vaccination.reminders",
        beat_entry="vaccination-reminders",
        setting="STALLED_DAILY_SECONDS",
        enqueue=_reminders,
    )
)


def _aefi_alert(event_id: int) -> None:
    from vaccination.tasks import alert_serious_aefi

    alert_serious_aefi.delay(event_id)


def _unalerted(before: datetime.datetime) -> QuerySet[AdverseEvent]:
    return AdverseEvent.objects.filter(alerted_at__isnull=True, reported_at__lt=before).exclude(
        seriousness=AdverseEvent.Seriousness.NOT_SERIOUS
    )


register_undispatched(
    Undispatched(
        name="aefi_alert",
        model="vaccination.AdverseEvent",
        pending=_unalerted,
        setting="STALLED_ALERT_SECONDS",
        enqueue=_aefi_alert,
    )
)


def _confirm(appointment_id: int) -> None:
    from vaccination.tasks import send_appointment_message

    send_appointment_message.delay(appointment_id, "confirmation")


def _unconfirmed(before: datetime.datetime) -> QuerySet[Appointment]:
    """Bookings still held, for a session not yet past, of a person with a phone, whose
    confirmation was never sent (served by the partial index ``appointment_unconfirmed``)."""
    return Appointment.objects.filter(
        status=Appointment.Status.BOOKED,
        confirmed_at__isnull=True,
        created_at__lt=before,
        session__date__gte=timezone.localdate(before),
    ).exclude(person__phone_hash="")


register_undispatched(
    Undispatched(
        name="appointment_confirmation",
        model="vaccination.Appointment",
        pending=_unconfirmed,
        setting="STALLED_MESSAGE_SECONDS",
        enqueue=_confirm,
    )
)
