"""Duplicates of a person: merge them, dismiss a suspicion, purge orphans visitors left.

Merge and purge walk every relation to ``Person``, so a later app's records follow.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
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


def person_references() -> list[tuple[Any, str]]:
    """Every (model, field) that points at a person by a foreign key or one-to-one, hidden
    relations (``related_name="+"``) included, so a new app's records are merged and counted
    without being listed here. Many-to-many tables are left out (as before), and so are
    duplicate suspicions (resolved or deleted by merge and purge themselves)."""
    references = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        related: Any = rel.related_model
        if related is DuplicateCandidate or related._meta.auto_created:
            continue
        references.append((related, rel.field.name))  # type: ignore[union-attr]
    return references


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
        for related, field in person_references():
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
    them any more and they are past the person retention: the ``core.person`` category of
    ``core.retention`` (which rows qualify: ``core.retention_categories``)."""
    from core.services.retention import retention_purge

    return retention_purge(actor=actor, category="core.person", now=now)


def duplicate_dismiss(*, actor: Actor, candidate: DuplicateCandidate, reason: str) -> DuplicateCandidate:
    require(actor, Cap.MERGE_PEOPLE)
    with transaction.atomic():
        candidate.status = DuplicateCandidate.Status.DISMISSED
        candidate.resolved_by = user_of(actor)
        candidate.resolved_at = timezone.now()
        candidate.save()
        audit(actor=actor, action="duplicate.dismiss", target=candidate, reason=reason)
    return candidate
