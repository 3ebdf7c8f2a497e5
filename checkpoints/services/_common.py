"""What the checkpoints services share: who acts, the capability check, and the refusals of a
submission (too many people; a submission id stored at another checkpoint)."""

from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from checkpoints.models import CheckIn
from core.actors import Actor, is_system, user_of
from core.roles import require_capability

__all__ = ["Actor", "human", "is_system", "require"]

require = require_capability
# The user to store in ``registered_by``-style columns (None for the system or a visitor).
human = user_of


class SubmissionConflict(Exception):
    """The submission id is already stored at another checkpoint: refused (409), and nothing
    about the stored rows is told."""


def submission_owned(rows: Sequence[CheckIn], checkpoint_id: int) -> list[CheckIn]:
    """The stored rows of a replayed submission, if they belong to ``checkpoint_id``."""
    if any(row.checkpoint_id != checkpoint_id for row in rows):
        raise SubmissionConflict(
            _("Mã lần gửi này đã được dùng cho một khai báo khác. Vui lòng gửi lại với mã mới.")
        )
    return list(rows)


def household_size_check(people: int) -> None:
    """One declarant and at most ``CHECKIN_MAX_MEMBERS`` members: bounded work per request."""
    if people > settings.CHECKIN_MAX_MEMBERS + 1:
        raise ValidationError(household_size_message())


# ``{max_length}``: the placeholder DRF fills for a list's ``max_length`` error (checkpoints.api).
HOUSEHOLD_SIZE_MESSAGE = gettext_lazy(
    "Mỗi lần khai báo chỉ ghi nhận tối đa {max_length} người đi cùng; "
    "những người còn lại vui lòng khai báo riêng."
)


def household_size_message() -> str:
    return str(HOUSEHOLD_SIZE_MESSAGE).format(max_length=settings.CHECKIN_MAX_MEMBERS)
