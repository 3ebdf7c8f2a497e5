"""What a form, a scanned code or a paper sheet declares, before it is stored."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import AdministrativeUnit, Person
from core.services import PersonData
from declarations import codes
from declarations.models import Declaration


@dataclass
class DeclarationData:
    person: PersonData
    places_visited: str = ""
    symptoms: list[str] = field(default_factory=list)
    exposures: list[str] = field(default_factory=list)
    symptom_list_version: int = codes.CURRENT_SYMPTOM_VERSION
    exposure_list_version: int = codes.CURRENT_EXPOSURE_VERSION
    notice_version: str = codes.CURRENT_NOTICE
    travel_from: AdministrativeUnit | None = None
    travel_to: AdministrativeUnit | None = None
    travel_date: datetime.date | None = None
    transport: str = ""

    def __post_init__(self) -> None:
        try:
            self.symptoms = codes.validate_codes("symptom", self.symptom_list_version, list(self.symptoms))
            self.exposures = codes.validate_codes(
                "exposure", self.exposure_list_version, list(self.exposures)
            )
        except (KeyError, ValueError) as exc:
            raise ValidationError(_("Danh mục triệu chứng hoặc yếu tố dịch tễ không hợp lệ.")) from exc
        if self.notice_version not in codes.NOTICES:
            raise ValidationError(_("Phiên bản thông báo xử lý dữ liệu không hợp lệ."))
        self.places_visited = " ".join(self.places_visited.split())[:500]

    @property
    def risk(self) -> str:
        if self.exposures:
            return Declaration.Risk.EXPOSURE
        if self.symptoms:
            return Declaration.Risk.SYMPTOMS
        return Declaration.Risk.NONE

    def household_member(
        self, person: PersonData, *, symptoms: Sequence[str] = (), exposures: Sequence[str] = ()
    ) -> "DeclarationData":
        """A member declared in the same submission: the group's places visited and list
        versions, and the member's own health answers (none unless given)."""
        return DeclarationData(
            person=person,
            places_visited=self.places_visited,
            symptoms=list(symptoms),
            exposures=list(exposures),
            symptom_list_version=self.symptom_list_version,
            exposure_list_version=self.exposure_list_version,
            notice_version=self.notice_version,
        )


def build_declaration(
    data: DeclarationData,
    *,
    person: Person,
    kind: str,
    source: str,
    entered_by: Any = None,
    created_at: datetime.datetime | None = None,
) -> Declaration:
    """An unsaved declaration (services save it, in bulk for a household)."""
    p = data.person
    return Declaration(
        kind=kind,
        source=source,
        person=person,
        full_name=p.declared_name,  # as declared: the person has the display form
        date_of_birth=p.date_of_birth,
        birth_year=p.birth_year,
        sex=p.sex,
        nationality=p.nationality,
        id_number=p.id_number,
        phone=p.phone,
        address_unit=p.address_unit,
        address_line=p.address_line,
        places_visited=data.places_visited,
        symptoms=data.symptoms,
        symptom_list_version=data.symptom_list_version,
        exposures=data.exposures,
        exposure_list_version=data.exposure_list_version,
        notice_version=data.notice_version,
        risk=data.risk,
        travel_from=data.travel_from,
        travel_to=data.travel_to,
        travel_date=data.travel_date,
        transport=data.transport[:100],
        entered_by=entered_by if entered_by is not None and entered_by.is_authenticated else None,
        created_at=created_at or timezone.now(),
    )
