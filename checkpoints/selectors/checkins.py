"""Reads of check-ins: a submission's rows, the masked list a checkpoint's operators see."""

import datetime
from dataclasses import dataclass
from typing import Any

from checkpoints.models import CheckIn, Checkpoint
from core.masking import mask_name, mask_phone

User = Any


def submission_stored(submission: Any) -> bool:
    """Whether a submission id is stored: a cheap look-up (no joins), since it is nearly
    always False (a retry on a bad connection is the exception)."""
    return CheckIn.objects.filter(submission=submission).exists()


def checkins_of_submission(submission: Any) -> list[CheckIn]:
    return list(
        CheckIn.objects.filter(submission=submission)
        .select_related("checkpoint", "person")
        .order_by("position")
    )


@dataclass
class MaskedCheckin:
    id: int
    checked_in_at: datetime.datetime
    checked_out_at: datetime.datetime
    checkout_method: str
    method: str
    risk: str
    name: str
    phone: str

    def get_checkout_method_display(self) -> str:
        return str(CheckIn.Checkout(self.checkout_method).label)

    def get_method_display(self) -> str:
        return str(CheckIn.Method(self.method).label)

    @property
    def flagged(self) -> bool:
        return self.risk != "none"


def checkins_masked(checkpoint: Checkpoint, *, limit: int = 50) -> list[MaskedCheckin]:
    """The latest check-ins at a checkpoint as its operators see them: masked identities."""
    rows = (
        CheckIn.objects.filter(checkpoint=checkpoint)
        .select_related("person")
        .only(
            "id",
            "checked_in_at",
            "checked_out_at",
            "checkout_method",
            "method",
            "risk",
            "person__full_name",
            "person__phone",
        )
        .order_by("-checked_in_at", "-id")[:limit]
    )
    return [
        MaskedCheckin(
            id=c.pk,
            checked_in_at=c.checked_in_at,
            checked_out_at=c.checked_out_at,
            checkout_method=c.checkout_method,
            method=c.method,
            risk=c.risk,
            name=mask_name(c.person.full_name),
            phone=mask_phone(c.person.phone),
        )
        for c in rows
    ]
