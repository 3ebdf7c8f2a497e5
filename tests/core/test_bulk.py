"""``core.bulk.bulk_insert`` stores what ``bulk_create`` stores (COPY on PostgreSQL: run this file
on PostgreSQL too, docs/conventions.md)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection

from core.bulk import bulk_insert
from core.crypto import TOKEN_PREFIX, lookup_hash
from core.models import Person
from testing.models import LabResult, Sample, SamplingSite
from tests.core.fixtures import first_ward

pytestmark = pytest.mark.django_db

TRICKY = ["Nguyễn Văn A", "tab\there", "line\nbreak\r\nand back\\slash", "\\N", ""]


def _person_rows(suffix: str) -> list[tuple[object, ...]]:
    return [
        (
            f"{name}{suffix}",
            f"key {i}{suffix}",
            datetime.date(1980, 1, 1 + i) if i % 2 else None,
            1980 if i % 2 else None,
            f"0{i}12345678{suffix}" if i % 2 else "",
            lookup_hash("id_number", f"0{i}12345678{suffix}") if i % 2 else "",
        )
        for i, name in enumerate(TRICKY)
    ]


FIELDS = ["full_name", "name_key", "date_of_birth", "birth_year", "id_number", "id_number_hash"]
COMPARED = [*FIELDS, "sex", "nationality", "phone", "phone_hash", "address_unit_id", "address_line", "source"]


def test_bulk_insert_stores_what_bulk_create_stores_and_returns_the_ids_in_order():
    created = Person.objects.bulk_create(
        [Person(**dict(zip(FIELDS, row, strict=True))) for row in _person_rows(" b")]
    )
    ids = bulk_insert(Person, FIELDS, _person_rows(" i"), copy_from=1)  # COPY on PostgreSQL
    assert len(ids) == len(TRICKY) and ids == sorted(ids) and ids[0] > created[-1].pk

    def stored(pks: list[int], suffix: str) -> list[dict[str, object]]:
        rows = []
        for person in Person.objects.filter(pk__in=pks).order_by("pk"):
            values = {f: getattr(person, f) for f in COMPARED}
            for f in ("full_name", "name_key", "id_number"):
                values[f] = str(values[f]).removesuffix(suffix)
            values["id_number_hash"] = bool(values["id_number_hash"])
            rows.append(values)
        return rows

    assert stored(ids, " i") == stored([p.pk for p in created], " b")
    # The encrypted column is stored encrypted, as the field writes it.
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM core_person WHERE id = %s", [ids[1]])
        assert cursor.fetchone()[0].startswith(TOKEN_PREFIX)
    assert all(p.created_at is not None for p in Person.objects.filter(pk__in=ids))


def test_bulk_insert_writes_decimals_times_and_null_foreign_keys(dong_son):
    person = Person.objects.create(full_name="Lê Thị B", name_key="le thi b")
    site = SamplingSite.objects.create(name="Điểm thử", unit=first_ward(dong_son.code))
    sample = Sample.objects.create(
        code="BULK-1", person=person, site=site, sample_type="np", test_kind="rt_pcr"
    )
    moment = datetime.datetime(2022, 1, 31, 7, 30, tzinfo=datetime.UTC)
    (pk,) = bulk_insert(
        LabResult,
        ["sample_id", "outcome", "resulted_at", "ct_value", "verified_by", "entered_by_id"],
        [(sample.pk, "positive", moment, Decimal("24.5"), "BS. A", None)],
        copy_from=1,
    )
    result = LabResult.objects.get(pk=pk)
    assert (result.resulted_at, result.ct_value, result.via, result.entered_by_id) == (
        moment,
        Decimal("24.5"),
        LabResult.Via.SINGLE,
        None,
    )


def test_bulk_insert_of_nothing_writes_nothing():
    assert bulk_insert(Person, FIELDS, []) == []
