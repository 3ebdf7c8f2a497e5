"""Every write of the checkpoints app: ``<entity>_<action>(*, actor, ...)``, one audit row each.

A visitor's check-in is composed by ``checkpoints.intake``: ``core.services.person_resolve_for_visitor``
for each person, then ``checkin_create`` here, in one transaction.

The package splits by topic (registration, check-ins, periodic maintenance); callers import
from ``checkpoints.services``.
"""

from checkpoints.services._common import (
    HOUSEHOLD_SIZE_MESSAGE,
    SubmissionConflict,
    household_size_check,
    household_size_message,
    submission_owned,
)
from checkpoints.services.checkins import (
    checkin_alert_mark,
    checkin_checkout,
    checkin_create,
    estimated_checkout,
)
from checkpoints.services.maintenance import (
    checkins_purge_expired,
    checkpoints_mark_silent,
)
from checkpoints.services.registration import (
    CHECKPOINT_FIELDS,
    checkpoint_decide,
    checkpoint_operators_set,
    checkpoint_qr_reissue,
    checkpoint_register,
    checkpoint_update,
)

__all__ = [
    "CHECKPOINT_FIELDS",
    "HOUSEHOLD_SIZE_MESSAGE",
    "SubmissionConflict",
    "checkin_alert_mark",
    "checkin_checkout",
    "checkin_create",
    "checkins_purge_expired",
    "checkpoint_decide",
    "checkpoint_operators_set",
    "checkpoint_qr_reissue",
    "checkpoint_register",
    "checkpoint_update",
    "checkpoints_mark_silent",
    "estimated_checkout",
    "household_size_check",
    "household_size_message",
    "submission_owned",
]
