"""The software the province deploys, and each agency's periodic report on using it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Platform(models.Model):
    """A national platform (Công văn 2790/BTTTT-THH, 24/7/2021) or one of the province's apps."""

    class Scope(models.TextChoices):
        NATIONAL = "national", _("Nền tảng quốc gia")
        PROVINCIAL = "provincial", _("Ứng dụng của tỉnh")

    class Purpose(models.TextChoices):
        DECLARATION = "declaration", _("Khai báo y tế, quản lý ra vào bằng mã QR")
        TESTING = "testing", _("Lấy mẫu, trả kết quả xét nghiệm")
        VACCINATION = "vaccination", _("Quản lý tiêm chủng")
        INFORMATION = "information", _("Cung cấp thông tin dịch bệnh")
        TRACING = "tracing", _("Truy vết")
        OTHER = "other", _("Khác")

    code = models.SlugField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=200)
    scope = models.CharField(_("phạm vi"), max_length=10, choices=Scope.choices)
    purpose = models.CharField(_("mục đích"), max_length=12, choices=Purpose.choices)
    url = models.URLField(_("địa chỉ"), blank=True)
    description = models.TextField(_("mô tả"), blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang sử dụng"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("nền tảng, ứng dụng")
        verbose_name_plural = _("nền tảng, ứng dụng")

    def __str__(self) -> str:
        return self.name


class UsageReport(models.Model):
    """An agency's report for one period (a week, Monday to Sunday) on using the software."""

    organization = models.ForeignKey(
        "core.Organization", on_delete=models.PROTECT, related_name="usage_reports", verbose_name=_("cơ quan")
    )
    period_start = models.DateField(_("từ ngày"))
    period_end = models.DateField(_("đến ngày"))
    staff_count = models.PositiveIntegerField(_("số cán bộ, nhân viên"))
    staff_with_app = models.PositiveIntegerField(_("số người đã cài ứng dụng"))
    checkpoints_registered = models.PositiveIntegerField(_("số điểm kiểm dịch đã đăng ký"))
    scans_in_period = models.PositiveIntegerField(_("số lượt quét mã QR trong kỳ"))
    platforms_used = models.ManyToManyField(
        Platform, blank=True, related_name="usage_reports", verbose_name=_("nền tảng đang dùng")
    )
    problems = models.TextField(_("khó khăn, vướng mắc"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người báo cáo"),
    )
    submitted_at = models.DateTimeField(_("gửi lúc"), default=timezone.now)
    is_demo = models.BooleanField(_("số liệu minh họa"), default=False)

    class Meta:
        ordering = ["-period_start", "organization__name", "id"]
        verbose_name = _("báo cáo sử dụng phần mềm")
        verbose_name_plural = _("báo cáo sử dụng phần mềm")
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "period_start"], name="taskforce_one_report_per_period"
            ),
            models.CheckConstraint(
                condition=Q(staff_with_app__lte=models.F("staff_count")),
                name="taskforce_installs_within_staff",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")), name="taskforce_period_in_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.period_start:%Y-%m-%d}"
