"""Capabilities of the testing app and the roles that hold them (composed by ``core.roles``).

Lab staff collect samples at the sites and work in the lab (no separate collector role: the
sampling teams are the lab's and the health centres' staff); district officials and the
epidemiologists set up sites, labs and campaigns; epidemiologists manage cases and their F1s;
those guiding the response see progress and positivity.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from core.apitokens import TokenScope
from core.roles import Grants, Role


class TestingCap(models.TextChoices):
    VIEW = "testing.view", _("Xem tiến độ và kết quả xét nghiệm")
    MANAGE = "testing.manage", _("Quản lý điểm lấy mẫu, phòng xét nghiệm, đợt xét nghiệm")
    COLLECT = "testing.collect", _("Lấy mẫu xét nghiệm")
    LAB = "testing.lab", _("Nhận mẫu, nhập kết quả xét nghiệm")
    CASES = "testing.cases", _("Quản lý ca bệnh và F1")


_VIEW = {TestingCap.VIEW}

GRANTS: Grants = {
    Role.TASKFORCE_LEADER: _VIEW,
    Role.TASKFORCE_DEPUTY: _VIEW,
    Role.TASKFORCE_MEMBER: _VIEW,
    Role.CHAIRMAN: _VIEW,
    Role.SECRETARIAT: _VIEW,
    Role.DISTRICT_OFFICIAL: _VIEW | {TestingCap.MANAGE},
    Role.EPIDEMIOLOGIST: _VIEW | {TestingCap.MANAGE, TestingCap.CASES},
    Role.LAB_STAFF: _VIEW | {TestingCap.COLLECT, TestingCap.LAB},
}

# API token scopes of a lab system (docs/testing.md, "The lab system API"): its token acts for
# its own organization's labs only (``selectors.labs_visible_to``).
TOKEN_SCOPES = {
    "testing.samples:read": TokenScope(_("Phòng xét nghiệm: xem mẫu chờ kết quả"), {TestingCap.VIEW}),
    "testing.results:write": TokenScope(
        _("Phòng xét nghiệm: nhận mẫu, gộp mẫu, gửi kết quả xét nghiệm"), {TestingCap.LAB}
    ),
}
