"""Demo data: a few domestic travel declarations. Idempotent."""

import datetime
from typing import Any

from django.utils import timezone

from core import selectors as core_selectors
from core.actors import DEMO
from core.models import AdministrativeUnit
from core.services import PersonData, person_resolve_for_visitor
from declarations import services
from declarations.data import DeclarationData
from declarations.models import Declaration

TRAVELLERS = [
    ("Phạm Văn Hùng", 1979, "male", "0913000101", "01", []),
    ("Lê Thị Mai", 1990, "female", "0913000102", "79", []),
    ("Trần Quốc Việt", 1968, "male", "0913000103", "01", ["fever", "cough"]),
]


def load(*, stdout: Any) -> None:
    if Declaration.objects.filter(kind=Declaration.Kind.TRAVEL).exists():
        return
    provinces = core_selectors.unit_list().filter(level=AdministrativeUnit.Level.PROVINCE)
    home = provinces.filter(code="38").first()
    if home is None:
        return
    for index, (name, year, sex, phone, origin, symptoms) in enumerate(TRAVELLERS):
        person_data = PersonData(full_name=name, birth_year=year, sex=sex, phone=phone)
        person, _created = person_resolve_for_visitor(data=person_data)
        services.declaration_submit(
            actor=DEMO,
            person=person,
            data=DeclarationData(
                person=person_data,
                symptoms=symptoms,
                travel_from=provinces.filter(code=origin).first() or home,
                travel_to=home,
                travel_date=timezone.localdate() - datetime.timedelta(days=index),
                transport="Xe khách",
            ),
        )
    stdout.write(f"Khai báo di chuyển minh họa: {len(TRAVELLERS)} tờ khai.")
