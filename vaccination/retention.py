"""The vaccination app's data categories (``core.retention``).

Doses and certificates are medical records, kept (never purged); appointments only serve the
booking and are deleted after ``APPOINTMENT_RETENTION_DAYS`` (docs/vaccination.md).
"""

import datetime

from django.utils.translation import gettext_lazy as _

from core import retention, rollups
from core.retention_categories import UNVERIFIED_PRIVACY_BASIS

DOSE_ROLLUP = "vaccination.dose_daily"

_MEDICAL_RECORD = _(
    "Hồ sơ tiêm chủng là hồ sơ y tế của người được tiêm (chứng nhận, đính chính, theo dõi phản ứng "
    "sau tiêm): lưu như hồ sơ (chưa kiểm chứng văn bản quy định thời hạn)."
)

retention.register(
    retention.Category(
        name="vaccination.dose",
        label=_("Mũi tiêm (người, vắc xin, lô, mũi số, thời gian, điểm tiêm, người tiêm)"),
        model="vaccination.Dose",
        time_field="administered_at",  # kept: the field only tells the roll-up which day a dose is
        legal_basis=_MEDICAL_RECORD,
        rolled_up=_("Không xóa."),
    )
)
retention.register(
    retention.Category(
        name="vaccination.screening",
        label=_("Phiếu khám sàng lọc trước tiêm"),
        model="vaccination.Screening",
        legal_basis=_MEDICAL_RECORD,
        rolled_up=_("Không xóa: mũi tiêm tham chiếu phiếu khám sàng lọc."),
    )
)
retention.register(
    retention.Category(
        name="vaccination.certificate",
        label=_("Chứng nhận tiêm chủng COVID-19 đã cấp (EU DCC)"),
        model="certificates.IssuedCertificate",
        legal_basis=_MEDICAL_RECORD,
        rolled_up=_("Không xóa: việc thu hồi theo mã chứng nhận cần bản ghi."),
    )
)
retention.register(
    retention.Category(
        name="vaccination.appointment",
        label=_("Lịch hẹn tiêm (ai đặt buổi tiêm nào)"),
        model="vaccination.Appointment",
        time_field="created_at",
        period_setting="APPOINTMENT_RETENTION_DAYS",
        legal_basis=UNVERIFIED_PRIVACY_BASIS,
        rolled_up=_("Không tổng hợp riêng: số mũi tiêm được tính từ mũi tiêm, không từ lịch hẹn."),
        order=30,  # refers to people: deleted before them
        audit_action="appointment.purge",
    )
)
retention.register(
    retention.Category(
        name="vaccination.dose_daily",
        label=_("Số mũi tiêm theo ngày, địa bàn, vắc xin, mũi, nhóm tuổi"),
        model="vaccination.DoseDailyStat",
        legal_basis=_("Số liệu thống kê, không chứa dữ liệu cá nhân: lưu để báo cáo."),
        rolled_up=_("Chính là bản tổng hợp của mũi tiêm."),
    )
)


def _count(start: datetime.datetime, end: datetime.datetime) -> list[dict]:
    from vaccination.selectors import live_dose_stats

    return live_dose_stats(start, end)


rollups.register(
    rollups.Rollup(
        name=DOSE_ROLLUP,
        label=_("Số mũi tiêm theo ngày"),
        model="vaccination.DoseDailyStat",
        category="vaccination.dose",
        count=_count,
        dimension=_("theo địa bàn cư trú, vắc xin, mũi số và nhóm tuổi"),
    )
)
