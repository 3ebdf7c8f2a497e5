"""Forms of the vaccination pages: booking (the public), stock, sessions, screening and doses."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from declarations.forms import IdentityForm
from vaccination import selectors
from vaccination.models import (
    AdverseEvent,
    CorrectionRequest,
    Dose,
    Lot,
    Session,
    Site,
    StockMovement,
    Vaccine,
)


def _session_label(session: Session) -> str:
    return (
        f"{session.date:%d/%m/%Y} {session.starts_at:%H:%M} · {session.site.name} · {session.vaccine.name} "
        f"({_('còn %(n)s chỗ') % {'n': session.places_left}})"
    )


class BookingForm(IdentityForm):
    """A person books a place in an open session (on a phone, no login)."""

    session = forms.ModelChoiceField(label=_("Buổi tiêm"), queryset=Session.objects.none(), empty_label=None)
    priority_group = forms.ModelChoiceField(
        label=_("Nhóm ưu tiên"), queryset=selectors.priority_groups_active(), required=False
    )

    field_order = ["session", "priority_group"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["session"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = selectors.sessions_open_for_booking()
        field.label_from_instance = _session_label  # type: ignore[method-assign,assignment]
        self.order_fields(["session", "priority_group"])


class ReceiveForm(forms.Form):
    lot = forms.ModelChoiceField(label=_("Lô vắc xin"), queryset=Lot.objects.none())
    quantity = forms.IntegerField(label=_("Số liều nhập"), min_value=1, max_value=1_000_000)
    note = forms.CharField(label=_("Ghi chú (số phiếu xuất...)"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lots = self.fields["lot"]
        assert isinstance(lots, forms.ModelChoiceField)
        lots.queryset = Lot.objects.filter(
            recalled_at__isnull=True, expiry_date__gte=timezone.localdate()
        ).select_related("vaccine")


class WasteForm(forms.Form):
    lot = forms.ModelChoiceField(label=_("Lô vắc xin"), queryset=Lot.objects.none())
    quantity = forms.IntegerField(label=_("Số liều hủy"), min_value=1, max_value=1_000_000)
    reason = forms.ChoiceField(label=_("Lý do"), choices=StockMovement.WastageReason.choices)
    note = forms.CharField(label=_("Ghi chú"), max_length=300, required=False)

    def __init__(self, *args: Any, site: Site, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lots = self.fields["lot"]
        assert isinstance(lots, forms.ModelChoiceField)
        lots.queryset = Lot.objects.filter(stock__site=site, stock__quantity__gt=0).select_related("vaccine")


class SessionForm(forms.Form):
    date = forms.DateField(label=_("Ngày tiêm"), widget=forms.DateInput(attrs={"type": "date"}))
    vaccine = forms.ModelChoiceField(label=_("Vắc xin"), queryset=Vaccine.objects.filter(is_active=True))
    capacity = forms.IntegerField(label=_("Số chỗ"), min_value=1, max_value=10_000)
    priority_groups = forms.ModelMultipleChoiceField(
        label=_("Nhóm ưu tiên (để trống: mọi nhóm)"),
        queryset=selectors.priority_groups_active(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class VaccinateForm(forms.Form):
    """The screening checklist (one box per question) and the dose."""

    lot = forms.ModelChoiceField(label=_("Lô vắc xin"), queryset=Lot.objects.none())
    dose_number = forms.IntegerField(label=_("Mũi số"), min_value=1, max_value=10)
    observation_minutes = forms.IntegerField(label=_("Theo dõi sau tiêm (phút)"), min_value=5, max_value=240)
    note = forms.CharField(label=_("Ghi chú khám sàng lọc"), max_length=300, required=False)

    def __init__(self, *args: Any, session: Session, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lots = self.fields["lot"]
        assert isinstance(lots, forms.ModelChoiceField)
        lots.queryset = selectors.usable_lots_at(session.site, vaccine=session.vaccine)
        self.questions = list(selectors.screening_questions_active())
        for question in self.questions:
            self.fields[f"q_{question.code}"] = forms.BooleanField(label=question.text, required=False)

    def positive(self) -> list[str]:
        return [q.code for q in self.questions if self.cleaned_data.get(f"q_{q.code}")]

    def question_fields(self) -> list[Any]:
        return [self[f"q_{q.code}"] for q in self.questions]


class CloseForm(forms.Form):
    """Opened vials per lot used in the session (one field per lot)."""

    def __init__(self, *args: Any, lots: list[Lot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lots = lots
        for lot in lots:
            self.fields[f"lot_{lot.pk}"] = forms.IntegerField(
                label=_("Số lọ đã mở, lô %(number)s") % {"number": lot.number}, min_value=0, max_value=100_000
            )

    def opened_vials(self) -> dict[Lot, int]:
        return {lot: self.cleaned_data[f"lot_{lot.pk}"] for lot in self.lots}


class AefiForm(forms.Form):
    onset_at = forms.DateTimeField(
        label=_("Khởi phát lúc"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    symptoms = forms.CharField(label=_("Triệu chứng"), max_length=500)
    seriousness = forms.ChoiceField(label=_("Mức độ"), choices=AdverseEvent.Seriousness.choices)
    outcome = forms.ChoiceField(label=_("Diễn biến"), choices=AdverseEvent.Outcome.choices)


class DecisionForm(forms.Form):
    apply = forms.BooleanField(required=False)
    note = forms.CharField(label=_("Ghi chú xử lý"), max_length=500, required=False)


class PersonCorrectionForm(forms.Form):
    """A person asks to correct their record (the lot and site are typed as on the paper card)."""

    kind = forms.ChoiceField(label=_("Nội dung cần đính chính"), choices=CorrectionRequest.Kind.choices)
    dose = forms.ModelChoiceField(label=_("Mũi tiêm"), queryset=Dose.objects.none(), required=False)
    lot_number = forms.CharField(label=_("Số lô đúng (trên phiếu tiêm)"), max_length=40, required=False)
    administered_on = forms.DateField(
        label=_("Ngày tiêm đúng"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    site = forms.ModelChoiceField(
        label=_("Nơi đã tiêm (mũi bị thiếu)"), queryset=Site.objects.filter(is_active=True), required=False
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def __init__(self, *args: Any, person_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dose = self.fields["dose"]
        assert isinstance(dose, forms.ModelChoiceField)
        dose.queryset = selectors.doses_of(person_id)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        number = " ".join(cleaned.get("lot_number", "").split()).upper()
        dose, kind = cleaned.get("dose"), cleaned.get("kind")
        cleaned["lot"] = None
        if number:
            lots = Lot.objects.filter(number=number)
            if dose is not None:
                lots = lots.filter(vaccine=dose.vaccine)
            cleaned["lot"] = lots.first()
            if cleaned["lot"] is None:
                self.add_error("lot_number", _("Không tìm thấy lô vắc xin này."))
        if kind == CorrectionRequest.Kind.MISSING_DOSE and cleaned.get("site") is None:
            self.add_error("site", _("Vui lòng chọn nơi đã tiêm."))
        return cleaned


class PersonAefiForm(AefiForm):
    dose = forms.ModelChoiceField(label=_("Mũi tiêm"), queryset=Dose.objects.none())

    field_order = ["dose"]

    def __init__(self, *args: Any, person_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        dose = self.fields["dose"]
        assert isinstance(dose, forms.ModelChoiceField)
        dose.queryset = selectors.doses_of(person_id)
        self.order_fields(["dose"])


class ListRegistrationForm(forms.Form):
    """A list of people (pasted, or a CSV/text file) and the session to book them into."""

    MAX_BYTES = 512 * 1024

    session = forms.ModelChoiceField(label=_("Buổi tiêm"), queryset=Session.objects.none(), empty_label=None)
    lines = forms.CharField(
        label=_("Danh sách (mỗi dòng một người: họ tên; ngày sinh; điện thoại; số CCCD nếu có)"),
        required=False,
        max_length=200_000,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
    )
    upload = forms.FileField(
        label=_("hoặc tải lên tệp CSV/TXT (UTF-8)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,text/csv,text/plain"}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["session"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = selectors.sessions_for_registration(user)
        field.label_from_instance = _session_label  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("upload")
        if upload is not None:
            if upload.size > self.MAX_BYTES:
                raise forms.ValidationError(_("Tệp quá lớn (tối đa 512 KB)."))
            try:
                cleaned["lines"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(
                    _("Không đọc được tệp: hãy lưu tệp dạng CSV UTF-8 rồi tải lên lại.")
                ) from exc
            # What the file held goes into the box: a refused list is corrected there.
            data = self.data.copy()  # type: ignore[attr-defined]
            data["lines"] = cleaned["lines"]
            self.data = data
        if not (cleaned.get("lines") or "").strip():
            raise forms.ValidationError(_("Vui lòng dán danh sách hoặc tải lên một tệp."))
        return cleaned
