"""Testing (docs/testing.md, docs/domain.md §5): sampling sites, labs, campaigns, samples,
pools, lab results, testing tasks, confirmed cases and their F1 contacts.

Class names never start with ``Test`` (pytest would collect them).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AdministrativeUnit, Organization, Person


class Setting(models.TextChoices):
    """Where a site samples, hence where a case it finds was found: the epidemic level rules
    count community cases apart (docs/domain.md §4)."""

    COMMUNITY = "community", _("Cộng đồng")
    QUARANTINE = "quarantine", _("Khu cách ly, phong tỏa")
    BORDER = "border", _("Nhập cảnh, biên giới")
    HEALTH_FACILITY = "facility", _("Cơ sở y tế")


class SamplingSite(models.Model):
    name = models.CharField(_("tên điểm lấy mẫu"), max_length=200)
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, verbose_name=_("địa bàn"))
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    # Shown to the public with the address (the dashboard's where-to-go page), as officials write it.
    hours = models.CharField(_("giờ làm việc"), max_length=120, blank=True)
    setting = models.CharField(
        _("nơi lấy mẫu"), max_length=10, choices=Setting.choices, default=Setting.COMMUNITY
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("điểm lấy mẫu")
        verbose_name_plural = _("điểm lấy mẫu")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Lab(models.Model):
    name = models.CharField(_("tên phòng xét nghiệm"), max_length=200)
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, verbose_name=_("địa bàn"))
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("cơ quan chủ quản")
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("phòng xét nghiệm")
        verbose_name_plural = _("phòng xét nghiệm")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Campaign(models.Model):
    """Mass testing of a unit over a date range, with the population it aims to sample."""

    name = models.CharField(_("tên đợt xét nghiệm"), max_length=200)
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, verbose_name=_("địa bàn"))
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    target_population = models.PositiveIntegerField(_("số người cần lấy mẫu"))
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("đợt xét nghiệm")
        verbose_name_plural = _("đợt xét nghiệm")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_dates"),
        ]

    def __str__(self) -> str:
        return self.name


class SampleType(models.TextChoices):
    NASOPHARYNGEAL = "np", _("Dịch tỵ hầu")
    OROPHARYNGEAL = "op", _("Dịch họng")
    SALIVA = "saliva", _("Nước bọt")


class TestKind(models.TextChoices):
    RT_PCR = "rt_pcr", _("RT-PCR")
    ANTIGEN = "antigen", _("Test nhanh kháng nguyên")


class Outcome(models.TextChoices):
    POSITIVE = "positive", _("Dương tính")
    NEGATIVE = "negative", _("Âm tính")
    INCONCLUSIVE = "inconclusive", _("Không xác định")


class SamplePool(models.Model):
    """One tube for several people (gộp mẫu). Its result is entered once; a correction is a
    separate, audited step (``pool_result_correct``)."""

    code = models.CharField(_("mã mẫu gộp"), max_length=40, unique=True)
    lab = models.ForeignKey(Lab, on_delete=models.PROTECT, verbose_name=_("phòng xét nghiệm"))
    created_at = models.DateTimeField(_("gộp lúc"), default=timezone.now)
    outcome = models.CharField(_("kết quả"), max_length=12, choices=Outcome.choices, blank=True)
    resulted_at = models.DateTimeField(_("có kết quả lúc"), null=True, blank=True)
    ct_value = models.DecimalField(_("giá trị Ct"), max_digits=4, decimal_places=1, null=True, blank=True)
    verified_by = models.CharField(_("người xác nhận"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("mẫu gộp")
        verbose_name_plural = _("mẫu gộp")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.code


class Sample(models.Model):
    class Status(models.TextChoices):
        COLLECTED = "collected", _("Đã lấy mẫu")
        RECEIVED = "received", _("Phòng xét nghiệm đã nhận")
        REJECTED = "rejected", _("Mẫu bị từ chối")
        PENDING = "pending", _("Chờ xét nghiệm lại (mẫu gộp dương tính)")
        RESULTED = "resulted", _("Đã có kết quả")

    class Rejection(models.TextChoices):
        LEAKED = "leaked", _("Mẫu bị đổ, rò rỉ")
        TOO_LITTLE = "too_little", _("Không đủ lượng mẫu")
        UNLABELLED = "unlabelled", _("Không có nhãn, nhãn không đọc được")
        TOO_OLD = "too_old", _("Mẫu để quá lâu")

    code = models.CharField(_("mã mẫu"), max_length=40, unique=True)
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("người"))
    site = models.ForeignKey(SamplingSite, on_delete=models.PROTECT, verbose_name=_("điểm lấy mẫu"))
    campaign = models.ForeignKey(
        Campaign, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("đợt xét nghiệm")
    )
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("người lấy mẫu"),
    )
    collected_at = models.DateTimeField(_("lấy mẫu lúc"), default=timezone.now, db_index=True)
    sample_type = models.CharField(_("loại mẫu"), max_length=10, choices=SampleType.choices)
    test_kind = models.CharField(_("loại xét nghiệm"), max_length=10, choices=TestKind.choices)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.COLLECTED
    )
    lab = models.ForeignKey(
        Lab, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("phòng xét nghiệm")
    )
    received_at = models.DateTimeField(_("nhận lúc"), null=True, blank=True)
    rejection = models.CharField(_("lý do từ chối"), max_length=12, choices=Rejection.choices, blank=True)
    # The signed test certificate, once the citizen asked for it (downloaded again, not re-issued).
    certificate = models.ForeignKey(
        "certificates.IssuedCertificate", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    pool = models.ForeignKey(
        SamplePool,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("mẫu gộp"),
    )

    class Meta:
        verbose_name = _("mẫu xét nghiệm")
        verbose_name_plural = _("mẫu xét nghiệm")
        ordering = ["-collected_at"]

    def __str__(self) -> str:
        return self.code


class LabResult(models.Model):
    class Via(models.TextChoices):
        SINGLE = "single", _("Xét nghiệm đơn")
        POOL = "pool", _("Âm tính theo mẫu gộp")
        IMPORT = "import", _("Nhập từ hệ thống phòng xét nghiệm")

    sample = models.OneToOneField(
        Sample, on_delete=models.CASCADE, related_name="result", verbose_name=_("mẫu")
    )
    outcome = models.CharField(_("kết quả"), max_length=12, choices=Outcome.choices)
    via = models.CharField(_("cách có kết quả"), max_length=8, choices=Via.choices, default=Via.SINGLE)
    resulted_at = models.DateTimeField(_("có kết quả lúc"), db_index=True)
    ct_value = models.DecimalField(_("giá trị Ct"), max_digits=4, decimal_places=1, null=True, blank=True)
    verified_by = models.CharField(_("người xác nhận"), max_length=120)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("kết quả xét nghiệm")
        verbose_name_plural = _("kết quả xét nghiệm")
        ordering = ["-resulted_at"]

    def __str__(self) -> str:
        return f"{self.sample.code}: {self.get_outcome_display()}"


class Case(models.Model):
    """A confirmed case (F0)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("người"))
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, verbose_name=_("địa bàn"))
    confirmed_on = models.DateField(_("ngày xác định"), db_index=True)
    source = models.ForeignKey(
        Sample,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mẫu xác định"),
    )
    found_in = models.CharField(_("nơi phát hiện"), max_length=10, choices=Setting.choices)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("ca bệnh (F0)")
        verbose_name_plural = _("ca bệnh (F0)")
        ordering = ["-confirmed_on", "-pk"]
        constraints = [models.UniqueConstraint(fields=["person"], name="one_case_per_person")]

    def __str__(self) -> str:
        return f"F0 #{self.pk}"


