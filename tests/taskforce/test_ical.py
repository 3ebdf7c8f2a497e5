"""The members' calendar feed: RFC 5545 text, parsed back; secret, revocable URL."""

import datetime

import icalendar
import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from taskforce import ical, services
from taskforce.models import Meeting, Member
from tests.actors import SYSTEM

pytestmark = pytest.mark.django_db


def unfold(text: str) -> list[str]:
    """RFC 5545 §3.1: CRLF line ends; a line starting with a space continues the previous one."""
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    physical = text.split("\r\n")[:-1]
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    lines: list[str] = []
    for line in physical:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return lines


def unescape(value: str) -> str:
    out, i = [], 0
    while i < len(value):
        if value[i] == "\\":
            out.append({"n": "\n", "N": "\n"}.get(value[i + 1], value[i + 1]))
            i += 2
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def events(text: str) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in unfold(text):
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            found.append(current)
            current = None
        elif current is not None:  # a property of the event
            name, _, value = line.partition(":")
            current[name.split(";")[0]] = value
    return found


def parsed_event(text: str) -> icalendar.cal.Component:
    (event,) = icalendar.Calendar.from_ical(text).walk("VEVENT")
    return event


def test_escaping_and_folding_of_long_vietnamese_text(tf):
    text = (
        "Họp; rà soát, điểm kiểm dịch\\QR\n" + "Nội dung rất dài của cuộc họp Tổ công nghệ " * 3
    )  # within max_length 200
    Meeting.objects.filter(pk=tf.meeting.pk).update(title=text)
    body = ical.calendar([Meeting.objects.get(pk=tf.meeting.pk)])
    (line,) = [line for line in unfold(body) if line.startswith("SUMMARY:")]  # folded at 75 octets
    assert unescape(line.removeprefix("SUMMARY:")) == text
    assert str(parsed_event(body)["SUMMARY"]) == text


@pytest.mark.parametrize(
    "name",
    [
        "Nguyễn Văn Tước",
        "Nguyễn, Văn Tước; Trưởng ban",
        'Lê Thị "Hồng" Nhung',
        "Trần: Đức Anh, PGĐ; Sở Y tế",
        "Phạm ^ Quốc \\ Việt",
    ],
)
def test_organizer_name_round_trips_through_an_icalendar_parser(tf, name):
    """RFC 5545 §3.2: a parameter value with ``,`` ``;`` or ``:`` is quoted; a double quote in it
    is encoded (RFC 6868). Backslash escaping, as for TEXT values, is wrong in a parameter."""
    Member.objects.filter(pk=tf.leader.pk).update(full_name=name)
    meeting = Meeting.objects.select_related("chair").get(pk=tf.meeting.pk)
    organizer = parsed_event(ical.calendar([meeting]))["ORGANIZER"]
    assert str(organizer.params["CN"]) == name
    assert str(organizer) == f"mailto:{settings.DEFAULT_FROM_EMAIL}"


def test_feed_lists_the_members_meetings(client, tf):
    services.meeting_agenda_add(actor=SYSTEM, meeting=tf.meeting, title="Điểm kiểm dịch; mã QR, quét")
    services.meeting_cancel(actor=SYSTEM, meeting=tf.meeting, reason="x")
    url = reverse("taskforce:calendar-feed", kwargs={"token": tf.member.calendar_token})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    text = response.content.decode()
    lines = unfold(text)
    assert lines[:2] == ["BEGIN:VCALENDAR", "VERSION:2.0"] and lines[-1] == "END:VCALENDAR"
    (event,) = events(text)
    assert unescape(event["SUMMARY"]) == "Họp giao ban"
    assert unescape(event["DESCRIPTION"]) == "1. Điểm kiểm dịch; mã QR, quét"
    assert event["STATUS"] == "CANCELLED" and event["SEQUENCE"] == "2"
    start = datetime.datetime.strptime(event["DTSTART"], "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
    assert start == tf.meeting.starts_at.replace(microsecond=0)
    assert event["UID"].startswith(f"taskforce-meeting-{tf.meeting.pk}@")


def test_token_is_revocable_and_ended_members_lose_the_feed(client, tf):
    old = tf.member.calendar_token
    services.member_calendar_token_reset(actor=tf.member.user, member=tf.member)
    assert client.get(reverse("taskforce:calendar-feed", kwargs={"token": old})).status_code == 404
    new = reverse("taskforce:calendar-feed", kwargs={"token": tf.member.calendar_token})
    assert client.get(new).status_code == 200
    services.member_end(
        actor=SYSTEM, member=tf.member, active_to=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert client.get(new).status_code == 404
