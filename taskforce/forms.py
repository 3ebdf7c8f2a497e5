"""Input forms of the officials' pages. They parse and validate; the services decide."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.bounds import COUNT_MAX, IdChoiceField, IdMultipleChoiceField
from core.models import Organization
from taskforce.models import Assignment, Member, Platform, Proposal

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MeetingForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), max_length=200)
    starts_at = forms.DateTimeField(label=_("Bắt đầu"), widget=DATETIME)
    duration_minutes = forms.IntegerField(
        label=_("Thời lượng (phút)"), min_value=15, max_value=600, initial=90
    )
    location = forms.CharField(label=_("Địa điểm"), max_length=200, required=False)
    agenda = forms.CharField(
        label=_("Nội dung (mỗi dòng một nội dung)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    @property
    def ends_at(self) -> datetime.datetime:
        return self.cleaned_data["starts_at"] + datetime.timedelta(
            minutes=self.cleaned_data["duration_minutes"]
        )


class AgendaForm(forms.Form):
    title = forms.CharField(label=_("Nội dung họp"), max_length=300)


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Biên bản"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    held = forms.BooleanField(label=_("Cuộc họp đã diễn ra"), required=False, initial=True)


class ConclusionForm(forms.Form):
    text = forms.CharField(label=_("Nội dung kết luận"), widget=forms.Textarea(attrs={"rows": 3}))


class DueDateMixin:
    """A due date in the past only for an assignment given earlier and recorded now (it is
    overdue at once); otherwise the form refuses it before the service would."""

    def _check_due_on(self, data: dict) -> None:
        due_on = data.get("due_on")
        if due_on is not None and due_on < timezone.localdate() and not data.get("backdated"):
            self.add_error(  # type: ignore[attr-defined]
                "due_on",
                _(
                    "Hạn hoàn thành đã qua. Nếu đây là nhiệm vụ đã giao trước đây, chọn "
                    "“Ghi nhận nhiệm vụ giao trước đây”."
                ),
            )


def backdated_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("Ghi nhận nhiệm vụ giao trước đây (hạn đã qua: ghi là quá hạn ngay)"), required=False
    )


class ConclusionAssignForm(DueDateMixin, forms.Form):
    """Rendered once per conclusion on the meeting page: the member and organization lists are
    loaded once by the view and shared by every form (no query per conclusion)."""

    title = forms.CharField(
        label=_("Tiêu đề nhiệm vụ (bỏ trống: lấy từ kết luận)"), max_length=200, required=False
    )
    members = forms.TypedMultipleChoiceField(
        label=_("Thành viên thực hiện"), coerce=int, widget=forms.CheckboxSelectMultiple, required=False
    )
    organizations = forms.TypedMultipleChoiceField(label=_("Cơ quan thực hiện"), coerce=int, required=False)
    due_on = forms.DateField(label=_("Hạn hoàn thành"), widget=DATE)
    backdated = backdated_field()
    priority = forms.ChoiceField(
        label=_("Mức độ"), choices=Assignment.Priority.choices, initial=Assignment.Priority.NORMAL
    )

    def __init__(
        self,
        *args: object,
        members: dict[int, Member],
        organizations: dict[int, Organization],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._members, self._organizations = members, organizations
        self.fields["members"].choices = [(pk, str(m.full_name)) for pk, m in members.items()]  # type: ignore[attr-defined]
        self.fields["organizations"].choices = [(pk, o.name) for pk, o in organizations.items()]  # type: ignore[attr-defined]

    def clean(self) -> dict:
        data = super().clean() or {}
        data["members"] = [self._members[pk] for pk in data.get("members") or []]
        data["organizations"] = [self._organizations[pk] for pk in data.get("organizations") or []]
        self._check_due_on(data)
        if not data["members"] and not data["organizations"]:
            raise forms.ValidationError(_("Chọn ít nhất một thành viên hoặc cơ quan thực hiện."))
        return data


class AssignmentForm(DueDateMixin, forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), max_length=200)
    description = forms.CharField(
        label=_("Nội dung"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    assignee_member = IdChoiceField(
        label=_("Thành viên thực hiện"), queryset=Member.objects.none(), required=False
    )
    assignee_organization = IdChoiceField(
        label=_("hoặc cơ quan thực hiện"), queryset=Organization.objects.none(), required=False
    )
    due_on = forms.DateField(label=_("Hạn hoàn thành"), widget=DATE)
    backdated = backdated_field()
    priority = forms.ChoiceField(label=_("Mức độ"), choices=Assignment.Priority.choices, initial="normal")
    source = forms.ChoiceField(
        label=_("Nguồn"),
        choices=[
            (Assignment.Source.LEADER, Assignment.Source.LEADER.label),
            (Assignment.Source.CHAIRMAN, Assignment.Source.CHAIRMAN.label),
        ],
    )
    source_reference = forms.CharField(label=_("Văn bản, căn cứ"), max_length=200, required=False)

    def __init__(self, *args: object, members: object, organizations: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["assignee_member"].queryset = members  # type: ignore[attr-defined]
        self.fields["assignee_organization"].queryset = organizations  # type: ignore[attr-defined]

    def clean(self) -> dict:
        data = super().clean() or {}
        self._check_due_on(data)
        if bool(data.get("assignee_member")) == bool(data.get("assignee_organization")):
            raise forms.ValidationError(_("Chọn một thành viên hoặc một cơ quan thực hiện."))
        return data


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("Trạng thái"))
    progress = forms.IntegerField(label=_("Tiến độ (%)"), min_value=0, max_value=100, required=False)
    text = forms.CharField(label=_("Nội dung cập nhật"), widget=forms.Textarea(attrs={"rows": 3}))
    attachment = forms.FileField(label=_("Tệp đính kèm"), required=False)

    def __init__(self, *args: object, statuses: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        labels = dict(Assignment.Status.choices)
        self.fields["status"].choices = [(s, labels[s]) for s in statuses]  # type: ignore[attr-defined]


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Tiêu đề"), max_length=200)
    body = forms.CharField(label=_("Nội dung đề xuất, kiến nghị"), widget=forms.Textarea(attrs={"rows": 5}))


class DecideForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Ý kiến"),
        choices=[
            (s, s.label)
            for s in (Proposal.Status.ACCEPTED, Proposal.Status.REJECTED, Proposal.Status.NEEDS_INFO)
        ],
    )
    response = forms.CharField(label=_("Trả lời"), widget=forms.Textarea(attrs={"rows": 3}))


class UsageReportForm(forms.Form):
    organization = IdChoiceField(label=_("Cơ quan"), queryset=Organization.objects.none())
    period_start = forms.DateField(label=_("Tuần có ngày"), widget=DATE)
    staff_count = forms.IntegerField(label=_("Số cán bộ, nhân viên"), min_value=0, max_value=COUNT_MAX)
    staff_with_app = forms.IntegerField(
        label=_("Số người đã cài ứng dụng PC-Covid/Bluezone"), min_value=0, max_value=COUNT_MAX
    )
    checkpoints_registered = forms.IntegerField(
        label=_("Số điểm kiểm dịch đã đăng ký"), min_value=0, max_value=COUNT_MAX
    )
    scans_in_period = forms.IntegerField(
        label=_("Số lượt quét mã QR trong tuần"), min_value=0, max_value=COUNT_MAX
    )
    platforms = IdMultipleChoiceField(
        label=_("Nền tảng đang sử dụng"),
        queryset=Platform.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    problems = forms.CharField(
        label=_("Khó khăn, vướng mắc"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: object, organizations: object, platforms: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["organization"].queryset = organizations  # type: ignore[attr-defined]
        self.fields["platforms"].queryset = platforms  # type: ignore[attr-defined]
        self.fields["period_start"].initial = timezone.localdate()

    def clean(self) -> dict:
        data = super().clean() or {}
        if (data.get("staff_with_app") or 0) > (data.get("staff_count") or 0):
            self.add_error(
                "staff_with_app", _("Số người đã cài ứng dụng không được lớn hơn số cán bộ, nhân viên.")
            )
        return data
