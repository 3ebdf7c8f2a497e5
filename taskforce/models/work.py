"""Assignments with their progress updates, and members' proposals to the leader."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files import RandomName


class Proposal(models.Model):
    """A proposal or recommendation ("đề xuất, kiến nghị") from a member to the leader."""

    class Status(models.TextChoices):
        OPEN = "open", _("Chờ xử lý")
        ACCEPTED = "accepted", _("Chấp thuận")
        REJECTED = "rejected", _("Không chấp thuận")
        NEEDS_INFO = "needs_info", _("Cần bổ sung thông tin")

    title = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"))
    submitted_by = models.ForeignKey(
        "taskforce.Member",
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("người đề xuất"),
    )
    submitted_at = models.DateTimeField(_("gửi lúc"), default=timezone.now)
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.OPEN)
    response = models.TextField(_("ý kiến xử lý"), blank=True)
    decided_by = models.ForeignKey(
        "taskforce.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người xử lý"),
    )
    decided_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("đề xuất, kiến nghị")
        verbose_name_plural = _("đề xuất, kiến nghị")
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | Q(decided_at__isnull=False),
                name="taskforce_decided_proposal_has_time",
            )
        ]

    def __str__(self) -> str:
        return self.title


class Assignment(models.Model):
    """Who must do what by when ("giao nhiệm vụ"). Assigned to a member or an organization."""

    class Status(models.TextChoices):
        NEW = "new", _("Mới giao")
        IN_PROGRESS = "in_progress", _("Đang thực hiện")
        DONE = "done", _("Hoàn thành")
        OVERDUE = "overdue", _("Quá hạn")
        CANCELLED = "cancelled", _("Đã hủy")

    class Priority(models.TextChoices):
        LOW = "low", _("Thấp")
        NORMAL = "normal", _("Bình thường")
        HIGH = "high", _("Cao")
        URGENT = "urgent", _("Khẩn")

    class Source(models.TextChoices):
        CONCLUSION = "conclusion", _("Kết luận cuộc họp")
        CHAIRMAN = "chairman", _("Chỉ đạo của Chủ tịch UBND tỉnh")
        PROPOSAL = "proposal", _("Đề xuất, kiến nghị")
        LEADER = "leader", _("Tổ trưởng giao")

    OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS, Status.OVERDUE)

    title = models.CharField(_("tiêu đề"), max_length=200)
    description = models.TextField(_("nội dung"), blank=True)
    assignee_member = models.ForeignKey(
        "taskforce.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("thành viên thực hiện"),
    )
    assignee_organization = models.ForeignKey(
        "core.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="taskforce_assignments",
        verbose_name=_("cơ quan thực hiện"),
    )
    assigned_by = models.ForeignKey(
        "taskforce.Member",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="given_assignments",
        verbose_name=_("người giao"),
    )
    due_on = models.DateField(_("hạn hoàn thành"))
    priority = models.CharField(_("mức độ"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("trạng thái"), max_length=12, choices=Status.choices, default=Status.NEW)
    source = models.CharField(_("nguồn"), max_length=12, choices=Source.choices, default=Source.LEADER)
    source_reference = models.CharField(_("văn bản, căn cứ"), max_length=200, blank=True)
    conclusion = models.ForeignKey(
        "taskforce.Conclusion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("từ kết luận"),
    )
    proposal = models.ForeignKey(
        Proposal,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("từ đề xuất"),
    )
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    completed_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    last_reminded_on = models.DateField(_("nhắc hạn lần cuối"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("giao lúc"), default=timezone.now)

    class Meta:
        ordering = ["due_on", "-priority", "id"]
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        constraints = [
            models.CheckConstraint(
                condition=Q(assignee_member__isnull=False, assignee_organization__isnull=True)
                | Q(assignee_member__isnull=True, assignee_organization__isnull=False),
                name="taskforce_assignment_has_one_assignee",
            ),
            models.CheckConstraint(condition=Q(progress__lte=100), name="taskforce_progress_at_most_100"),
            models.CheckConstraint(
                condition=~Q(source="conclusion") | Q(conclusion__isnull=False),
                name="taskforce_conclusion_source_links_it",
            ),
            models.CheckConstraint(
                condition=~Q(source="proposal") | Q(proposal__isnull=False),
                name="taskforce_proposal_source_links_it",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return self.title

    @property
    def assignee(self) -> object:
        return self.assignee_member or self.assignee_organization

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class AssignmentUpdate(models.Model):
    """A progress report on an assignment, with an optional attachment."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="updates", verbose_name=_("nhiệm vụ")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người cập nhật"),
    )
    text = models.TextField(_("nội dung"))
    status = models.CharField(_("trạng thái sau cập nhật"), max_length=12, choices=Assignment.Status.choices)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    attachment = models.FileField(
        _("tệp đính kèm"), upload_to=RandomName("taskforce/updates/%Y/%m/"), blank=True
    )
    created_at = models.DateTimeField(_("lúc"), default=timezone.now)

    class Meta:
        ordering = ["assignment_id", "-created_at", "-id"]
        verbose_name = _("cập nhật tiến độ")
        verbose_name_plural = _("cập nhật tiến độ")

    def __str__(self) -> str:
        return f"{self.assignment_id}: {self.text[:60]}"
