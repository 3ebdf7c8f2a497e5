"""People: find the person data describes, create and update (with suspected duplicates noted)."""

import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core import selectors
from core.audit import audit
from core.bounds import validate_birth_date, validate_birth_year
from core.capabilities import Cap
from core.crypto import lookup_hash, lookup_hashes
from core.models import (
    AdministrativeUnit,
    DuplicateCandidate,
    Person,
)
from core.services._common import Actor, Visitor, is_system, require
from core.text import clean_text, display_name


def name_key(name: str) -> str:
    """'  NGUYỄN văn  Ấn ' and 'Nguyen Van An' give the same key: no diacritics, no case."""
    name = name.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", name)
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    stripped = re.sub(r"[^\w\s]", " ", stripped.casefold())
    return " ".join(stripped.split())


@dataclass
class PersonData:
    """What a form, a scanned QR code or an import says about a person.

    Text is cleaned here, once for every path (``core.text.clean_text``: NFC, trimmed, spaces
    collapsed). ``full_name`` becomes the display form the person gets (every syllable
    capitalised); ``declared_name`` keeps the name as declared (cleaned, case as typed), which a
    declaration stores as evidence.
    """

    full_name: str
    date_of_birth: datetime.date | None = None
    birth_year: int | None = None
    sex: str = Person.Sex.UNKNOWN
    nationality: str = "VN"
    id_number: str = ""
    phone: str = ""
    address_unit: AdministrativeUnit | None = None
    address_line: str = ""
    declared_name: str = ""

    def __post_init__(self) -> None:
        declared = clean_text(self.full_name)
        self.declared_name = clean_text(self.declared_name) or declared
        self.full_name = display_name(declared)
        self.address_line = clean_text(self.address_line)
        if not self.full_name:
            raise ValidationError(_("Vui lòng nhập họ và tên."))
        if self.date_of_birth and not self.birth_year:
            self.birth_year = self.date_of_birth.year
        # Plausible and storable (a small-integer column), whatever the caller checked.
        validate_birth_date(self.date_of_birth)
        validate_birth_year(self.birth_year)
        self.id_number = re.sub(r"\s", "", self.id_number or "").upper()
        self.phone = clean_text(self.phone)


def _apply(person: Person, data: PersonData) -> None:
    person.full_name = data.full_name
    person.name_key = name_key(data.full_name)
    person.date_of_birth = data.date_of_birth
    person.birth_year = data.birth_year
    person.sex = data.sex
    person.nationality = data.nationality
    person.id_number = data.id_number
    person.id_number_hash = lookup_hash("id_number", data.id_number) if data.id_number else ""
    person.phone = data.phone
    person.phone_hash = lookup_hash("phone", data.phone) if data.phone else ""
    person.address_unit = data.address_unit
    person.address_line = data.address_line


def person_find_match(data: PersonData) -> Person | None:
    """The existing person this data describes: same ID number, or same phone, same name
    (ignoring diacritics and case) and same birth date (or year, when only a year is known)."""
    active = Person.objects.filter(merged_into__isnull=True)
    if data.id_number:
        match = active.filter(id_number_hash__in=lookup_hashes("id_number", data.id_number)).first()
        if match:
            return match
    if data.phone:
        candidates = active.filter(
            phone_hash__in=lookup_hashes("phone", data.phone), name_key=name_key(data.full_name)
        )
        if data.date_of_birth:
            candidates = candidates.filter(
                Q(date_of_birth=data.date_of_birth)
                | Q(date_of_birth__isnull=True, birth_year=data.birth_year)
            )
        elif data.birth_year:
            candidates = candidates.filter(birth_year=data.birth_year)
        else:
            return None
        return candidates.first()
    return None


def _suspected_duplicates(person: Person) -> list[tuple[Person, str]]:
    active = Person.objects.filter(merged_into__isnull=True).exclude(pk=person.pk)
    found: list[tuple[Person, str]] = []
    if person.date_of_birth:
        for other in active.filter(name_key=person.name_key, date_of_birth=person.date_of_birth)[:5]:
            found.append((other, "same name and birth date"))
    if person.phone_hash:
        # Both key versions while a look-up key rotation is in progress (core.crypto).
        hashes = lookup_hashes("phone", person.phone) if person.phone else [person.phone_hash]
        for other in active.filter(phone_hash__in=hashes, name_key=person.name_key)[:5]:
            if all(other.pk != o.pk for o, _r in found):
                found.append((other, "same phone and name, different birth date"))
    return found


def _create_person(*, actor: Actor, data: PersonData, source: str) -> Person:
    person = Person(source=source)
    _apply(person, data)
    person.save()
    for other, reason in _suspected_duplicates(person):
        DuplicateCandidate.objects.get_or_create(person=person, other=other, defaults={"reason": reason})
    return person


def person_create(*, actor: Actor, data: PersonData, source: str = Person.Source.OFFICIAL) -> Person:
    """An official records a person. An exact match is refused: the official should open it."""
    require(actor, Cap.EDIT_PEOPLE)
    if person_find_match(data) is not None:
        raise ValidationError(
            _("Người này đã có trong hệ thống (trùng số giấy tờ hoặc điện thoại, họ tên, ngày sinh).")
        )
    with transaction.atomic():
        person = _create_person(actor=actor, data=data, source=source)
        audit(actor=actor, action="person.create", target=person, details={"source": source})
    return person


def person_resolve_for_visitor(*, data: PersonData) -> tuple[Person, bool]:
    """Finds or creates the person an anonymous visitor describes.

    A visitor's input never changes an existing person's record: the declaration keeps what
    was declared, and officials merge suspected duplicates. Finding someone writes nothing, so
    it adds no audit row of its own (the visitor is shown nothing about the person found): the
    caller's row for what it writes names the person (``checkin.create``: ``person_ids``;
    ``declaration.submit``: ``person_id``). Creating someone is audited (``person.create``).
    """
    visitor = Visitor("public")
    # No savepoint of its own inside a caller's transaction (a check-in): an error here ends
    # the caller's transaction anyway, and a savepoint is two round trips per visitor.
    with transaction.atomic(savepoint=False):
        match = person_find_match(data)
        if match is not None:
            return match, False
        person = _create_person(actor=visitor, data=data, source=Person.Source.VISITOR)
        audit(actor=visitor, action="person.create", target=person, details={"source": Person.Source.VISITOR})
    return person, True


def person_update(*, actor: Actor, person: Person, data: PersonData) -> Person:
    require(actor, Cap.EDIT_PEOPLE)
    if not is_system(actor):
        person = selectors.access_person_by_id(actor, person.pk)
    with transaction.atomic():
        _apply(person, data)
        person.updated_at = timezone.now()
        person.save()
        audit(actor=actor, action="person.update", target=person)
    return person
