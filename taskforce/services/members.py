"""Founding decisions, seats, delegation, calendar tokens; task-force roles follow seats."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit
from core.models import Organization
from core.roles import STAFF_ROLES, Role
from taskforce import selectors
from taskforce.capabilities import TaskforceCap
from taskforce.models import Decision, Member
from taskforce.models.members import new_calendar_token
from taskforce.services._common import Actor, is_leader, is_system, require, user_id

# Seat role -> auth group ("task-force roles follow active membership").
SEAT_GROUPS: dict[str, str] = {
    Member.Role.LEADER: Role.TASKFORCE_LEADER,
    Member.Role.DEPUTY: Role.TASKFORCE_DEPUTY,
    Member.Role.MEMBER: Role.TASKFORCE_MEMBER,
    Member.Role.SUPPORT: Role.TASKFORCE_MEMBER,
}
TASKFORCE_GROUPS = {str(r) for r in (Role.TASKFORCE_LEADER, Role.TASKFORCE_DEPUTY, Role.TASKFORCE_MEMBER)}


def decision_record(
    *,
    actor: Actor,
    title: str,
    number: str = "",
    kind: str = Decision.Kind.FOUNDING,
    signed_on: datetime.date | None = None,
    signer_name: str = "",
    signer_title: str = "",
    effective_from: datetime.date | None = None,
    notes: str = "",
    document: UploadedFile | None = None,
) -> Decision:
    require(actor, TaskforceCap.TASKFORCE_MANAGE_MEMBERS)
    decision = Decision(
        title=title.strip(),
        number=number.strip(),
        kind=kind,
        signed_on=signed_on,
        signer_name=signer_name.strip(),
        signer_title=signer_title.strip(),
        effective_from=effective_from,
        notes=notes,
    )
    if document is not None:
        decision.document = document
    decision.full_clean()
    with transaction.atomic():
        decision.save()
        audit(actor=actor, action="decision.record", target=decision)
    return decision


def _sync_roles(user: Any, on: datetime.date) -> list[str] | None:
    """Sets the user's task-force groups to what their active seat says; other roles stay.
    Returns the new role list when it changed (for the caller's audit row), else None."""
    seat = Member.objects.active_on(on).filter(user=user).first()
    current = set(user.groups.values_list("name", flat=True))
    wanted = (current - TASKFORCE_GROUPS) | ({str(SEAT_GROUPS[seat.role])} if seat else set())
    if wanted == current:
        return None
    user.groups.set(Group.objects.filter(name__in=wanted))
    is_staff = user.is_superuser or bool(wanted & {str(r) for r in STAFF_ROLES})
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_portal_roles", None)
    user.__dict__.pop("_taskforce_seats", None)
    return sorted(wanted)


def _sync_users(users: Iterable[Any], on: datetime.date | None = None) -> dict[str, list[str]]:
    day = on or selectors.today()
    changed = {}
    for user in {u.pk: u for u in users if u is not None}.values():
        roles = _sync_roles(user, day)
        if roles is not None:
            changed[str(user.pk)] = roles
    return changed


MEMBER_FIELDS = (
    "full_name",
    "honorific",
    "organization",
    "position_title",
    "role",
    "responsibilities",
    "phone",
    "email",
    "contact_is_demo",
    "user",
    "order",
)


def member_appoint(
    *,
    actor: Actor,
    decision: Decision | None,
    active_from: datetime.date,
    full_name: str,
    organization: Organization,
    position_title: str,
    role: str,
    **fields: Any,
) -> Member:
    """Adds a seat, from the decision that appoints it; a linked account gets the role's group."""
    require(actor, TaskforceCap.TASKFORCE_MANAGE_MEMBERS)
    unknown = set(fields) - set(MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"unknown member fields: {sorted(unknown)}")
    member = Member(
        appointed_by=decision,
        active_from=active_from,
        full_name=" ".join(full_name.split()),
        organization=organization,
        position_title=position_title.strip(),
        role=role,
        **fields,
    )
    member.full_clean()
    _check_seat(member)
    with transaction.atomic():
        member.save()
        roles = _sync_users([member.user])
        audit(
            actor=actor,
            action="member.appoint",
            target=member,
            details={"decision_id": decision.pk if decision else None, "role": role, "roles_changed": roles},
        )
    return member


def _check_seat(member: Member) -> None:
    open_seats = Member.objects.filter(active_to__isnull=True).exclude(pk=member.pk)
    if (
        member.active_to is None
        and member.role == Member.Role.LEADER
        and open_seats.filter(role=Member.Role.LEADER).exists()
    ):
        raise ValidationError(_("Tổ đã có Tổ trưởng; hãy kết thúc nhiệm kỳ của Tổ trưởng cũ trước."))
    if member.user_id and member.active_to is None and open_seats.filter(user_id=member.user_id).exists():
        raise ValidationError(_("Tài khoản này đã gắn với một thành viên khác của Tổ."))


def member_update(*, actor: Actor, member: Member, **fields: Any) -> Member:
    """Changes a seat's details (contact, responsibilities, linked account...)."""
    require(actor, TaskforceCap.TASKFORCE_MANAGE_MEMBERS)
    unknown = set(fields) - set(MEMBER_FIELDS)
    if unknown:
        raise TypeError(f"unknown member fields: {sorted(unknown)}")
    previous_user = member.user
    for name, value in fields.items():
        setattr(member, name, value)
    member.full_clean()
    _check_seat(member)
    with transaction.atomic():
        member.save()
        roles = _sync_users([previous_user, member.user])
        audit(
            actor=actor,
            action="member.update",
            target=member,
            details={"fields": sorted(fields), "roles_changed": roles},
        )
    return member


def member_end(
    *, actor: Actor, member: Member, active_to: datetime.date, decision: Decision | None = None
) -> Member:
    """Ends a seat (a later decision changed the membership); the account loses the role."""
    require(actor, TaskforceCap.TASKFORCE_MANAGE_MEMBERS)
    if active_to < member.active_from:
        raise ValidationError(_("Ngày kết thúc không được trước ngày bắt đầu."))
    with transaction.atomic():
        member.active_to = active_to
        member.ended_by = decision
        member.save(update_fields=["active_to", "ended_by"])
        roles = _sync_users([member.user])
        audit(
            actor=actor,
            action="member.end",
            target=member,
            details={"decision_id": decision.pk if decision else None, "roles_changed": roles},
        )
    return member


def member_delegate(*, actor: Actor, member: Member, may_assign: bool) -> Member:
    """The leader lets a deputy give assignments in their name (or takes it back)."""
    if not is_leader(actor):
        raise PermissionDenied(_("Chỉ Tổ trưởng được ủy quyền giao nhiệm vụ."))
    if may_assign and member.role != Member.Role.DEPUTY:
        raise ValidationError(_("Chỉ Tổ phó được ủy quyền giao nhiệm vụ."))
    with transaction.atomic():
        member.may_assign = may_assign
        member.save(update_fields=["may_assign"])
        audit(actor=actor, action="member.delegate", target=member, details={"may_assign": may_assign})
    return member


def member_calendar_token_reset(*, actor: Actor, member: Member) -> Member:
    """Revokes a member's calendar feed URL and issues a new one."""
    own = not is_system(actor) and member.user_id == user_id(actor)
    if not is_system(actor) and not own:
        require(actor, TaskforceCap.TASKFORCE_MANAGE_MEMBERS)
    with transaction.atomic():
        member.calendar_token = new_calendar_token()
        member.save(update_fields=["calendar_token"])
        audit(actor=actor, action="member.calendar_token_reset", target=member)
    return member


def member_roles_sync(*, actor: Actor, on: datetime.date | None = None) -> dict[str, list[str]]:
    """Daily: seats that start or end on a date change their accounts' groups that day."""
    require(actor, TaskforceCap.TASKFORCE_MANAGE_MEMBERS)
    users = get_user_model().objects.filter(taskforce_seats__isnull=False).distinct()
    with transaction.atomic():
        changed = _sync_users(users, on)
        audit(
            actor=actor,
            action="member.roles_sync",
            target=Member,
            target_ids=changed,
            details={"changed": changed},
        )
    return changed
