"""The epidemic-level app's interrupted work (``core.recovery``): changes of a declared level
whose notification task never reached the broker."""

import datetime

from django.db.models import QuerySet

from core.recovery import Undispatched, register_undispatched


def _notify(declared_id: int) -> None:
    from epidemic.tasks import notify_level_change

    notify_level_change.delay(declared_id)


def _pending(before: datetime.datetime) -> QuerySet:
    from epidemic.selectors import notify_pending

    return notify_pending(before)


register_undispatched(
    Undispatched(
        name="level_change",
        model="epidemic.DeclaredLevel",
        pending=_pending,
        setting="STALLED_ALERT_SECONDS",
        enqueue=_notify,
    )
)
