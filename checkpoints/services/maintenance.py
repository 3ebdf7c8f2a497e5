"""What the periodic tasks write: the check-in retention purge, silent checkpoints."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from checkpoints import selectors
from checkpoints.models import Checkpoint
from checkpoints.services._common import Actor
from core.audit import audit


def checkins_purge_expired(
    *, actor: Actor, now: datetime.datetime | None = None, batch_size: int | None = None
) -> int:
    """Deletes check-ins past retention (the ``checkpoints.checkin`` category of
    ``core.retention``: its daily counts are folded in first, then batches of ``batch_size``
    rows per short transaction). One audit row."""
    from core.services import retention_purge

    return retention_purge(actor=actor, category="checkpoints.checkin", now=now, batch_size=batch_size)


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
        # Agencies the reminder cannot reach (no contact email), kept on record.
        unreachable = sorted({c.organization_id for c in silent if not c.organization.contact_email})
        audit(
            actor=actor,
            action="checkpoint.silent",
            target=Checkpoint,
            target_ids=[c.pk for c in silent],
            details={"unreachable_organizations": unreachable},
        )
    return silent
