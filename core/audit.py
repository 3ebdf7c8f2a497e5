"""The audit log writer. Services call ``audit`` inside their transaction."""

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction

from core.actors import ApiClient, actor_label, check_actor, user_of
from core.models import AuditLog


def _label(target: models.Model | type[models.Model] | str) -> str:
    if isinstance(target, str):
        return target
    return target._meta.label_lower


def audit(
    *,
    actor: Any,
    action: str,
    target: models.Model | type[models.Model] | str,
    target_ids: Iterable[Any] = (),
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> AuditLog:
    """Writes one audit row. ``details`` must hold ids and codes, never personal values."""
    if not transaction.get_connection().in_atomic_block:
        # A write audited outside its transaction could be logged without happening (or
        # happen without being logged): services must wrap both in transaction.atomic().
        raise RuntimeError("audit() must run inside the service's transaction")
    check_actor(actor)  # every row says who acted: a user, or the system part / visitor channel
    details = dict(details or {})
    if label := actor_label(actor):
        details.setdefault("actor", label)
    if isinstance(actor, ApiClient):
        details.setdefault("organization", actor.organization_id)
    ids = [str(i) for i in target_ids]
    target_id = ""
    if isinstance(target, models.Model):
        target_id = str(target.pk)
    elif len(ids) == 1:
        target_id = ids[0]
    return AuditLog.objects.create(
        actor=user_of(actor),
        action=action,
        target_type=_label(target),
        target_id=target_id,
        target_ids=ids if len(ids) > 1 else [],
        reason=reason[:500],
        details=details,
    )


@transaction.atomic
def audit_read(
    *,
    actor: Any,
    target: type[models.Model] | models.Model,
    ids: Iterable[Any],
    purpose: str,
    details: dict[str, Any] | None = None,
) -> AuditLog | None:
    """Logs an official's read of personal data (a page of people, one record, an export)."""
    id_list = list(ids)
    if not id_list:
        return None
    return audit(
        actor=actor,
        action=f"{_label(target).split('.')[-1]}.read",
        target=target if isinstance(target, models.Model) else _label(target),
        target_ids=id_list,
        reason=purpose,
        details=details,
    )
