"""The weekly report names the silent checkpoints (issue 13, point 5)."""

import datetime

from django.utils import timezone

from reports import data
from reports.models import Section
from tests.reports.test_figures import world  # noqa: F401  (fixture)


def test_the_report_names_silent_checkpoints(world):  # noqa: F811
    end_day = timezone.localdate()
    _ctx, sections = data.collect(
        period_start=end_day - datetime.timedelta(days=6),
        period_end=end_day,
        unit_ids=[],
        sections=[Section.ADOPTION],
    )
    table = next(t for t in sections[0].tables if t.key == "silent_checkpoints")
    assert table.headers == ["Tên điểm", "Cơ quan quản lý", "Địa bàn", "Lượt quét gần nhất"]
    (row,) = table.rows
    assert row[0] == "Cổng sau chợ"
    # The market has no contact email: the reminder cannot reach it, and the report says so.
    assert row[1] == "Chợ Sầm Sơn (không nhắc được: chưa có email liên hệ)"
    assert row[2] and row[3] == "Chưa có lượt quét nào"
