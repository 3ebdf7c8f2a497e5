"""The trust list (signer certificates) and the certificates this province issued."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import Person


class SignerCertificate(models.Model):
    """A document signer certificate (DSC) whose signatures this portal trusts. Several may
    share a ``kid``; a verifier tries each. Removing one keeps the row (``active`` off)."""

    country = models.CharField(_("quốc gia"), max_length=2)
    kid = models.CharField(_("mã khóa (kid)"), max_length=16, db_index=True, editable=False)
    fingerprint = models.CharField(_("dấu vân tay SHA-256"), max_length=64, unique=True, editable=False)
    der = models.BinaryField(editable=False)
    subject = models.CharField(_("chủ thể"), max_length=300, editable=False)
    valid_from = models.DateTimeField(_("hiệu lực từ"), editable=False)
    valid_until = models.DateTimeField(_("hiệu lực đến"), editable=False)
    key_usage = models.CharField(
        _("loại được ký"), max_length=40, blank=True, editable=False, help_text=_("Trống: mọi loại.")
    )
    own_province = models.BooleanField(_("khóa của tỉnh"), default=False)
    active = models.BooleanField(_("đang dùng"), default=True)
    added_at = models.DateTimeField(_("thêm lúc"), default=timezone.now, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(_("gỡ lúc"), null=True, blank=True, editable=False)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-active", "country", "-valid_until", "id"]
        verbose_name = _("chứng chỉ ký tin cậy")
        verbose_name_plural = _("danh sách tin cậy")

    def __str__(self) -> str:
        return f"{self.country} {self.kid} {self.subject}"

    def key_usage_display(self) -> str:
        from certificates.dcc.verify import KIND_LABELS

        return ", ".join(str(KIND_LABELS.get(k, k)) for k in self.key_usage.split(",") if k)


class IssuedCertificate(models.Model):
    """A certificate this province signed. ``qr_text`` is the ``HC1:`` string (it re-renders
    the QR and the PDF); revocation is by identifier (``uvci``)."""

    class Kind(models.TextChoices):
        TEST = "test", pgettext_lazy("certificate type", "Xét nghiệm")
        VACCINATION = "vaccination", pgettext_lazy("certificate type", "Tiêm chủng")

    uvci = models.CharField(_("mã chứng nhận (UVCI)"), max_length=80, unique=True)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("người")
    )
    kid = models.CharField(_("mã khóa (kid)"), max_length=16)
    issued_at = models.DateTimeField(_("cấp lúc"))
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    qr_text = models.TextField(_("mã QR (HC1)"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    revocation_reason = models.CharField(_("lý do thu hồi"), max_length=300, blank=True)

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("chứng nhận đã cấp")
        verbose_name_plural = _("chứng nhận đã cấp")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True) | ~models.Q(revocation_reason=""),
                name="certificate_revocation_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.uvci