class Contact(models.Model):
    """A close contact (F1) of a case, marked by an epidemiologist from the tracing result."""

    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("ca bệnh")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("người"))
    purpose = models.CharField(_("mục đích truy vết"), max_length=300)
    marked_at = models.DateTimeField(_("xác định lúc"), default=timezone.now)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    notified_at = models.DateTimeField(_("đã báo lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("người tiếp xúc gần (F1)")
        verbose_name_plural = _("người tiếp xúc gần (F1)")
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="one_contact_per_case")]

    def __str__(self) -> str:
        return f"F1 #{self.pk}"


class SamplingTask(models.Model):
    """Someone who must be (re-)sampled: a member of a positive pool, a rejected specimen, an F1.
    Closed by the next sample collected from the person."""

    class Reason(models.TextChoices):
        POOL_POSITIVE = "pool", _("Mẫu gộp dương tính: lấy mẫu đơn")
        REJECTED = "rejected", _("Mẫu bị từ chối: lấy lại mẫu")
        CONTACT = "f1", _("F1: xét nghiệm")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("người"))
    reason = models.CharField(_("lý do"), max_length=10, choices=Reason.choices)
    origin = models.ForeignKey(
        Sample, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("mẫu gốc")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, null=True, blank=True, related_name="tasks"
    )
    campaign = models.ForeignKey(Campaign, on_delete=models.SET_NULL, null=True, blank=True)
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, verbose_name=_("địa bàn"))
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    done_by = models.ForeignKey(
        Sample, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("mẫu mới")
    )

    class Meta:
        verbose_name = _("việc lấy mẫu")
        verbose_name_plural = _("việc lấy mẫu")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} #{self.pk}"


