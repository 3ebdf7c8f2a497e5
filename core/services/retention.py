"""The retention purge and the daily roll-ups (the mechanisms are ``core.retention`` and
``core.rollups``; these are the audited writes the nightly and hourly tasks call)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import retention, rollups
from core.audit import audit
from core.models import RollupWatermark
from core.services._common import Actor


def retention_purge(
    *, actor: Actor, category: str, now: datetime.datetime | None = None, batch_size: int | None = None
) -> int:
    """Deletes the rows of one category past its retention (``core.retention.cutoff``), after
    folding its roll-up up to the cut-off, ``batch_size`` rows per short transaction
    (default ``PORTAL_RETENTION_BATCH_SIZE``). One audit row at the end. Categories kept as a
    legal record delete nothing."""
    cat = retention.get(category)
    before = cat.cutoff(now)
    if before is None:
        deleted, folded = 0, {"days": 0, "rows": 0}
    else:
        folded = (
            rollups.fold(rollups.get(cat.rollup), until=timezone.localdate(before), now=now)
            if cat.rollup
            else {"days": 0, "rows": 0}
        )
        deleted = retention.delete_expired(cat, before, batch_size or settings.RETENTION_BATCH_SIZE)
    with transaction.atomic():
        audit(
            actor=actor,
            action=cat.audit_action or f"{cat.name}.purge",
            target=cat.model.lower(),
            details={
                "category": cat.name,
                "deleted": deleted,
                "rolled_up": folded["rows"],
                "cutoff": before.isoformat() if before else None,
            },
        )
    return deleted


def rollups_fold(*, actor: Actor, now: datetime.datetime | None = None) -> dict[str, int]:
    """The periodic fold: every registered roll-up takes in the local days before today.
    Returns the days folded per roll-up; one audit row."""
    today = timezone.localdate(now or timezone.now())
    done = {r.name: rollups.fold(r, until=today, now=now)["days"] for r in rollups.rollups()}
    with transaction.atomic():
        audit(actor=actor, action="rollup.fold", target=RollupWatermark, details={"days": done})
    return done


def rollup_rebuild(
    *, actor: Actor, name: str, since: datetime.date, now: datetime.datetime | None = None
) -> dict[str, int]:
    """Recounts the days of one roll-up from ``since`` (after a correction of its source), but
    never a day past retention: those are left as they are. One audit row."""
    rollup = rollups.get(name)
    today = timezone.localdate(now or timezone.now())
    with transaction.atomic():
        mark = rollups.rewind(rollup, since, now=now)
    folded = rollups.fold(rollup, until=today, now=now)
    with transaction.atomic():
        audit(
            actor=actor,
            action="rollup.rebuild",
            target=RollupWatermark,
            details={"rollup": name, "from": mark.isoformat() if mark else None, **folded},
        )
    return folded
