"""Key rotation of the encrypted columns and the look-up hashes: the steps, their progress and
the loop that runs them (``manage.py rotate_encryption_keys``, ``core.tasks.rotate_keys``).

Each step is run in batches by ``core.services.key_rotation_batch`` (one transaction and one
audit row each, which also records the progress), so a stopped run resumes where it was and a
second run finds nothing left to do. docs/operations.md, "Key rotation", is the runbook.
"""

import hashlib
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models.functions import Cast

from core import crypto
from core.models import AuditLog, Person


@dataclass(frozen=True)
class Step:
    """``encrypt`` of one model's encrypted columns, or ``rehash`` of the people's hashes."""

    kind: str
    model: str  # "app_label.modelname"

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.model}"

    def get_model(self) -> type[models.Model]:
        return apps.get_model(self.model)


def encrypted_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.fields if isinstance(f, crypto.EncryptedTextField)]


def rotation_steps() -> list[Step]:
    """Every model with an encrypted column (found, not listed), then the people's re-hash."""
    steps = [Step("encrypt", m._meta.label_lower) for m in apps.get_models() if encrypted_fields(m)]
    return [*sorted(steps, key=lambda s: s.model), Step("rehash", "core.person")]


def rotation_id() -> str:
    """Names the rotation by the keys it moves to (a digest, never the keys): its batches'
    audit rows carry it, so a new rotation never resumes from an older one's progress."""
    newest = str(settings.FIELD_ENCRYPTION_KEYS[0]) if settings.FIELD_ENCRYPTION_KEYS else ""
    return hashlib.sha256(f"{newest}|{settings.LOOKUP_HASH_KEY}".encode()).hexdigest()[:16]


def rotation_progress(step: Step) -> tuple[int, bool]:
    """(last primary key done, finished) of ``step`` in the current rotation."""
    row = (
        AuditLog.objects.filter(
            action="crypto.rotate_batch", details__rotation=rotation_id(), details__step=step.name
        )
        .order_by("-id")
        .values_list("details", flat=True)
        .first()
    )
    if not row:
        return 0, False
    return int(row["last"]), bool(row["done"])


def rotation_pending() -> dict[str, int]:
    """Rows the retiring keys are still needed for, per step (a full read: run it before
    retiring the old keys; every count must be 0)."""
    pending: dict[str, int] = {}
    for step in rotation_steps():
        model = step.get_model()
        count = 0
        if step.kind == "encrypt":
            fields = encrypted_fields(model)
            raw = {f"raw_{name}": Cast(name, models.TextField()) for name in fields}
            for _pk, *tokens in model._base_manager.annotate(**raw).values_list("pk", *raw).iterator():
                count += any(t and not crypto.is_current(t) for t in tokens)
        else:
            rows: Any = Person._base_manager.values_list("id_number", "id_number_hash", "phone", "phone_hash")
            for id_number, id_hash, phone, phone_hash in rows.iterator():
                count += (id_number and crypto.lookup_hash("id_number", id_number) != id_hash) or (
                    phone and crypto.lookup_hash("phone", phone) != phone_hash
                )
        pending[step.name] = int(count)
    return pending


def rotation_run(*, actor: Any, size: int | None = None, max_batches: int | None = None) -> dict[str, int]:
    """Runs every step to its end (or ``max_batches`` batches in all); rows rewritten per step."""
    from core.services import key_rotation_batch

    changed: dict[str, int] = {}
    batches = 0
    for step in rotation_steps():
        done = False
        while not done:
            if max_batches is not None and batches >= max_batches:
                return changed
            count, done = key_rotation_batch(actor=actor, step=step, size=size)
            changed[step.name] = changed.get(step.name, 0) + count
            batches += 1
    return changed
