"""Writes of the dashboard: the refresh of the published figures."""

import datetime
import hashlib
import json
import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from checkpoints import selectors as cp_selectors
from core.actors import Actor, check_actor
from core.audit import audit
from core.services import rollups_fold
from dashboard import figures, selectors
from dashboard.models import Snapshot


def _digest(data: dict[str, Any]) -> str:
    public = {k: v for k, v in data.items() if k != "computed_at"}
    return hashlib.sha256(json.dumps(public, sort_keys=True, default=str).encode()).hexdigest()


def snapshot_refresh(
    *, actor: Actor, now: datetime.datetime | None = None, full: bool = False
) -> dict[str, Any]:
    """Recounts the published figures: the folded days from the roll-up (only when the
    watermark or the window moved, or ``full``), the live days always. Each refresh is a new
    version (the time of computation is part of the publication), so the cached pages and
    answers of the previous one are no longer read; one audit row. Returns {"version",
    "changed" (the figures themselves changed), "rebuilt" (the folded days were recounted)}."""
    check_actor(actor)
    now = now or timezone.now()
    today = timezone.localdate(now)
    mark = cp_selectors.checkin_folded_until()
    if mark is not None and mark < today:
        # After midnight (Asia/Ho_Chi_Minh): yesterday is finished; fold it now rather than at
        # the hourly fold, so the new day starts from the roll-up.
        rollups_fold(actor=actor, now=now)
    current = Snapshot.objects.filter(key="public").first()
    rebuilt = full or current is None or not figures.base_is_current(current.base, today)
    base = figures.collect_base(today, now) if rebuilt else current.base  # type: ignore[union-attr]
    data = figures.build_public(base, today, now)
    digest = _digest(data)
    with transaction.atomic():
        Snapshot.objects.get_or_create(key="public", defaults={"computed_at": now})
        snap = Snapshot.objects.select_for_update().get(key="public")
        changed = snap.data.get("digest") != digest
        snap.base = base
        snap.computed_at = now
        snap.version += 1
        audit(
            actor=actor,
            action="dashboard.refresh",
            target=snap,
            details={"version": snap.version, "rebuilt": rebuilt, "changed": changed},
        )
        # A new token: the cached pages and answers are keyed by it (dashboard.selectors).
        snap.token = uuid.uuid4().hex
        snap.data = {**data, "digest": digest, "version": snap.version}
        snap.save()
        transaction.on_commit(selectors.forget_token)
    return {"version": snap.version, "changed": changed, "rebuilt": rebuilt}
