"""The vaccination app's interrupted work (``core.recovery``): the daily appointment reminders."""

from core.recovery import Daily, register_daily


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
