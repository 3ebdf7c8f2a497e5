"""What the periodic tasks write: daily roll-ups, the retention purge, silent checkpoints."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from checkpoints import selectors
from checkpoints.models import CheckIn, CheckinDailyStat, Checkpoint
from checkpoints.retention import local_midnight, retention_cutoff
from checkpoints.services._common import Actor
from core.audit import audit


def _rollup(before: datetime.datetime) -> int:
    oldest = (
        CheckIn.objects.filter(checked_in_at__lt=before)
        .order_by("checked_in_at")
        .values_list("checked_in_at", flat=True)
        .first()
    )
    if oldest is None:
        return 0
    first_day = timezone.localdate(oldest)
    rows = [CheckinDailyStat(**row) for row in selectors.live_stats(local_midnight(first_day), before)]
    done = set(CheckinDailyStat.objects.filter(day__gte=first_day).values_list("checkpoint_id", "day"))
    fresh = [r for r in rows if (r.checkpoint_id, r.day) not in done]
    CheckinDailyStat.objects.bulk_create(fresh, batch_size=1000, ignore_conflicts=True)
    return len(fresh)


def checkin_stats_rollup(*, actor: Actor, before: datetime.datetime) -> int:
    """Stores daily counts for every day before ``before`` (a local midnight) that has no row
    yet, so they survive the purge. Days are rolled up once, right before their deletion
    (later paper entries for them are refused: they are past retention)."""
    with transaction.atomic():
        created = _rollup(before)
        audit(
            actor=actor, action="checkin_stat.rollup", target=CheckinDailyStat, details={"created": created}
        )
    return created


def checkins_purge_expired(
    *, actor: Actor, now: datetime.datetime | None = None, batch_size: int | None = None
) -> int:
    """Deletes check-ins past retention, ``batch_size`` rows per short transaction so check-ins
    keep flowing; their daily counts are rolled up first. Not one transaction by design: a
    purge of a million rows must not hold locks for minutes. One audit row at the end."""
    cutoff = retention_cutoff(now)
    batch = batch_size or settings.RETENTION_BATCH_SIZE
    with transaction.atomic():
        rolled_up = _rollup(cutoff)
    deleted = 0
    # Walk the time index forward from where the last batch ended (``>=``: rows sharing the
    # last batch's final instant may remain). Restarting from the oldest row every batch made
    # each scan step over the index entries of every row deleted so far.
    since: datetime.datetime | None = None
    while True:
        with transaction.atomic():
            expired = CheckIn.objects.filter(checked_in_at__lt=cutoff)
            if since is not None:
                expired = expired.filter(checked_in_at__gte=since)
            rows = list(expired.order_by("checked_in_at").values_list("id", "checked_in_at")[:batch])
            if not rows:
                break
            CheckIn.objects.filter(id__in=[pk for pk, _at in rows]).delete()
        since = rows[-1][1]
        deleted += len(rows)
    with transaction.atomic():
        audit(
            actor=actor,
            action="checkin.purge",
            target=CheckIn,
            details={"deleted": deleted, "rolled_up": rolled_up, "cutoff": cutoff.isoformat()},
        )
    return deleted


def checkpoints_mark_silent(*, actor: Actor, now: datetime.datetime | None = None) -> list[Checkpoint]:
    """Finds approved checkpoints without a check-in for N days, not yet reminded in that time;
    marks them reminded and returns them (the task notifies their organizations)."""
    now = now or timezone.now()
    since = now - datetime.timedelta(days=settings.SILENT_CHECKPOINT_DAYS)
    with transaction.atomic():
        silent = list(
            selectors.silent_checkpoints(now=now)
            .filter(Q(silent_notified_at__isnull=True) | Q(silent_notified_at__lt=since))
            .select_for_update(of=("self",))
        )
        Checkpoint.objects.filter(pk__in=[c.pk for c in silent]).update(silent_notified_at=now)
        audit(actor=actor, action="checkpoint.silent", target=Checkpoint, target_ids=[c.pk for c in silent])
    return silent
