"""The checkpoints app's data categories and roll-up (``core.retention``, ``core.rollups``).

Check-ins are kept ``CHECKIN_RETENTION_DAYS`` days (the shared cut-off: local midnight of today
minus N days); their counts per checkpoint and local day (``CheckinDailyStat``) are folded in
by the hourly roll-up and kept. Paper entries for days past the cut-off are refused.
"""

import datetime

from django.utils.translation import gettext_lazy as _

from core import retention, rollups
from core.retention import local_midnight
from core.retention_categories import UNVERIFIED_PRIVACY_BASIS

__all__ = ["CHECKIN_ROLLUP", "local_midnight", "retention_cutoff"]

CHECKIN_ROLLUP = "checkpoints.checkin_daily"


def retention_cutoff(now: datetime.datetime | None = None, days: int | None = None) -> datetime.datetime:
    """Check-ins before this instant (a local midnight) are past retention."""
    category = retention.get("checkpoints.checkin")
    return retention.cutoff(category.days if days is None else days, now)  # type: ignore[arg-type]


def _count(start: datetime.datetime, end: datetime.datetime) -> list[dict]:
    from checkpoints.selectors import live_stats

    return [dict(row) for row in live_stats(start, end)]


retention.register(
    retention.Category(
        name="checkpoints.checkin",
        label=_("Lượt vào điểm kiểm dịch (ai, ở đâu, lúc nào)"),
        model="checkpoints.CheckIn",
        time_field="checked_in_at",
        period_setting="CHECKIN_RETENTION_DAYS",
        legal_basis=UNVERIFIED_PRIVACY_BASIS,
        rolled_up=_(
            "Số lượt theo điểm kiểm dịch và ngày (tự quét, nhân viên quét, tờ khai giấy, có dấu hiệu)."
        ),
        rollup=CHECKIN_ROLLUP,
        order=10,  # refers to declarations and people: deleted before them
        audit_action="checkin.purge",
    )
)
retention.register(
    retention.Category(
        name="checkpoints.checkin_daily",
        label=_("Số lượt vào theo điểm kiểm dịch và ngày"),
        model="checkpoints.CheckinDailyStat",
        legal_basis=_("Số liệu thống kê, không chứa dữ liệu cá nhân: lưu để báo cáo."),
        rolled_up=_("Chính là bản tổng hợp của lượt vào."),
    )
)
rollups.register(
    rollups.Rollup(
        name=CHECKIN_ROLLUP,
        label=_("Số lượt vào theo ngày"),
        model="checkpoints.CheckinDailyStat",
        category="checkpoints.checkin",
        count=_count,
        dimension=_("theo điểm kiểm dịch (suy ra cơ quan và địa bàn)"),
    )
)
