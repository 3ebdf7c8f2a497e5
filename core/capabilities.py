"""Capabilities of the shared ``core`` app (units, organizations, people, audit, messages, scopes)
and the roles that hold them. Every app declares its own in ``<app>/capabilities.py`` in this
shape (a ``TextChoices`` and ``GRANTS``); ``core.roles`` composes them into the role table."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.apitokens import TokenScope
from core.roles import Grants, Role


class Cap(models.TextChoices):
    VIEW_UNITS = "units.view", _("Xem đơn vị hành chính")
    EDIT_POPULATION = "units.edit_population", _("Sửa dân số")
    VIEW_ORGANIZATIONS = "organizations.view", _("Xem cơ quan")
    EDIT_ORGANIZATIONS = "organizations.edit", _("Sửa cơ quan")
    VIEW_PEOPLE = "people.view", _("Xem thông tin cá nhân")
    EDIT_PEOPLE = "people.edit", _("Sửa thông tin cá nhân")
    MERGE_PEOPLE = "people.merge", _("Hợp nhất hồ sơ trùng")
    VIEW_AUDIT = "audit.view", _("Xem nhật ký")
    VIEW_MESSAGES = "messages.view", _("Xem tin đã gửi")
    MANAGE_SCOPES = "scopes.manage", _("Phân quyền phạm vi")
    MANAGE_API_TOKENS = "apitokens.manage", _("Cấp và thu hồi mã truy cập API")


_ALL_READ = {Cap.VIEW_UNITS, Cap.VIEW_ORGANIZATIONS}
_OFFICE = {Cap.EDIT_POPULATION, Cap.EDIT_ORGANIZATIONS, Cap.VIEW_AUDIT}

GRANTS: Grants = {
    Role.TASKFORCE_LEADER: _ALL_READ | _OFFICE | {Cap.VIEW_MESSAGES},
    Role.TASKFORCE_DEPUTY: _ALL_READ | _OFFICE,
    Role.TASKFORCE_MEMBER: set(_ALL_READ),
    # The standing agency manages accounts, and so the integrations' keys.
    Role.SECRETARIAT: _ALL_READ | _OFFICE | {Cap.VIEW_MESSAGES, Cap.MANAGE_SCOPES, Cap.MANAGE_API_TOKENS},
    # The chairman reads and writes nothing.
    Role.CHAIRMAN: set(_ALL_READ),
    Role.DISTRICT_OFFICIAL: _ALL_READ | {Cap.VIEW_PEOPLE, Cap.EDIT_POPULATION},
    Role.AGENCY_OFFICER: set(_ALL_READ),
    Role.EPIDEMIOLOGIST: _ALL_READ | {Cap.VIEW_PEOPLE, Cap.EDIT_PEOPLE, Cap.MERGE_PEOPLE},
    Role.LAB_STAFF: {Cap.VIEW_UNITS, Cap.VIEW_PEOPLE, Cap.EDIT_PEOPLE},
    Role.VACCINATION_STAFF: {Cap.VIEW_UNITS, Cap.VIEW_PEOPLE, Cap.EDIT_PEOPLE},
}

# API token scopes core declares (``core.apitokens``); apps add theirs in the same way.
TOKEN_SCOPES = {
    "readonly": TokenScope(
        _("Chỉ đọc danh mục (đơn vị hành chính, cơ quan)"), {Cap.VIEW_UNITS, Cap.VIEW_ORGANIZATIONS}
    ),
}
