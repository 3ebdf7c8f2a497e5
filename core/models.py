"""Shared data: administrative units, organizations, people, scopes, audit and outbound messages."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.crypto import EncryptedTextField


class AdministrativeUnit(models.Model):
    """A province, district or ward of one official list (2021 or 2025).

    Codes and names differ between the lists, so a unit is keyed by (scheme, level, code).
    """

    class Scheme(models.TextChoices):
        Y2021 = "2021", _("Danh mục 2021 (tỉnh – huyện – xã)")
        Y2025 = "2025", _("Danh mục 2025 (tỉnh – xã)")

    class Level(models.TextChoices):
        PROVINCE = "province", _("Tỉnh/thành phố")
        DISTRICT = "district", _("Quận/huyện")
        WARD = "ward", _("Phường/xã")

    scheme = models.CharField(_("danh mục"), max_length=4, choices=Scheme.choices)
    level = models.CharField(_("cấp"), max_length=10, choices=Level.choices)
    code = models.CharField(_("mã"), max_length=8)
    name = models.CharField(_("tên"), max_length=120)
    unit_type = models.CharField(_("loại"), max_length=40, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("trực thuộc"),
    )
    population_total = models.PositiveIntegerField(_("dân số"), null=True, blank=True)
    population_18_plus = models.PositiveIntegerField(_("dân số từ 18 tuổi"), null=True, blank=True)
    population_50_plus = models.PositiveIntegerField(_("dân số từ 50 tuổi"), null=True, blank=True)
    population_65_plus = models.PositiveIntegerField(_("dân số từ 65 tuổi"), null=True, blank=True)
    # Demo figures must never pass for real ones: pages and reports label them.
    population_is_demo = models.BooleanField(_("số liệu minh họa"), default=False)
    population_source = models.CharField(_("nguồn số liệu dân số"), max_length=200, blank=True)
    population_updated_at = models.DateTimeField(_("cập nhật dân số lúc"), null=True, blank=True)

    class Meta:
        ordering = ["scheme", "level", "code"]
        verbose_name = _("đơn vị hành chính")
        verbose_name_plural = _("đơn vị hành chính")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "level", "code"], name="unique_unit_per_scheme"),
            models.CheckConstraint(
                condition=models.Q(population_total__isnull=True)
                | models.Q(population_18_plus__isnull=True)
                | models.Q(population_18_plus__lte=models.F("population_total")),
                name="population_18_within_total",
            ),
        ]
        indexes = [models.Index(fields=["scheme", "parent"])]

    def __str__(self) -> str:
        return self.name


class Organization(models.Model):
    """An agency, committee, hospital, operator or business the task force works with."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Sở, ban, ngành")
        PEOPLES_COMMITTEE = "committee", _("UBND huyện/xã")
        PROVINCIAL_OFFICE = "office", _("Văn phòng (UBND, Tỉnh ủy)")
        CDC = "cdc", _("Trung tâm kiểm soát bệnh tật")
        HOSPITAL = "hospital", _("Bệnh viện, cơ sở y tế")
        TELECOM = "telecom", _("Doanh nghiệp viễn thông")
        POST = "post", _("Bưu điện")
        BUSINESS = "business", _("Doanh nghiệp, cơ sở kinh doanh")
        SCHOOL = "school", _("Trường học")
        OTHER = "other", _("Khác")

    name = models.CharField(_("tên"), max_length=200)
    short_name = models.CharField(_("tên viết tắt"), max_length=60, blank=True)
    kind = models.CharField(_("loại"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("trực thuộc"),
    )
    unit = models.ForeignKey(
        AdministrativeUnit, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("địa bàn")
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    contact_email = models.EmailField(_("email liên hệ"), blank=True)
    contact_phone = models.CharField(_("điện thoại liên hệ"), max_length=30, blank=True)
    is_standing_agency = models.BooleanField(_("cơ quan thường trực"), default=False)
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("cơ quan, tổ chức")
        verbose_name_plural = _("cơ quan, tổ chức")
        constraints = [
            models.UniqueConstraint(
                fields=["is_standing_agency"],
                condition=models.Q(is_standing_agency=True),
                name="one_standing_agency",
            ),
            models.UniqueConstraint(fields=["name", "unit"], name="unique_organization_name_per_unit"),
        ]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """One person, shared by declarations, samples and doses.

    ID and phone numbers are encrypted; ``*_hash`` columns are keyed hashes for look-ups.
    ``name_key`` is the name without diacritics, case or extra spaces, for de-duplication.
    """

    class Sex(models.TextChoices):
        MALE = "male", _("Nam")
        FEMALE = "female", _("Nữ")
        UNKNOWN = "unknown", _("Không rõ")

    class Source(models.TextChoices):
        VISITOR = "visitor", _("Người dân tự khai")
        OFFICIAL = "official", _("Cán bộ nhập")
        IMPORT = "import", _("Nhập từ tệp")

    full_name = models.CharField(_("họ và tên"), max_length=120)
    name_key = models.CharField(max_length=120, editable=False, db_index=True)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    sex = models.CharField(_("giới tính"), max_length=8, choices=Sex.choices, default=Sex.UNKNOWN)
    nationality = models.CharField(_("quốc tịch"), max_length=2, default="VN")
    id_number = EncryptedTextField(_("số CCCD/CMND/hộ chiếu"), blank=True, default="")
    id_number_hash = models.CharField(max_length=64, blank=True, default="", editable=False, db_index=True)
    phone = EncryptedTextField(_("số điện thoại"), blank=True, default="")
    phone_hash = models.CharField(max_length=64, blank=True, default="", editable=False, db_index=True)
    address_unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("địa chỉ (phường/xã)"),
    )
    address_line = models.CharField(_("số nhà, đường, thôn"), max_length=255, blank=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=Source.choices, default=Source.OFFICIAL)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged_from", editable=False
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("cập nhật lúc"), default=timezone.now, editable=False)

    class Meta:
        ordering = ["name_key", "id"]
        verbose_name = _("người")
        verbose_name_plural = _("người")
        indexes = [models.Index(fields=["phone_hash", "name_key", "date_of_birth"])]

    def __str__(self) -> str:
        return self.full_name


