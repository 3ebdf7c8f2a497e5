"""Choosing a ward level by level (core.widgets.UnitLevelsMixin): checkpoint registration and
the declaration's address, without JavaScript, in the 2021 and 2025 lists."""

import re

import pytest
from django.forms import ChoiceField
from django.test import override_settings
from django.urls import reverse

from checkpoints.forms import CheckpointForm
from checkpoints.models import Checkpoint
from core.models import AdministrativeUnit
from core.roles import Role
from declarations.forms import IdentityForm
from tests.core.fixtures import first_ward

pytestmark = pytest.mark.django_db


def options(html: str, name: str) -> list[str]:
    """The option values of the select named ``name`` in a page."""
    match = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert match, name
    return re.findall(r'<option value="([^"]*)"', match.group(1))


def choices(form, name: str) -> list:
    field = form.fields[name]
    assert isinstance(field, ChoiceField)
    return list(field.choices)  # type: ignore[arg-type]


@pytest.fixture
def officer(make_user, agency):
    return make_user(Role.AGENCY_OFFICER, organizations=[agency])


def _registration(agency, **extra):
    return {"name": "Cổng chợ", "organization": agency.pk, "kind": "market", **extra}


def test_registration_offers_districts_first_not_every_ward(client, officer, province):
    client.force_login(officer)
    html = client.get(reverse("checkpoints:register")).content.decode()
    districts = options(html, "unit_district")
    assert len(districts) - 1 == AdministrativeUnit.objects.filter(parent=province).count() == 27
    assert options(html, "unit") == [""]  # no ward before a district is chosen
    assert 'name="refresh"' in html and "js/unit_picker.js" in html
    assert "<script>" not in html  # enhancement from static/js only


def test_registration_round_trip_without_javascript(client, officer, agency):
    client.force_login(officer)
    ward = first_ward("405")
    data = _registration(agency, unit_district=ward.parent_id, refresh="1", address_line="Chợ Rồng")
    response = client.post(reverse("checkpoints:register"), data)
    html = response.content.decode()
    wards = options(html, "unit")
    expected = AdministrativeUnit.objects.filter(parent_id=ward.parent_id).count()
    assert len(wards) - 1 == expected and str(ward.pk) in wards and expected < 50
    assert 'value="Cổng chợ"' in html and 'value="Chợ Rồng"' in html  # nothing typed is lost
    assert not Checkpoint.objects.exists()
    data.pop("refresh")
    response = client.post(reverse("checkpoints:register"), {**data, "unit": ward.pk})
    assert response.status_code == 302
    assert Checkpoint.objects.get().unit == ward


def test_a_ward_of_another_district_is_refused(client, officer, agency):
    client.force_login(officer)
    elsewhere = first_ward("382")
    data = _registration(agency, unit_district=first_ward("405").parent_id, unit=elsewhere.pk)
    html = client.post(reverse("checkpoints:register"), data).content.decode()
    assert "không thuộc đơn vị cấp trên đã chọn" in html
    assert not Checkpoint.objects.exists()
    html = client.post(reverse("checkpoints:register"), _registration(agency)).content.decode()
    assert "Vui lòng chọn phường/xã." in html


def test_a_ward_alone_fills_in_its_district(officer, agency):
    ward = first_ward("405")
    form = CheckpointForm(_registration(agency, unit=ward.pk), user=officer)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["unit"] == ward and "unit_district" not in form.cleaned_data


@override_settings(ADMIN_UNIT_SCHEME="2025", REPORTING_LEVEL="ward")
def test_2025_list_is_province_then_commune(officer, agency, units_2025):
    form = CheckpointForm(user=officer)
    assert form.unit_level_names == ["unit"]
    communes = AdministrativeUnit.objects.filter(parent=units_2025)
    assert len(choices(form, "unit")) - 1 == communes.count()
    commune = communes[0]
    bound = CheckpointForm(_registration(agency, unit=commune.pk), user=officer)
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["unit"] == commune
    address = IdentityForm()
    assert address.unit_level_names == ["province", "ward"]  # no district level in 2025
    assert address.initial["province"] == str(units_2025.pk)


def test_declaration_address_levels_in_2021(province):
    form = IdentityForm()
    assert form.unit_level_names == ["province", "district", "ward"]
    assert len(choices(form, "district")) - 1 == 27 and choices(form, "ward") == [("", "—")]
    ward = first_ward("405")
    bound = IdentityForm({"province": province.pk, "district": ward.parent_id, "ward": ward.pk})
    bound.is_valid()
    assert bound.chosen_unit() == ward
