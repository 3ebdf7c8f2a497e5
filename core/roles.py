"""The real roles of the task force's work, as auth groups, and what each may do.

Groups are created by a migration (``core/migrations/0002_roles_and_audit_guard.py``). Capabilities are
declared by their apps (``<app>/capabilities.py``), composed here, and checked in one place
(``user_can``) by views, APIs and the admin alike.
"""

import functools
import importlib
import importlib.util
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.actors import ApiClient
from core.apitokens import scope_capabilities


class Role(models.TextChoices):
    TASKFORCE_LEADER = "taskforce_leader", _("Tổ trưởng Tổ công nghệ")
    TASKFORCE_DEPUTY = "taskforce_deputy", _("Tổ phó Tổ công nghệ")
    TASKFORCE_MEMBER = "taskforce_member", _("Thành viên Tổ công nghệ")
    SECRETARIAT = "secretariat", _("Bộ phận thường trực (Sở TT&TT)")
    CHAIRMAN = "chairman", _("Chủ tịch UBND tỉnh")
    DISTRICT_OFFICIAL = "district_official", _("Cán bộ UBND huyện/xã")
    AGENCY_OFFICER = "agency_officer", _("Cán bộ cơ quan, đơn vị")
    EPIDEMIOLOGIST = "epidemiologist", _("Cán bộ dịch tễ (truy vết)")
    CHECKPOINT_OPERATOR = "checkpoint_operator", _("Nhân viên điểm kiểm dịch")
    LAB_STAFF = "lab_staff", _("Nhân viên xét nghiệm")
    VACCINATION_STAFF = "vaccination_staff", _("Nhân viên tiêm chủng")


# What each role may do is declared by the app that owns the capability, in
# ``<app>/capabilities.py``: a ``TextChoices`` of capability strings and ``GRANTS`` (role ->
# capabilities). The role table is composed from every installed app that has one, once
# (``CoreConfig.ready()`` builds it; ``role_capabilities`` caches it). A new app adds its
# capabilities with that one file, without editing core.
CAPABILITIES_MODULE = "capabilities"
# What an app's ``GRANTS`` maps: role -> the capabilities the role holds.
Grants = Mapping[str, AbstractSet[str]]


def _app_capability_modules() -> list[Any]:
    from django.apps import apps

    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.{CAPABILITIES_MODULE}"
        if importlib.util.find_spec(name) is not None:
            found.append(importlib.import_module(name))
    return found


def compose(modules: Iterable[Any]) -> dict[str, frozenset[str]]:
    """The role table from the apps' ``GRANTS``; refuses an unknown role, a grant of a capability
    no app declares, and a capability string two apps both declare (their checks would merge)."""
    owner: dict[str, str] = {}
    table: dict[str, set[str]] = {role: set() for role in Role.values}
    for module in modules:
        for choices in _choices_of(module):
            for value in choices.values:
                if owner.setdefault(value, module.__name__) != module.__name__:
                    raise ImproperlyConfigured(
                        f"capability {value!r} declared by both {owner[value]} and {module.__name__}"
                    )
        for role, caps in module.GRANTS.items():
            if role not in table:
                raise ImproperlyConfigured(f"{module.__name__}.GRANTS names an unknown role {role!r}")
            table[role] |= {str(cap) for cap in caps}
    undeclared = set().union(*table.values()) - set(owner)
    if undeclared:  # a typo in a grant would otherwise grant nothing, silently
        raise ImproperlyConfigured(f"capabilities granted but declared by no app: {sorted(undeclared)}")
    return {role: frozenset(caps) for role, caps in table.items()}


def _choices_of(module: Any) -> list[type[models.TextChoices]]:
    return [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, models.TextChoices)
        and value.__module__ == module.__name__
    ]


@functools.cache
def role_capabilities() -> dict[str, frozenset[str]]:
    return compose(_app_capability_modules())


# Roles whose holders use the Django admin (is_staff is set by the demo data and scope service).
STAFF_ROLES = {
    Role.TASKFORCE_LEADER,
    Role.TASKFORCE_DEPUTY,
    Role.TASKFORCE_MEMBER,
    Role.SECRETARIAT,
    Role.CHAIRMAN,
    Role.DISTRICT_OFFICIAL,
    Role.AGENCY_OFFICER,
    Role.EPIDEMIOLOGIST,
    Role.LAB_STAFF,
    Role.VACCINATION_STAFF,
}


def user_roles(user: Any) -> set[str]:
    if not user.is_authenticated or user.pk is None:  # visitors, the system, API tokens
        return set()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._portal_roles = cached
    return cached


def user_has_role(user: Any, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def user_can(user: Any, capability: str) -> bool:
    if isinstance(user, ApiClient):  # an integration: only what its token's scopes grant
        return capability in scope_capabilities(user.scopes)
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    table = role_capabilities()
    return any(capability in table.get(role, ()) for role in user_roles(user))


def require_capability(actor: Any, capability: str) -> None:
    """The check every service starts with. A ``SystemActor`` (a task, a command, demo data) passes;
    a user must hold the capability; a ``Visitor`` holds none. ``None`` is refused: a caller that
    forgets who acts must not run unchecked (``core.actors``)."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    from core.actors import is_system

    if is_system(actor):  # raises ActorMissing for None
        return
    if not user_can(actor, capability):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


# Capabilities that read personal data: a role holding one is granted only by someone else,
# audited and notified (core.services.accounts.user_roles_set). Named by their strings: core
# imports no app (people.*: core; contacts.trace: checkpoints; certificates.issue: certificates).
PERSONAL_DATA_CAPS = frozenset(
    {"people.view", "people.edit", "people.merge", "contacts.trace", "certificates.issue"}
)


def personal_data_roles() -> set[str]:
    """Roles whose capabilities read personal data (derived from the composed role table)."""
    return {str(role) for role, caps in role_capabilities().items() if set(caps) & PERSONAL_DATA_CAPS}
