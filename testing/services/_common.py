"""What the testing services share: who acts, the capability check, the unit-scope check."""

import datetime
import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core import rollups
from core import selectors as core_selectors
from core.actors import Actor, ApiClient, is_system, user_of
from core.models import AdministrativeUnit
from core.roles import require_capability

__all__ = ["Actor", "clean_code", "human", "in_scope", "is_system", "lab_in_scope", "recount", "require"]

require = require_capability
human = user_of

CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,39}$")


def in_scope(actor: Actor, unit: AdministrativeUnit) -> None:
    """A user acts only in the units of their scope (the system anywhere)."""
    if is_system(actor):
        return
    units = core_selectors.unit_ids_in_scope(actor)
    if units is not None and unit.pk not in units:
        raise PermissionDenied(_("Địa bàn này không thuộc phạm vi của bạn."))


def lab_in_scope(actor: Actor, lab: Any) -> None:
    """A lab system's API token acts for its own organization's labs only (docs/testing.md);
    a user for the labs in the units of their scope."""
    if isinstance(actor, ApiClient):
        if lab.organization_id is None or lab.organization_id != actor.organization_id:
            raise PermissionDenied(_("Phòng xét nghiệm này không thuộc cơ quan của mã truy cập."))
        return
    in_scope(actor, lab.unit)


def clean_code(code: str) -> str:
    """Specimen and pool codes: what the scanner typed, upper-case, 4 to 40 letters, digits, '-'."""
    value = (code or "").strip().upper()
    if not CODE.match(value):
        raise ValidationError(
            _("Mã mẫu “%(code)s” không hợp lệ: 4–40 ký tự, chỉ gồm chữ, số và dấu gạch ngang.")
            % {"code": value[:40]}
        )
    return value


def recount(rollup: str, *moments: datetime.datetime | None) -> None:
    """A write changed the figures of the local days of ``moments`` (a back-dated sample or result,
    a rejection, a pool and its result counted on its members' collection days): a day the
    roll-up may have folded already is counted again (``core.rollups.mark_stale``). Call it inside
    the writing transaction."""
    days = [timezone.localdate(m) for m in moments if m is not None]
    if days and min(days) < timezone.localdate():
        rollups.mark_stale(rollup, min(days))
