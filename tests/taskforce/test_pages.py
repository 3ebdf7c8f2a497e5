"""Officials' pages: what they show, that bad input keeps what was typed, and bounded queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from taskforce import services
from taskforce.models import Attendance
from tests.actors import SYSTEM

pytestmark = pytest.mark.django_db


def _more_work(tf, leader, n=15):
    for i in range(n):
        services.assignment_create(
            actor=leader,
            title=f"Việc {i}",
            assignee_member=tf.member,
            due_on=timezone.localdate() - datetime.timedelta(days=1 if i % 2 else -3),
            backdated=True,
        )
        services.meeting_conclusion_add(actor=SYSTEM, meeting=tf.meeting, text=f"Kết luận {i}")
    services.assignments_mark_overdue(actor=SYSTEM)


def test_home_shows_members_by_role_meetings_and_work(client, tf, leader, django_assert_max_num_queries):
    _more_work(tf, leader)
    client.force_login(tf.member.user)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("taskforce:home"))
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Tổ trưởng", "Nguyễn Văn Tước", "Tổ phó", "Họp giao ban", "Việc 1", "Đề xuất tổng đài"):
        assert text in html
    assert tf.member.calendar_token in html
    old = client.get(reverse("taskforce:home"), {"on": "2021-08-09"}).content.decode()
    assert "Nguyễn Văn Tước" not in old and "Chưa có thành viên vào ngày này." in old


def test_meeting_page_query_count_does_not_grow(client, tf, leader, django_assert_max_num_queries):
    client.force_login(leader)
    url = reverse("taskforce:meeting-detail", args=[tf.meeting.pk])
    with django_assert_max_num_queries(25) as small:
        client.get(url)
    _more_work(tf, leader, n=25)
    with django_assert_max_num_queries(len(small.captured_queries) + 2):
        response = client.get(url)
    assert response.content.decode().count("Giao nhiệm vụ từ kết luận này") == 26


def test_list_pages_are_bounded(client, tf, leader, django_assert_max_num_queries):
    _more_work(tf, leader, n=20)
    client.force_login(leader)
    for name in (
        "taskforce:assignment-list",
        "taskforce:meeting-list",
        "taskforce:proposal-list",
        "taskforce:adoption",
    ):
        with django_assert_max_num_queries(20):
            assert client.get(reverse(name), {"show": "all"}).status_code == 200


def test_attendance_error_keeps_what_was_typed(client, tf, leader):
    client.force_login(leader)
    url = reverse("taskforce:meeting-detail", args=[tf.meeting.pk])
    response = client.post(
        url,
        {
            "action": "attendance",
            f"status-{tf.member.pk}": "delegate",
            f"note-{tf.member.pk}": "đi công tác",
            f"status-{tf.leader.pk}": "present",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Vui lòng ghi tên người dự thay." in html and 'value="đi công tác"' in html
    assert '<option value="delegate" selected>' in html
    assert not Attendance.objects.filter(meeting=tf.meeting).exclude(status="invited").exists()


def test_conclusion_assign_error_keeps_the_form(client, tf, leader):
    client.force_login(leader)
    c = tf.conclusion
    response = client.post(
        reverse("taskforce:conclusion-assign", args=[c.pk]),
        {f"c{c.pk}-title": "Tiêu đề đã gõ", f"c{c.pk}-due_on": "2030-01-02"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="Tiêu đề đã gõ"' in html and "Chọn ít nhất một thành viên hoặc cơ quan thực hiện." in html


def test_conclusion_to_assignments_through_the_page(client, tf, leader):
    client.force_login(leader)
    c = tf.conclusion
    response = client.post(
        reverse("taskforce:conclusion-assign", args=[c.pk]),
        {
            f"c{c.pk}-members": [tf.member.pk, tf.deputy.pk],
            f"c{c.pk}-organizations": [tf.district_org.pk],
            f"c{c.pk}-due_on": "2030-01-02",
            f"c{c.pk}-priority": "high",
        },
    )
    assert response.status_code == 302
    assert c.assignments.count() == 3


def test_usage_report_form_rejects_more_installs_than_staff(client, tf, make_user):
    officer = make_user(Role.AGENCY_OFFICER, organizations=[tf.syt])
    client.force_login(officer)
    response = client.post(
        reverse("taskforce:report-submit"),
        {
            "organization": tf.syt.pk,
            "period_start": timezone.localdate().isoformat(),
            "staff_count": 5,
            "staff_with_app": 9,
            "checkpoints_registered": 1,
            "scans_in_period": 3,
            "problems": "Thiếu điện thoại",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "không được lớn hơn số cán bộ" in html and "Thiếu điện thoại" in html


def test_english_pages(client, tf, leader):
    client.force_login(leader)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(reverse("taskforce:meeting-detail", args=[tf.meeting.pk])).content.decode()
    assert "Attendance" in html and "Save attendance" in html and "Thành phần dự họp" not in html
