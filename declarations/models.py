"""Health declarations (khai báo y tế): what a person declared, as declared.

A declaration keeps its own copy of the identity (ID and phone encrypted) and links to the
``core.Person`` it was resolved to; a visitor's input never changes that person.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.crypto import EncryptedTextField
from core.models import AdministrativeUnit, Person


class Declaration(models.Model):
    class Kind(models.TextChoices):
        CHECKIN = "checkin", _("Khai báo khi vào điểm kiểm dịch")
        TRAVEL = "travel", _("Khai báo di chuyển nội địa")

    class Source(models.TextChoices):
        SELF = "self", _("Người dân tự khai")
        STAFF = "staff", _("Nhân viên quét mã")
        PAPER = "paper", _("Nhập từ tờ khai giấy")

    class Risk(models.TextChoices):
        NONE = "none", _("Không có dấu hiệu")
        SYMPTOMS = "symptoms", _("Có triệu chứng")
        EXPOSURE = "exposure", _("Có yếu tố dịch tễ")

    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices, default=Kind.CHECKIN)
    source = models.CharField(_("nguồn"), max_length=8, choices=Source.choices, default=Source.SELF)
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="declarations", verbose_name=_("người")
    )
    full_name = models.CharField(_("họ và tên"), max_length=120)
    date_of_birth = models.DateField(_("ngày sinh"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    sex = models.CharField(
        _("giới tính"), max_length=8, choices=Person.Sex.choices, default=Person.Sex.UNKNOWN
    )
    nationality = models.CharField(_("quốc tịch"), max_length=2, default="VN")
    id_number = EncryptedTextField(_("số CCCD/CMND/hộ chiếu"), blank=True, default="")
    phone = EncryptedTextField(_("số điện thoại"), blank=True, default="")
    address_unit = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("địa chỉ (phường/xã)"),
    )
    address_line = models.CharField(_("số nhà, đường, thôn"), max_length=255, blank=True)
    places_visited = models.CharField(_("nơi đã đến trong 14 ngày"), max_length=500, blank=True)
    symptoms = models.JSONField(_("triệu chứng"), default=list, blank=True)
    symptom_list_version = models.PositiveSmallIntegerField(_("phiên bản danh mục triệu chứng"))
    exposures = models.JSONField(_("yếu tố dịch tễ"), default=list, blank=True)
    exposure_list_version = models.PositiveSmallIntegerField(_("phiên bản danh mục dịch tễ"))
    notice_version = models.CharField(_("phiên bản thông báo xử lý dữ liệu"), max_length=20)
    risk = models.CharField(_("mức nguy cơ"), max_length=10, choices=Risk.choices, default=Risk.NONE)
    # Domestic travel declarations.
    travel_from = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đi từ (tỉnh/thành phố)"),
    )
    travel_to = models.ForeignKey(
        AdministrativeUnit,
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("đến (tỉnh/thành phố)"),
    )
    travel_date = models.DateField(_("ngày đi"), null=True, blank=True)
    transport = models.CharField(_("phương tiện"), max_length=100, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    created_at = models.DateTimeField(_("khai lúc"), default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("tờ khai y tế")
        verbose_name_plural = _("tờ khai y tế")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="checkin") | models.Q(travel_to__isnull=False),
                name="travel_declaration_has_destination",
            ),
        ]
        # Check-in declarations leave these references empty: partial indexes skip them, so
        # each check-in writes four fewer index entries (docs/benchmarks.md).
        indexes = [
            models.Index(
                fields=[name], name=f"declaration_{name}", condition=models.Q(**{f"{name}__isnull": False})
            )
            for name in ("address_unit", "travel_from", "travel_to", "entered_by")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    @property
    def flagged(self) -> bool:
        return self.risk != self.Risk.NONE
