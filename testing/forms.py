"""Forms of the testing pages."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.bounds import BirthDateFormField
from testing.models import Outcome, Sample, SampleType, Setting, TestKind


class CollectForm(forms.Form):
    """A returning person: scan the ID card or personal QR into ``payload``, scan the tube's code,
    Enter. Typing instead: name, birth date and ID number or phone."""

    payload = forms.CharField(label=_("Mã QR cá nhân hoặc CCCD gắn chip"), max_length=1000, required=False)
    full_name = forms.CharField(label=_("Họ và tên"), max_length=120, required=False)
    birth_date = BirthDateFormField(
        label=_("Ngày sinh"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sex = forms.ChoiceField(
        label=_("Giới tính"), choices=[("", "—"), ("male", _("Nam")), ("female", _("Nữ"))], required=False
    )
    id_number = forms.CharField(label=_("Số CCCD/CMND/hộ chiếu"), max_length=20, required=False)
    phone = forms.CharField(label=_("Số điện thoại (để nhận kết quả)"), max_length=15, required=False)
    code = forms.CharField(
        label=_("Mã ống mẫu"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    sample_type = forms.ChoiceField(label=_("Loại mẫu"), choices=SampleType.choices)
    test_kind = forms.ChoiceField(label=_("Loại xét nghiệm"), choices=TestKind.choices)
    campaign = forms.TypedChoiceField(label=_("Đợt xét nghiệm"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, campaigns: list[tuple[int, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [("", "—"), *campaigns]  # type: ignore[attr-defined]


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Tên điểm lấy mẫu"), max_length=200)
    unit = forms.TypedChoiceField(label=_("Địa bàn"), coerce=int)
    setting = forms.ChoiceField(label=_("Nơi lấy mẫu"), choices=Setting.choices)
    address = forms.CharField(label=_("Địa chỉ"), max_length=255, required=False)
    hours = forms.CharField(
        label=_("Giờ làm việc (người dân xem trên trang Nơi xét nghiệm, tiêm chủng)"),
        max_length=120,
        required=False,
        help_text=_("Ví dụ: 7:30–11:30 và 13:30–17:00, thứ Hai đến thứ Bảy"),
    )


class LabForm(forms.Form):
    name = forms.CharField(label=_("Tên phòng xét nghiệm"), max_length=200)
    unit = forms.TypedChoiceField(label=_("Địa bàn"), coerce=int)


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Tên đợt xét nghiệm"), max_length=200)
    unit = forms.TypedChoiceField(label=_("Địa bàn"), coerce=int)
    starts_on = forms.DateField(label=_("Từ ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Đến ngày"), widget=forms.DateInput(attrs={"type": "date"}))
    target_population = forms.IntegerField(label=_("Số người cần lấy mẫu"), min_value=1)


def unit_choices(units: Any) -> list[tuple[int, str]]:
    return [(u.pk, u.name) for u in units]


class CodesForm(forms.Form):
    codes = forms.CharField(
        label=_("Mã mẫu (quét lần lượt, mỗi mã một dòng)"), widget=forms.Textarea(attrs={"rows": 5})
    )

    def code_list(self) -> list[str]:
        return [
            line.strip()
            for line in self.cleaned_data["codes"].replace(",", "\n").splitlines()
            if line.strip()
        ]


class RejectForm(forms.Form):
    code = forms.CharField(label=_("Mã mẫu"), max_length=40)
    reason = forms.ChoiceField(label=_("Lý do từ chối"), choices=Sample.Rejection.choices)


class PoolForm(CodesForm):
    pool_code = forms.CharField(label=_("Mã mẫu gộp"), max_length=40)


class PoolResultForm(forms.Form):
    pool = forms.TypedChoiceField(label=_("Mẫu gộp"), coerce=int)
    outcome = forms.ChoiceField(label=_("Kết quả"), choices=Outcome.choices)
    ct_value = forms.DecimalField(label=_("Giá trị Ct"), required=False, max_digits=4, decimal_places=1)
    verified_by = forms.CharField(label=_("Người xác nhận"), max_length=120)


class ResultsForm(forms.Form):
    lines = forms.CharField(
        label=_("Kết quả, mỗi dòng: mã mẫu; kết quả (am/duong/kxd); Ct (nếu có)"),
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    verified_by = forms.CharField(label=_("Người xác nhận"), max_length=120)


class TraceForm(forms.Form):
    purpose = forms.CharField(
        label=_("Mục đích truy vết (ghi vào nhật ký)"),
        max_length=300,
        initial=_("Truy vết người tiếp xúc gần của ca bệnh"),
    )


class LookupForm(forms.Form):
    code = forms.CharField(label=_("Mã mẫu (in trên phiếu hẹn)"), max_length=40)
    phone = forms.CharField(label=_("Số điện thoại đã khai"), max_length=15, required=False)
    birth_date = forms.DateField(
        label=_("hoặc ngày sinh"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("phone") and not data.get("birth_date"):
            raise forms.ValidationError(_("Vui lòng nhập số điện thoại hoặc ngày sinh."))
        return data
