"""Weekly and ad-hoc meetings: agenda, invitations and attendance, minutes, conclusions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MeetingSeries(models.Model):
    """A periodic meeting ("họp định kỳ hằng tuần"): its meetings are created ahead of time."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Thứ Hai")
        TUESDAY = 1, _("Thứ Ba")
        WEDNESDAY = 2, _("Thứ Tư")
        THURSDAY = 3, _("Thứ Năm")
        FRIDAY = 4, _("Thứ Sáu")
        SATURDAY = 5, _("Thứ Bảy")
        SUNDAY = 6, _("Chủ Nhật")

    title = models.CharField(_("tên"), max_length=200)
    weekday = models.PositiveSmallIntegerField(_("thứ"), choices=Weekday.choices)
    start_time = models.TimeField(_("giờ bắt đầu"))
    duration_minutes = models.PositiveSmallIntegerField(_("thời lượng (phút)"), default=90)
    location = models.CharField(_("địa điểm"), max_length=200, blank=True)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-starts_on", "id"]
        verbose_name = _("lịch họp định kỳ")
        verbose_name_plural = _("lịch họp định kỳ")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="taskforce_series_dates_in_order",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Meeting(models.Model):
    class Kind(models.TextChoices):
        PERIODIC = "periodic", _("Họp định kỳ")
        AD_HOC = "adhoc", _("Họp đột xuất")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Đã lên lịch")
        HELD = "held", _("Đã họp")
        CANCELLED = "cancelled", _("Đã hủy")

    series = models.ForeignKey(
        MeetingSeries,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        verbose_name=_("lịch định kỳ"),
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.AD_HOC)
    title = models.CharField(_("tiêu đề"), max_length=200)
    starts_at = models.DateTimeField(_("bắt đầu"))
    ends_at = models.DateTimeField(_("kết thúc"))
    location = models.CharField(_("địa điểm"), max_length=200, blank=True)
    chair = models.ForeignKey(
        "taskforce.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="chaired_meetings",
        verbose_name=_("chủ trì"),
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    minutes = models.TextField(_("biên bản"), blank=True)
    invitations_sent_at = models.DateTimeField(_("đã gửi giấy mời lúc"), null=True, blank=True)
    # Bumped on every change the calendar feed shows (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["-starts_at", "-id"]
        verbose_name = _("cuộc họp")
        verbose_name_plural = _("cuộc họp")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="taskforce_meeting_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["series", "starts_at"], name="taskforce_one_meeting_per_series_slot"
            ),
        ]
        indexes = [models.Index(fields=["starts_at"])]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("cuộc họp")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    title = models.CharField(_("nội dung"), max_length=300)
    presenter = models.ForeignKey(
        "taskforce.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người trình bày"),
    )

    class Meta:
        ordering = ["meeting_id", "order", "id"]
        verbose_name = _("nội dung họp")
        verbose_name_plural = _("nội dung họp")

    def __str__(self) -> str:
        return self.title


class Attendance(models.Model):
    """An invitation, and after the meeting what became of it."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Được mời")
        PRESENT = "present", _("Có mặt")
        ABSENT = "absent", _("Vắng không lý do")
        EXCUSED = "excused", _("Vắng có lý do")
        DELEGATE = "delegate", _("Cử người dự thay")

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("cuộc họp")
    )
    member = models.ForeignKey(
        "taskforce.Member", on_delete=models.PROTECT, related_name="attendances", verbose_name=_("thành viên")
    )
    status = models.CharField(_("tình trạng"), max_length=10, choices=Status.choices, default=Status.INVITED)
    delegate_name = models.CharField(_("người dự thay"), max_length=120, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)

    class Meta:
        ordering = ["meeting_id", "member__order", "id"]
        verbose_name = _("thành phần dự họp")
        verbose_name_plural = _("thành phần dự họp")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="taskforce_one_attendance_per_member"),
            models.CheckConstraint(
                condition=~Q(status="delegate") | ~Q(delegate_name=""), name="taskforce_delegate_has_a_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_id}@{self.meeting_id}: {self.status}"


class Conclusion(models.Model):
    """A conclusion of the chair ("kết luận"), which can become assignments in one step."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="conclusions", verbose_name=_("cuộc họp")
    )
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    text = models.TextField(_("nội dung kết luận"))
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conclusions",
        verbose_name=_("thuộc nội dung"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["meeting_id", "order", "id"]
        verbose_name = _("kết luận")
        verbose_name_plural = _("kết luận")

    def __str__(self) -> str:
        return self.text[:80]
