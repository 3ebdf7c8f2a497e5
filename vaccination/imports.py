"""Vaccination lists in and out (issue 19 point 9; the layout in docs/vaccination.md): the
import resource (admin import with preview, ``manage.py import_doses``) on the set-based path of
``core/imports.py``, and the export of doses for the national platform in the same layout (an
exported file imports again as "unchanged")."""

from collections.abc import Hashable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources

from core.imports import (
    Column,
    FastImportMixin,
    ImportSummary,
    cell_text,
    parse_day,
    parse_int,
    parse_moment,
)
from core.models import Person
from core.services import PersonData
from vaccination import services
from vaccination.models import Dose, Site

COLUMNS = (
    Column("full_name", ("ho_ten", "Họ và tên")),
    Column("date_of_birth", ("ngay_sinh", "Ngày sinh"), required=False),
    Column("birth_year", ("nam_sinh", "Năm sinh"), required=False),
    Column("sex", ("gioi_tinh", "Giới tính"), required=False),
    Column("id_number", ("so_giay_to", "Số CCCD/CMND/hộ chiếu"), required=False),
    Column("phone", ("so_dien_thoai", "Số điện thoại"), required=False),
    Column("vaccine", ("vac_xin", "Vắc xin")),
    Column("lot", ("so_lo", "Số lô")),
    Column("dose_number", ("mui_so", "Mũi số")),
    Column("administered_at", ("ngay_tiem", "Ngày tiêm")),
    Column("vaccinator_name", ("nguoi_tiem", "Người tiêm"), required=False),
)

SEX = {
    "nam": Person.Sex.MALE,
    "male": Person.Sex.MALE,
    "m": Person.Sex.MALE,
    "nu": Person.Sex.FEMALE,
    "nữ": Person.Sex.FEMALE,
    "female": Person.Sex.FEMALE,
    "f": Person.Sex.FEMALE,
}

# Labels of the cells' errors, translated only when an error is shown (not once a row).
BORN = gettext_lazy("ngày sinh")
BIRTH_YEAR = gettext_lazy("năm sinh")
DOSE_NUMBER = gettext_lazy("mũi số")
ADMINISTERED_AT = gettext_lazy("ngày tiêm")


def parse_dose(values: dict[str, Any]) -> services.DoseRow:
    born = parse_day(values.get("date_of_birth"), BORN, required=False)
    year_text = cell_text(values.get("birth_year"))
    year = parse_int(year_text, BIRTH_YEAR) if year_text else None
    id_number = cell_text(values.get("id_number"))
    phone = cell_text(values.get("phone"))
    if not id_number and not (phone and (born or year)):
        raise ValidationError(
            _("cần số giấy tờ, hoặc số điện thoại cùng ngày (năm) sinh, để nhận ra người được tiêm.")
        )
    person = PersonData(
        full_name=cell_text(values.get("full_name")),
        date_of_birth=born,
        birth_year=year,
        sex=SEX.get(cell_text(values.get("sex")).casefold(), Person.Sex.UNKNOWN),
        id_number=id_number,
        phone=phone,
    )
    return services.DoseRow(
        person=person,
        vaccine=cell_text(values.get("vaccine")),
        lot=cell_text(values.get("lot")),
        dose_number=parse_int(values.get("dose_number"), DOSE_NUMBER),
        administered_at=parse_moment(values.get("administered_at"), ADMINISTERED_AT),
        vaccinator_name=cell_text(values.get("vaccinator_name")),
    )


class DoseImportResource(FastImportMixin, resources.ModelResource):
    """Import only: ``import_data(dataset, user=..., site=...)``."""

    columns = COLUMNS

    class Meta:
        model = Dose
        fields = ("dose_number", "administered_at")
        skip_diff = True
        use_transactions = True

    target = "site"
    target_model = Site
    target_missing = gettext_lazy("Vui lòng chọn điểm tiêm.")

    @classmethod
    def get_display_name(cls) -> str:
        return str(_("Danh sách tiêm chủng"))

    def parse(self, values: dict[str, Any]) -> services.DoseRow:
        return parse_dose(values)

    def key(self, value: Any) -> Hashable:
        return services.dose_key(value)

    def import_service(self, **kwargs: Any) -> ImportSummary:
        return services.doses_import(**kwargs)

    def preview(self, value: Any) -> list[str]:
        p = value.person
        return [
            p.full_name,
            str(p.date_of_birth or ""),
            str(p.birth_year or ""),
            p.sex,
            p.id_number[:3] + "***" if p.id_number else "",
            p.phone[:3] + "***" if p.phone else "",
            value.vaccine,
            value.lot,
            str(value.dose_number),
            f"{timezone.localtime(value.administered_at):%Y-%m-%d %H:%M}",
            value.vaccinator_name,
        ]


def _local(dose: Dose) -> str:
    return f"{timezone.localtime(dose.administered_at):%Y-%m-%d %H:%M}"


class DoseExportResource(resources.Resource):
    """The national platform's layout (docs/vaccination.md): the import's columns, then the EU
    DCC product code, the doses of the primary series, the site and its unit code."""

    ho_ten = fields.Field(column_name="ho_ten", attribute="person__full_name")
    ngay_sinh = fields.Field(column_name="ngay_sinh", attribute="person__date_of_birth")
    nam_sinh = fields.Field(column_name="nam_sinh", attribute="person__birth_year")
    gioi_tinh = fields.Field(column_name="gioi_tinh")
    so_giay_to = fields.Field(column_name="so_giay_to", attribute="person__id_number")
    so_dien_thoai = fields.Field(column_name="so_dien_thoai", attribute="person__phone")
    vac_xin = fields.Field(column_name="vac_xin", attribute="vaccine__name")
    so_lo = fields.Field(column_name="so_lo", attribute="lot__number")
    mui_so = fields.Field(column_name="mui_so", attribute="dose_number")
    ngay_tiem = fields.Field(column_name="ngay_tiem")
    nguoi_tiem = fields.Field(column_name="nguoi_tiem", attribute="vaccinator_name")
    ma_san_pham = fields.Field(column_name="ma_san_pham", attribute="vaccine__product_code")
    so_mui_co_ban = fields.Field(column_name="so_mui_co_ban", attribute="series_doses")
    diem_tiem = fields.Field(column_name="diem_tiem", attribute="site__name")
    ma_don_vi = fields.Field(column_name="ma_don_vi", attribute="site__unit__code")

    class Meta:
        model = Dose

    def dehydrate_gioi_tinh(self, dose: Dose) -> str:
        sexes: dict[str, str] = {Person.Sex.MALE: "nam", Person.Sex.FEMALE: "nu"}
        return sexes.get(dose.person.sex, "")

    def dehydrate_ngay_tiem(self, dose: Dose) -> str:
        return _local(dose)


def export_queryset(queryset: Any) -> Any:
    return queryset.select_related("person", "vaccine", "lot", "site", "site__unit").order_by(
        "administered_at", "pk"
    )
