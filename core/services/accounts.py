"""User accounts: scopes, saves and roles."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit
from core.capabilities import Cap
from core.models import (
    AdministrativeUnit,
    Organization,
    UserScope,
)
from core.roles import STAFF_ROLES, Role
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


def user_save(*, actor: Actor, user: Any, created: bool, changed: Iterable[str] = ()) -> Any:
    """Saves an account (admin form or demo data) and logs it; roles follow the groups.

    Holders of officials' roles get admin access (is_staff); others lose it unless superuser.
    """
    require(actor, Cap.MANAGE_SCOPES)
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
    from django.contrib.auth.models import Group

    require(actor, Cap.MANAGE_SCOPES)
    roles = sorted(set(roles))
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValidationError(_("Vai trò không tồn tại: %(roles)s.") % {"roles": ", ".join(sorted(unknown))})
    with transaction.atomic():
        # Roles are defined in code (core.roles.Role); their groups are created by migration,
        # and re-created here if missing (e.g. a database flushed by a test run).
        user.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
        is_staff = user.is_superuser or bool(set(roles) & {str(r) for r in STAFF_ROLES})
        if user.is_staff != is_staff:
            user.is_staff = is_staff
            user.save(update_fields=["is_staff"])
        audit(actor=actor, action="user.roles_set", target=user, details={"roles": roles})
    user.__dict__.pop("_portal_roles", None)
    return user
