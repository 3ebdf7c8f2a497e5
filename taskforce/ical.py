"""iCalendar (RFC 5545) text for meetings, written by hand: escaping (§3.3.11), line
folding at 75 octets (§3.1), CRLF line ends, UTC times."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from taskforce.models import Meeting

PRODID = "-//covid-taskforce-portal//taskforce//VI"


def escape(text: str) -> str:
    """TEXT value escaping: backslash, semicolon, comma, newline."""
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Splits a content line into chunks of at most 75 octets, never inside a UTF-8 character;
    continuation lines start with one space."""
    encoded = line.encode("utf-8")
    if len(encoded) <= 75:
        return line
    parts: list[str] = []
    current = ""
    limit = 75
    for char in line:
        if len((current + char).encode("utf-8")) > limit:
            parts.append(current)
            current = char
            limit = 74  # the leading space counts
        else:
            current += char
    parts.append(current)
    return "\r\n ".join(parts)


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(meeting: Meeting, stamp: datetime.datetime) -> list[str]:
    status = {"planned": "CONFIRMED", "held": "CONFIRMED", "cancelled": "CANCELLED"}[meeting.status]
    agenda = "\n".join(f"{item.order}. {item.title}" for item in meeting.agenda_items.all())
    lines = [
        "BEGIN:VEVENT",
        f"UID:taskforce-meeting-{meeting.pk}@{settings.PROVINCE_CODE}.covid-taskforce",
        f"DTSTAMP:{_utc(stamp)}",
        f"DTSTART:{_utc(meeting.starts_at)}",
        f"DTEND:{_utc(meeting.ends_at)}",
        f"SEQUENCE:{meeting.sequence}",
        f"SUMMARY:{escape(meeting.title)}",
        f"STATUS:{status}",
    ]
    if meeting.location:
        lines.append(f"LOCATION:{escape(meeting.location)}")
    if agenda:
        lines.append(f"DESCRIPTION:{escape(agenda)}")
    if meeting.chair is not None:
        lines.append(f"ORGANIZER;CN={escape(meeting.chair.full_name)}:mailto:{settings.DEFAULT_FROM_EMAIL}")
    lines.append("END:VEVENT")
    return lines


def calendar(meetings: Iterable[Meeting], *, name: str = "", method: str = "PUBLISH") -> str:
    """A VCALENDAR with one VEVENT per meeting. Callers prefetch ``agenda_items`` and ``chair``."""
    stamp = timezone.now()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", f"METHOD:{method}"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape(name)}")
    for meeting in meetings:
        lines.extend(_event(meeting, stamp))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
