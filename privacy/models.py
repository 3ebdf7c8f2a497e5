"""The monthly access reports and people's requests about their data."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessReport(models.Model):
    """Who read personal data in one month, aggregated from the audit log, frozen when made.

    Holds officials' ids and names, counts and purposes; never a citizen's personal values."""

    month = models.DateField(_("tháng"), unique=True)  # the first day of the month
    generated_at = models.DateTimeField(_("lập lúc"), default=timezone.now)
    rule = models.JSONField(_("quy tắc cảnh báo"), default=dict)
    officials = models.JSONField(_("theo cán bộ"), default=list)
    rows = models.JSONField(_("chi tiết theo mục đích"), default=list)
    flagged = models.PositiveIntegerField(_("số cán bộ cần xem xét"), default=0)

    class Meta:
        ordering = ["-month"]
        verbose_name = _("báo cáo truy cập dữ liệu cá nhân")
        verbose_name_plural = _("báo cáo truy cập dữ liệu cá nhân")

    def __str__(self) -> str:
        return f"{self.month:%m/%Y}"


class SubjectRequest(models.Model):
    """A person's request about the data held on them, as an official recorded and handled it.

    ``person_ref`` is the person's id when found (a plain number, not a foreign key: the request
    is the record of a deletion and outlives the person it erased)."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Cung cấp dữ liệu đang lưu")
        ERASURE = "erasure", _("Xóa dữ liệu")

    class Requester(models.TextChoices):
        SELF = "self", _("Chính người đó")
        REPRESENTATIVE = "representative", _("Người đại diện hợp pháp")

    class IdentityCheck(models.TextChoices):
        CHIP_CARD = "chip_card", _("Đọc chip CCCD tại chỗ")
        ID_SEEN = "id_seen", _("Đối chiếu bản gốc giấy tờ tùy thân")
        VNEID = "vneid", _("Xác thực qua tài khoản định danh điện tử (VNeID)")
        OTHER = "other", _("Cách khác (ghi rõ)")

    class Status(models.TextChoices):
        OPEN = "open", _("Đang xử lý")
        DONE = "done", _("Đã xử lý")
        NOT_FOUND = "not_found", _("Không tìm thấy dữ liệu")

    kind = models.CharField(_("loại yêu cầu"), max_length=10, choices=Kind.choices)
    person_ref = models.BigIntegerField(_("mã người"), null=True, blank=True, db_index=True)
    subject_name = models.CharField(_("họ tên người được yêu cầu"), max_length=120)
    requester = models.CharField(_("người yêu cầu"), max_length=16, choices=Requester.choices)
    requester_name = models.CharField(_("họ tên người đại diện"), max_length=120, blank=True)
    identity_check = models.CharField(
        _("cách xác minh danh tính"), max_length=12, choices=IdentityCheck.choices
    )
    identity_note = models.CharField(_("ghi chú xác minh"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("nhận lúc"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cán bộ tiếp nhận"),
    )
    status = models.CharField(_("trạng thái"), max_length=10, choices=Status.choices, default=Status.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cán bộ xử lý"),
    )
    handled_at = models.DateTimeField(_("xử lý lúc"), null=True, blank=True)
    # What was deleted and what was kept, and why (model label -> counts, legal basis).
    outcome = models.JSONField(_("kết quả"), default=dict, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("yêu cầu về dữ liệu cá nhân")
        verbose_name_plural = _("yêu cầu về dữ liệu cá nhân")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()}"
