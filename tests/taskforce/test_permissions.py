"""Every write of the taskforce pages and API, by every role, with valid input: allowed roles
change something, the others get 403 (302 to the login page when anonymous) and nothing
changes. Complements the GET rows of tests/test_permission_matrix.py."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from core.roles import Role

# The shared matrix imports tests.taskforce.permissions itself: load it first (no cycle).
from tests import test_permission_matrix as matrix
from tests.taskforce.factories import build

ANON, ROLES, SUPER = matrix.ANON, matrix.ROLES, matrix.SUPER
_rows = __import__("tests.taskforce.permissions", fromlist=["*"])
ASSIGNERS, ASSIGNMENT_WORKERS, REPORTERS = _rows.ASSIGNERS, _rows.ASSIGNMENT_WORKERS, _rows.REPORTERS
RUN_MEETINGS, SEATED, TF_VIEW = _rows.RUN_MEETINGS, _rows.SEATED, _rows.TF_VIEW

TOMORROW = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
START = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")


def writes(tf):
    """(name, url, data, allowed roles, api?)"""
    m, c, a, p = tf.meeting, tf.conclusion, tf.assignment, tf.proposal
    return [
        (
            "meeting schedule",
            reverse("taskforce:meeting-list"),
            {"title": "Họp", "starts_at": START, "duration_minutes": 60},
            RUN_MEETINGS,
            False,
        ),
        (
            "meeting conclusion",
            reverse("taskforce:meeting-detail", args=[m.pk]),
            {"action": "conclusion", "conclusion-text": "Kết luận"},
            RUN_MEETINGS,
            False,
        ),
        (
            "meeting attendance",
            reverse("taskforce:meeting-detail", args=[m.pk]),
            {"action": "attendance", f"status-{tf.member.pk}": "present"},
            RUN_MEETINGS,
            False,
        ),
        (
            "meeting invite",
            reverse("taskforce:meeting-detail", args=[m.pk]),
            {"action": "invite"},
            RUN_MEETINGS,
            False,
        ),
        (
            "conclusion assign",
            reverse("taskforce:conclusion-assign", args=[c.pk]),
            {f"c{c.pk}-members": [tf.member.pk], f"c{c.pk}-due_on": TOMORROW, f"c{c.pk}-priority": "normal"},
            ASSIGNERS,
            False,
        ),
        (
            "assignment create",
            reverse("taskforce:assignment-list"),
            {
                "title": "Việc",
                "assignee_member": tf.member.pk,
                "due_on": TOMORROW,
                "priority": "normal",
                "source": "leader",
            },
            ASSIGNERS,
            False,
        ),
        (
            "assignment progress",
            reverse("taskforce:assignment-detail", args=[a.pk]),
            {"status": "in_progress", "progress": 20, "text": "Đang làm"},
            ASSIGNMENT_WORKERS,
            False,
        ),
        (
            "proposal submit",
            reverse("taskforce:proposal-list"),
            {"title": "Đề xuất", "body": "Nội dung"},
            SEATED,
            False,
        ),
        (
            "proposal decide",
            reverse("taskforce:proposal-detail", args=[p.pk]),
            {"action": "decide", "decide-status": "accepted", "decide-response": "Đồng ý"},
            {SUPER, Role.TASKFORCE_LEADER},
            False,
        ),
        (
            "usage report",
            reverse("taskforce:report-submit"),
            {
                "organization": tf.district_org.pk,
                "period_start": timezone.localdate().isoformat(),
                "staff_count": 5,
                "staff_with_app": 4,
                "checkpoints_registered": 1,
                "scans_in_period": 9,
            },
            REPORTERS,
            False,
        ),
        ("calendar reset", reverse("taskforce:calendar-reset"), {}, SEATED, False),
        (
            "api assignment create",
            reverse("taskforce-api:assignment-list"),
            {"title": "Việc", "assignee_member": tf.member.pk, "due_on": TOMORROW},
            ASSIGNERS,
            True,
        ),
        (
            "api progress",
            reverse("taskforce-api:assignment-progress", args=[a.pk]),
            {"status": "in_progress", "text": "Đang làm"},
            ASSIGNMENT_WORKERS,
            True,
        ),
        (
            "api proposal submit",
            reverse("taskforce-api:proposal-list"),
            {"title": "Đề xuất", "body": "x"},
            SEATED,
            True,
        ),
        (
            "api proposal decide",
            reverse("taskforce-api:proposal-decision", args=[p.pk]),
            {"status": "rejected", "response": "Không"},
            {SUPER, Role.TASKFORCE_LEADER},
            True,
        ),
    ]


@pytest.fixture
def world(db, make_user, province, dong_son):
    users = {ANON: None, SUPER: make_user(superuser=True)}
    for role in Role.values:
        if role == Role.DISTRICT_OFFICIAL:
            users[role] = make_user(role, units=[dong_son])
        else:
            users[role] = make_user(role, province_wide=True)
    return users, build(province, dong_son, users=users)


@pytest.mark.parametrize("role", ROLES)
def test_writes_by_role(role, client, world):
    users, tf = world
    if users[role] is not None:
        client.force_login(users[role])
    for name, url, data, allowed, is_api in writes(tf):
        before = AuditLog.objects.count()
        if is_api:
            response = client.post(url, data, content_type="application/json")
        else:
            response = client.post(url, data)
        if role in allowed:
            assert response.status_code in (200, 201, 302), f"{role} {name}: {response.status_code}"
            if response.status_code == 302:
                assert "/accounts/login/" not in response["Location"], f"{role} {name}"
            assert AuditLog.objects.count() > before, f"{role} {name} wrote nothing"
        else:
            denied = 302 if role == ANON and not is_api else 403
            assert response.status_code in (denied, 404) if is_api else response.status_code == denied, (
                f"{role} {name}: {response.status_code}"
            )
            assert AuditLog.objects.count() == before, f"{role} {name} changed data"
    assert TF_VIEW >= SEATED
