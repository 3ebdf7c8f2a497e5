"""Capabilities of the task force's workplace and the roles that hold them (composed by
``core.roles``).

The leader assigns (a deputy only when the leader has delegated it: checked per member by the
service), the standing agency keeps the records, members propose and work their own
assignments, agencies report their software use.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.roles import Grants, Role


class TaskforceCap(models.TextChoices):
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


_READ = {TaskforceCap.TASKFORCE_VIEW, TaskforceCap.ADOPTION_VIEW}
_WORK = _READ | {TaskforceCap.TASKFORCE_PROPOSE, TaskforceCap.ASSIGNMENT_WORK}
_AGENCY = {TaskforceCap.ASSIGNMENT_WORK, TaskforceCap.ADOPTION_REPORT}

GRANTS: Grants = {
    Role.TASKFORCE_LEADER: _WORK
    | {
        TaskforceCap.TASKFORCE_MANAGE_MEMBERS,
        TaskforceCap.TASKFORCE_RUN_MEETINGS,
        TaskforceCap.TASKFORCE_ASSIGN,
        TaskforceCap.TASKFORCE_VIEW_ALL_WORK,
        TaskforceCap.TASKFORCE_DECIDE,
        TaskforceCap.PLATFORMS_EDIT,
    },
    Role.TASKFORCE_DEPUTY: _WORK
    | {
        TaskforceCap.TASKFORCE_RUN_MEETINGS,
        TaskforceCap.TASKFORCE_ASSIGN,
        TaskforceCap.TASKFORCE_VIEW_ALL_WORK,
    },
    # Members read all the task force's work (a 16-person body); they update only their own.
    Role.TASKFORCE_MEMBER: _WORK | {TaskforceCap.TASKFORCE_VIEW_ALL_WORK},
    Role.SECRETARIAT: _READ
    | {
        TaskforceCap.TASKFORCE_MANAGE_MEMBERS,
        TaskforceCap.TASKFORCE_RUN_MEETINGS,
        TaskforceCap.TASKFORCE_VIEW_ALL_WORK,
        TaskforceCap.PLATFORMS_EDIT,
    },
    Role.CHAIRMAN: _READ | {TaskforceCap.TASKFORCE_VIEW_ALL_WORK},
    Role.DISTRICT_OFFICIAL: set(_AGENCY),
    Role.AGENCY_OFFICER: set(_AGENCY),
}
