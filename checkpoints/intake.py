"""A submission from a form, a scan or the API: resolve each person, then record the check-in.

``members`` are the household members without phones checked in with the declarant: each has
a declaration of their own (``DeclarationData.household_member``: the group's places visited,
the member's own health answers).

Composes two services in one transaction: ``core.services.person_resolve_for_visitor`` (never
overwrites an existing person) and ``checkpoints.services.checkin_create``.
"""

import datetime
import uuid
from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils import timezone

from checkpoints import express, selectors, services
from checkpoints.models import CheckIn, Checkpoint
from checkpoints.notify import alert_if_flagged
from core.actors import Actor, Visitor
from core.services import person_resolve_for_visitor
from declarations.data import DeclarationData


def visitor_submit(
    *,
    token: str,
    declaration: DeclarationData,
    members: Sequence[DeclarationData] = (),
    submission: uuid.UUID,
) -> tuple[list[CheckIn], bool]:
    """A visitor's self check-in at the checkpoint whose QR code is ``token``; like
    ``submit_once``. A returning visitor takes ``express`` (one statement, no look-up first);
    anyone else, or an error to explain, takes the general path. Raises
    ``selectors.RevokedCode`` or ``Checkpoint.DoesNotExist`` for a code that opens nothing,
    ``services.SubmissionConflict`` for a submission id stored at another checkpoint."""
    services.household_size_check(1 + len(members))
    if express.available():
        declarations = [declaration, *members]
        try:
            rows = express.submit(
                token=token, declarations=declarations, submission=submission, now=timezone.now()
            )
        except IntegrityError:
            rows = None  # stored before (a retry on a bad connection) or raced in: below
        if rows is not None:
            alert_if_flagged(rows)
            return rows, True
    return submit_once(
        actor=Visitor("checkin"),
        checkpoint=selectors.checkpoint_by_token(token),
        declaration=declaration,
        members=members,
        submission=submission,
    )


def submit(
    *,
    actor: Actor,
    checkpoint: Checkpoint,
    declaration: DeclarationData,
    members: Sequence[DeclarationData] = (),
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
    actor: Actor,
    checkpoint: Checkpoint,
    declaration: DeclarationData,
    members: Sequence[DeclarationData] = (),
    method: str = CheckIn.Method.SELF,
    submission: uuid.UUID | None = None,
    checked_in_at: datetime.datetime | None = None,
) -> tuple[list[CheckIn], bool]:
    """``submit``, also telling whether this call stored the rows (False: ``submission`` was
    already stored, the rows are the stored ones), so callers need no look-up of their own.
    A submission id is the checkpoint's: one stored at another checkpoint raises
    ``services.SubmissionConflict`` (nothing of it is returned)."""
    declarations = [declaration, *members]
    services.household_size_check(len(declarations))  # before anyone is resolved
    if submission is not None and selectors.submission_stored(submission):
        # A retry on a bad connection: nothing new.
        existing = selectors.checkins_of_submission(submission)
        return services.submission_owned(existing, checkpoint.pk), False
    with transaction.atomic():
        entries = []
        new_people = set()
        for data in declarations:
            person, created = person_resolve_for_visitor(data=data.person)
            entries.append((person, data))
            if created:
                new_people.add(person.pk)
        rows = services.checkin_create(
            actor=actor,
            checkpoint=checkpoint,
            entries=entries,
            method=method,
            submission=submission,
            checked_in_at=checked_in_at,
            new_people=new_people,
        )
    return rows, not all(r.repeat for r in rows)  # a repeat check-in stores nothing
