"""Capabilities of the epidemic-level app and the roles that hold them (composed by ``core.roles``).

Everyone steering the response sees the proposals beside the declared levels; health officials
(epidemiologists, district officials for their units) enter treatment capacity; the criteria's
thresholds are changed by the standing agency and the epidemiologists; a declared level is entered
by the officials of the People's Committee (the chairman, the secretariat, district officials for
their units); boundaries for the map by the secretariat and district officials.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.roles import Grants, Role


class EpidemicCap(models.TextChoices):
    VIEW = "epidemic.view", _("Xem cấp độ dịch đề xuất và tiêu chí")
    CAPACITY = "epidemic.capacity", _("Nhập năng lực thu dung, điều trị")
    RULES = "epidemic.rules", _("Sửa ngưỡng, tiêu chí đánh giá cấp độ dịch")
    DECLARE = "epidemic.declare", _("Nhập cấp độ dịch đã công bố")
    BOUNDARIES = "epidemic.boundaries", _("Tải ranh giới đơn vị cho bản đồ")
    COMPUTE = "epidemic.compute", _("Tính lại cấp độ dịch đề xuất")


_VIEW = {EpidemicCap.VIEW}

GRANTS: Grants = {
    Role.TASKFORCE_LEADER: _VIEW | {EpidemicCap.COMPUTE},
    Role.TASKFORCE_DEPUTY: _VIEW,
    Role.TASKFORCE_MEMBER: _VIEW,
    Role.CHAIRMAN: _VIEW | {EpidemicCap.DECLARE},
    Role.SECRETARIAT: _VIEW
    | {EpidemicCap.DECLARE, EpidemicCap.RULES, EpidemicCap.BOUNDARIES, EpidemicCap.COMPUTE},
    Role.DISTRICT_OFFICIAL: _VIEW | {EpidemicCap.CAPACITY, EpidemicCap.DECLARE, EpidemicCap.BOUNDARIES},
    Role.EPIDEMIOLOGIST: _VIEW | {EpidemicCap.CAPACITY, EpidemicCap.RULES, EpidemicCap.COMPUTE},
}
