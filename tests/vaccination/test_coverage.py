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


def test_the_weekly_report_has_a_vaccination_section(site, lot, dong_son, person):
    import datetime as dt

    from reports.data import collect
    from tests.vaccination.conftest import give as give_dose
    from vaccination import services

    dose = give_dose(person, site, lot)
    services.stock_waste(actor=SYSTEM, site=site, lot=lot, quantity=3, reason="cold_chain")
    services.aefi_report(
        actor=SYSTEM,
        dose=dose,
        onset_at=dose.administered_at,
        symptoms="Sốt cao",
        seriousness="hospitalisation",
    )
    today = timezone.localdate()
    _ctx, sections = collect(
        period_start=today - dt.timedelta(days=6), period_end=today, unit_ids=[], sections=["vaccination"]
    )
    (section,) = sections
    table = {t.key: t for t in section.tables}
    (row,) = [r for r in table["vaccination_coverage"].rows if r[0] == dong_son.name]
    assert row[1] == 1
    stock = dict(table["vaccination_stock"].rows)
    assert stock["Nhập kho trong kỳ"] == 100 and stock["Tồn kho hiện tại"] == 96
    assert stock["Hủy: Sự cố dây chuyền lạnh"] == 3
    assert any("1 báo cáo, 1 trường hợp nghiêm trọng" in s for s in section.statements)
