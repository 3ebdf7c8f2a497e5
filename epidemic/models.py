"""Epidemic levels (docs/epidemic.md, docs/domain.md §4: Resolution 128/NQ-CP, Decision 4800/QĐ-BYT).

- ``LevelRules``: the criteria's thresholds, as data officials change, each version with the date
  it takes effect (audited);
- ``TreatmentCapacity``: the figures of criterion 3 a health official enters weekly per unit;
- ``LevelAssessment``: the computed level of a unit for a week (a *proposal*) and the criteria
  that produced it;
- ``DeclaredLevel``: the level the People's Committee declared, with its decision — the only
  level the public sees;
- ``UnitBoundary``: a unit's boundary for the map, simplified for the web.

Aggregates and public decisions: no personal data.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AdministrativeUnit


class Level(models.IntegerChoices):
    """Level 1 green "new normal", 2 yellow, 3 orange, 4 red (docs/domain.md §4)."""

    LOW = 1, _("Cấp 1 – Nguy cơ thấp (bình thường mới)")
    MEDIUM = 2, _("Cấp 2 – Nguy cơ trung bình")
    HIGH = 3, _("Cấp 3 – Nguy cơ cao")
    VERY_HIGH = 4, _("Cấp 4 – Nguy cơ rất cao")


class OlderAge(models.TextChoices):
    FIFTY = "50", _("Từ 50 tuổi")
    SIXTY_FIVE = "65", _("Từ 65 tuổi")


def _pct(label: Any, default: str) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=1,
        default=Decimal(default),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )


class LevelRules(models.Model):
    """One version of the criteria's thresholds. The version in force on a day is the one with
    the latest ``effective_from`` on or before it; a change is a new version (the old ones stay,
    so a past week is assessed as it was)."""

    effective_from = models.DateField(_("áp dụng từ ngày"), unique=True)
    # Criterion 1: new community cases per 100,000 people per week.
    rate_level2 = models.DecimalField(
        _("ca mới/100.000 dân/tuần: từ mức này là cấp 2"), max_digits=7, decimal_places=2, default=Decimal(20)
    )
    rate_level3 = models.DecimalField(
        _("ca mới/100.000 dân/tuần: từ mức này là cấp 3"), max_digits=7, decimal_places=2, default=Decimal(50)
    )
    rate_level4 = models.DecimalField(
        _("ca mới/100.000 dân/tuần: từ mức này là cấp 4"),
        max_digits=7,
        decimal_places=2,
        default=Decimal(150),
    )
    # Criterion 2: vaccination coverage. Below either share, the level is raised.
    adult_first_dose_pct = _pct(_("tỷ lệ phần trăm người từ 18 tuổi tiêm ít nhất 1 mũi: tối thiểu"), "70")
    older_age = models.CharField(
        _("nhóm tuổi cao"), max_length=2, choices=OlderAge.choices, default=OlderAge.FIFTY
    )
    older_full_pct = _pct(_("tỷ lệ phần trăm người cao tuổi tiêm đủ liều cơ bản: tối thiểu"), "80")
    coverage_raise = models.PositiveSmallIntegerField(_("số cấp nâng khi độ bao phủ chưa đạt"), default=1)
    # Criterion 3: treatment capacity. A check applies where its figure was entered.
    ward_mobile_stations_min = models.PositiveSmallIntegerField(
        _("xã/phường: số trạm y tế lưu động tối thiểu"), default=1
    )
    bed_occupancy_max_pct = _pct(_("huyện, tỉnh: tỷ lệ phần trăm giường điều trị đang sử dụng tối đa"), "80")
    icu_beds_per_100k_min = models.DecimalField(
        _("tỉnh: giường hồi sức tích cực/100.000 dân tối thiểu"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(4),
    )
    oxygen_required = models.BooleanField(_("phải bảo đảm đủ oxy y tế"), default=True)
    capacity_raise = models.PositiveSmallIntegerField(
        _("số cấp nâng khi không đáp ứng thu dung, điều trị"), default=1
    )
    source = models.CharField(
        _("căn cứ"), max_length=300, default="Nghị quyết 128/NQ-CP; Quyết định 4800/QĐ-BYT"
    )
    # The defaults were not checked against the regulation's text: shown as unverified until the
    # task force's legal or health staff confirm them.
    verified = models.BooleanField(_("đã đối chiếu văn bản"), default=False)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("ngưỡng đánh giá cấp độ dịch")
        verbose_name_plural = _("ngưỡng đánh giá cấp độ dịch")
        constraints = [
            models.CheckConstraint(
                condition=Q(rate_level2__lt=F("rate_level3")) & Q(rate_level3__lt=F("rate_level4")),
                name="level_rates_increase",
                violation_error_message=_(
                    "Các ngưỡng ca mới/100.000 dân phải tăng dần: cấp 2 < cấp 3 < cấp 4."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.effective_from:%d/%m/%Y}"


class TreatmentCapacity(models.Model):
    """Criterion 3 for one unit and week (Monday), as a health official entered it. A figure left
    empty was not entered; its check does not apply."""

    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    week_start = models.DateField(_("tuần (thứ Hai)"))
    mobile_stations = models.PositiveIntegerField(_("trạm y tế lưu động"), null=True, blank=True)
    care_teams = models.PositiveIntegerField(
        _("tổ chăm sóc người mắc COVID-19 tại cộng đồng"), null=True, blank=True
    )
    beds = models.PositiveIntegerField(_("giường điều trị"), null=True, blank=True)
    beds_occupied = models.PositiveIntegerField(_("giường đang sử dụng"), null=True, blank=True)
    icu_beds = models.PositiveIntegerField(_("giường hồi sức tích cực (ICU)"), null=True, blank=True)
    icu_occupied = models.PositiveIntegerField(_("giường ICU đang sử dụng"), null=True, blank=True)
    oxygen_sufficient = models.BooleanField(_("đủ oxy y tế"), null=True, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(_("nhập lúc"), default=timezone.now)

    class Meta:
        ordering = ["-week_start", "unit__code"]
        verbose_name = _("năng lực thu dung, điều trị")
        verbose_name_plural = _("năng lực thu dung, điều trị")
        constraints = [
            models.UniqueConstraint(fields=["unit", "week_start"], name="capacity_one_per_unit_week"),
            models.CheckConstraint(
                condition=Q(beds__isnull=True)
                | Q(beds_occupied__isnull=True)
                | Q(beds_occupied__lte=F("beds")),
                name="capacity_beds_occupied_within",
                violation_error_message=_("Số giường đang sử dụng không được vượt số giường điều trị."),
            ),
            models.CheckConstraint(
                condition=Q(icu_beds__isnull=True)
                | Q(icu_occupied__isnull=True)
                | Q(icu_occupied__lte=F("icu_beds")),
                name="capacity_icu_occupied_within",
                violation_error_message=_("Số giường ICU đang sử dụng không được vượt số giường ICU."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.week_start:%d/%m/%Y}"


class LevelAssessment(models.Model):
    """The computed level of a unit for a week: a proposal for the People's Committee, shown to
    officials only. ``level`` is None when a figure it needs is missing (population, say);
    ``reasons`` lists each criterion: its figure, its threshold and what it did to the level."""

    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("đơn vị")
    )
    week_start = models.DateField(_("tuần (thứ Hai)"))
    rules = models.ForeignKey(
        LevelRules, on_delete=models.PROTECT, related_name="+", verbose_name=_("ngưỡng áp dụng")
    )
    population = models.PositiveIntegerField(_("dân số"), null=True)
    cases = models.PositiveIntegerField(_("ca mới tại cộng đồng trong tuần"), default=0)
    rate = models.DecimalField(_("ca mới/100.000 dân/tuần"), max_digits=9, decimal_places=2, null=True)
    adult_first_pct = models.DecimalField(
        _("% người từ 18 tuổi tiêm ít nhất 1 mũi"), max_digits=5, decimal_places=1, null=True
    )
    older_full_pct = models.DecimalField(
        _("% người cao tuổi tiêm đủ liều"), max_digits=5, decimal_places=1, null=True
    )
    capacity_met = models.BooleanField(_("đáp ứng thu dung, điều trị"), null=True)
    level = models.PositiveSmallIntegerField(_("cấp độ đề xuất"), choices=Level.choices, null=True)
    reasons = models.JSONField(_("tiêu chí"), default=list)
    computed_at = models.DateTimeField(_("tính lúc"), default=timezone.now)

    class Meta:
        ordering = ["-week_start", "unit__code"]
        verbose_name = _("cấp độ dịch đề xuất")
        verbose_name_plural = _("cấp độ dịch đề xuất")
        constraints = [
            models.UniqueConstraint(fields=["unit", "week_start"], name="assessment_one_per_unit_week")
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.week_start:%d/%m/%Y}: {self.level}"


class DeclaredLevel(models.Model):
    """A level the People's Committee declared for a unit, with its decision. The level in force
    on a day is the declaration with the latest ``effective_from`` on or before it."""

    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    level = models.PositiveSmallIntegerField(_("cấp độ"), choices=Level.choices)
    decision_number = models.CharField(_("số quyết định"), max_length=60)
    decision_date = models.DateField(_("ngày quyết định"))
    effective_from = models.DateField(_("áp dụng từ ngày"))
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    entered_at = models.DateTimeField(_("nhập lúc"), default=timezone.now)
    # Set by the notification task in the transaction that queues the messages (sent once).
    changed = models.BooleanField(_("thay đổi cấp độ"), default=False)
    notified_at = models.DateTimeField(_("đã báo lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-effective_from", "-entered_at"]
        verbose_name = _("cấp độ dịch đã công bố")
        verbose_name_plural = _("cấp độ dịch đã công bố")
        constraints = [
            models.UniqueConstraint(fields=["unit", "effective_from"], name="declared_one_per_unit_day"),
            models.CheckConstraint(condition=Q(level__gte=1) & Q(level__lte=4), name="declared_level_1_to_4"),
        ]
        indexes = [models.Index(fields=["unit", "-effective_from"])]

    def __str__(self) -> str:
        return f"{self.unit}: {self.level} ({self.decision_number})"


class UnitBoundary(models.Model):
    """A unit's boundary for the map: polygons of rings of [longitude, latitude], simplified
    (``epidemic.geo``). The uploaded file is not kept, only its simplified shape."""

    unit = models.OneToOneField(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="+", verbose_name=_("đơn vị")
    )
    polygons = models.JSONField(_("ranh giới (đã đơn giản hóa)"))
    points_uploaded = models.PositiveIntegerField(_("số điểm tải lên"))
    points_kept = models.PositiveIntegerField(_("số điểm giữ lại"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("tải lên lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("ranh giới đơn vị")
        verbose_name_plural = _("ranh giới đơn vị")

    def __str__(self) -> str:
        return str(self.unit)
