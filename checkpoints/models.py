"""Checkpoints (điểm kiểm dịch), their QR codes, check-ins and daily statistics."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AdministrativeUnit, Organization, Person
from declarations.models import Declaration


class Checkpoint(models.Model):
    class Kind(models.TextChoices):
        OFFICE = "office", _("Trụ sở cơ quan")
        HOSPITAL = "hospital", _("Bệnh viện, cơ sở y tế")
        MARKET = "market", _("Chợ")
        SCHOOL = "school", _("Trường học")
        SHOP = "shop", _("Cửa hàng, siêu thị")
        TRANSPORT = "transport", _("Bến xe, nhà ga, cảng")
        OTHER = "other", _("Khác")

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ duyệt")
        APPROVED = "approved", _("Đã duyệt")
        REJECTED = "rejected", _("Không duyệt")

    name = models.CharField(_("tên điểm"), max_length=200)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="checkpoints", verbose_name=_("cơ quan quản lý")
    )
    kind = models.CharField(_("loại điểm"), max_length=12, choices=Kind.choices)
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="checkpoints", verbose_name=_("địa bàn")
    )
    address_line = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    latitude = models.DecimalField(_("vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    opens_at = models.TimeField(_("giờ mở cửa"), null=True, blank=True)
    closes_at = models.TimeField(_("giờ đóng cửa"), null=True, blank=True)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registered_at = models.DateTimeField(_("đăng ký lúc"), default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("duyệt lúc"), null=True, blank=True)
    decision_note = models.CharField(_("ghi chú duyệt"), max_length=500, blank=True)
    # The QR code's URL carries this random token (128 bits): unguessable, revocable, re-issuable.
    qr_token = models.CharField(max_length=40, unique=True, editable=False)
    qr_issued_at = models.DateTimeField(_("cấp mã QR lúc"), default=timezone.now)
    operators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="operated_checkpoints",
        verbose_name=_("nhân viên quét mã"),
    )
    silent_notified_at = models.DateTimeField(_("đã nhắc vì không có lượt quét lúc"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("điểm kiểm dịch")
        verbose_name_plural = _("điểm kiểm dịch")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="checkpoint_gps_pair_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(opens_at__isnull=True)
                | models.Q(closes_at__isnull=True)
                | models.Q(opens_at__lt=models.F("closes_at")),
                name="checkpoint_opens_before_closing",
            ),
        ]
        indexes = [models.Index(fields=["status", "unit"])]

    def __str__(self) -> str:
        return self.name


class RevokedQrCode(models.Model):
    """A token that once opened a checkpoint: scanning it says the code was revoked."""

    token = models.CharField(max_length=40, unique=True)
    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.CASCADE, related_name="revoked_codes")
    revoked_at = models.DateTimeField(default=timezone.now)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-revoked_at", "-id"]
        verbose_name = _("mã QR đã thu hồi")
        verbose_name_plural = _("mã QR đã thu hồi")

    def __str__(self) -> str:
        return f"{self.checkpoint_id} @ {self.revoked_at:%Y-%m-%d}"


class CheckIn(models.Model):
    """One person present at one checkpoint from ``checked_in_at`` to ``checked_out_at``.

    ``checked_out_at`` is always set: an estimate at check-in (default duration or closing
    time), replaced by the next check-in elsewhere or a scanned check-out. ``checkout_method``
    says which, and tracing shows that confidence.
    """

    # Not a column: True on a stored row returned for a repeat check-in (the same visit,
    # ``services.checkins.repeat_visits``), so callers answer "already checked in at HH:MM".
    repeat = False

    class Method(models.TextChoices):
        SELF = "self", _("Người dân tự quét")
        STAFF = "staff", _("Nhân viên quét mã")
        PAPER = "paper", _("Tờ khai giấy")

    class Checkout(models.TextChoices):
        SCANNED = "scanned", _("Quét khi ra")
        NEXT_CHECKIN = "next", _("Suy ra: vào điểm khác")
        CLOSING = "closing", _("Suy ra: giờ đóng cửa")
        DEFAULT = "default", _("Mặc định theo thời lượng")

    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, related_name="checkins", db_index=False, verbose_name=_("điểm")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="checkins", db_index=False, verbose_name=_("người")
    )
    # A check-in has its own retention: deleting its declaration (a shorter retention) only
    # clears the reference; the risk is copied on the check-in and counted by the roll-up.
    declaration = models.ForeignKey(
        Declaration,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="checkins",
        verbose_name=_("tờ khai"),
    )
    # The client's idempotency token: a retried submission finds its check-ins, never adds more.
    submission = models.UUIDField(default=uuid.uuid4, editable=False)
    position = models.PositiveSmallIntegerField(default=0)  # 0: the declarant, 1..: household
    method = models.CharField(_("cách ghi nhận"), max_length=6, choices=Method.choices)
    checked_in_at = models.DateTimeField(_("vào lúc"))
    checked_out_at = models.DateTimeField(_("ra lúc"))
    checkout_method = models.CharField(
        _("cách xác định giờ ra"), max_length=8, choices=Checkout.choices, default=Checkout.DEFAULT
    )
    risk = models.CharField(
        _("mức nguy cơ"), max_length=10, choices=Declaration.Risk.choices, default=Declaration.Risk.NONE
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    created_at = models.DateTimeField(_("ghi nhận lúc"), default=timezone.now)
    alerted_at = models.DateTimeField(_("đã cảnh báo lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-checked_in_at", "-id"]
        verbose_name = _("lượt vào")
        verbose_name_plural = _("lượt vào")
        constraints = [
            models.UniqueConstraint(fields=["submission", "position"], name="unique_checkin_per_submission"),
            models.CheckConstraint(
                condition=models.Q(checked_out_at__gte=models.F("checked_in_at")),
                name="checkout_not_before_checkin",
            ),
        ]
        indexes = [
            # Tracing by checkpoint and time, co-presence, the operators' list. checked_out_at is
            # a key column so the co-presence test "left after the case arrived + N" runs on the
            # index, before any table row is read (docs/benchmarks.md, tracing).
            models.Index(
                fields=["checkpoint", "checked_in_at", "checked_out_at"], name="checkin_point_time_out"
            ),
            # A person's visits (tracing a case, inferring the previous check-out).
            models.Index(fields=["person", "checked_in_at"], name="checkin_person_time"),
            # Retention purge and daily roll-up scan by time alone.
            models.Index(fields=["checked_in_at"], name="checkin_time"),
            # Flagged check-ins not yet alerted (a handful): the recovery sweep's look-up.
            models.Index(
                fields=["checked_in_at"],
                name="checkin_unalerted",
                condition=models.Q(alerted_at__isnull=True) & ~models.Q(risk="none"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint_id}/{self.person_id} {self.checked_in_at:%Y-%m-%d %H:%M}"

    @property
    def is_flagged(self) -> bool:
        return self.risk != Declaration.Risk.NONE


class CheckinDailyStat(models.Model):
    """Counts per checkpoint and day (Asia/Ho_Chi_Minh), kept after the check-ins are purged:
    the aggregate of the ``checkpoints.checkin_daily`` roll-up (``core.rollups``), folded in
    for every finished day by the hourly task."""

    checkpoint = models.ForeignKey(Checkpoint, on_delete=models.PROTECT, related_name="daily_stats")
    day = models.DateField(_("ngày"))
    total = models.PositiveIntegerField(_("tổng lượt"), default=0)
    self_scanned = models.PositiveIntegerField(_("tự quét"), default=0)
    staff_scanned = models.PositiveIntegerField(_("nhân viên quét"), default=0)
    paper = models.PositiveIntegerField(_("tờ khai giấy"), default=0)
    flagged = models.PositiveIntegerField(_("có dấu hiệu"), default=0)

    class Meta:
        ordering = ["-day", "checkpoint_id"]
        verbose_name = _("thống kê lượt vào theo ngày")
        verbose_name_plural = _("thống kê lượt vào theo ngày")
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "day"], name="unique_stat_per_checkpoint_day"),
            models.CheckConstraint(
                condition=models.Q(
                    total__gte=models.F("self_scanned") + models.F("staff_scanned") + models.F("paper")
                ),
                name="stat_total_covers_methods",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint_id} {self.day}"
