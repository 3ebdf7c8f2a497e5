"""Capabilities of the checkpoints app and the roles that hold them (composed by ``core.roles``).

Agencies register checkpoints, district officials and the standing agency approve, operators
scan; everyone guiding the rollout may look; epidemiologists trace contacts.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.roles import Grants, Role


class CheckpointCap(models.TextChoices):
    VIEW_CHECKPOINTS = "checkpoints.view", _("Xem điểm kiểm dịch")
    REGISTER_CHECKPOINTS = "checkpoints.register", _("Đăng ký điểm kiểm dịch")
    APPROVE_CHECKPOINTS = "checkpoints.approve", _("Duyệt điểm kiểm dịch")
    OPERATE_CHECKPOINTS = "checkpoints.operate", _("Quét mã, nhập tờ khai tại điểm kiểm dịch")
    TRACE_CONTACTS = "contacts.trace", _("Truy vết")


_VIEW = {CheckpointCap.VIEW_CHECKPOINTS}
_REGISTER = _VIEW | {CheckpointCap.REGISTER_CHECKPOINTS}

GRANTS: Grants = {
    Role.TASKFORCE_LEADER: _VIEW,
    Role.TASKFORCE_DEPUTY: _VIEW,
    Role.TASKFORCE_MEMBER: _VIEW,
    Role.CHAIRMAN: _VIEW,
    Role.SECRETARIAT: _REGISTER | {CheckpointCap.APPROVE_CHECKPOINTS},
    Role.DISTRICT_OFFICIAL: _REGISTER | {CheckpointCap.APPROVE_CHECKPOINTS},
    Role.AGENCY_OFFICER: _REGISTER,
    Role.EPIDEMIOLOGIST: _VIEW | {CheckpointCap.TRACE_CONTACTS},
    Role.CHECKPOINT_OPERATOR: {CheckpointCap.OPERATE_CHECKPOINTS},
}
