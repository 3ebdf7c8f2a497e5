import datetime

import pytest
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from core import ratelimit
from core.models import AdministrativeUnit, AuditLog, Person
from declarations import codes
from declarations.data import DeclarationData
from declarations.models import Declaration
from tests.core.fixtures import person_data

pytestmark = pytest.mark.django_db


def test_code_lists_are_versioned():
    assert [c.code for c in codes.symptoms(1)] == [c.code for c in codes.symptoms(2)][:6]
    assert "taste_smell" in [c.code for c in codes.symptoms(2)]
    assert "taste_smell" not in [c.code for c in codes.symptoms(1)]
    # A code of a newer list is refused under an older version.
    with pytest.raises(ValidationError):
        DeclarationData(person=person_data(), symptoms=["taste_smell"], symptom_list_version=1)
    data = DeclarationData(person=person_data(), symptoms=["cough", "fever", "fever"])
    assert data.symptoms == ["fever", "cough"] and data.risk == Declaration.Risk.SYMPTOMS
    assert DeclarationData(person=person_data(), exposures=["case_contact"]).risk == Declaration.Risk.EXPOSURE
    assert codes.label_of("symptom", 2, "cough") == "Ho"
    with pytest.raises(ValidationError):
        DeclarationData(person=person_data(), notice_version="1999")


def travel_form(home_province, **overrides):
    """A domestic-travel declaration as the public form posts it."""
    return {
        "travel_from": str(home_province.pk),
        "travel_to": str(home_province.pk),
        "travel_date": timezone.localdate().isoformat(),
        "transport": "Xe khách",
        "full_name": "Trần Thị Đi",
        "birth_year": "1980",
        "sex": "female",
        "phone": "0913000999",
        **overrides,
    }


def test_standalone_travel_declaration(client, province):
    get = client.get(reverse("declarations:declare"))
    assert get.status_code == 200 and 'name="travel_to"' in get.content.decode()
    data = travel_form(province, symptoms=["fever"], province=str(province.pk))
    response = client.post(reverse("declarations:declare"), data)
    assert response.status_code == 200 and "Đã gửi khai báo y tế" in response.content.decode()
    declaration = Declaration.objects.get()
    assert declaration.kind == Declaration.Kind.TRAVEL and declaration.flagged
    assert declaration.phone == "0913000999" and declaration.person.full_name == "Trần Thị Đi"
    assert declaration.notice_version == codes.CURRENT_NOTICE and declaration.symptom_list_version == 2


def test_travel_date_far_away_is_refused_and_input_kept(client, province):
    far = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    response = client.post(
        reverse("declarations:declare"),
        {
            "travel_from": province.pk,
            "travel_to": province.pk,
            "travel_date": far,
            "transport": "Tàu",
            "full_name": "Trần Thị Đi",
            "birth_year": "1980",
            "sex": "female",
            "phone": "0913000999",
        },
    )
    text = response.content.decode()
    assert "30 ngày" in text and 'value="Trần Thị Đi"' in text
    assert not Declaration.objects.exists()
    assert not Person.objects.exists()  # refused before anyone was recorded


def travel_body(province, **overrides):
    body = {
        "person": {"full_name": "Trần Thị Đi", "birth_year": 1980, "sex": "female", "phone": "0913000999"},
        "symptoms": ["cough"],
        "travel_from": province.pk,
        "travel_to": province.pk,
        "travel_date": timezone.localdate().isoformat(),
        "transport": "Xe khách",
    }
    body.update(overrides)
    return body


def test_travel_declaration_api(province):
    api = APIClient()
    response = api.post("/api/v1/declarations/", travel_body(province), format="json")
    assert response.status_code == 201, response.json()
    declaration = Declaration.objects.get(pk=response.json()["id"])
    assert (declaration.kind, declaration.risk, declaration.transport) == ("travel", "symptoms", "Xe khách")
    assert declaration.person.full_name == "Trần Thị Đi" and declaration.phone == "0913000999"
    assert AuditLog.objects.filter(action="declaration.submit", target_id=str(declaration.pk)).exists()
    # The same person again: found, not duplicated.
    assert api.post("/api/v1/declarations/", travel_body(province), format="json").status_code == 201
    assert Person.objects.count() == 1

    far = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    refused = api.post("/api/v1/declarations/", travel_body(province, travel_date=far), format="json")
    assert refused.status_code == 400 and "30 ngày" in str(refused.json())
    ward = AdministrativeUnit.objects.filter(parent__isnull=False).first()
    assert ward is not None
    body = travel_body(province, travel_to=ward.pk)
    not_a_province = api.post("/api/v1/declarations/", body, format="json")
    assert not_a_province.status_code == 400 and "travel_to" in not_a_province.json()
    bad_code = api.post("/api/v1/declarations/", travel_body(province, symptoms=["hiccups"]), format="json")
    assert bad_code.status_code == 400 and "symptoms" in bad_code.json()
    assert Declaration.objects.count() == 2 and Person.objects.count() == 1


@override_settings(DECLARATION_RATE_PER_DEVICE=2)
def test_declarations_are_rate_limited_per_device_keeping_the_form(client, province):
    client.get(reverse("declarations:declare"))
    assert client.cookies["cp_dev"].value  # the page gives the phone its device cookie
    data = travel_form(province)
    for _i in range(2):
        assert client.post(reverse("declarations:declare"), data).status_code == 200
    response = client.post(reverse("declarations:declare"), {**data, "transport": "Tàu hỏa"})
    assert response.status_code == 429
    assert "quá nhanh" in response.content.decode() and 'value="Tàu hỏa"' in response.content.decode()
    assert Declaration.objects.count() == 2
    api = APIClient()
    api.cookies["cp_dev"] = client.cookies["cp_dev"].value
    assert api.post("/api/v1/declarations/", travel_body(province), format="json").status_code == 429
    client.cookies["cp_dev"] = ratelimit.new_device_cookie()  # another phone on the same Wi-Fi
    assert client.post(reverse("declarations:declare"), data).status_code == 200
