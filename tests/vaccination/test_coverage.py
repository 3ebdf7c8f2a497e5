"""Coverage from the roll-up: doses per reporting unit and age group, the same folded or live."""

import datetime

from django.utils import timezone

from core import rollups
from core import services as core_services
from core.models import AdministrativeUnit
from tests.actors import SYSTEM
from tests.core.fixtures import first_ward, person_data
from tests.vaccination.conftest import ago, give
from vaccination import selectors
from vaccination.models import DoseDailyStat
from vaccination.retention import DOSE_ROLLUP


def test_coverage_counts_people_per_age_group_folded_or_live(site, lot, dong_son):
    AdministrativeUnit.objects.filter(pk=dong_son.pk).update(
        population_18_plus=100, population_50_plus=40, population_65_plus=10
    )
    ward = first_ward("405")
    births = [1950, 1960, 1990, 2010]  # 65+, 50+, 18+, under 18 (in 2026)
    people = [
        core_services.person_create(
            actor=SYSTEM,
            data=person_data(
                id_number=f"03800000{i:04d}",
                phone=f"09400{i:05d}",
                date_of_birth=datetime.date(y, 1, 1),
                address_unit=ward,
            ),
        )
        for i, y in enumerate(births)
    ]
    for p in people:
        give(p, site, lot, at=ago(40))
    give(people[0], site, lot, dose_number=2, at=ago(2))  # the 65+ person completes the series

    def row():
        (found,) = [r for r in selectors.coverage() if r["unit"].pk == dong_son.pk]
        return found

    live = row()
    assert live["doses"] == 5
    assert live["groups"]["18"]["first"] == 3 and live["groups"]["18"]["first_pct"] == 3.0
    assert live["groups"]["65"]["full"] == 1 and live["groups"]["65"]["full_pct"] == 10.0
    assert live["groups"]["50"]["first"] == 2 and live["groups"]["50"]["booster"] == 0

    rollups.fold(rollups.get(DOSE_ROLLUP), until=timezone.localdate())
    assert DoseDailyStat.objects.exists()
    assert row() == live  # the same figures from the aggregate
