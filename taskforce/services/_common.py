"""Helpers shared by the task force's services: capability and seat checks."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from core.actors import Actor, is_system, user_of
from core.roles import require_capability, user_can
from taskforce import selectors
from taskforce.capabilities import TaskforceCap
from taskforce.models import Member

__all__ = ["Actor", "human", "is_system", "require", "user_id"]

require = require_capability
# The user to store in ``created_by``-style columns (None for the system).
human = user_of


def user_id(actor: Actor) -> int | None:
    user = user_of(actor)
    return user.pk if user is not None else None


def assigner_seat(actor: Actor) -> Member | None:
    """The seat an assignment is given from; refuses anyone but the leader or a deputy the
    leader has delegated (Decision 3019, art. 3.1: the leader assigns duties)."""
    if is_system(actor):
        return selectors.active_leader()
    seat = selectors.seat_of(actor)
    if actor.is_superuser:
        return seat or selectors.active_leader()
    refused = PermissionDenied(_("Chỉ Tổ trưởng hoặc Tổ phó được ủy quyền mới được giao nhiệm vụ."))
    if not user_can(actor, TaskforceCap.TASKFORCE_ASSIGN) or seat is None:
        raise refused
    if seat.role == Member.Role.LEADER or (seat.role == Member.Role.DEPUTY and seat.may_assign):
        return seat
    raise refused


def can_assign(user: Actor) -> bool:
    """For pages and the API: may this user give assignments? (reads only)"""
    try:
        assigner_seat(user)
    except PermissionDenied:
        return False
    return True


def is_leader(user: Actor) -> bool:
    if is_system(user) or user.is_superuser:
        return True
    seat = selectors.seat_of(user)
    return seat is not None and seat.role == Member.Role.LEADER
