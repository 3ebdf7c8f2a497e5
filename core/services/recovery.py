"""Interrupted work put back in the queue (``core.recovery``)."""

import datetime
import functools

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import recovery
from core.audit import audit
from core.services._common import Actor

BATCH = 500


def stalled_work_resume(*, actor: Actor, now: datetime.datetime | None = None) -> dict[str, list[int]]:
    """Every registered kind of work claimed by a worker and not stamped for longer than its
    setting goes back to its queued status and its task is enqueued again after commit.

    Each row moves with a conditional UPDATE (still claimed, same stamp): two sweeps at once
    resume it only once, and a worker that stamps progress in between keeps it. One audit row
    per kind that resumed something. Returns the ids resumed, by kind."""
    now = now or timezone.now()
    resumed: dict[str, list[int]] = {}
    for kind in recovery.kinds():
        model = apps.get_model(kind.model)
        before = now - datetime.timedelta(seconds=getattr(settings, kind.setting))
        stale = model._default_manager.filter(
            Q(**{f"{kind.time_field}__lt": before}) | Q(**{f"{kind.time_field}__isnull": True}),
            status=kind.running,
        ).order_by("pk")
        with transaction.atomic():
            ids = []
            for pk, stamp in stale.values_list("pk", kind.time_field)[:BATCH]:
                same_stamp = (
                    Q(**{f"{kind.time_field}__isnull": True})
                    if stamp is None
                    else Q(**{kind.time_field: stamp})
                )
                moved = model._default_manager.filter(same_stamp, pk=pk, status=kind.running).update(
                    status=kind.back_to, **kind.reset
                )
                if moved:
                    ids.append(pk)
                    transaction.on_commit(functools.partial(kind.enqueue, pk))
            if ids:
                audit(
                    actor=actor,
                    action=f"{kind.name}.resume",
                    target=kind.model,
                    target_ids=ids,
                    details={"stalled_after_seconds": getattr(settings, kind.setting)},
                )
        if ids:
            resumed[kind.name] = ids
    return resumed
