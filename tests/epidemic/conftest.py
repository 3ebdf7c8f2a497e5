"""Epidemic-level fixtures: cases placed by hand (counts are what matters here; the testing app's
own tests build cases through sampling and results), populations through the core service."""

import datetime
import itertools

import pytest

from core import services as core_services
from core.models import AdministrativeUnit, Person
from testing.models import Case
from tests.actors import SYSTEM
from tests.core.fixtures import first_ward

WEEK = datetime.date(2026, 11, 16)  # a Monday; the week 16–22 November 2026
_serial = itertools.count(1)


def add_cases(unit: AdministrativeUnit, day: datetime.date, n: int, found_in: str = "community") -> None:
    for _ in range(n):
        i = next(_serial)
        person = Person.objects.create(full_name=f"Ca {i}", name_key=f"ca {i}")
        Case.objects.create(person=person, unit=unit, confirmed_on=day, found_in=found_in)


def set_population(unit: AdministrativeUnit, total: int, adults: int | None = None) -> None:
    core_services.unit_population_set(
        actor=SYSTEM,
        unit=unit,
        total=total,
        age_18_plus=adults,
        age_50_plus=None,
        age_65_plus=None,
    )


@pytest.fixture
def ds_ward(dong_son):
    return first_ward("405")
