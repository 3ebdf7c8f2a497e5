import io

import pytest
import tablib
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from core import selectors, services
from core.admin import PopulationResource
from core.models import AdministrativeUnit, AuditLog
from core.roles import Role
from tests.actors import SYSTEM


def test_2021_list_has_three_levels(units_2021):
    districts = AdministrativeUnit.objects.filter(scheme="2021", parent=units_2021, level="district")
    wards = AdministrativeUnit.objects.filter(scheme="2021", parent__parent=units_2021, level="ward")
    # docs/domain.md §8: Thanh Hóa has 27 district-level units and 559 wards in the 2021 list.
    assert districts.count() == 27
    assert wards.count() == 559
    assert units_2021.name == "Tỉnh Thanh Hóa"


def test_2025_list_has_two_levels(units_2025):
    wards = AdministrativeUnit.objects.filter(scheme="2025", parent=units_2025)
    assert wards.count() > 100
    assert set(wards.values_list("level", flat=True)) == {"ward"}
    assert not AdministrativeUnit.objects.filter(scheme="2025", level="district").exists()


def test_units_are_keyed_by_scheme_and_code(units_2021, units_2025):
    # The same province code exists in both lists as two different units.
    assert units_2021.pk != units_2025.pk
    assert AdministrativeUnit.objects.filter(level="province", code="38").count() == 2


def test_loading_twice_creates_nothing(units_2021):
    before = AdministrativeUnit.objects.count()
    from core.management.commands.load_admin_units import read_rows

    assert services.units_load(actor=SYSTEM, scheme="2021", rows=read_rows("2021", "38")) == 0
    assert AdministrativeUnit.objects.count() == before


def test_reporting_level_is_district_in_2021(units_2021):
    units = selectors.reporting_units()
    assert units.count() == 27
    ward = AdministrativeUnit.objects.filter(scheme="2021", level="ward", parent__code="405")[0]
    assert selectors.reporting_unit_of(ward).code == "405"


@override_settings(ADMIN_UNIT_SCHEME="2025", REPORTING_LEVEL="ward")
def test_reporting_level_is_ward_in_2025(units_2025):
    units = selectors.reporting_units()
    assert units.count() == AdministrativeUnit.objects.filter(scheme="2025", parent=units_2025).count()
    ward = units[0]
    assert selectors.reporting_unit_of(ward) == ward


def test_population_rules(dong_son):
    with pytest.raises(ValidationError):
        services.unit_population_set(
            actor=SYSTEM, unit=dong_son, total=100, age_18_plus=200, age_50_plus=None, age_65_plus=None
        )
    with pytest.raises(ValidationError):
        services.unit_population_set(
            actor=SYSTEM, unit=dong_son, total=100, age_18_plus=80, age_50_plus=30, age_65_plus=40
        )
    unit = services.unit_population_set(
        actor=SYSTEM, unit=dong_son, total=100, age_18_plus=80, age_50_plus=30, age_65_plus=10, is_demo=True
    )
    unit.refresh_from_db()
    assert (unit.population_total, unit.population_is_demo) == (100, True)


def test_population_edit_is_scoped(make_user, dong_son, sam_son):
    official = make_user(Role.DISTRICT_OFFICIAL, units=[dong_son])
    services.unit_population_set(
        actor=official, unit=dong_son, total=10, age_18_plus=8, age_50_plus=3, age_65_plus=1
    )
    with pytest.raises(PermissionDenied):
        services.unit_population_set(
            actor=official, unit=sam_son, total=10, age_18_plus=8, age_50_plus=3, age_65_plus=1
        )
    operator = make_user(Role.CHECKPOINT_OPERATOR, units=[dong_son])
    with pytest.raises(PermissionDenied):
        services.unit_population_set(
            actor=operator, unit=dong_son, total=10, age_18_plus=8, age_50_plus=3, age_65_plus=1
        )


def _population_csv(rows):
    data = tablib.Dataset(
        headers=[
            "scheme",
            "level",
            "code",
            "population_total",
            "population_18_plus",
            "population_50_plus",
            "population_65_plus",
            "population_is_demo",
            "population_source",
        ]
    )
    for row in rows:
        data.append(row)
    return data


def test_population_import_runs_through_the_service(make_user, dong_son):
    leader = make_user(Role.TASKFORCE_LEADER, province_wide=True)
    dataset = _population_csv(
        [["2021", "district", "405", 80000, 60000, 20000, 7000, 0, "Cục Thống kê 2021"]]
    )
    before = AuditLog.objects.filter(action="unit.population_set").count()
    result = PopulationResource().import_data(dataset, dry_run=False, user=leader, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors()
    dong_son.refresh_from_db()
    assert dong_son.population_total == 80000
    assert dong_son.population_source == "Cục Thống kê 2021"
    assert AuditLog.objects.filter(action="unit.population_set", actor=leader).count() == before + 1


def test_population_import_reports_unknown_units_and_bad_figures(make_user, dong_son):
    leader = make_user(Role.TASKFORCE_LEADER, province_wide=True)
    dataset = _population_csv(
        [
            ["2021", "district", "999", 1, 1, 1, 1, 0, ""],
            ["2021", "district", "405", 100, 500, 1, 1, 0, ""],
        ]
    )
    result = PopulationResource().import_data(dataset, dry_run=False, user=leader, use_transactions=True)
    assert result.has_errors() or result.has_validation_errors()
    dong_son.refresh_from_db()
    assert dong_son.population_total is None  # nothing half-imported
    assert not AdministrativeUnit.objects.filter(code="999").exists()


def test_population_export_is_csv(dong_son):
    dataset = PopulationResource().export(AdministrativeUnit.objects.filter(pk=dong_son.pk))
    text = dataset.export("csv")
    assert "405" in text and "Huyện Đông Sơn" in text
    assert io.StringIO(text).readline().startswith("scheme,level,code")


def test_the_unit_directory_answers_from_memory_and_sees_changes(
    units_2021, settings, django_assert_num_queries
):
    """The address selects' units (core.unit_directory): one load, then no query; a change in
    this process is seen at once, a change announced by another process within the check
    interval."""
    from core import unit_directory
    from core.widgets import unit_choices

    province = selectors.province_unit()
    first = unit_choices(province.pk)
    with django_assert_num_queries(0):
        assert unit_choices(province.pk) == first
        assert unit_directory.directory().province() == province
    district = AdministrativeUnit.objects.get(pk=int(first[1][0]))
    district.name = "Huyện Đổi Tên"
    district.save()  # this process: dropped at once
    assert (str(district.pk), "Huyện Đổi Tên") in unit_choices(province.pk)
    # Another process renamed it back and announced it: seen after the check interval.
    AdministrativeUnit.objects.filter(pk=district.pk).update(name=first[1][1])
    settings.UNIT_DIRECTORY_CHECK_SECONDS = 0.0
    assert (str(district.pk), "Huyện Đổi Tên") in unit_choices(province.pk)  # not announced yet
    unit_directory._announce()
    assert (str(district.pk), first[1][1]) in unit_choices(province.pk)