# --- Daily roll-ups (core.rollups; testing/retention.py) --------------------------------------
#
# Dimensions are the finest the readers need: the sampling site's unit (raised to the reporting
# level when read), the site's setting (where a case was found: the epidemic level counts the
# community apart, docs/domain.md §4) and the test type. docs/testing.md "Daily figures" says
# which day each figure belongs to.


class SampleDailyStat(models.Model):
    """Samples per local day of collection: the aggregate of the ``testing.sample_daily`` roll-up.
    What happens to a sample later (rejected, pooled, its pool's result) is counted on its
    collection day; the services send the watermark back when they change a folded day."""

    day = models.DateField(_("ngày lấy mẫu"))
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    setting = models.CharField(_("nơi lấy mẫu"), max_length=10, choices=Setting.choices)
    test_kind = models.CharField(_("loại xét nghiệm"), max_length=10, choices=TestKind.choices)
    collected = models.PositiveIntegerField(_("mẫu đã lấy"), default=0)
    rejected = models.PositiveIntegerField(_("mẫu bị từ chối"), default=0)
    pooled = models.PositiveIntegerField(_("mẫu đã gộp"), default=0)
    # A pool is counted once, on the row of its first member (lowest id): pools summed over any
    # rows are whole pools.
    pools = models.PositiveIntegerField(_("mẫu gộp"), default=0)
    pools_negative = models.PositiveIntegerField(_("mẫu gộp âm tính"), default=0)
    pools_retest = models.PositiveIntegerField(_("mẫu gộp dương tính, không xác định"), default=0)
    members_retest = models.PositiveIntegerField(_("mẫu trong mẫu gộp phải lấy lại"), default=0)
    # Samples collected to close a re-sampling task (after a positive pool, a rejected specimen).
    retests_pool = models.PositiveIntegerField(_("mẫu lấy lại sau mẫu gộp dương tính"), default=0)
    retests_rejected = models.PositiveIntegerField(_("mẫu lấy lại sau mẫu bị từ chối"), default=0)

    class Meta:
        ordering = ["-day", "unit_id"]
        verbose_name = _("thống kê mẫu xét nghiệm theo ngày")
        verbose_name_plural = _("thống kê mẫu xét nghiệm theo ngày")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "unit", "setting", "test_kind"], name="sample_stat_unique_per_day_dimension"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id} {self.collected}"


TURNAROUND_BUCKETS = (6, 12, 24, 48, 72)  # hours: the upper edges of ResultDailyStat.tat_* (then "over 72")


class ResultDailyStat(models.Model):
    """Results per local day of the result: the aggregate of the ``testing.result_daily`` roll-up.
    Turnaround is sample collected → result, summed in minutes and counted in buckets (mean,
    share within 24 h and an estimated median are derived: ``selectors.turnaround``). A case is
    counted on the day of the result that confirmed it (its ``confirmed_on``)."""

    day = models.DateField(_("ngày có kết quả"))
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    setting = models.CharField(_("nơi lấy mẫu"), max_length=10, choices=Setting.choices)
    test_kind = models.CharField(_("loại xét nghiệm"), max_length=10, choices=TestKind.choices)
    via = models.CharField(_("cách có kết quả"), max_length=8, choices=LabResult.Via.choices)
    retest = models.BooleanField(_("mẫu lấy lại sau mẫu gộp dương tính"), default=False)
    results = models.PositiveIntegerField(_("kết quả"), default=0)
    negative = models.PositiveIntegerField(_("âm tính"), default=0)
    positive = models.PositiveIntegerField(_("dương tính"), default=0)
    inconclusive = models.PositiveIntegerField(_("không xác định"), default=0)
    cases = models.PositiveIntegerField(_("ca bệnh xác định"), default=0)
    turnaround_minutes = models.BigIntegerField(_("tổng thời gian lấy mẫu → kết quả (phút)"), default=0)
    tat_6h = models.PositiveIntegerField(_("dưới 6 giờ"), default=0)
    tat_12h = models.PositiveIntegerField(_("6–12 giờ"), default=0)
    tat_24h = models.PositiveIntegerField(_("12–24 giờ"), default=0)
    tat_48h = models.PositiveIntegerField(_("24–48 giờ"), default=0)
    tat_72h = models.PositiveIntegerField(_("48–72 giờ"), default=0)
    tat_over = models.PositiveIntegerField(_("trên 72 giờ"), default=0)

    class Meta:
        ordering = ["-day", "unit_id"]
        verbose_name = _("thống kê kết quả xét nghiệm theo ngày")
        verbose_name_plural = _("thống kê kết quả xét nghiệm theo ngày")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "unit", "setting", "test_kind", "via", "retest"],
                name="result_stat_unique_per_day_dimension",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id} {self.results}"
