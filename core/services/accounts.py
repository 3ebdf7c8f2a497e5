"""User accounts: scopes, saves and roles."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.actors import user_of
from core.audit import audit
from core.capabilities import Cap
from core.models import (
    AdministrativeUnit,
    Organization,
    OutboundMessage,
    UserScope,
)
from core.roles import STAFF_ROLES, Role, personal_data_roles
from core.services._common import Actor, require


def user_scope_set(
    *,
    actor: Actor,
    user: Any,
    province_wide: bool,
    units: Iterable[AdministrativeUnit] = (),
    organizations: Iterable[Organization] = (),
) -> UserScope:
    require(actor, Cap.MANAGE_SCOPES)
    units = list(units)
    organizations = list(organizations)
    with transaction.atomic():
        scope, _created = UserScope.objects.get_or_create(user=user)
        scope.province_wide = province_wide
        scope.save()
        scope.units.set(units)
        scope.organizations.set(organizations)
        audit(
            actor=actor,
            action="scope.set",
            target=scope,
            details={
                "user_id": user.pk,
                "province_wide": province_wide,
                "unit_ids": [u.pk for u in units],
                "organization_ids": [o.pk for o in organizations],
            },
        )
    for attr in ("_portal_scope", "_portal_unit_ids"):
        user.__dict__.pop(attr, None)
    return scope


# Fields of an account its holder may not change on their own.
GUARDED_FIELDS = frozenset({"groups", "is_superuser", "is_staff", "user_permissions"})


def _is_self(actor: Actor, user: Any) -> bool:
    return actor is not None and getattr(actor, "pk", None) is not None and actor.pk == user.pk


def _refuse_self_grant() -> None:
    raise PermissionDenied(
        _("Không ai được tự cấp vai trò cho chính mình: nhờ một cán bộ khác có quyền phân quyền thực hiện.")
    )


def _notify_granted(actor: Actor, user: Any, roles: list[str]) -> bool:
    """Tells the person that roles reading personal data were granted to them (e-mail)."""
    from core.services.messages import message_send

    if not user.email:
        return False
    labels = ", ".join(str(Role(role).label) for role in roles)
    granter = user_of(actor).get_username() if user_of(actor) is not None else _("hệ thống")
    message_send(
        actor=actor,
        channel=OutboundMessage.Channel.EMAIL,
        recipient=user.email,
        subject=_("Tài khoản của bạn được cấp vai trò mới"),
        body=_(
            "Tài khoản %(username)s vừa được %(granter)s cấp vai trò: %(roles)s. "
            "Các vai trò này cho phép xem thông tin cá nhân. Nếu bạn không yêu cầu, hãy báo ngay "
            "cho bộ phận thường trực."
        )
        % {"username": user.get_username(), "granter": granter, "roles": labels},
        purpose="role.grant",
    )
    return True


def user_save(*, actor: Actor, user: Any, created: bool, changed: Iterable[str] = ()) -> Any:
    """Saves an account (admin form or demo data) and logs it; roles follow the groups.

    Holders of officials' roles get admin access (is_staff); others lose it unless superuser.
    """
    require(actor, Cap.MANAGE_SCOPES)
    if not created and _is_self(actor, user) and GUARDED_FIELDS & set(changed):
        _refuse_self_grant()
    with transaction.atomic():
        user.save()
        audit(
            actor=actor,
            action="user.create" if created else "user.update",
            target=user,
            details={"fields": sorted(changed)},
        )
    return user


def user_roles_set(*, actor: Actor, user: Any, roles: Iterable[str]) -> Any:
    """Sets an account's roles. Nobody adds a role to their own account; a role that reads
    personal data is audited as a grant and its holder is notified."""
    from django.contrib.auth.models import Group

    require(actor, Cap.MANAGE_SCOPES)
    roles = sorted(set(roles))
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationError(_("Vai trò không tồn tại: %(roles)s.") % {"roles": ", ".join(sorted(unknown))})
    held = set(user.groups.values_list("name", flat=True)) if user.pk else set()
    added = sorted(set(roles) - held)
    if added and _is_self(actor, user):
        _refuse_self_grant()
    sensitive = sorted(set(added) & personal_data_roles())
    with transaction.atomic():
        # Roles are defined in code (core.roles.Role); their groups are created by migration,
        # and re-created here if missing (e.g. a database flushed by a test run).
        user.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
        is_staff = user.is_superuser or bool(set(roles) & {str(r) for r in STAFF_ROLES})
        if user.is_staff != is_staff:
            user.is_staff = is_staff
            user.save(update_fields=["is_staff"])
        # A grant of a role reading personal data is told to its holder (the message is audited
        # by message_send) and recorded with the roles it added.
        notified = _notify_granted(actor, user, sensitive) if sensitive else False
        details: dict[str, Any] = {"roles": roles}
        if sensitive:
            details.update(granted=sensitive, notified=notified)
        audit(actor=actor, action="user.roles_set", target=user, details=details)
    user.__dict__.pop("_portal_roles", None)
    return user
