"""Epidemic-level fixtures: confirmed cases placed as the testing roll-up counts them — a sample
at a site of the unit, a positive result on the day, the case it confirmed — written directly
(counts are what matters here; the testing app's own tests go through sampling and the lab),
populations through the core service."""

import datetime
import itertools
from zoneinfo import ZoneInfo

import pytest

from core import services as core_services
from core.models import AdministrativeUnit, Person
from testing.models import Case, LabResult, Sample, SamplingSite
from tests.actors import SYSTEM
from tests.core.fixtures import first_ward

WEEK = datetime.date(2026, 11, 16)  # a Monday; the week 16–22 November 2026
_serial = itertools.count(1)
HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def add_cases(unit: AdministrativeUnit, day: datetime.date, n: int, found_in: str = "community") -> None:
    """``n`` cases confirmed on ``day`` by a positive RT-PCR of a sample taken the day before at a
    site of ``unit`` whose setting is ``found_in``."""
    site, _created = SamplingSite.objects.get_or_create(
        unit=unit, setting=found_in, defaults={"name": f"Điểm lấy mẫu {unit.code} {found_in}"}
    )
    noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=HCM)
    for _ in range(n):
        i = next(_serial)
        person = Person.objects.create(full_name=f"Ca {i}", name_key=f"ca {i}")
        sample = Sample.objects.create(
            code=f"EPI-{i:06d}",
            person=person,
            site=site,
            collected_at=noon - datetime.timedelta(days=1),
            sample_type="np",
            test_kind="rt_pcr",
            status=Sample.Status.RESULTED,
        )
        LabResult.objects.create(sample=sample, outcome="positive", resulted_at=noon, verified_by="x")
        Case.objects.create(person=person, unit=unit, confirmed_on=day, source=sample, found_in=found_in)


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


def add_negatives(unit: AdministrativeUnit, day: datetime.date, n: int) -> None:
    """``n`` negative RT-PCR results on ``day`` at the community site of ``unit``."""
    site, _created = SamplingSite.objects.get_or_create(
        unit=unit, setting="community", defaults={"name": f"Điểm lấy mẫu {unit.code} community"}
    )
    noon = datetime.datetime.combine(day, datetime.time(12), tzinfo=HCM)
    for _ in range(n):
        i = next(_serial)
        person = Person.objects.create(full_name=f"Người {i}", name_key=f"nguoi {i}")
        sample = Sample.objects.create(
            code=f"NEG-{i:06d}",
            person=person,
            site=site,
            collected_at=noon - datetime.timedelta(hours=6),
            sample_type="np",
            test_kind="rt_pcr",
            status=Sample.Status.RESULTED,
        )
        LabResult.objects.create(sample=sample, outcome="negative", resulted_at=noon, verified_by="x")
