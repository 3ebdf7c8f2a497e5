"""Forms of the privacy pages."""

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from privacy.models import SubjectRequest


class MonthForm(forms.Form):
    month = forms.DateField(
        label=_("Tháng (ngày bất kỳ trong tháng)"),
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d", "%Y-%m"],
    )

    def clean_month(self) -> datetime.date:
        return self.cleaned_data["month"].replace(day=1)


class SubjectRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại yêu cầu"), choices=SubjectRequest.Kind.choices)
    subject_name = forms.CharField(label=_("Họ tên người có dữ liệu"), max_length=120)
    id_number = forms.CharField(label=_("Số CCCD/CMND/hộ chiếu"), max_length=20, required=False)
    phone = forms.CharField(label=_("hoặc số điện thoại"), max_length=15, required=False)
    requester = forms.ChoiceField(label=_("Người yêu cầu"), choices=SubjectRequest.Requester.choices)
    requester_name = forms.CharField(label=_("Họ tên người đại diện"), max_length=120, required=False)
    identity_check = forms.ChoiceField(
        label=_("Cách xác minh danh tính"), choices=SubjectRequest.IdentityCheck.choices
    )
    identity_note = forms.CharField(label=_("Ghi chú xác minh"), max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not (cleaned.get("id_number", "").strip() or cleaned.get("phone", "").strip()):
            self.add_error("id_number", _("Vui lòng nhập số giấy tờ hoặc số điện thoại."))
        if (
            cleaned.get("requester") == SubjectRequest.Requester.REPRESENTATIVE
            and not cleaned.get("requester_name", "").strip()
        ):
            self.add_error("requester_name", _("Vui lòng ghi họ tên người đại diện."))
        if (
            cleaned.get("identity_check") == SubjectRequest.IdentityCheck.OTHER
            and not cleaned.get("identity_note", "").strip()
        ):
            self.add_error("identity_note", _("Vui lòng ghi rõ cách đã xác minh danh tính."))
        return cleaned
