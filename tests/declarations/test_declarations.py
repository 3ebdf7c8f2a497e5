import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

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


def test_standalone_travel_declaration(client, province):
    get = client.get(reverse("declarations:declare"))
    assert get.status_code == 200 and 'name="travel_to"' in get.content.decode()
    data = {
        "travel_from": str(province.pk),
        "travel_to": str(province.pk),
        "travel_date": timezone.localdate().isoformat(),
        "transport": "Xe khách",
        "full_name": "Trần Thị Đi",
        "birth_year": "1980",
        "sex": "female",
        "phone": "0913000999",
        "symptoms": ["fever"],
        "province": str(province.pk),
    }
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