class DuplicateCandidate(models.Model):
    """A pair of people who may be the same person, waiting for an official's review."""

    class Status(models.TextChoices):
        OPEN = "open", _("Chờ xem xét")
        MERGED = "merged", _("Đã hợp nhất")
        DISMISSED = "dismissed", _("Không trùng")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("người"))
    other = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("có thể trùng với")
    )
    reason = models.CharField(_("lý do nghi trùng"), max_length=200)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(_("phát hiện lúc"), default=timezone.now)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        verbose_name = _("nghi trùng")
        verbose_name_plural = _("nghi trùng")
        constraints = [models.UniqueConstraint(fields=["person", "other"], name="unique_duplicate_pair")]

    def __str__(self) -> str:
        return f"{self.person_id} ~ {self.other_id}"


class UserScope(models.Model):
    """What an official may see: administrative units (with everything below them) and
    organizations (with their sub-organizations). ``province_wide`` sees the whole province."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="scope", verbose_name=_("tài khoản")
    )
    province_wide = models.BooleanField(_("toàn tỉnh"), default=False)
    units = models.ManyToManyField(
        AdministrativeUnit, blank=True, related_name="+", verbose_name=_("địa bàn")
    )
    organizations = models.ManyToManyField(
        Organization, blank=True, related_name="scoped_users", verbose_name=_("cơ quan")
    )

    class Meta:
        ordering = ["user_id"]
        verbose_name = _("phạm vi truy cập")
        verbose_name_plural = _("phạm vi truy cập")

    def __str__(self) -> str:
        return str(self.user)


class AuditQuerySet(models.QuerySet["AuditLog"]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("audit log is append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit log is append-only")


class AuditLog(models.Model):
    """Append-only record of every write and of every read of personal data by an official.

    Holds ids, never personal values. Written by services in the same transaction as the
    change; database triggers refuse updates (and deletes on PostgreSQL).
    """

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # partial index below: most rows are visitors' (no actor)
        related_name="+",
        verbose_name=_("người thực hiện"),
    )
    action = models.CharField(_("hành động"), max_length=60)
    target_type = models.CharField(_("loại đối tượng"), max_length=60)
    target_id = models.CharField(_("mã đối tượng"), max_length=40, blank=True)
    target_ids = models.JSONField(_("các mã đối tượng"), default=list, blank=True)
    reason = models.CharField(_("lý do, mục đích"), max_length=500, blank=True)
    details = models.JSONField(_("chi tiết"), default=dict, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("nhật ký truy cập, thay đổi")
        verbose_name_plural = _("nhật ký truy cập, thay đổi")
        # Every check-in writes a row: only the indexes reads need (no pattern-ops copy of
        # ``action``, no entries for rows without an actor).
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["action"], name="auditlog_action"),
            models.Index(fields=["actor"], name="auditlog_actor", condition=models.Q(actor__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit log is append-only")


class OutboundMessage(models.Model):
    """An email or SMS handed to the notification gateway, and what became of it."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Email")
        SMS = "sms", _("Tin nhắn SMS")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Chờ gửi")
        SENDING = "sending", _("Đang gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi lỗi")

    channel = models.CharField(_("kênh"), max_length=5, choices=Channel.choices)
    # A citizen's phone number is personal data: encrypted like Person.phone.
    recipient = EncryptedTextField(_("người nhận"))
    subject = models.CharField(_("tiêu đề"), max_length=200, blank=True)
    body = models.TextField(_("nội dung"))
    attachment = models.FileField(_("tệp đính kèm"), upload_to="outbound/%Y/%m/", blank=True)
    purpose = models.CharField(_("mục đích"), max_length=100)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)
    # When a worker claimed it (status sending): a message sending for long is resumed.
    claimed_at = models.DateTimeField(_("bắt đầu gửi lúc"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("tin đã gửi")
        verbose_name_plural = _("tin đã gửi")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.purpose} ({self.get_status_display()})"


class RollupWatermark(models.Model):
    """How far a daily roll-up (``core.rollups``) has folded its source: every local day
    before ``next_day`` is in the aggregate table, later days are counted live."""

    name = models.CharField(max_length=80, unique=True)
    next_day = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("mốc tổng hợp theo ngày")
        verbose_name_plural = _("mốc tổng hợp theo ngày")

    def __str__(self) -> str:
        return f"{self.name} < {self.next_day}"


class ScheduledRun(models.Model):
    """One daily job's run for one local day (``core.recovery.Daily``): claimed when it starts,
    finished in the same transaction as its work. A day without a finished run past the job's
    time plus its grace is run again by the sweep (a killed worker, a broker outage at 07:00,
    or the whole portal down at that hour)."""

    job = models.CharField(max_length=80)
    day = models.DateField()
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lượt chạy việc định kỳ")
        verbose_name_plural = _("lượt chạy việc định kỳ")
        constraints = [models.UniqueConstraint(fields=["job", "day"], name="core_scheduledrun_job_day")]

    def __str__(self) -> str:
        return f"{self.job} {self.day}"


class ApiToken(models.Model):
    """An integration's key (a lab system, a national platform): one organization, a few scopes.

    Only the prefix is kept in clear (to find the row and to tell keys apart in lists); the
    rest is stored as a SHA-256 hash, so the key is shown once, when it is created
    (``core.services.api_token_create``, ``docs/security.md``)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("cơ quan")
    )
    name = models.CharField(_("tên hệ thống tích hợp"), max_length=120)
    prefix = models.CharField(_("tiền tố"), max_length=16, unique=True, editable=False)
    token_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(_("phạm vi quyền"), default=list)
    rate_per_minute = models.PositiveIntegerField(_("số yêu cầu tối đa mỗi phút"))
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("dùng lần cuối lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("mã truy cập API")
        verbose_name_plural = _("mã truy cập API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def is_active(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > now)


class CitizenCheck(models.Model):
    """A one-time code sent to the phone on record of a person, for one purpose (the citizen
    check, ``core.services.citizen_check_start``). The code is kept only as a keyed hash."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(_("mục đích"), max_length=60)
    salt = models.CharField(max_length=32, editable=False)
    code_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    attempts = models.PositiveSmallIntegerField(_("số lần nhập"), default=0)
    verified_at = models.DateTimeField(_("xác minh lúc"), null=True, blank=True)
    # Replaced by a newer code, or locked after too many wrong attempts.
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["person", "purpose", "-created_at"], name="citizencheck_open")]
        verbose_name = _("mã xác minh công dân")
        verbose_name_plural = _("mã xác minh công dân")

    def __str__(self) -> str:
        return f"{self.purpose} #{self.pk}"


