"""Dates the task force's records must respect: minutes only for a meeting that has started; a
past due date only for an assignment recorded as given earlier, which is then overdue at once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from core.models import AuditLog
from taskforce import services
from taskforce.models import Assignment, Meeting

pytestmark = pytest.mark.django_db
YESTERDAY = "{:%Y-%m-%d}"


def _yesterday() -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=1)


# --- Meetings ---------------------------------------------------------------------------


def test_a_future_meeting_cannot_be_marked_held_or_given_minutes(tf, leader):
    assert tf.meeting.starts_at > timezone.now()
    before = AuditLog.objects.count()
    for held in (True, False):
        with pytest.raises(ValidationError, match="Cuộc họp chưa diễn ra"):
            services.meeting_minutes_record(actor=leader, meeting=tf.meeting, minutes="Biên bản", held=held)
    tf.meeting.refresh_from_db()
    assert tf.meeting.status == Meeting.Status.PLANNED and tf.meeting.minutes == ""
    assert AuditLog.objects.count() == before


def test_a_meeting_that_has_started_gets_its_minutes(tf, leader):
    Meeting.objects.filter(pk=tf.meeting.pk).update(starts_at=timezone.now() - datetime.timedelta(minutes=5))
    tf.meeting.refresh_from_db()
    services.meeting_minutes_record(actor=leader, meeting=tf.meeting, minutes="Biên bản")
    tf.meeting.refresh_from_db()
    assert tf.meeting.status == Meeting.Status.HELD and tf.meeting.minutes == "Biên bản"


def test_the_meeting_page_shows_the_refusal_and_keeps_the_minutes(client, tf, leader):
    client.force_login(leader)
    response = client.post(
        reverse("taskforce:meeting-detail", args=[tf.meeting.pk]),
        {"action": "minutes", "minutes-minutes": "Biên bản đã gõ", "minutes-held": "on"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Cuộc họp chưa diễn ra" in html and "Biên bản đã gõ" in html
    tf.meeting.refresh_from_db()
    assert tf.meeting.status == Meeting.Status.PLANNED


# --- Assignments ------------------------------------------------------------------------


def test_a_past_due_date_is_refused_unless_back_dated(tf, leader):
    with pytest.raises(ValidationError, match="Ghi nhận nhiệm vụ giao trước đây"):
        services.assignment_create(actor=leader, title="Trễ", assignee_member=tf.member, due_on=_yesterday())
    with pytest.raises(ValidationError, match="đã qua"):
        services.conclusion_assign(
            actor=leader, conclusion=tf.conclusion, assignee_members=[tf.member], due_on=_yesterday()
        )
    assert not Assignment.objects.filter(title="Trễ").exists()
    assert not tf.conclusion.assignments.exists()


def test_a_back_dated_assignment_is_overdue_at_once(tf, leader):
    late = services.assignment_create(
        actor=leader, title="Giao trước đây", assignee_member=tf.member, due_on=_yesterday(), backdated=True
    )
    assert late.status == Assignment.Status.OVERDUE
    made = services.conclusion_assign(
        actor=leader,
        conclusion=tf.conclusion,
        assignee_members=[tf.member],
        due_on=_yesterday(),
        backdated=True,
    )
    assert [a.status for a in made] == [Assignment.Status.OVERDUE]
    # Back-dated but not yet due: a normal new assignment.
    ahead = services.assignment_create(
        actor=leader,
        title="Chưa đến hạn",
        assignee_member=tf.member,
        due_on=timezone.localdate(),
        backdated=True,
    )
    assert ahead.status == Assignment.Status.NEW
    row = AuditLog.objects.filter(action="assignment.create").latest("id")
    assert row.details["backdated"] is True


def _post_assignment(client, tf, **extra):
    data = {
        "title": "Việc đã gõ",
        "assignee_member": tf.member.pk,
        "due_on": YESTERDAY.format(_yesterday()),
        "priority": "normal",
        "source": "leader",
        **extra,
    }
    return client.post(reverse("taskforce:assignment-list"), data)


def test_the_assignment_form_refuses_a_past_due_date_without_the_box(client, tf, leader):
    client.force_login(leader)
    response = _post_assignment(client, tf)
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "Hạn hoàn thành đã qua" in html and 'value="Việc đã gõ"' in html
    assert not Assignment.objects.filter(title="Việc đã gõ").exists()


def test_the_assignment_form_records_a_back_dated_entry_as_overdue(client, tf, leader):
    client.force_login(leader)
    response = _post_assignment(client, tf, backdated="on")
    assert response.status_code == 302
    assert Assignment.objects.get(title="Việc đã gõ").status == Assignment.Status.OVERDUE


def test_the_conclusion_form_refuses_a_past_due_date_without_the_box(client, tf, leader):
    client.force_login(leader)
    c = tf.conclusion
    url = reverse("taskforce:conclusion-assign", args=[c.pk])
    data = {f"c{c.pk}-members": [tf.member.pk], f"c{c.pk}-due_on": YESTERDAY.format(_yesterday())}
    response = client.post(url, {**data, f"c{c.pk}-priority": "normal"})
    assert response.status_code == 400
    assert "Hạn hoàn thành đã qua" in response.content.decode()
    assert not c.assignments.exists()
    response = client.post(url, {**data, f"c{c.pk}-priority": "normal", f"c{c.pk}-backdated": "on"})
    assert response.status_code == 302
    assert [a.status for a in c.assignments.all()] == [Assignment.Status.OVERDUE]


def test_the_api_takes_a_back_dated_flag(client, tf, leader):
    url = reverse("taskforce-api:assignment-list")
    payload = {"title": "API trễ", "assignee_member": tf.member.pk, "due_on": f"{_yesterday():%Y-%m-%d}"}
    client.force_login(leader)
    refused = client.post(url, payload, content_type="application/json")
    assert refused.status_code == 400
    made = client.post(url, {**payload, "backdated": True}, content_type="application/json")
    assert made.status_code == 201 and made.json()["status"] == "overdue"
