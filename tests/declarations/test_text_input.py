"""A name typed in NFD or lowercase through the form, the API or a staff scan is stored NFC and
capitalised on the person; the declaration keeps it as declared (NFC, trimmed)."""

import unicodedata
import uuid

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import Person
from declarations.models import Declaration
from tests.checkpoints.conftest import agency, checkpoint, operator  # noqa: F401
from tests.declarations.test_declarations import travel_body, travel_form

pytestmark = pytest.mark.django_db


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_nfd_lowercase_name_via_the_form(client, province):
    data = travel_form(
        province,
        full_name=nfd("  trần   thị đi  "),
        address_line=nfd("Thôn Đông Sơn   "),
        transport=nfd("Xe khách "),
        province=str(province.pk),
    )
    response = client.post(reverse("declarations:declare"), data)
    assert response.status_code == 200 and "Đã gửi khai báo y tế" in response.content.decode()
    declaration = Declaration.objects.get()
    person = declaration.person
    assert person.full_name == "Trần Thị Đi" and person.address_line == "Thôn Đông Sơn"
    assert declaration.full_name == "trần thị đi"  # evidence: as declared, NFC
    assert declaration.address_line == "Thôn Đông Sơn" and declaration.transport == "Xe khách"


def test_nfd_lowercase_name_via_the_api(province):
    body = travel_body(province)
    body["person"] = {**body["person"], "full_name": nfd("trần thị đi "), "address_line": nfd(" Số 5  ")}
    body["places_visited"] = nfd("Chợ  Đồng Xuân ")
    response = APIClient().post("/api/v1/declarations/", body, format="json")
    assert response.status_code == 201, response.json()
    declaration = Declaration.objects.get()
    assert declaration.person.full_name == "Trần Thị Đi"
    assert declaration.full_name == "trần thị đi" and declaration.address_line == "Số 5"
    assert declaration.places_visited == "Chợ Đồng Xuân"


def test_nfd_name_via_a_staff_scan(client, checkpoint, operator):  # noqa: F811
    client.force_login(operator)
    payload = nfd("038085000001||nguyễn văn an |12031985|Nam|Thôn 1, Đông Sơn|15042021")
    scan = reverse("checkpoints:scan", kwargs={"pk": checkpoint.pk})
    client.post(scan, {"payload": payload, "direction": "in", "submission": str(uuid.uuid4())})
    person = Person.objects.get()
    assert person.full_name == "Nguyễn Văn An"
    assert unicodedata.is_normalized("NFC", Declaration.objects.get().full_name)


def test_a_later_nfd_declaration_finds_the_same_person(client, province):
    first = travel_form(province, full_name="Trần Thị Đi", province=str(province.pk))
    client.post(reverse("declarations:declare"), first)
    again = travel_form(province, full_name=nfd("TRẦN THỊ ĐI"), province=str(province.pk))
    client.post(reverse("declarations:declare"), again)
    assert Person.objects.count() == 1 and Declaration.objects.count() == 2
