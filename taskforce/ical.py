"""iCalendar (RFC 5545) text for meetings, written by the ``icalendar`` package: it escapes
TEXT values (§3.3.11), quotes parameter values and encodes their double quotes (RFC 6868, e.g.
the organizer's CN), folds lines at 75 octets without splitting a UTF-8 character and ends
them with CRLF. Times are written in UTC."""

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from taskforce.models import Meeting

PRODID = "-//covid-taskforce-portal//taskforce//VI"
STATUS = {"planned": "CONFIRMED", "held": "CONFIRMED", "cancelled": "CANCELLED"}


def _utc(value: datetime.datetime) -> datetime.datetime:
    return value.astimezone(datetime.UTC).replace(microsecond=0)


def _event(meeting: Meeting, stamp: datetime.datetime) -> Event:
    event = Event()
    event.add("uid", f"taskforce-meeting-{meeting.pk}@{settings.PROVINCE_CODE}.covid-taskforce")
    event.add("dtstamp", _utc(stamp))
    event.add("dtstart", _utc(meeting.starts_at))
    event.add("dtend", _utc(meeting.ends_at))
    event.add("sequence", meeting.sequence)
    event.add("summary", meeting.title)
    event.add("status", STATUS[meeting.status])
    if meeting.location:
        event.add("location", meeting.location)
    agenda = "\n".join(f"{item.order}. {item.title}" for item in meeting.agenda_items.all())
    if agenda:
        event.add("description", agenda)
    if meeting.chair is not None:
        organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
        organizer.params["CN"] = vText(meeting.chair.full_name)
        event.add("organizer", organizer)
    return event


def calendar(meetings: Iterable[Meeting], *, name: str = "", method: str = "PUBLISH") -> str:
    """A VCALENDAR with one VEVENT per meeting. Callers prefetch ``agenda_items`` and ``chair``."""
    stamp = timezone.now()
    cal = Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    if name:
        cal.add("x-wr-calname", vText(name))  # an X- property is not TEXT unless told
    for meeting in meetings:
        cal.add_component(_event(meeting, stamp))
    return cal.to_ical().decode("utf-8")
