"""Scoping in every layer: selectors, admin pages, admin export, API."""

import pytest
from django.urls import reverse

from core import selectors, services
from core.models import AuditLog, Organization, Person
from core.roles import Role
from tests.actors import SYSTEM
from tests.core.fixtures import first_ward, give_admin_purpose, person_data


@pytest.fixture
def two_districts(dong_son, sam_son):
    in_dong_son = services.person_create(actor=SYSTEM, data=person_data(address_unit=first_ward("405")))
    in_sam_son = services.person_create(
        actor=SYSTEM,
        data=person_data(
            full_name="Lê Thị Bình",
            id_number="038192000002",
            phone="0912000002",
            address_unit=first_ward("382"),
        ),
    )
    org_dong_son = services.organization_create(
        actor=SYSTEM, name="UBND huyện Đông Sơn", kind=Organization.Kind.PEOPLES_COMMITTEE, unit=dong_son
    )
    org_sam_son = services.organization_create(
        actor=SYSTEM, name="UBND TP Sầm Sơn", kind=Organization.Kind.PEOPLES_COMMITTEE, unit=sam_son
    )
    return in_dong_son, in_sam_son, org_dong_son, org_sam_son


def test_selectors_filter_by_unit(make_user, dong_son, two_districts):
    in_dong_son, in_sam_son, org_dong_son, _org_sam_son = two_districts
    official = make_user(Role.DISTRICT_OFFICIAL, units=[dong_son])
    assert list(selectors.persons_visible_to(official)) == [in_dong_son]
    assert set(selectors.organizations_visible_to(official)) == {org_dong_son}
    with pytest.raises(Exception):  # noqa: B017  (Http404)
        selectors.access_person_by_id(official, in_sam_son.pk)


def test_province_wide_sees_everything_and_no_scope_sees_nothing(make_user, province, two_districts):
    wide = make_user(Role.EPIDEMIOLOGIST, province_wide=True)
    assert selectors.persons_visible_to(wide).count() == 2
    unscoped = make_user(None)
    assert selectors.persons_visible_to(unscoped).count() == 0
    assert selectors.organizations_visible_to(unscoped).count() == 0


def test_roles_without_people_capability_see_no_people(make_user, dong_son, two_districts):
    chairman = make_user(Role.CHAIRMAN, province_wide=True)
    assert selectors.persons_visible_to(chairman).count() == 0


def test_admin_changelist_is_scoped_and_its_read_audited(client, make_user, dong_son, two_districts):
    in_dong_son, in_sam_son, *_ = two_districts
    official = make_user(Role.DISTRICT_OFFICIAL, units=[dong_son])
    client.force_login(official)
    give_admin_purpose(client)
    response = client.get(reverse("admin:core_person_changelist"))
    assert response.status_code == 200
    ids = [p.pk for p in response.context["cl"].result_list]
    assert ids == [in_dong_son.pk]
    read = AuditLog.objects.filter(action="person.read", actor=official).latest("id")
    assert read.target_id == str(in_dong_son.pk)
    # A person outside the scope does not exist for this official.
    response = client.get(reverse("admin:core_person_change", args=[in_sam_son.pk]))
    assert response.status_code in (302, 404)


def test_admin_export_is_scoped(client, make_user, dong_son, two_districts):
    *_, org_dong_son, org_sam_son = two_districts
    official = make_user(Role.DISTRICT_OFFICIAL, units=[dong_son])
    client.force_login(official)
    response = client.post(
        reverse("admin:core_organization_export"),
        {
            "format": "0",
            "resource": "0",
            "organizationresource_name": "on",
            "organizationresource_unit": "on",
        },
    )
    assert response.status_code == 200, response.content[:500]
    body = response.content.decode()
    assert org_dong_son.name in body
    assert org_sam_son.name not in body


def test_api_is_scoped(client, make_user, dong_son, two_districts):
    *_, org_dong_son, _org_sam_son = two_districts
    official = make_user(Role.DISTRICT_OFFICIAL, units=[dong_son])
    client.force_login(official)
    data = client.get(reverse("core-api:organization-list")).json()
    assert [o["id"] for o in data["results"]] == [org_dong_son.pk]


def test_unit_api_is_public_and_cascades(client, province, dong_son):
    provinces = client.get(reverse("core-api:unit-children")).json()
    assert [p["code"] for p in provinces] == ["38"]
    districts = client.get(reverse("core-api:unit-children"), {"parent": province.pk}).json()
    assert len(districts) == 27
    wards = client.get(reverse("core-api:unit-children"), {"parent": dong_son.pk}).json()
    assert wards and all(w["level"] == "ward" for w in wards)


def test_operator_sees_no_personal_data_in_admin(client, make_user, dong_son, two_districts):
    operator = make_user(Role.CHECKPOINT_OPERATOR, units=[dong_son])
    client.force_login(operator)
    assert client.get(reverse("admin:core_person_changelist")).status_code == 302  # not staff
    assert Person.objects.count() == 2


def test_organization_import_runs_through_the_service_and_is_scoped(make_user, dong_son, sam_son):
    import tablib

    from core.admin import OrganizationResource

    official = make_user(Role.DISTRICT_OFFICIAL, units=[dong_son])
    leader = make_user(Role.TASKFORCE_LEADER, province_wide=True)
    data = tablib.Dataset(headers=["name", "kind", "unit_code", "contact_email"])
    data.append(["Trạm Y tế xã Đông Hòa", "hospital", "405", "tram@example.invalid"])
    result = OrganizationResource().import_data(data, dry_run=False, user=leader, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors()
    org = Organization.objects.get(name="Trạm Y tế xã Đông Hòa")
    assert org.unit == dong_son
    assert AuditLog.objects.filter(action="organization.create", actor=leader, target_id=str(org.pk)).exists()
    # A district official (no organization-editing capability) cannot import at all.
    data2 = tablib.Dataset(headers=["name", "kind", "unit_code"])
    data2.append(["Chợ Sầm Sơn", "business", "382"])
    result = OrganizationResource().import_data(data2, dry_run=False, user=official, use_transactions=True)
    assert result.has_errors() or result.has_validation_errors()
    assert not Organization.objects.filter(name="Chợ Sầm Sơn").exists()


def test_admin_finds_a_person_by_exact_id_or_phone_only(client, make_user, province, two_districts):
    in_dong_son, *_ = two_districts
    epi = make_user(Role.EPIDEMIOLOGIST, province_wide=True)
    client.force_login(epi)
    give_admin_purpose(client)
    url = reverse("admin:core_person_changelist")
    assert [p.pk for p in client.get(url, {"q": "0912 345 678"}).context["cl"].result_list] == [
        in_dong_son.pk
    ]
    assert [p.pk for p in client.get(url, {"q": "038085000001"}).context["cl"].result_list] == [
        in_dong_son.pk
    ]
    assert list(client.get(url, {"q": "0912345"}).context["cl"].result_list) == []  # no partial matches
    assert [p.pk for p in client.get(url, {"q": "nguyen van"}).context["cl"].result_list] == [in_dong_son.pk]
