"""Capabilities of the vaccination app and the roles that hold them (composed by ``core.roles``).

Vaccination staff run their sites (stock, sessions, screening, doses); the task force and the
district officials guiding the rollout look at sites, sessions and stock; the standing agency
keeps the vaccine catalogue (products, lots, recalls) and the sites.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.apitokens import TokenScope
from core.capabilities import Cap
from core.roles import Grants, Role


class VaccinationCap(models.TextChoices):
    VIEW = "vaccination.view", _("Xem điểm tiêm, buổi tiêm, tồn kho vắc xin")
    MANAGE_CATALOGUE = "vaccination.manage_catalogue", _("Quản lý danh mục vắc xin, lô, điểm tiêm")
    MANAGE_STOCK = "vaccination.manage_stock", _("Nhập, chuyển, hủy vắc xin tại điểm tiêm")
    RUN_SESSIONS = "vaccination.run_sessions", _("Tổ chức buổi tiêm, đăng ký tiêm cho người dân")
    ADMINISTER = "vaccination.administer", _("Khám sàng lọc, ghi nhận mũi tiêm")


_VIEW = {VaccinationCap.VIEW}
_STAFF = _VIEW | {
    VaccinationCap.MANAGE_STOCK,
    VaccinationCap.RUN_SESSIONS,
    VaccinationCap.ADMINISTER,
}

GRANTS: Grants = {
    Role.TASKFORCE_LEADER: _VIEW,
    Role.TASKFORCE_DEPUTY: _VIEW,
    Role.TASKFORCE_MEMBER: _VIEW,
    Role.CHAIRMAN: _VIEW,
    Role.SECRETARIAT: _VIEW | {VaccinationCap.MANAGE_CATALOGUE},
    Role.DISTRICT_OFFICIAL: _VIEW | {VaccinationCap.RUN_SESSIONS},
    Role.VACCINATION_STAFF: _STAFF,
}

# API token scopes of the integrations (docs/vaccination.md, "API"): a token acts for its own
# organization's sites only (``selectors._scoped``). Reading names in full and registering
# people are personal data: separate scopes, granted on purpose.
TOKEN_SCOPES = {
    "vaccination:read": TokenScope(
        _("Tiêm chủng: xem điểm tiêm, buổi tiêm, lịch hẹn, mũi tiêm, phản ứng sau tiêm (tên che bớt)"),
        {VaccinationCap.VIEW},
    ),
    "vaccination.people:read": TokenScope(
        _("Tiêm chủng: xem đầy đủ họ tên người được tiêm"), {VaccinationCap.VIEW, Cap.VIEW_PEOPLE}
    ),
    "vaccination.appointments:write": TokenScope(
        _("Tiêm chủng: đăng ký người dân, đặt lịch tiêm"),
        {VaccinationCap.VIEW, VaccinationCap.RUN_SESSIONS, Cap.EDIT_PEOPLE},
    ),
    "vaccination.doses:write": TokenScope(
        _("Tiêm chủng: ghi nhận khám sàng lọc, mũi tiêm, phản ứng sau tiêm"),
        {VaccinationCap.VIEW, VaccinationCap.ADMINISTER},
    ),
}
