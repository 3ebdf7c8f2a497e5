"""The ad-hoc report form."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import selectors as core_selectors
from reports.models import Section


class AdhocReportForm(forms.Form):
    period_start = forms.DateField(label=_("Từ ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Đến ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    units: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Địa bàn (để trống: toàn tỉnh)"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sections = forms.MultipleChoiceField(
        label=_("Các phần"),
        choices=Section.choices,
        initial=list(Section.values),
        widget=forms.CheckboxSelectMultiple,
    )
    instruction = forms.CharField(
        label=_("Chỉ đạo yêu cầu báo cáo (nếu có)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["units"].queryset = core_selectors.reporting_units().order_by("code")  # type: ignore[attr-defined]
        today = timezone.localdate()
        self.fields["period_end"].initial = today
        self.fields["period_start"].initial = today - datetime.timedelta(days=6)
