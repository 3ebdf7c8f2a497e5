"""Registration as staff (and integrations) do it: find or create the person, then book.

Composes audited services in one transaction, like ``testing.intake``: the person is found by ID
number (or phone, name and birth date) and never overwritten (``core.services.person_find_match``);
only a person not found is created (``person_create``, audited ``person.create``); the place is
taken by ``services.appointment_book`` (audited ``appointment.book``, one conditional update, so a
session's capacity is never exceeded).

``register_list`` registers a list (a ward's elderly, pasted or uploaded on the staff page,
docs/vaccination.md): every row is checked first and one wrong row refuses the whole list
(``core.itemerrors.ItemErrors``, "Dòng N: ..."); then, with the session locked, people are found
or created and booked in the list's order until the session is full. Those beyond its capacity are
reported and not booked — and not created either: nobody is recorded for a place they did not get.
"""

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.itemerrors import ItemErrors
from core.models import Person
from core.services import PersonData, name_key, person_create, person_find_match
from vaccination import services
from vaccination.capabilities import VaccinationCap
from vaccination.models import Appointment, PriorityGroup, Session
from vaccination.services._common import Actor, require, site_for

MAX_ROWS = 500
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d")


def find_or_create(actor: Actor, data: PersonData) -> tuple[Person, bool]:
    """The person ``data`` describes, never overwritten; created (audited) only when not found."""
    found = person_find_match(data)
    if found is not None:
        return found, False
    return person_create(actor=actor, data=data), True


def register_and_book(
    *, actor: Actor, session: Session, person: PersonData, priority_group: PriorityGroup | None = None
) -> tuple[Appointment, bool]:
    """One person booked into ``session`` (the API's booking); returns the booking and whether
    the person was new. A refused booking creates nobody (one transaction)."""
    with transaction.atomic():
        found, created = find_or_create(actor, person)
        appointment = services.appointment_book(
            actor=actor, session=session, person=found, priority_group=priority_group
        )
    return appointment, created


# --- A list -----------------------------------------------------------------------------------


@dataclass
class ListResult:
    booked: list[Appointment] = field(default_factory=list)
    created: int = 0
    already: list[tuple[int, Person]] = field(default_factory=list)  # (row number, person)
    over_capacity: list[tuple[int, str]] = field(default_factory=list)  # (row number, name)


def _date(text: str) -> tuple[datetime.date | None, int | None]:
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return None, int(text)
    for fmt in _DATE_FORMATS:
        try:
            day = datetime.datetime.strptime(text, fmt).date()  # noqa: DTZ007 (a date, no time)
        except ValueError:
            continue
        return day, day.year
    raise ValidationError(
        _("ngày sinh “%(value)s” không đọc được (ngày/tháng/năm, hoặc năm sinh).") % {"value": text[:20]}
    )


def _phone(text: str) -> str:
    phone = "".join(c for c in text if c.isdigit() or c == "+")
    if phone and not 9 <= len(phone.lstrip("+")) <= 12:
        raise ValidationError(_("số điện thoại “%(value)s” không hợp lệ.") % {"value": text[:20]})
    return phone


def _is_header(cells: list[str]) -> bool:
    first = cells[0].casefold() if cells else ""
    return "tên" in first or "name" in first


def split_lines(text: str) -> list[list[str]]:
    """The list's rows as cells: one person a line, cells separated by tabs (a spreadsheet's
    copy), semicolons or commas (a CSV file); a header line is skipped; blank lines ignored."""
    text = text.lstrip("\ufeff")
    rows: list[list[str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if "\t" in line:
            cells = line.split("\t")
        else:
            delimiter = ";" if ";" in line else ","
            cells = next(csv.reader(io.StringIO(line), delimiter=delimiter, skipinitialspace=True))
        rows.append([c.strip() for c in cells])
    if rows and _is_header(rows[0]):
        rows = rows[1:]
    return rows


def parse_rows(rows: list[list[str]]) -> list[PersonData]:
    """``họ tên; ngày sinh; điện thoại; số giấy tờ (tùy chọn)`` per row. Every row is checked:
    any problem refuses the list with each row's message, Vietnamese first."""
    if not rows:
        raise ValidationError(
            _("Danh sách trống: mỗi dòng một người (họ tên; ngày sinh; điện thoại; số CCCD).")
        )
    if len(rows) > MAX_ROWS:
        raise ValidationError(
            _("Tối đa %(n)d người một lần (danh sách có %(k)d dòng).") % {"n": MAX_ROWS, "k": len(rows)}
        )
    people: list[PersonData] = []
    errors: list[tuple[int, str]] = []
    seen: dict[tuple[str, ...], int] = {}
    for number, cells in enumerate(rows, start=1):
        cells = [*cells, "", "", "", ""][:4]
        name, born, phone, id_number = cells
        try:
            if len(name) > 120:
                raise ValidationError(_("họ tên quá dài (tối đa 120 ký tự)."))
            if not born:
                raise ValidationError(_("thiếu ngày sinh hoặc năm sinh."))
            day, year = _date(born)
            phone = _phone(phone)
            id_number = re.sub(r"\s", "", id_number).upper()
            if id_number and not re.fullmatch(r"[A-Z0-9]{6,20}", id_number):
                raise ValidationError(_("số giấy tờ “%(value)s” không hợp lệ.") % {"value": id_number[:20]})
            if not phone and not id_number:
                raise ValidationError(_("cần số điện thoại hoặc số giấy tờ để tìm đúng người."))
            data = PersonData(
                full_name=name, date_of_birth=day, birth_year=year, phone=phone, id_number=id_number
            )
        except ValidationError as exc:
            message = " ".join(exc.messages)
            errors.append((number, _("Dòng %(n)d: %(error)s") % {"n": number, "error": message}))
            continue
        key = ("id", data.id_number) if data.id_number else ("p", data.phone, name_key(data.full_name))
        if key in seen:
            errors.append(
                (number, _("Dòng %(n)d: trùng người ở dòng %(m)d.") % {"n": number, "m": seen[key]})
            )
            continue
        seen[key] = number
        people.append(data)
    if errors:
        raise ItemErrors(errors, count=len(rows), field="people")
    return people


def register_list(*, actor: Actor, session: Session, rows: list[list[str]]) -> ListResult:
    """Registers a list into ``session``: all rows valid or nothing; booked in order up to the
    session's places, the rest reported; people already booked in the session reported too."""
    require(actor, VaccinationCap.RUN_SESSIONS)
    site_for(actor, session.site)
    people = parse_rows(rows)
    result = ListResult()
    with transaction.atomic():
        # Locked for the list: a booking on the public page waits, and the places counted here
        # stay true; the conditional update in ``appointment_book`` guards it all the same.
        session = Session.objects.select_for_update().select_related("site").get(pk=session.pk)
        if session.status != Session.Status.OPEN or session.date < timezone.localdate():
            raise ValidationError(_("Buổi tiêm đã kết thúc: chọn buổi khác."))
        places = session.capacity - session.booked
        for number, data in enumerate(people, start=1):
            found = person_find_match(data)
            if (
                found is not None
                and Appointment.objects.filter(
                    session=session, person=found, status=Appointment.Status.BOOKED
                ).exists()
            ):
                result.already.append((number, found))
                continue
            if places <= 0:
                result.over_capacity.append((number, data.full_name))
                continue
            if found is None:
                found = person_create(actor=actor, data=data)
                result.created += 1
            result.booked.append(services.appointment_book(actor=actor, session=session, person=found))
            places -= 1
    return result
