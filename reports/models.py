"""Reports to the provincial chairman: generated documents, kept immutably, and who receives them."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.files import RandomName


class Section(models.TextChoices):
    """The sections of a report, in the order they appear."""

    SUMMARY = "summary", _("Tóm tắt")
    EPIDEMIC = "epidemic", _("Tình hình dịch bệnh")
    LEVELS = "levels", _("Cấp độ dịch")
    VACCINATION = "vaccination", _("Tiêm chủng")
    ADOPTION = "adoption", _("Tình hình sử dụng phần mềm")
    TASKFORCE = "taskforce", _("Hoạt động của Tổ công nghệ")
    DIFFICULTIES = "difficulties", _("Khó khăn, kiến nghị")


class Report(models.Model):
    """One generated report. Once done, its files and checksum never change: regeneration
    creates a new version beside it. The weekly job's report for a week is version 1; the
    newest version of a period is the one shown first."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", _("Báo cáo tuần")
        ADHOC = "adhoc", _("Báo cáo đột xuất")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Chờ tạo")
        RUNNING = "running", _("Đang tạo")
        DONE = "done", _("Đã xong")
        FAILED = "failed", _("Lỗi")

    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    number = models.CharField(_("số báo cáo"), max_length=40)
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    # Unit ids at the reporting level; empty means the whole province.
    unit_ids = models.JSONField(_("địa bàn"), default=list, blank=True)
    sections = models.JSONField(_("các phần"), default=list)
    version = models.PositiveSmallIntegerField(_("phiên bản"), default=1)
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("phiên bản trước"),
    )
    instruction = models.TextField(_("chỉ đạo yêu cầu báo cáo"), blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    # Stamped by the worker at its claim and at each step: a report running with an old stamp
    # lost its worker and is resumed (core.recovery); the claim's stamp also tells a resumed
    # run from the lost one.
    heartbeat_at = models.DateTimeField(_("cập nhật tiến độ lúc"), null=True, blank=True)
    error = models.CharField(_("lỗi"), max_length=500, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người yêu cầu"),
    )
    requested_at = models.DateTimeField(_("yêu cầu lúc"), default=timezone.now)
    snapshot_at = models.DateTimeField(_("số liệu tính đến"), null=True, blank=True)
    finished_at = models.DateTimeField(_("hoàn thành lúc"), null=True, blank=True)
    pdf = models.FileField(_("tệp PDF"), upload_to=RandomName("reports/%Y/"), blank=True)
    xlsx = models.FileField(_("tệp Excel"), upload_to=RandomName("reports/%Y/"), blank=True)
    pdf_sha256 = models.CharField(_("mã kiểm tra PDF (SHA-256)"), max_length=64, blank=True)
    xlsx_sha256 = models.CharField(_("mã kiểm tra Excel (SHA-256)"), max_length=64, blank=True)

    class Meta:
        ordering = ["-period_start", "-version", "-id"]
        verbose_name = _("báo cáo")
        verbose_name_plural = _("báo cáo")
        constraints = [
            # The weekly job can run twice (retries, two beat instances): one version 1 per week.
            models.UniqueConstraint(
                fields=["kind", "period_start", "version"],
                condition=models.Q(kind="weekly"),
                name="one_weekly_report_version_per_week",
            ),
            # Ad-hoc numbers are read as "one past the highest"; two requests at once retry.
            models.UniqueConstraint(
                fields=["number", "version"],
                condition=models.Q(kind="adhoc"),
                name="one_adhoc_report_per_number_version",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="period_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y}) v{self.version}"


class ReportRecipient(models.Model):
    """Who receives the weekly report by email (the chairman's office, the leader...)."""

    name = models.CharField(_("tên"), max_length=120)
    email = models.EmailField(_("email"), unique=True)
    is_active = models.BooleanField(_("đang nhận"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("người nhận báo cáo")
        verbose_name_plural = _("người nhận báo cáo")

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"
