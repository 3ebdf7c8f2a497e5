"""Key rotation, one batch at a time (the steps and the loop: ``core.keyrotation``).

A row is only rewritten when the newest key does not already read it (or its hash is not the
current key's), and only if nobody changed it since it was read (the update is conditional on
the old token or hash): running a batch twice changes nothing, and a concurrent check-in or
correction is never overwritten with a stale value.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models.functions import Cast

from core import crypto
from core.audit import audit
from core.keyrotation import Step, encrypted_fields, rotation_id, rotation_progress
from core.models import Person
from core.services._common import Actor, is_system


def _reencrypt(model: type[models.Model], after: int, size: int) -> tuple[list[int], int]:
    fields = encrypted_fields(model)
    # Cast to plain text: the stored tokens, not the decrypted values.
    raw = {f"raw_{name}": Cast(name, models.TextField()) for name in fields}
    rows = list(
        model._base_manager.filter(pk__gt=after).order_by("pk").annotate(**raw).values_list("pk", *raw)[:size]
    )
    changed = 0
    for pk, *tokens in rows:
        old = {name: token for name, token in zip(fields, tokens, strict=True) if token}
        new = {
            name: crypto.encrypt(crypto.decrypt(token))
            for name, token in old.items()
            if not crypto.is_current(token)
        }
        if new:
            # Only if the row still holds what was read: a concurrent write (already under the
            # newest key) wins.
            changed += model._base_manager.filter(pk=pk, **{n: old[n] for n in new}).update(**new)
    return [r[0] for r in rows], changed


def _rehash(after: int, size: int) -> tuple[list[int], int]:
    rows = list(
        Person._base_manager.filter(pk__gt=after)
        .order_by("pk")
        .values_list("pk", "id_number", "id_number_hash", "phone", "phone_hash")[:size]
    )
    changed = 0
    for pk, id_number, id_hash, phone, phone_hash in rows:
        new_id = crypto.lookup_hash("id_number", id_number) if id_number else ""
        new_phone = crypto.lookup_hash("phone", phone) if phone else ""
        if (new_id, new_phone) != (id_hash, phone_hash):
            changed += Person._base_manager.filter(
                pk=pk, id_number_hash=id_hash, phone_hash=phone_hash
            ).update(id_number_hash=new_id, phone_hash=new_phone)
    return [r[0] for r in rows], changed


def key_rotation_batch(*, actor: Actor, step: Step, size: int | None = None) -> tuple[int, bool]:
    """Moves the next ``size`` rows of ``step`` (after its recorded progress) to the current keys.
    Returns (rows rewritten, step finished)."""
    if not is_system(actor):  # raises ActorMissing for None; officials never run it by hand
        raise PermissionDenied
    size = size or settings.KEY_ROTATION_BATCH
    after, done = rotation_progress(step)
    if done:
        return 0, True
    with transaction.atomic():
        if step.kind == "encrypt":
            ids, changed = _reencrypt(step.get_model(), after, size)
        else:
            ids, changed = _rehash(after, size)
        done = len(ids) < size
        audit(
            actor=actor,
            action="crypto.rotate_batch",
            target=step.model,
            details={
                "rotation": rotation_id(),
                "step": step.name,
                "first": ids[0] if ids else after,
                "last": ids[-1] if ids else after,
                "rows": len(ids),
                "changed": changed,
                "done": done,
            },
        )
    return changed, done
