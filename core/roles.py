"""The real roles of the task force's work, as auth groups, and what each may do.

Groups are created by a migration (``core/migrations/0002_roles_and_audit_guard.py``). Capabilities are
checked in one place (``user_can``) by views, APIs and the admin alike.
"""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


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


class Cap(models.TextChoices):
    """Capabilities. A role grants a set of them; superusers have all."""

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
    TRACE_CONTACTS = "contacts.trace", _("Truy vết")
    VIEW_REPORTS = "reports.view", _("Xem, tải báo cáo")
    REQUEST_REPORTS = "reports.request", _("Yêu cầu tạo báo cáo")
    MANAGE_REPORT_RECIPIENTS = "reports.recipients", _("Quản lý người nhận báo cáo")
    VIEW_CHECKPOINTS = "checkpoints.view", _("Xem điểm kiểm dịch")
    REGISTER_CHECKPOINTS = "checkpoints.register", _("Đăng ký điểm kiểm dịch")
    APPROVE_CHECKPOINTS = "checkpoints.approve", _("Duyệt điểm kiểm dịch")
    OPERATE_CHECKPOINTS = "checkpoints.operate", _("Quét mã, nhập tờ khai tại điểm kiểm dịch")
    # Task force workplace (taskforce app).
    TASKFORCE_VIEW = "taskforce.view", _("Xem hoạt động Tổ công nghệ")
    TASKFORCE_MANAGE_MEMBERS = "taskforce.manage_members", _("Quản lý quyết định, thành viên Tổ")
    TASKFORCE_RUN_MEETINGS = "taskforce.run_meetings", _("Tổ chức cuộc họp, ghi biên bản")
    TASKFORCE_ASSIGN = "taskforce.assign", _("Giao nhiệm vụ")
    TASKFORCE_VIEW_ALL_WORK = "taskforce.view_all_work", _("Xem mọi nhiệm vụ, đề xuất")
    TASKFORCE_PROPOSE = "taskforce.propose", _("Gửi đề xuất, kiến nghị")
    TASKFORCE_DECIDE = "taskforce.decide", _("Xử lý đề xuất, kiến nghị")
    ASSIGNMENT_WORK = "taskforce.work_assignments", _("Cập nhật nhiệm vụ được giao")
    ADOPTION_VIEW = "adoption.view", _("Xem tình hình sử dụng phần mềm")
    ADOPTION_REPORT = "adoption.report", _("Báo cáo tình hình sử dụng phần mềm")
    PLATFORMS_EDIT = "adoption.edit_platforms", _("Quản lý danh mục nền tảng")
    # EU Digital COVID Certificates (certificates app).
    CERTIFICATES_VERIFY = "certificates.verify", _("Kiểm tra chứng nhận COVID-19 (trang cán bộ)")
    CERTIFICATES_ISSUE = "certificates.issue", _("Cấp, thu hồi chứng nhận COVID-19")
    CERTIFICATES_MANAGE_TRUST_LIST = (
        "certificates.manage_trust_list",
        _("Quản lý danh sách chứng chỉ ký tin cậy"),
    )


_ALL_READ = {Cap.VIEW_UNITS, Cap.VIEW_ORGANIZATIONS}
_REPORTS = {Cap.VIEW_REPORTS, Cap.REQUEST_REPORTS}

ROLE_CAPABILITIES: dict[str, set[str]] = {
    Role.TASKFORCE_LEADER: _ALL_READ
    | _REPORTS
    | {
        Cap.EDIT_POPULATION,
        Cap.EDIT_ORGANIZATIONS,
        Cap.VIEW_AUDIT,
        Cap.VIEW_MESSAGES,
        Cap.MANAGE_REPORT_RECIPIENTS,
    },
    Role.TASKFORCE_DEPUTY: _ALL_READ
    | _REPORTS
    | {Cap.EDIT_POPULATION, Cap.EDIT_ORGANIZATIONS, Cap.VIEW_AUDIT},
    Role.TASKFORCE_MEMBER: _ALL_READ | {Cap.VIEW_REPORTS},
    Role.SECRETARIAT: _ALL_READ
    | _REPORTS
    | {
        Cap.EDIT_POPULATION,
        Cap.EDIT_ORGANIZATIONS,
        Cap.VIEW_AUDIT,
        Cap.VIEW_MESSAGES,
        Cap.MANAGE_SCOPES,
        Cap.MANAGE_REPORT_RECIPIENTS,
    },
    # The chairman reads reports and writes nothing.
    Role.CHAIRMAN: _ALL_READ | {Cap.VIEW_REPORTS},
    Role.DISTRICT_OFFICIAL: _ALL_READ | {Cap.VIEW_PEOPLE, Cap.EDIT_POPULATION},
    Role.AGENCY_OFFICER: set(_ALL_READ),
    Role.EPIDEMIOLOGIST: _ALL_READ | {Cap.VIEW_PEOPLE, Cap.EDIT_PEOPLE, Cap.MERGE_PEOPLE, Cap.TRACE_CONTACTS},
    Role.CHECKPOINT_OPERATOR: set(),
    Role.LAB_STAFF: {Cap.VIEW_UNITS, Cap.VIEW_PEOPLE, Cap.EDIT_PEOPLE},
    Role.VACCINATION_STAFF: {Cap.VIEW_UNITS, Cap.VIEW_PEOPLE, Cap.EDIT_PEOPLE},
}

