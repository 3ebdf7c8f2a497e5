"""Lab results from a lab system's CSV or Excel file (issue 18 point 5; layout in
docs/testing.md): one django-import-export resource for the admin import (with preview) and
``manage.py import_lab_results``, on the set-based path of ``core/imports.py``."""

from collections.abc import Hashable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy
from import_export import resources

from core.imports import (
    Column,
    FastImportMixin,
    ImportSummary,
    cell_text,
    parse_decimal,
    parse_moment,
)
from testing import services
from testing.models import Lab, LabResult

COLUMNS = (
    Column("code", ("ma_mau", "Mã mẫu", "specimen_code")),
    Column("outcome", ("ket_qua", "Kết quả", "result")),
    Column("resulted_at", ("thoi_diem_ket_qua", "Thời điểm có kết quả", "result_time")),
    Column("ct_value", ("gia_tri_ct", "Giá trị Ct", "ct"), required=False),
    Column("verified_by", ("nguoi_xac_nhan", "Người xác nhận", "verified_by")),
)

# Labels of the cells' errors, translated only when an error is shown (not once a row).
RESULTED_AT = gettext_lazy("thời điểm có kết quả")
CT_VALUE = gettext_lazy("giá trị Ct")


def parse_result(values: dict[str, Any]) -> services.ResultRow:
    """One row's cells; what the service checks (code, result, Ct range) is kept as written so
    the service names it, as for a bulk paste on the lab page."""
    word = cell_text(values.get("outcome"))
    return services.ResultRow(
        code=cell_text(values.get("code")),
        outcome=services.OUTCOME_WORDS.get(word.lower(), word),
        resulted_at=parse_moment(values.get("resulted_at"), RESULTED_AT),
        ct_value=parse_decimal(values.get("ct_value"), CT_VALUE),
        verified_by=cell_text(values.get("verified_by")),
    )


class LabResultResource(FastImportMixin, resources.ModelResource):
    """Import only: ``import_data(dataset, user=..., lab=...)``."""

    columns = COLUMNS

    class Meta:
        model = LabResult
        fields = ("outcome", "resulted_at", "ct_value", "verified_by")
        skip_diff = True
        use_transactions = True

    target = "lab"
    target_model = Lab
    target_missing = gettext_lazy("Vui lòng chọn phòng xét nghiệm.")

    def parse(self, values: dict[str, Any]) -> services.ResultRow:
        return parse_result(values)

    def key(self, value: Any) -> Hashable:
        return services.result_key(value)

    def import_service(self, **kwargs: Any) -> ImportSummary:
        return services.results_import(**kwargs)

    def preview(self, value: Any) -> list[str]:
        return [
            value.code,
            str(LabResult(outcome=value.outcome).get_outcome_display()),
            f"{timezone.localtime(value.resulted_at):%Y-%m-%d %H:%M}",
            "" if value.ct_value is None else str(value.ct_value),
            value.verified_by,
        ]
