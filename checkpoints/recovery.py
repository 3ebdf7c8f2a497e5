"""The checkpoints app's interrupted work (``core.recovery``): alerts of flagged check-ins whose
task never reached the broker, and the daily silent-checkpoint reminders."""

import datetime

from django.db.models import QuerySet

from checkpoints.models import CheckIn
from core.recovery import Daily, Undispatched, register_daily, register_undispatched
from declarations.models import Declaration


def _alert(checkin_id: int) -> None:
    from checkpoints.tasks import alert_flagged

    alert_flagged.delay(checkin_id)


def _silent() -> None:
    from checkpoints.tasks import notify_silent

    notify_silent.delay()


def _unalerted(before: datetime.datetime) -> QuerySet[CheckIn]:
    # Served by the partial index checkin_unalerted (flagged and not yet alerted: a few rows).
    return CheckIn.objects.filter(alerted_at__isnull=True, checked_in_at__lt=before).exclude(
        risk=Declaration.Risk.NONE
    )


register_undispatched(
    Undispatched(
        name="checkin_alert",
        model="checkpoints.CheckIn",
        pending=_unalerted,
        setting="STALLED_ALERT_SECONDS",
        enqueue=_alert,
    )
)
register_daily(
    Daily(
        name="checkpoints.silent",
        beat_entry="checkpoints-silent",
        setting="STALLED_DAILY_SECONDS",
        enqueue=_silent,
    )
)
