"""Forms of the officials' and operators' pages."""

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from checkpoints.models import Checkpoint
from core import selectors as core_selectors
from core.bounds import BirthDateFormField, IdChoiceField, IdFormField
from core.collation import vi_order
from core.models import AdministrativeUnit, Organization
from core.text import CleanCharField
from core.widgets import UnitLevelsMixin
from declarations import codes
from declarations.forms import DeclarationForm


class CheckpointForm(UnitLevelsMixin, forms.Form):
    """Registration of a checkpoint; its ward is chosen district first (core.widgets)."""

    unit_fields = {AdministrativeUnit.Level.DISTRICT: "unit_district", AdministrativeUnit.Level.WARD: "unit"}
    unit_below_province = True
    unit_required = True
    unit_insert_before = "address_line"

    name = CleanCharField(label=_("Tên điểm kiểm dịch"), max_length=200)
    organization = IdChoiceField(label=_("Cơ quan quản lý"), queryset=Organization.objects.none())
    kind = forms.ChoiceField(label=_("Loại điểm"), choices=Checkpoint.Kind.choices)
    address_line = CleanCharField(label=_("Địa chỉ"), max_length=255, required=False)
    latitude = forms.DecimalField(label=_("Vĩ độ"), max_digits=9, decimal_places=6, required=False)
    longitude = forms.DecimalField(label=_("Kinh độ"), max_digits=9, decimal_places=6, required=False)
    opens_at = forms.TimeField(
        label=_("Giờ mở cửa"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    closes_at = forms.TimeField(
        label=_("Giờ đóng cửa"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        orgs = core_selectors.filter_by_organization_scope(
            Organization.objects.filter(is_active=True), user, field="id"
        )
        self.fields["organization"].queryset = orgs.order_by(vi_order("name"), "id")  # type: ignore[attr-defined]
        self.setup_unit_levels()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        cleaned.pop("unit_district", None)
        if cleaned.get("unit"):
            cleaned["unit"] = self.chosen_unit()
        return cleaned


class DecisionForm(forms.Form):
    approve = forms.BooleanField(required=False)
    note = forms.CharField(label=_("Ghi chú (bắt buộc khi không duyệt)"), max_length=500, required=False)


def _local_now() -> str:
    return timezone.localtime().strftime("%Y-%m-%dT%H:%M")


class PaperForm(DeclarationForm):
    """A paper form keyed in by staff: the declaration plus the time written on the paper."""

    visited_at = forms.DateTimeField(
        label=_("Thời điểm vào (ghi trên tờ khai)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["visited_at"].initial = _local_now
        self.fields["full_name"].widget.attrs["autofocus"] = True
        # One keystroke-friendly text box (dd/mm/yyyy) instead of the browser's date widget,
        # which takes three Tab stops.
        self.fields["birth_date"] = BirthDateFormField(
            label=_("Ngày sinh (dd/mm/yyyy)"),
            required=False,
            input_formats=["%d/%m/%Y", "%d%m%Y", "%Y-%m-%d"],
            widget=forms.TextInput(attrs={"inputmode": "numeric", "placeholder": "dd/mm/yyyy"}),
        )

    def clean_visited_at(self) -> datetime.datetime:
        value: datetime.datetime = self.cleaned_data["visited_at"]
        if value > timezone.now() + datetime.timedelta(minutes=5):
            raise ValidationError(_("Thời điểm vào không được ở tương lai."))
        return value


class PayloadField(forms.CharField):
    """A scanned code as the scanner typed it: a null character reaches ``qrpayload.parse``,
    which says the code has characters that are not allowed (rather than "empty code")."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]


class ScanForm(forms.Form):
    """What the hand-held scanner typed, and what staff add when the code lacks it."""

    payload = PayloadField(label=_("Mã QR của khách"), max_length=1000, required=False)
    direction = forms.ChoiceField(
        label=_("Chiều"),
        choices=[("in", _("Vào")), ("out", _("Ra"))],
        initial="in",
        widget=forms.RadioSelect,
    )
    phone = forms.CharField(label=_("Số điện thoại"), max_length=15, required=False)
    sex = forms.ChoiceField(
        label=_("Giới tính"), choices=[("", "—"), ("male", _("Nam")), ("female", _("Nữ"))], required=False
    )
    birth_date = BirthDateFormField(
        label=_("Ngày sinh"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    symptoms = forms.MultipleChoiceField(
        label=_("Khách khai có triệu chứng"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(c.code, c.label) for c in codes.symptoms()],
    )
    exposures = forms.MultipleChoiceField(
        label=_("Khách khai có yếu tố dịch tễ"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(c.code, c.label) for c in codes.exposures()],
    )


class TraceForm(forms.Form):
    """A confirmed case (person and infectious period) and the purpose of the search."""

    id_number = forms.CharField(label=_("Số CCCD/CMND của ca bệnh"), max_length=20, required=False)
    phone = forms.CharField(label=_("hoặc số điện thoại"), max_length=15, required=False)
    person = IdFormField(required=False, widget=forms.HiddenInput)
    start = forms.DateTimeField(
        label=_("Thời kỳ lây nhiễm từ"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    end = forms.DateTimeField(
        label=_("đến"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    min_overlap = forms.IntegerField(
        label=_("Thời gian ở cùng tối thiểu (phút)"), min_value=1, max_value=24 * 60, required=False
    )
    purpose = forms.CharField(label=_("Mục đích truy vết (bắt buộc)"), max_length=300)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["min_overlap"].initial = settings.TRACING_MIN_OVERLAP_MINUTES

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start >= end:
            self.add_error("end", _("Thời điểm kết thúc phải sau thời điểm bắt đầu."))
        if start and end and end - start > datetime.timedelta(days=60):
            self.add_error("end", _("Khoảng thời gian tối đa 60 ngày."))
        if not (cleaned.get("id_number") or cleaned.get("phone") or cleaned.get("person")):
            self.add_error("id_number", _("Vui lòng nhập số giấy tờ hoặc số điện thoại của ca bệnh."))
        return cleaned


class CheckpointTraceForm(forms.Form):
    checkpoint = IdChoiceField(label=_("Điểm kiểm dịch"), queryset=Checkpoint.objects.none())
    start = TraceForm.base_fields["start"]
    end = TraceForm.base_fields["end"]
    purpose = forms.CharField(label=_("Mục đích truy vết (bắt buộc)"), max_length=300)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        from checkpoints import selectors

        super().__init__(*args, **kwargs)
        self.fields["checkpoint"].queryset = selectors.tracing_scope(user).order_by(vi_order("name"), "id")  # type: ignore[attr-defined]
        self.fields["start"].label = _("Từ")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start >= end:
            self.add_error("end", _("Thời điểm kết thúc phải sau thời điểm bắt đầu."))
        return cleaned
