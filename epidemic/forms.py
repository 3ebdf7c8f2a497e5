"""Forms of the officials' pages: a declared level, a week's treatment capacity, a boundary file,
a version of the thresholds."""

import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from epidemic.models import Level, LevelRules, TreatmentCapacity
from epidemic.services import RULE_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class DeclareForm(forms.Form):
    level = forms.TypedChoiceField(label=_("Cấp độ đã công bố"), choices=Level.choices, coerce=int)
    decision_number = forms.CharField(label=_("Số quyết định"), max_length=60)
    decision_date = forms.DateField(label=_("Ngày quyết định"), widget=DateInput())
    effective_from = forms.DateField(label=_("Áp dụng từ ngày"), widget=DateInput())
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)


class CapacityForm(forms.ModelForm):
    week_start = forms.DateField(
        label=_("Tuần (một ngày bất kỳ trong tuần)"), widget=DateInput(), initial=lambda: timezone.localdate()
    )
    oxygen_sufficient = forms.NullBooleanField(
        label=_("Đủ oxy y tế"),
        required=False,
        widget=forms.Select(choices=[("unknown", _("Chưa nhập")), ("true", _("Có")), ("false", _("Không"))]),
    )

    class Meta:
        model = TreatmentCapacity
        fields = [
            "week_start",
            "mobile_stations",
            "care_teams",
            "beds",
            "beds_occupied",
            "icu_beds",
            "icu_occupied",
            "oxygen_sufficient",
            "note",
        ]

    def validate_unique(self) -> None:
        """One row per unit and week is the service's update, not a form error."""


class BoundaryForm(forms.Form):
    file = forms.FileField(label=_("Tệp ranh giới GeoJSON (.geojson, .json)"))


class RulesForm(forms.ModelForm):
    class Meta:
        model = LevelRules
        fields = ["effective_from", *RULE_FIELDS]
        widgets = {"effective_from": DateInput()}

    def validate_unique(self) -> None:
        """A version of the same date is replaced by the service."""


def week_of(value: str | None, default: datetime.date) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(value or "")
    except ValueError:
        return default
    return day - datetime.timedelta(days=day.weekday())
