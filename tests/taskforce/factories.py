"""A small task force built through the services, for the taskforce tests."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from core import services as core_services
from core.models import AdministrativeUnit, Organization
from core.roles import Role
from taskforce import services
from taskforce.models import Assignment, Conclusion, Decision, Meeting, Member, Proposal
from tests.actors import SYSTEM

FOUNDED = datetime.date(2021, 8, 10)


@dataclass
class TaskForce:
    decision: Decision
    sttt: Organization
    syt: Organization
    district_org: Organization
    leader: Member
    deputy: Member
    member: Member
    users: dict[str, Any]
    meeting: Meeting | None = None
    conclusion: Conclusion | None = None
    assignment: Assignment | None = None
    proposal: Proposal | None = None


def org(name: str, unit: AdministrativeUnit, kind: str = "department", **kw: Any) -> Organization:
    found = Organization.objects.filter(name=name, unit=unit).first()
    return found or core_services.organization_create(actor=SYSTEM, name=name, kind=kind, unit=unit, **kw)


def build(
    province: AdministrativeUnit,
    district: AdministrativeUnit,
    users: dict[str, Any] | None = None,
    make_user: Any = None,
    with_work: bool = True,
) -> TaskForce:
    """Leader, deputy and member seats linked to accounts of those roles; with ``with_work``,
    a meeting with a conclusion, an assignment to the district's committee, a proposal."""
    sttt = org(
        "Sở Thông tin và Truyền thông",
        province,
        is_standing_agency=True,
        contact_email="sttt@example.invalid",
    )
    syt = org("Sở Y tế", province)
    district_org = org("UBND huyện Đông Sơn", district, kind="committee", contact_email="ds@example.invalid")
    if users is None:
        users = {
            role: make_user(role, province_wide=True)
            for role in (Role.TASKFORCE_LEADER, Role.TASKFORCE_DEPUTY, Role.TASKFORCE_MEMBER)
        }
    decision = services.decision_record(
        actor=SYSTEM, number="3019/QĐ-UBND", title="Thành lập Tổ", signed_on=FOUNDED
    )

    def seat(order: int, name: str, organization: Organization, role: str, user: Any) -> Member:
        return services.member_appoint(
            actor=SYSTEM,
            decision=decision,
            active_from=FOUNDED,
            full_name=name,
            organization=organization,
            position_title="Phó Giám đốc",
            role=role,
            email=f"seat{order}@example.invalid",
            user=user,
            order=order,
        )

    tf = TaskForce(
        decision=decision,
        sttt=sttt,
        syt=syt,
        district_org=district_org,
        leader=seat(1, "Nguyễn Văn Tước", sttt, "leader", users[Role.TASKFORCE_LEADER]),
        deputy=seat(2, "Nguyễn Bá Cẩn", syt, "deputy", users[Role.TASKFORCE_DEPUTY]),
        member=seat(3, "Đỗ Kiên", sttt, "member", users[Role.TASKFORCE_MEMBER]),
        users=users,
    )
    if with_work:
        start = timezone.now() + datetime.timedelta(days=2)
        tf.meeting = services.meeting_schedule(
            actor=SYSTEM, title="Họp giao ban", starts_at=start, ends_at=start + datetime.timedelta(hours=1)
        )
        tf.conclusion = services.meeting_conclusion_add(
            actor=SYSTEM, meeting=tf.meeting, text="Đăng ký điểm kiểm dịch"
        )
        tf.assignment = services.assignment_create(
            actor=SYSTEM,
            title="Rà soát điểm kiểm dịch",
            assignee_organization=district_org,
            due_on=timezone.localdate() + datetime.timedelta(days=7),
        )
        tf.proposal = services.proposal_submit(
            actor=users[Role.TASKFORCE_MEMBER], title="Đề xuất tổng đài", body="Mở tổng đài hỗ trợ"
        )
    return tf
