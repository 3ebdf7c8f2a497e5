"""The check-in retention boundary: check-ins before a local midnight N days back are past it.

Services (paper entries, the purge) and selectors (statistics: rolled-up days before the
boundary, live days after) both read it from here.
"""

import datetime

from django.conf import settings
from django.utils import timezone


def local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def retention_cutoff(now: datetime.datetime | None = None, days: int | None = None) -> datetime.datetime:
    """Check-ins before this instant (a local midnight) are past retention."""
    now = now or timezone.now()
    days = settings.CHECKIN_RETENTION_DAYS if days is None else days
    return local_midnight(timezone.localdate(now) - datetime.timedelta(days=days))
