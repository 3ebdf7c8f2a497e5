"""The health declaration form (docs/domain.md §3), usable without JavaScript.

The address is chosen level by level (``core.widgets.UnitLevelsMixin``: province → district →
ward, or province → commune in the 2025 list): without JavaScript the visitor presses "Cập nhật
danh sách" and the page comes back with the next level's options and everything typed so far;
with JavaScript the options load from ``/api/v1/units/?parent=``.
"""

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from core import selectors as core_selectors
from core.bounds import BirthDateFormField, BirthYearFormField, parse_id
from core.models import AdministrativeUnit, Person
from core.services import PersonData
from core.text import CleanCharField
from core.widgets import UnitLevelsMixin, unit_choices
from declarations import codes
from declarations.data import DeclarationData

SEX_CHOICES = [("male", _("Nam")), ("female", _("Nữ"))]


class _SharedChoices:
    """For choice fields whose choices are fixed where they are declared: each form's copy of
    the field shares them. Django deep-copies a field's choice list for every form instance,
    and the visitor's form is built for every check-in (docs/benchmarks.md, issue 16)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        result = forms.Field.__deepcopy__(self, memo)  # type: ignore[attr-defined]
        result._choices = self._choices  # type: ignore[attr-defined]
        return result


class FixedChoiceField(_SharedChoices, forms.ChoiceField):
    pass


class FixedMultipleChoiceField(_SharedChoices, forms.MultipleChoiceField):
    pass


def _int(value: Any) -> int | None:
    return parse_id(value)


class IdentityForm(UnitLevelsMixin, forms.Form):
    """Who the person is and where they live."""

    full_name = CleanCharField(label=_("Họ và tên"), max_length=120)
    birth_date = BirthDateFormField(
        label=_("Ngày sinh"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    birth_year = BirthYearFormField(label=_("hoặc năm sinh"), required=False)
    sex = FixedChoiceField(label=_("Giới tính"), choices=SEX_CHOICES, widget=forms.RadioSelect)
    id_number = forms.CharField(label=_("Số CCCD/CMND/hộ chiếu"), max_length=20, required=False)
    phone = forms.CharField(
        label=_("Số điện thoại"),
        max_length=15,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    # province, district (2021 list only) and ward: added by UnitLevelsMixin.
    address_line = CleanCharField(label=_("Số nhà, đường, thôn"), max_length=255, required=False)

    require_contact = True
    unit_default_province = True  # most visitors live in the province
    unit_insert_before = "address_line"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.setup_unit_levels()

    def _choices(self, name: str, choices: list[tuple[str, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices

    def clean_phone(self) -> str:
        phone = "".join(c for c in self.cleaned_data.get("phone", "") if c.isdigit() or c == "+")
        digits = phone.lstrip("+")
        if phone and not 9 <= len(digits) <= 12:
            raise ValidationError(_("Số điện thoại không hợp lệ."))
        return phone

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("birth_date") and not cleaned.get("birth_year"):
            self.add_error("birth_year", _("Vui lòng nhập ngày sinh hoặc năm sinh."))
        if self.require_contact and not cleaned.get("phone") and not cleaned.get("id_number"):
            self.add_error(
                "phone", _("Vui lòng nhập số điện thoại hoặc số giấy tờ để cơ quan y tế liên hệ khi cần.")
            )
        return cleaned

    def address_unit(self) -> AdministrativeUnit | None:
        return self.chosen_unit()

    def person_data(self) -> PersonData:
        c = self.cleaned_data
        birth_date: datetime.date | None = c.get("birth_date")
        return PersonData(
            full_name=c["full_name"],
            date_of_birth=birth_date,
            birth_year=birth_date.year if birth_date else c.get("birth_year"),
            sex=c.get("sex") or Person.Sex.UNKNOWN,
            id_number=c.get("id_number", ""),
            phone=c.get("phone", ""),
            address_unit=self.address_unit(),
            address_line=c.get("address_line", ""),
        )


MULTIPLE_FIELDS = ("symptoms", "exposures")


def initial_from(data: QueryDict, prefix: str = "") -> dict[str, Any]:
    """What was typed, as a form's ``initial`` for a no-JavaScript round trip (next address
    level, one more member row): every ticked symptom and exposure kept, not just the last."""
    return {
        name[len(prefix) :]: data.getlist(name)
        if name[len(prefix) :] in MULTIPLE_FIELDS
        else data.get(name, "")
        for name in data
        if name.startswith(prefix)
    }


def _codes_field(label: Any, items: tuple[codes.Code, ...]) -> forms.MultipleChoiceField:
    """Ticks from a versioned code list (symptoms, exposures); none ticked is a valid answer."""
    return FixedMultipleChoiceField(
        label=label,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(item.code, item.label) for item in items],
    )


class DeclarationForm(IdentityForm):
    places_visited = CleanCharField(
        label=_("Nơi đã đến trong 14 ngày qua (nếu có)"), max_length=500, required=False
    )
    symptoms = _codes_field(_("Trong 14 ngày qua, bạn có dấu hiệu nào sau đây?"), codes.symptoms())
    exposures = _codes_field(_("Trong 14 ngày qua, bạn có:"), codes.exposures())

    def declaration_data(self) -> DeclarationData:
        return DeclarationData(
            person=self.person_data(),
            places_visited=self.cleaned_data.get("places_visited", ""),
            symptoms=list(self.cleaned_data.get("symptoms", [])),
            exposures=list(self.cleaned_data.get("exposures", [])),
        )


def notice_text() -> str:
    return str(codes.NOTICES[codes.CURRENT_NOTICE]) % {"days": settings.DECLARATION_RETENTION_DAYS}


class TravelDeclarationForm(DeclarationForm):
    travel_from = forms.ChoiceField(label=_("Đi từ (tỉnh/thành phố)"))
    travel_to = forms.ChoiceField(label=_("Đến (tỉnh/thành phố)"))
    travel_date = forms.DateField(label=_("Ngày đi"), widget=forms.DateInput(attrs={"type": "date"}))
    transport = CleanCharField(label=_("Phương tiện (xe khách, tàu, máy bay, xe cá nhân...)"), max_length=100)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        provinces = unit_choices(None)
        self._choices("travel_from", provinces)
        self._choices("travel_to", provinces)

    def declaration_data(self) -> DeclarationData:
        data = super().declaration_data()
        units = core_selectors.unit_list()
        data.travel_from = units.filter(pk=_int(self.cleaned_data["travel_from"]) or 0).first()
        data.travel_to = units.filter(pk=_int(self.cleaned_data["travel_to"]) or 0).first()
        data.travel_date = self.cleaned_data["travel_date"]
        data.transport = self.cleaned_data["transport"]
        return data


class MemberForm(forms.Form):
    """A household member without a phone, checked in with the declarant."""

    full_name = CleanCharField(label=_("Họ và tên"), max_length=120, required=False)
    birth_year = BirthYearFormField(label=_("Năm sinh"), required=False)
    sex = FixedChoiceField(label=_("Giới tính"), choices=[("", "—"), *SEX_CHOICES], required=False)
    # The member's own answers: nothing ticked means nothing declared for this person.
    symptoms = _codes_field(_("Người này có dấu hiệu nào sau đây?"), codes.symptoms())
    exposures = _codes_field(_("Người này có:"), codes.exposures())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("full_name") and not cleaned.get("birth_year"):
            self.add_error("birth_year", _("Vui lòng nhập năm sinh."))
        return cleaned

    def declaration_data(self, declarant: DeclarationData) -> DeclarationData | None:
        """The member's own declaration, at the declarant's address (None for an empty row)."""
        c = self.cleaned_data
        if not c.get("full_name"):
            return None
        person = PersonData(
            full_name=c["full_name"],
            birth_year=c.get("birth_year"),
            sex=c.get("sex") or Person.Sex.UNKNOWN,
            address_unit=declarant.person.address_unit,
            address_line=declarant.person.address_line,
        )
        return declarant.household_member(
            person, symptoms=c.get("symptoms", []), exposures=c.get("exposures", [])
        )
