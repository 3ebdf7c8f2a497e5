"""Duplicates of a person: merge them, dismiss a suspicion, purge orphans visitors left.

Merge and purge walk every relation to ``Person``, so a later app's records follow.
"""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import selectors
from core.audit import audit
from core.capabilities import Cap
from core.models import (
    DuplicateCandidate,
    Person,
)
from core.services._common import Actor, is_system, require, user_of


def person_merge(*, actor: Actor, keep: Person, duplicate: Person, reason: str) -> Person:
    """Merges ``duplicate`` into ``keep``: every record pointing at the duplicate (check-ins,
    samples, doses...) is moved to ``keep``, blanks in ``keep`` are filled, the duplicate is
    kept as a tombstone pointing at ``keep``."""
    require(actor, Cap.MERGE_PEOPLE)
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Không thể hợp nhất một hồ sơ với chính nó."))
    if not reason.strip():
        raise ValidationError(_("Vui lòng ghi lý do hợp nhất."))
    if not is_system(actor):
        keep = selectors.access_person_by_id(actor, keep.pk)
        duplicate = selectors.access_person_by_id(actor, duplicate.pk)
    with transaction.atomic():
        moved: dict[str, int] = {}
        for rel in Person._meta.related_objects:
            if rel.many_to_many or rel.related_model is DuplicateCandidate:
                continue
            field = rel.field.name
            related: Any = rel.related_model
            count = related._base_manager.filter(**{field: duplicate}).update(**{field: keep})
            if count:
                moved[related._meta.label_lower] = count
        for name in (
            "id_number",
            "id_number_hash",
            "phone",
            "phone_hash",
            "date_of_birth",
            "birth_year",
            "address_unit",
        ):
            if not getattr(keep, name) and getattr(duplicate, name):
                setattr(keep, name, getattr(duplicate, name))
        if keep.address_unit_id and not keep.address_line:
            keep.address_line = duplicate.address_line
        keep.updated_at = timezone.now()
        keep.save()
        Person.objects.filter(pk=duplicate.pk).update(
            merged_into=keep,
            id_number="",
            id_number_hash="",
            phone="",
            phone_hash="",
            updated_at=timezone.now(),
        )
        DuplicateCandidate.objects.filter(
            (Q(person=keep) & Q(other=duplicate)) | (Q(person=duplicate) & Q(other=keep))
        ).update(
            status=DuplicateCandidate.Status.MERGED, resolved_by=user_of(actor), resolved_at=timezone.now()
        )
        audit(
            actor=actor,
            action="person.merge",
            target=keep,
            reason=reason,
            details={"merged_person_id": duplicate.pk, "moved": moved},
        )
    return keep


def persons_purge_orphans(*, actor: Actor, now: datetime.datetime | None = None) -> int:
    """Deletes people who exist only because a visitor typed them in, once nothing points at
    them any more (their check-ins and declarations were deleted when their retention ended)
    and they are older than the person retention. Records officials made are kept.

    Every reverse relation to Person counts as a reference, so a later app's samples or doses
    keep their person without this function knowing about them.
    """
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.PERSON_RETENTION_DAYS)
    orphans = Person.objects.filter(source=Person.Source.VISITOR, created_at__lt=cutoff)
    for rel in Person._meta.related_objects:
        if rel.many_to_many:
            continue
        related: Any = rel.related_model
        orphans = orphans.exclude(Exists(related._base_manager.filter(**{rel.field.name: OuterRef("pk")})))
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(orphans.order_by().values_list("pk", flat=True)[: settings.RETENTION_BATCH_SIZE])
            if not ids:
                break
            DuplicateCandidate.objects.filter(Q(person_id__in=ids) | Q(other_id__in=ids)).delete()
            Person.objects.filter(pk__in=ids).delete()
        deleted += len(ids)
    with transaction.atomic():
        audit(
            actor=actor,
            action="person.purge",
            target=Person,
            details={"deleted": deleted, "cutoff": cutoff.isoformat()},
        )
    return deleted


def duplicate_dismiss(*, actor: Actor, candidate: DuplicateCandidate, reason: str) -> DuplicateCandidate:
    require(actor, Cap.MERGE_PEOPLE)
    with transaction.atomic():
        candidate.status = DuplicateCandidate.Status.DISMISSED
        candidate.resolved_by = user_of(actor)
        candidate.resolved_at = timezone.now()
        candidate.save()
        audit(actor=actor, action="duplicate.dismiss", target=candidate, reason=reason)
    return candidate