class ImportJob(models.Model):
    """A large file imported in the background (``core.services.import_jobs``): checked by a
    worker, shown to the person who sent it with its progress and every row's error, imported
    once they confirm. The file's bytes are kept only until it is imported or refused."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Chờ kiểm tra")
        CHECKING = "checking", _("Đang kiểm tra")
        CHECKED = "checked", _("Đã kiểm tra, chờ xác nhận")
        CONFIRMED = "confirmed", _("Đã xác nhận, chờ nhập")
        IMPORTING = "importing", _("Đang nhập")
        REFUSED = "refused", _("Tệp bị từ chối, không lưu gì")
        DONE = "done", _("Đã nhập xong")
        FAILED = "failed", _("Không hoàn thành được (lỗi hệ thống), không lưu gì")

    resource = models.CharField(_("loại dữ liệu"), max_length=200)  # the resource's dotted path
    target_key = models.CharField(max_length=40)  # the import's keyword: "lab", "site"
    target_id = models.BigIntegerField()
    target_label = models.CharField(_("nhập vào"), max_length=200)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file_name = models.CharField(_("tệp"), max_length=200)
    # The sender's language when they sent the file: the worker writes the errors in it.
    language = models.CharField(max_length=10, blank=True, default="")
    content = models.BinaryField(null=True, editable=False)
    rows = models.PositiveIntegerField(_("số dòng"), default=0)
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    # The worker's claim: a job checking or importing without a result long after it lost its
    # worker (core/recovery_kinds.py); a job queued or confirmed long ago lost its task.
    claimed_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)
    created = models.PositiveIntegerField(_("dòng mới"), null=True, blank=True)
    unchanged = models.PositiveIntegerField(_("dòng đã có"), null=True, blank=True)
    errors = models.JSONField(_("lỗi"), default=list, blank=True)  # the first IMPORT_JOB_ERRORS_SHOWN
    error_count = models.PositiveIntegerField(_("số lỗi"), default=0)
    created_at = models.DateTimeField(_("gửi lúc"), default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("lượt nhập tệp")
        verbose_name_plural = _("lượt nhập tệp")

    def __str__(self) -> str:
        return f"{self.file_name} #{self.pk}"

    @property
    def running(self) -> bool:
        """Waiting for or in the hands of a worker: its page refreshes itself."""
        return self.status in (
            self.Status.QUEUED,
            self.Status.CHECKING,
            self.Status.CONFIRMED,
            self.Status.IMPORTING,
        )
