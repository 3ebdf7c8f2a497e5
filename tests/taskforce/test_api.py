"""The API: same scoping and rules as the pages, documented in the OpenAPI schema."""

import pytest
from django.urls import reverse

from core.roles import Role

pytestmark = pytest.mark.django_db


def test_members_as_of_a_date(client, tf, make_user):
    client.force_login(make_user(Role.CHAIRMAN, province_wide=True))
    data = client.get(reverse("taskforce-api:member-list")).json()
    assert {m["full_name"] for m in data["results"]} == {"Nguyễn Văn Tước", "Nguyễn Bá Cẩn", "Đỗ Kiên"}
    assert client.get(reverse("taskforce-api:member-list"), {"on": "2020-01-01"}).json()["count"] == 0


def test_meeting_detail(client, tf, leader):
    client.force_login(leader)
    data = client.get(reverse("taskforce-api:meeting-detail", args=[tf.meeting.pk])).json()
    assert data["title"] == "Họp giao ban" and len(data["attendances"]) == 3
    assert data["conclusions"][0]["text"] == "Đăng ký điểm kiểm dịch"


def test_assignments_are_scoped_and_created_through_the_service(client, tf, leader, make_user):
    outsider = make_user(Role.AGENCY_OFFICER, organizations=[tf.syt])
    client.force_login(outsider)
    assert client.get(reverse("taskforce-api:assignment-list")).json()["count"] == 0
    assert client.get(reverse("taskforce-api:assignment-detail", args=[tf.assignment.pk])).status_code == 404
    client.force_login(leader)
    response = client.post(
        reverse("taskforce-api:assignment-list"),
        {"title": "Qua API", "assignee_member": tf.member.pk, "due_on": "2030-01-01", "priority": "urgent"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["assigned_by"] == tf.leader.pk and body["status"] == "new" and body["priority"] == "urgent"
    bad = client.post(
        reverse("taskforce-api:assignment-list"),
        {
            "title": "Hai người",
            "assignee_member": tf.member.pk,
            "assignee_organization": tf.sttt.pk,
            "due_on": "2030-01-01",
        },
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json() == {
        "non_field_errors": ["Chọn một thành viên hoặc một cơ quan thực hiện."]
    }
    client.force_login(tf.member.user)
    progress = client.post(
        reverse("taskforce-api:assignment-progress", args=[body["id"]]),
        {"status": "done", "text": "Xong"},
        content_type="application/json",
    )
    assert progress.status_code == 201 and progress.json()["status"] == "done"


def test_proposals_by_api(client, tf, leader, deputy_user):
    client.force_login(tf.member.user)
    created = client.post(
        reverse("taskforce-api:proposal-list"), {"title": "API", "body": "x"}, content_type="application/json"
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    client.force_login(deputy_user)
    url = reverse("taskforce-api:proposal-decision", args=[pk])
    assert (
        client.post(
            url, {"status": "accepted", "response": "ok"}, content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(leader)
    decided = client.post(
        url, {"status": "needs_info", "response": "Bổ sung"}, content_type="application/json"
    )
    assert decided.status_code == 200 and decided.json()["status"] == "needs_info"


def test_schema_documents_the_endpoints(client):
    schema = client.get(reverse("api-schema"), HTTP_ACCEPT="application/json").json()
    for path in (
        "/api/v1/taskforce/members/",
        "/api/v1/taskforce/meetings/{id}/",
        "/api/v1/taskforce/assignments/",
        "/api/v1/taskforce/assignments/{id}/progress/",
        "/api/v1/taskforce/proposals/",
        "/api/v1/taskforce/proposals/{id}/decision/",
    ):
        assert path in schema["paths"], path
    assert "AssignmentInput" in schema["components"]["schemas"]
