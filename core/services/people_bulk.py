"""Many people at once (a file import): the same matching as ``person_find_match`` and the same
creation as ``person_create`` / ``_create_person``, set-based — a few queries for any number of
rows instead of several per row. Rows are resolved in order, as one-by-one calls would: a row
matches a person an earlier row of the same file created. Proved equal to the one-by-one
functions by tests/core/test_people_bulk.py. Writes nothing itself but the people and their
suspected duplicates: the calling import service's audit row names the people it created."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from core.bulk import bulk_insert
from core.crypto import lookup_hashes
from core.models import DuplicateCandidate, Person
from core.services.people import PersonData, _apply, name_key

CHUNK = 5000


@dataclass
class _Index:
    by_id: dict[str, list[Person]] = field(default_factory=lambda: defaultdict(list))
    by_phone: dict[str, list[Person]] = field(default_factory=lambda: defaultdict(list))

    def add(self, person: Person) -> None:
        if person.id_number_hash:
            self.by_id[person.id_number_hash].append(person)
        if person.phone_hash:
            self.by_phone[person.phone_hash].append(person)


def _order(person: Person, planned: dict[int, int]) -> tuple[str, float]:
    # The default ordering (name_key, id); a person planned in this batch has no id yet and
    # comes after every stored one, in the order planned.
    return (person.name_key, person.pk if person.pk else 10**15 + planned[id(person)])


def _born(person: Person, data: PersonData) -> bool:
    if data.date_of_birth:
        return person.date_of_birth == data.date_of_birth or (
            person.date_of_birth is None and person.birth_year == data.birth_year
        )
    return person.birth_year == data.birth_year


class _Hashes(dict[tuple[str, str], list[str]]):
    """``lookup_hashes`` of each value once per file (an HMAC each, and a file repeats values)."""

    def __missing__(self, key: tuple[str, str]) -> list[str]:
        self[key] = hashes = lookup_hashes(*key)
        return hashes


# What the matching and the duplicates read of a stored person: the encrypted columns are not
# loaded (decrypting every person found costs more than finding them).
_MATCH_FIELDS = ("id", "name_key", "date_of_birth", "birth_year", "id_number_hash", "phone_hash")


def _match(index: _Index, data: PersonData, planned: dict[int, int], hashes: _Hashes) -> Person | None:
    """``person_find_match`` against the index."""
    if data.id_number:
        found = [p for h in hashes["id_number", data.id_number] for p in index.by_id.get(h, [])]
        if found:
            return min(found, key=lambda p: _order(p, planned))
    if data.phone:
        if not data.date_of_birth and not data.birth_year:
            return None
        key = name_key(data.full_name)
        found = [
            p
            for h in hashes["phone", data.phone]
            for p in index.by_phone.get(h, [])
            if p.name_key == key and _born(p, data)
        ]
        return min(found, key=lambda p: _order(p, planned)) if found else None
    return None


def people_resolve(
    datas: list[PersonData], *, source: str = Person.Source.IMPORT
) -> tuple[list[Person], list[int]]:
    """The person each row describes, found (never changed) or created; returns them row by row
    and the ids of the people created. Call inside the import service's transaction."""
    hashes = _Hashes()
    ids = {h for d in datas if d.id_number for h in hashes["id_number", d.id_number]}
    phones = {h for d in datas if d.phone for h in hashes["phone", d.phone]}
    index = _Index()
    active = Person.objects.filter(merged_into__isnull=True).only(*_MATCH_FIELDS)
    for wanted, column in ((sorted(ids), "id_number_hash"), (sorted(phones), "phone_hash")):
        for start in range(0, len(wanted), CHUNK):
            for person in active.filter(**{f"{column}__in": wanted[start : start + CHUNK]}):
                index.add(person)
    planned: dict[int, int] = {}
    new: list[Person] = []
    people: list[Person] = []
    for data in datas:
        found = _match(index, data, planned, hashes)
        if found is not None:
            person = found
        else:
            person = Person(source=source)
            _apply(person, data)
            planned[id(person)] = len(new)
            new.append(person)
            index.add(person)
        people.append(person)
    _insert(new)
    _note_duplicates(new)
    return people, [p.pk for p in new]


def _insert(new: list[Person]) -> None:
    """``bulk_create`` of the new people, through ``core.bulk.bulk_insert`` (COPY on PostgreSQL;
    the encrypted columns encrypted by their fields as ``bulk_create`` does)."""
    fields = [f.attname for f in Person._meta.concrete_fields if not f.primary_key]
    ids = bulk_insert(Person, fields, [tuple(getattr(p, name) for name in fields) for p in new])
    for person, pk in zip(new, ids, strict=True):
        person.pk = pk
        person._state.adding = False
        person._state.db = "default"


def _note_duplicates(new: list[Person]) -> None:
    """The suspected duplicates ``_create_person`` notes (same rules, the first 5 of each in the
    default order), each new person against the people that existed when it was created (ids
    below its own). During a look-up key rotation only the current phone hash is compared."""
    if not new:
        return
    candidates = _duplicates_set_based(new)
    DuplicateCandidate.objects.bulk_create(candidates, batch_size=1000, ignore_conflicts=True)


def _duplicates_set_based(new: list[Person]) -> list[DuplicateCandidate]:
    active = Person.objects.filter(merged_into__isnull=True).only(*_MATCH_FIELDS)
    keys = sorted({p.name_key for p in new})
    same_name: dict[tuple[str, datetime.date | None], list[Person]] = defaultdict(list)
    same_phone: dict[tuple[str, str], list[Person]] = defaultdict(list)
    for start in range(0, len(keys), CHUNK):
        for other in active.filter(name_key__in=keys[start : start + CHUNK]).order_by("name_key", "id"):
            same_name[(other.name_key, other.date_of_birth)].append(other)
            if other.phone_hash:
                same_phone[(other.phone_hash, other.name_key)].append(other)
    found: list[DuplicateCandidate] = []
    for person in new:
        pairs: list[tuple[Person, str]] = []
        if person.date_of_birth:
            earlier = [o for o in same_name[(person.name_key, person.date_of_birth)] if o.pk < person.pk]
            for other in earlier[:5]:
                pairs.append((other, "same name and birth date"))
        if person.phone_hash:
            earlier = [o for o in same_phone[(person.phone_hash, person.name_key)] if o.pk < person.pk]
            for other in earlier[:5]:
                if all(other.pk != o.pk for o, _r in pairs):
                    pairs.append((other, "same phone and name, different birth date"))
        found.extend(DuplicateCandidate(person=person, other=other, reason=reason) for other, reason in pairs)
    return found