# Checkpoints (issue 5): agencies register, district officials and the standing agency approve,
# operators scan; everyone guiding the rollout may look.
_CHECKPOINT_CAPS: dict[str, set[str]] = {
    Role.TASKFORCE_LEADER: {Cap.VIEW_CHECKPOINTS},
    Role.TASKFORCE_DEPUTY: {Cap.VIEW_CHECKPOINTS},
    Role.TASKFORCE_MEMBER: {Cap.VIEW_CHECKPOINTS},
    Role.CHAIRMAN: {Cap.VIEW_CHECKPOINTS},
    Role.SECRETARIAT: {Cap.VIEW_CHECKPOINTS, Cap.REGISTER_CHECKPOINTS, Cap.APPROVE_CHECKPOINTS},
    Role.DISTRICT_OFFICIAL: {Cap.VIEW_CHECKPOINTS, Cap.REGISTER_CHECKPOINTS, Cap.APPROVE_CHECKPOINTS},
    Role.AGENCY_OFFICER: {Cap.VIEW_CHECKPOINTS, Cap.REGISTER_CHECKPOINTS},
    Role.EPIDEMIOLOGIST: {Cap.VIEW_CHECKPOINTS},
    Role.CHECKPOINT_OPERATOR: {Cap.OPERATE_CHECKPOINTS},
}
for _role, _caps in _CHECKPOINT_CAPS.items():
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | _caps
# Task force workplace (taskforce app). The leader assigns (a deputy only when the leader has
# delegated it: checked per member by the service), the standing agency keeps the records,
# members propose and work their own assignments, agencies report their software use.
_TF_READ = {Cap.TASKFORCE_VIEW, Cap.ADOPTION_VIEW}
_TF_WORK = _TF_READ | {Cap.TASKFORCE_PROPOSE, Cap.ASSIGNMENT_WORK}
ROLE_CAPABILITIES[Role.TASKFORCE_LEADER] |= _TF_WORK | {
    Cap.TASKFORCE_MANAGE_MEMBERS,
    Cap.TASKFORCE_RUN_MEETINGS,
    Cap.TASKFORCE_ASSIGN,
    Cap.TASKFORCE_VIEW_ALL_WORK,
    Cap.TASKFORCE_DECIDE,
    Cap.PLATFORMS_EDIT,
}
ROLE_CAPABILITIES[Role.TASKFORCE_DEPUTY] |= _TF_WORK | {
    Cap.TASKFORCE_RUN_MEETINGS,
    Cap.TASKFORCE_ASSIGN,
    Cap.TASKFORCE_VIEW_ALL_WORK,
}
# Members read all the task force's work (a 16-person body); they update only their own.
ROLE_CAPABILITIES[Role.TASKFORCE_MEMBER] |= _TF_WORK | {Cap.TASKFORCE_VIEW_ALL_WORK}
ROLE_CAPABILITIES[Role.SECRETARIAT] |= _TF_READ | {
    Cap.TASKFORCE_MANAGE_MEMBERS,
    Cap.TASKFORCE_RUN_MEETINGS,
    Cap.TASKFORCE_VIEW_ALL_WORK,
    Cap.PLATFORMS_EDIT,
}
ROLE_CAPABILITIES[Role.CHAIRMAN] |= _TF_READ | {Cap.TASKFORCE_VIEW_ALL_WORK}
ROLE_CAPABILITIES[Role.DISTRICT_OFFICIAL] |= {Cap.ASSIGNMENT_WORK, Cap.ADOPTION_REPORT}
ROLE_CAPABILITIES[Role.AGENCY_OFFICER] |= {Cap.ASSIGNMENT_WORK, Cap.ADOPTION_REPORT}

# --- Certificates (certificates app) ---------------------------------------------------------
# Labs and vaccination teams issue (and revoke what they issued); the task force's leadership
# keeps the trust list; everyone may use the staff verification page (the public one needs none).
for _role in Role.values:
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | {Cap.CERTIFICATES_VERIFY}
for _role in (Role.LAB_STAFF, Role.VACCINATION_STAFF):
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | {Cap.CERTIFICATES_ISSUE}
for _role in (Role.TASKFORCE_LEADER, Role.SECRETARIAT):
    ROLE_CAPABILITIES[_role] = ROLE_CAPABILITIES[_role] | {Cap.CERTIFICATES_MANAGE_TRUST_LIST}

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
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_portal_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._portal_roles = cached
    return cached


def user_has_role(user: Any, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def user_can(user: Any, capability: str) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(capability in ROLE_CAPABILITIES.get(role, set()) for role in user_roles(user))


def require_capability(actor: Any, capability: str) -> None:
    """The check every service starts with. ``actor=None`` is the system (tasks, migrations,
    management commands run by the operator); a human actor must hold the capability."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    if actor is not None and not user_can(actor, capability):
        raise PermissionDenied(_("Bạn không có quyền thực hiện thao tác này."))


# Capabilities that read personal data: a role holding one is granted only by someone else,
# audited and notified (core.services.accounts.user_roles_set).
PERSONAL_DATA_CAPS = frozenset(
    {Cap.VIEW_PEOPLE, Cap.EDIT_PEOPLE, Cap.MERGE_PEOPLE, Cap.TRACE_CONTACTS, Cap.CERTIFICATES_ISSUE}
)


def personal_data_roles() -> set[str]:
    """Roles whose capabilities read personal data (derived from ROLE_CAPABILITIES)."""
    return {str(role) for role, caps in ROLE_CAPABILITIES.items() if set(caps) & PERSONAL_DATA_CAPS}
