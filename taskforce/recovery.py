"""The task force's interrupted work (``core.recovery``): the daily overdue reminders."""

from core.recovery import Daily, register_daily


def _overdue() -> None:
    from taskforce.tasks import mark_overdue_assignments

    mark_overdue_assignments.delay()


register_daily(
    Daily(
        name="taskforce.overdue",
        beat_entry="taskforce-overdue-assignments",
        setting="STALLED_DAILY_SECONDS",
        enqueue=_overdue,
    )
)
