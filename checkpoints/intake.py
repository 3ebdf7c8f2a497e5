"""A submission from a form, a scan or the API: resolve each person, then record the check-in.

Composes two services in one transaction: ``core.services.person_resolve_for_visitor`` (never
overwrites an existing person) and ``checkpoints.services.checkin_create``.
"""

import datetime
import uuid
from collections.abc import Sequence
from typing import Any

from django.db import transaction

from checkpoints import selectors, services
from checkpoints.models import CheckIn, Checkpoint
from core.services import PersonData, person_resolve_for_visitor
from declarations.data import DeclarationData


def submit(
    *,
    actor: Any,
    checkpoint: Checkpoint,
    declaration: DeclarationData,
    members: Sequence[PersonData] = (),
    method: str = CheckIn.Method.SELF,
    submission: uuid.UUID | None = None,
    checked_in_at: datetime.datetime | None = None,
) -> list[CheckIn]:
    rows, _stored = submit_once(
        actor=actor,
        checkpoint=checkpoint,
        declaration=declaration,
        members=members,
        method=method,
        submission=submission,
        checked_in_at=checked_in_at,
    )
    return rows


def submit_once(
    *,
    actor: Any,
    checkpoint: Checkpoint,
    declaration: DeclarationData,
    members: Sequence[PersonData] = (),
    method: str = CheckIn.Method.SELF,
    submission: uuid.UUID | None = None,
    checked_in_at: datetime.datetime | None = None,
) -> tuple[list[CheckIn], bool]:
    """``submit``, also telling whether this call stored the rows (False: ``submission`` was
    already stored, the rows are the stored ones), so callers need no look-up of their own."""
    if submission is not None:
        existing = selectors.checkins_of_submission(submission)
        if existing:
            return existing, False  # a retry on a bad connection: nothing new
    with transaction.atomic():
        person, _created = person_resolve_for_visitor(data=declaration.person)
        entries = [(person, declaration)]
        for member in members:
            member_person, _created = person_resolve_for_visitor(data=member)
            entries.append((member_person, declaration.household_member(member)))
        rows = services.checkin_create(
            actor=actor,
            checkpoint=checkpoint,
            entries=entries,
            method=method,
            submission=submission,
            checked_in_at=checked_in_at,
        )
    return rows, True
