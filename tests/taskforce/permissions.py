"""Rows of the permission matrix for the taskforce app (one method per URL name there; every
POST of every page and endpoint is covered role by role in test_permissions.py)."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from core.roles import Role
from core.selectors import province_unit
from taskforce.models import Assignment, Platform, UsageReport
from taskforce.services import assignment_progress, decision_record, usage_report_submit
from tests.actors import SYSTEM
from tests.taskforce.factories import build
from tests.test_permission_matrix import ALL, ANON, STAFF, SUPER, Url

TF_VIEW = {
    SUPER,
    Role.TASKFORCE_LEADER,
    Role.TASKFORCE_DEPUTY,
    Role.TASKFORCE_MEMBER,
    Role.SECRETARIAT,
    Role.CHAIRMAN,
}
WORK = TF_VIEW | {Role.DISTRICT_OFFICIAL, Role.AGENCY_OFFICER}
REPORTERS = {SUPER, Role.DISTRICT_OFFICIAL, Role.AGENCY_OFFICER}
RUN_MEETINGS = {SUPER, Role.TASKFORCE_LEADER, Role.TASKFORCE_DEPUTY, Role.SECRETARIAT}
ASSIGNERS = {SUPER, Role.TASKFORCE_LEADER}  # the deputy's seat is not delegated in the world
SEATED = {Role.TASKFORCE_LEADER, Role.TASKFORCE_DEPUTY, Role.TASKFORCE_MEMBER}
# Who may update the sample assignment (given to the district's committee).
ASSIGNMENT_WORKERS = {SUPER, Role.TASKFORCE_LEADER, Role.DISTRICT_OFFICIAL, Role.AGENCY_OFFICER}
PLATFORM_EDITORS = {SUPER, Role.TASKFORCE_LEADER, Role.SECRETARIAT}


def page(allowed: set, **kw: object) -> Url:
    return Url(allowed=allowed, **kw)  # type: ignore[arg-type]


def api(allowed: set, **kw: object) -> Url:
    return Url(allowed=allowed, anon_denied=403, **kw)  # type: ignore[arg-type]


def pk(label: str):
    return lambda objects: {"pk": objects[label].pk}


URLS = {
    "taskforce:home": page(TF_VIEW),
    "taskforce:meeting-list": page(TF_VIEW),
    "taskforce:meeting-detail": page(TF_VIEW, kwargs=pk("taskforce.meeting")),
    "taskforce:conclusion-assign": page(ASSIGNERS, method="post", ok=400, kwargs=pk("taskforce.conclusion")),
    "taskforce:assignment-list": page(WORK),
    "taskforce:assignment-detail": page(WORK, kwargs=pk("taskforce.assignment")),
    "taskforce:decision-document": page(TF_VIEW, kwargs=pk("taskforce.decision_with_document")),
    "taskforce:update-attachment": page(
        WORK,
        kwargs=lambda objects: {
            "pk": objects["taskforce.assignment"].pk,
            "update_id": objects["taskforce.update"].pk,
        },
    ),
    "taskforce:proposal-list": page(TF_VIEW),
    "taskforce:proposal-detail": page(TF_VIEW, kwargs=pk("taskforce.proposal")),
    "taskforce:adoption": page(TF_VIEW),
    "taskforce:report-submit": page(REPORTERS),
    "taskforce:calendar-feed": Url(
        kwargs=lambda objects: {"token": objects["taskforce.member"].calendar_token}
    ),
    "taskforce:calendar-reset": page(SEATED, method="post", ok=302),
    "taskforce-api:member-list": api(TF_VIEW),
    "taskforce-api:meeting-list": api(TF_VIEW),
    "taskforce-api:meeting-detail": api(TF_VIEW, kwargs=pk("taskforce.meeting")),
    "taskforce-api:assignment-list": api(WORK),
    "taskforce-api:assignment-detail": api(WORK, kwargs=pk("taskforce.assignment")),
    "taskforce-api:assignment-progress": api(
        ASSIGNMENT_WORKERS, method="post", ok=400, kwargs=pk("taskforce.assignment")
    ),
    "taskforce-api:proposal-list": api(TF_VIEW),
    "taskforce-api:proposal-decision": api(
        {SUPER, Role.TASKFORCE_LEADER}, method="post", ok=400, kwargs=pk("taskforce.proposal")
    ),
}

READ_ONLY: dict[str, set[str]] = {"add": set(), "change": set()}
ADMIN = {
    "taskforce.decision": {
        "view": TF_VIEW,
        "add": {SUPER, Role.TASKFORCE_LEADER, Role.SECRETARIAT},
        "change": set(),
    },
    "taskforce.member": {
        "view": TF_VIEW,
        "add": {SUPER, Role.TASKFORCE_LEADER, Role.SECRETARIAT},
        "change": {SUPER, Role.TASKFORCE_LEADER, Role.SECRETARIAT},
    },
    "taskforce.meeting": {"view": TF_VIEW, **READ_ONLY},
    "taskforce.assignment": {"view": TF_VIEW, **READ_ONLY},
    "taskforce.proposal": {"view": TF_VIEW, **READ_ONLY},
    "taskforce.platform": {"view": TF_VIEW, "add": PLATFORM_EDITORS, "change": PLATFORM_EDITORS},
    "taskforce.usagereport": {"view": TF_VIEW, **READ_ONLY},
}
assert STAFF >= TF_VIEW and ALL >= WORK and ANON not in WORK


def objects(world: dict) -> dict:
    users = world["users"]
    tf = build(province_unit(), world["dong_son"], users=users)
    report = usage_report_submit(
        actor=SYSTEM,
        organization=tf.syt,
        period_start=timezone.localdate() - datetime.timedelta(days=7),
        staff_count=10,
        staff_with_app=5,
        checkpoints_registered=1,
        scans_in_period=10,
    )
    assert tf.assignment is not None
    update = assignment_progress(
        actor=users[Role.TASKFORCE_LEADER],
        assignment=tf.assignment,
        text="Biên bản",
        status=Assignment.Status.IN_PROGRESS,
        attachment=SimpleUploadedFile("bien-ban.pdf", b"%PDF matrix"),
    )
    signed = decision_record(
        actor=SYSTEM,
        title="Quyết định kiện toàn",
        document=SimpleUploadedFile("qd.pdf", b"%PDF decision"),
    )
    world["taskforce"] = tf
    return {
        "taskforce.decision_with_document": signed,
        "taskforce.decision": tf.decision,
        "taskforce.member": tf.member,
        "taskforce.meeting": tf.meeting,
        "taskforce.conclusion": tf.conclusion,
        "taskforce.assignment": tf.assignment,
        "taskforce.update": update,
        "taskforce.proposal": tf.proposal,
        "taskforce.platform": Platform.objects.first(),
        "taskforce.usagereport": UsageReport.objects.get(pk=report.pk),
    }
