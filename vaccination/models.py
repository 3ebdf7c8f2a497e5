"""Vaccination: vaccines and lots, stock per site, sessions, appointments, screening, doses,
adverse events (AEFI) and correction requests (docs/vaccination.md, docs/domain.md §6)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AdministrativeUnit, Organization, Person


class PriorityGroup(models.Model):
    """A priority group of the national rollout (Resolution 21/NQ-CP, 2021; unverified wording,
    editable by officials in the admin: docs/vaccination.md)."""

    code = models.CharField(_("mã"), max_length=10, unique=True)
    name = models.CharField(_("tên nhóm"), max_length=300)
    order = models.PositiveSmallIntegerField(_("thứ tự ưu tiên"), default=0)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("nhóm ưu tiên")
        verbose_name_plural = _("nhóm ưu tiên")

    def __str__(self) -> str:
        return f"{self.code}. {self.name}"


class ScreeningQuestion(models.Model):
    """One line of the pre-vaccination screening checklist and what a "yes" means (data officials
    edit; the Ministry of Health's wording is unverified here: docs/vaccination.md)."""

    class Outcome(models.TextChoices):
        CONTRAINDICATED = "contraindicated", _("Chống chỉ định")
        POSTPONE = "postpone", _("Tạm hoãn")
        REFER = "refer", _("Khám sàng lọc, tiêm tại bệnh viện")
        CAUTION = "caution", _("Thận trọng (tiêm được, theo dõi kỹ)")

    code = models.CharField(_("mã"), max_length=20, unique=True)
    text = models.CharField(_("câu hỏi"), max_length=300)
    if_yes = models.CharField(_("nếu có"), max_length=16, choices=Outcome.choices)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    is_active = models.BooleanField(_("đang áp dụng"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("câu hỏi khám sàng lọc")
        verbose_name_plural = _("câu hỏi khám sàng lọc")

    def __str__(self) -> str:
        return self.text


class Vaccine(models.Model):
    """A product with its EU DCC codes and the rules of its schedule."""

    name = models.CharField(_("tên vắc xin"), max_length=100, unique=True)
    product_code = models.CharField(_("mã sản phẩm (EU DCC mp)"), max_length=40)
    prophylaxis_code = models.CharField(_("loại vắc xin (EU DCC vp)"), max_length=40)
    manufacturer_code = models.CharField(_("chủ sở hữu giấy phép (EU DCC ma)"), max_length=40)
    primary_doses = models.PositiveSmallIntegerField(_("số mũi cơ bản"), default=2)
    min_interval_days = models.PositiveSmallIntegerField(_("khoảng cách tối thiểu giữa các mũi (ngày)"))
    recommended_interval_days = models.PositiveSmallIntegerField(_("khoảng cách khuyến cáo (ngày)"))
    booster_min_interval_days = models.PositiveSmallIntegerField(
        _("mũi nhắc lại: tối thiểu sau mũi trước (ngày)"), default=90
    )
    max_boosters = models.PositiveSmallIntegerField(_("số mũi nhắc lại tối đa"), default=2)
    doses_per_vial = models.PositiveSmallIntegerField(_("số liều mỗi lọ"), default=1)
    is_active = models.BooleanField(_("đang sử dụng"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("vắc xin")
        verbose_name_plural = _("vắc xin")
        constraints = [
            models.CheckConstraint(condition=Q(primary_doses__gte=1), name="vaccine_primary_doses_positive"),
            models.CheckConstraint(
                condition=Q(doses_per_vial__gte=1), name="vaccine_doses_per_vial_positive"
            ),
            models.CheckConstraint(
                condition=Q(recommended_interval_days__gte=models.F("min_interval_days")),
                name="vaccine_recommended_after_minimum",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Lot(models.Model):
    vaccine = models.ForeignKey(
        Vaccine, on_delete=models.PROTECT, related_name="lots", verbose_name=_("vắc xin")
    )
    number = models.CharField(_("số lô"), max_length=40)
    expiry_date = models.DateField(_("hạn sử dụng"))
    quantity_received = models.PositiveIntegerField(_("số liều nhận"), default=0)
    recalled_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    recall_reason = models.CharField(_("lý do thu hồi"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        ordering = ["vaccine__name", "expiry_date", "number"]
        verbose_name = _("lô vắc xin")
        verbose_name_plural = _("lô vắc xin")
        constraints = [
            models.UniqueConstraint(fields=["vaccine", "number"], name="lot_number_unique_per_vaccine")
        ]

    def __str__(self) -> str:
        return f"{self.vaccine} · {self.number}"

    def is_expired(self, on: datetime.date) -> bool:
        return self.expiry_date < on


class Site(models.Model):
    """A vaccination site (điểm tiêm) in a unit."""

    name = models.CharField(_("tên điểm tiêm"), max_length=200)
    unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        related_name="vaccination_sites",
        verbose_name=_("địa bàn"),
    )
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="vaccination_sites",
        verbose_name=_("cơ sở y tế"),
    )
    address_line = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("điểm tiêm")
        verbose_name_plural = _("điểm tiêm")

    def __str__(self) -> str:
        return self.name


class Stock(models.Model):
    """Doses of one lot on hand at one site. Changed only by conditional updates in the services,
    and the database refuses a negative quantity whatever the caller did."""

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="stock", verbose_name=_("điểm tiêm")
    )
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="stock", verbose_name=_("lô"))
    quantity = models.IntegerField(_("số liều tồn"), default=0)

    class Meta:
        ordering = ["site_id", "lot__expiry_date"]
        verbose_name = _("tồn kho")
        verbose_name_plural = _("tồn kho")
        constraints = [
            models.UniqueConstraint(fields=["site", "lot"], name="stock_one_row_per_site_lot"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="stock_never_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.site} · {self.lot}: {self.quantity}"


class StockMovement(models.Model):
    """The ledger behind ``Stock``: every change with its kind (and the reason of a wastage)."""

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Nhập kho")
        TRANSFER_OUT = "transfer_out", _("Chuyển đi")
        TRANSFER_IN = "transfer_in", _("Nhận chuyển đến")
        USED = "used", _("Đã tiêm")
        WASTAGE = "wastage", _("Hủy, hao hụt")
        CORRECTION = "correction", _("Điều chỉnh do đính chính")

    class WastageReason(models.TextChoices):
        OPENED_VIAL = "opened_vial", _("Lọ đã mở không dùng hết")
        EXPIRED = "expired", _("Hết hạn")
        BROKEN = "broken", _("Vỡ, hỏng")
        COLD_CHAIN = "cold_chain", _("Sự cố dây chuyền lạnh")
        RECALLED = "recalled", _("Lô bị thu hồi")
        OTHER = "other", _("Khác")

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="movements", verbose_name=_("điểm tiêm")
    )
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="movements", verbose_name=_("lô"))
    kind = models.CharField(_("loại"), max_length=14, choices=Kind.choices)
    quantity = models.IntegerField(_("số liều (+ nhập, − xuất)"))
    reason = models.CharField(_("lý do hủy"), max_length=14, choices=WastageReason.choices, blank=True)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    session = models.ForeignKey(
        "Session", on_delete=models.PROTECT, null=True, blank=True, related_name="movements"
    )
    at = models.DateTimeField(_("lúc"), default=timezone.now, db_index=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("xuất nhập kho")
        verbose_name_plural = _("xuất nhập kho")
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="wastage") | ~Q(reason=""), name="stock_wastage_has_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.quantity:+d}"


class Session(models.Model):
    """A vaccination session (buổi tiêm): a day at a site, a vaccine, a capacity."""

    class Status(models.TextChoices):
        OPEN = "open", _("Đang nhận đăng ký")
        CLOSED = "closed", _("Đã kết thúc")

    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("điểm tiêm")
    )
    date = models.DateField(_("ngày tiêm"))
    starts_at = models.TimeField(_("bắt đầu"), default=datetime.time(7, 30))
    ends_at = models.TimeField(_("kết thúc"), default=datetime.time(16, 30))
    vaccine = models.ForeignKey(
        Vaccine, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("vắc xin")
    )
    capacity = models.PositiveIntegerField(_("số chỗ"))
    # Places taken: changed only by a conditional update (booked < capacity), never read-then-write.
    booked = models.PositiveIntegerField(_("đã đăng ký"), default=0)
    priority_groups = models.ManyToManyField(
        PriorityGroup, blank=True, related_name="sessions", verbose_name=_("nhóm ưu tiên")
    )
    status = models.CharField(_("trạng thái"), max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        ordering = ["-date", "site__name", "id"]
        verbose_name = _("buổi tiêm")
        verbose_name_plural = _("buổi tiêm")
        constraints = [
            models.CheckConstraint(
                condition=Q(booked__lte=models.F("capacity")), name="session_never_overbooked"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.site} · {self.date:%d/%m/%Y}"

    @property
    def places_left(self) -> int:
        return max(self.capacity - self.booked, 0)


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("Đã đặt lịch")
        CANCELLED = "cancelled", _("Đã hủy")
        ATTENDED = "attended", _("Đã tiêm")

    class Channel(models.TextChoices):
        ONLINE = "online", _("Tự đăng ký trực tuyến")
        STAFF = "staff", _("Cán bộ đăng ký")

    session = models.ForeignKey(
        Session, on_delete=models.PROTECT, related_name="appointments", verbose_name=_("buổi tiêm")
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("người"))
    priority_group = models.ForeignKey(
        PriorityGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nhóm ưu tiên"),
    )
    # What the person keeps to find and change the booking (shown once, sent by SMS).
    code = models.CharField(_("mã đặt lịch"), max_length=12, unique=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.BOOKED)
    channel = models.CharField(_("kênh"), max_length=8, choices=Channel.choices)
    created_at = models.DateTimeField(_("đặt lúc"), default=timezone.now, db_index=True)
    cancelled_at = models.DateTimeField(_("hủy lúc"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("gửi xác nhận lúc"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("nhắc lịch lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lịch hẹn tiêm")
        verbose_name_plural = _("lịch hẹn tiêm")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person"],
                condition=Q(status="booked"),
                name="appointment_one_booking_per_person_session",
            )
        ]
        indexes = [
            # The sweep's look-up of bookings whose confirmation never left (vaccination/recovery.py).
            models.Index(
                fields=["created_at"],
                condition=Q(status="booked", confirmed_at__isnull=True),
                name="appointment_unconfirmed",
            )
        ]

    def __str__(self) -> str:
        return self.code


class Screening(models.Model):
    """The pre-vaccination screening (khám sàng lọc): the answers and the decision."""

    class Outcome(models.TextChoices):
        ELIGIBLE = "eligible", _("Đủ điều kiện tiêm")
        CAUTION = "caution", _("Tiêm, theo dõi kỹ")
        POSTPONE = "postpone", _("Tạm hoãn")
        CONTRAINDICATED = "contraindicated", _("Chống chỉ định")
        REFER = "refer", _("Chuyển tiêm tại bệnh viện")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("người"))
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="screenings", verbose_name=_("điểm tiêm")
    )
    # Question codes answered "yes" (the questions are data and may change later).
    positive = models.JSONField(_("câu trả lời có"), default=list, blank=True)
    outcome = models.CharField(_("kết luận"), max_length=16, choices=Outcome.choices)
    note = models.CharField(_("ghi chú"), max_length=300, blank=True)
    at = models.DateTimeField(_("lúc"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("khám sàng lọc")
        verbose_name_plural = _("khám sàng lọc")

    def __str__(self) -> str:
        return self.get_outcome_display()

    @property
    def allows_vaccination(self) -> bool:
        return self.outcome in {self.Outcome.ELIGIBLE, self.Outcome.CAUTION}


class Dose(models.Model):
    """One administered dose: a kept record (docs/vaccination.md, retention)."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("người"))
    vaccine = models.ForeignKey(
        Vaccine, on_delete=models.PROTECT, related_name="doses", verbose_name=_("vắc xin")
    )
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="doses", verbose_name=_("lô"))
    dose_number = models.PositiveSmallIntegerField(_("mũi số"))
    # Doses in the person's primary series when this dose was given: dose 1 is the first dose,
    # dose ``series_doses`` completes the series, the next one is the first booster (coverage).
    series_doses = models.PositiveSmallIntegerField(_("số mũi cơ bản của liệu trình"), default=2)
    administered_at = models.DateTimeField(_("tiêm lúc"), db_index=True)
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="doses", verbose_name=_("điểm tiêm")
    )
    session = models.ForeignKey(
        Session,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="doses",
        verbose_name=_("buổi tiêm"),
    )
    screening = models.ForeignKey(
        Screening,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("khám sàng lọc"),
    )
    vaccinator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    vaccinator_name = models.CharField(_("người tiêm"), max_length=120)
    observation_minutes = models.PositiveSmallIntegerField(_("theo dõi sau tiêm (phút)"), default=30)
    observation_ended_at = models.DateTimeField(_("kết thúc theo dõi lúc"), null=True, blank=True)
    next_due_date = models.DateField(_("hẹn mũi tiếp theo"), null=True, blank=True)
    certificate = models.ForeignKey(
        "certificates.IssuedCertificate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chứng nhận"),
    )
    created_at = models.DateTimeField(_("ghi lúc"), default=timezone.now)

    class Meta:
        ordering = ["person_id", "dose_number"]
        verbose_name = _("mũi tiêm")
        verbose_name_plural = _("mũi tiêm")
        constraints = [
            models.UniqueConstraint(fields=["person", "dose_number"], name="dose_number_unique_per_person"),
            models.CheckConstraint(condition=Q(dose_number__gte=1), name="dose_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.vaccine} · {self.dose_number}"

    @property
    def observation_due_at(self) -> datetime.datetime:
        return self.administered_at + datetime.timedelta(minutes=self.observation_minutes)


class AdverseEvent(models.Model):
    """An adverse event following immunization (AEFI), reported by the site or the person
    (docs/domain.md §6): seriousness as the WHO criteria, the WHO causality category once assessed."""

    class Channel(models.TextChoices):
        SITE = "site", _("Điểm tiêm báo cáo")
        PERSON = "person", _("Người được tiêm báo cáo")

    class Seriousness(models.TextChoices):
        NOT_SERIOUS = "not_serious", _("Phản ứng thông thường (không nghiêm trọng)")
        HOSPITALISATION = "hospitalisation", _("Phải nhập viện hoặc kéo dài thời gian nằm viện")
        LIFE_THREATENING = "life_threatening", _("Đe dọa tính mạng")
        DISABILITY = "disability", _("Để lại di chứng, tàn tật")
        DEATH = "death", _("Tử vong")

    class Outcome(models.TextChoices):
        UNKNOWN = "unknown", _("Chưa rõ")
        RECOVERING = "recovering", _("Đang hồi phục")
        RECOVERED = "recovered", _("Đã khỏi")
        SEQUELAE = "sequelae", _("Khỏi, có di chứng")
        DIED = "died", _("Tử vong")

    class Causality(models.TextChoices):
        PENDING = "pending", _("Chưa đánh giá")
        PRODUCT = "product", _("Phản ứng liên quan đến sản phẩm vắc xin")
        QUALITY_DEFECT = "quality_defect", _("Phản ứng do lỗi chất lượng vắc xin")
        IMMUNIZATION_ERROR = "immunization_error", _("Phản ứng do sai sót trong tiêm chủng")
        ANXIETY = "anxiety", _("Phản ứng do lo lắng khi tiêm")
        COINCIDENTAL = "coincidental", _("Sự kiện trùng hợp")
        INDETERMINATE = "indeterminate", _("Không xác định")

    dose = models.ForeignKey(
        Dose, on_delete=models.PROTECT, related_name="adverse_events", verbose_name=_("mũi tiêm")
    )
    channel = models.CharField(_("nguồn báo cáo"), max_length=8, choices=Channel.choices)
    onset_at = models.DateTimeField(_("khởi phát lúc"))
    symptoms = models.CharField(_("triệu chứng"), max_length=500)
    seriousness = models.CharField(_("mức độ"), max_length=16, choices=Seriousness.choices)
    outcome = models.CharField(
        _("diễn biến"), max_length=10, choices=Outcome.choices, default=Outcome.UNKNOWN
    )
    causality = models.CharField(
        _("phân loại nguyên nhân (WHO)"), max_length=20, choices=Causality.choices, default=Causality.PENDING
    )
    reported_at = models.DateTimeField(_("báo cáo lúc"), default=timezone.now, db_index=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    alerted_at = models.DateTimeField(_("đã cảnh báo lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("phản ứng sau tiêm")
        verbose_name_plural = _("phản ứng sau tiêm")

    def __str__(self) -> str:
        return self.get_seriousness_display()

    @property
    def is_serious(self) -> bool:
        return self.seriousness != self.Seriousness.NOT_SERIOUS


class CorrectionRequest(models.Model):
    """A person's request to correct their record (41.4M of ~154M doses needed one in 2022:
    docs/domain.md §6); staff verify and apply it, old and new values in the audit trail."""

    class Kind(models.TextChoices):
        WRONG_LOT = "wrong_lot", _("Sai lô vắc xin")
        WRONG_DATE = "wrong_date", _("Sai ngày tiêm")
        MISSING_DOSE = "missing_dose", _("Thiếu mũi tiêm")

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ xác minh")
        APPLIED = "applied", _("Đã đính chính")
        REJECTED = "rejected", _("Không đính chính")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+", verbose_name=_("người"))
    site = models.ForeignKey(
        Site, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("điểm tiêm xác minh")
    )
    dose = models.ForeignKey(
        Dose,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
        verbose_name=_("mũi tiêm"),
    )
    kind = models.CharField(_("nội dung"), max_length=14, choices=Kind.choices)
    lot = models.ForeignKey(
        Lot, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("lô đúng")
    )
    administered_on = models.DateField(_("ngày tiêm đúng"), null=True, blank=True)
    note = models.CharField(_("ghi chú của người đề nghị"), max_length=500, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(_("đề nghị lúc"), default=timezone.now, db_index=True)
    decided_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_note = models.CharField(_("ghi chú xử lý"), max_length=500, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("đề nghị đính chính")
        verbose_name_plural = _("đề nghị đính chính")

    def __str__(self) -> str:
        return self.get_kind_display()


class DoseDailyStat(models.Model):
    """Doses per local day, unit of residence (the site's unit when unknown), product, dose
    number and age band: the aggregate of the ``vaccination.dose_daily`` roll-up (coverage)."""

    class AgeBand(models.TextChoices):
        UNDER_18 = "u18", _("Dưới 18 tuổi")
        FROM_18 = "18", _("18–49 tuổi")
        FROM_50 = "50", _("50–64 tuổi")
        FROM_65 = "65", _("Từ 65 tuổi")
        UNKNOWN = "?", _("Không rõ tuổi")

    day = models.DateField(_("ngày"))
    unit = models.ForeignKey(AdministrativeUnit, on_delete=models.PROTECT, related_name="+")
    vaccine = models.ForeignKey(Vaccine, on_delete=models.PROTECT, related_name="+")
    dose_number = models.PositiveSmallIntegerField(_("mũi số"))
    series_doses = models.PositiveSmallIntegerField(_("số mũi cơ bản"))
    age_band = models.CharField(_("nhóm tuổi"), max_length=3, choices=AgeBand.choices)
    doses = models.PositiveIntegerField(_("số mũi"), default=0)

    class Meta:
        ordering = ["-day", "unit_id"]
        verbose_name = _("thống kê mũi tiêm theo ngày")
        verbose_name_plural = _("thống kê mũi tiêm theo ngày")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "unit", "vaccine", "dose_number", "series_doses", "age_band"],
                name="dose_stat_unique_per_day_dimension",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.unit_id} {self.doses}"
