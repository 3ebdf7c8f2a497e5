"""The testing app's data categories (``core.retention``; docs/testing.md, docs/retention.md).

Samples and their results are kept ``TESTING_SAMPLE_RETENTION_DAYS`` days, cases and their F1
lists ``TESTING_CASE_RETENTION_DAYS`` days: both unverified periods held as settings. Results go
before their samples, F1s before their cases, cases before the samples that confirmed them
(a case keeps its date, unit and place found after its sample is gone). Pools hold no personal
data once their samples are gone and are kept with their result for the lab's records.

Their daily figures outlive them: two roll-ups (``core.rollups``) fold samples per collection day
and results per result day into ``SampleDailyStat`` and ``ResultDailyStat``, before the purge
deletes them (docs/testing.md "Daily figures").
"""

import datetime

from django.utils.translation import gettext_lazy as _

from core import retention, rollups

SAMPLE_ROLLUP = "testing.sample_daily"
RESULT_ROLLUP = "testing.result_daily"

TESTING_BASIS = _(
    "Chưa kiểm chứng: kết quả xét nghiệm là một phần hồ sơ khám bệnh, chữa bệnh (Luật Khám bệnh, "
    "chữa bệnh số 15/2023/QH15; thời hạn lưu hồ sơ do Bộ Y tế quy định, chưa xác định được văn bản); "
    "dữ liệu sức khỏe chỉ lưu trong thời gian cần cho mục đích (Nghị định 13/2023/NĐ-CP). Thời hạn "
    "mặc định là cài đặt, chờ cán bộ pháp chế xác nhận."
)


retention.register(
    retention.Category(
        name="testing.labresult",
        label=_("Kết quả xét nghiệm"),
        model="testing.LabResult",
        time_field="resulted_at",
        period_setting="TESTING_SAMPLE_RETENTION_DAYS",
        legal_basis=TESTING_BASIS,
        rolled_up=_(
            "Số kết quả theo ngày có kết quả, địa bàn điểm lấy mẫu, nơi lấy mẫu, loại xét nghiệm: âm tính, "
            "dương tính, theo mẫu gộp, ca bệnh xác định, thời gian trả kết quả."
        ),
        rollup=RESULT_ROLLUP,
        order=4,
        audit_action="labresult.purge",
    )
)
retention.register(
    retention.Category(
        name="testing.contact",
        label=_("Người tiếp xúc gần (F1) của ca bệnh"),
        model="testing.Contact",
        time_field="marked_at",
        period_setting="TESTING_CASE_RETENTION_DAYS",
        legal_basis=TESTING_BASIS,
        order=5,
        audit_action="contact.purge",
    )
)
retention.register(
    retention.Category(
        name="testing.case",
        label=_("Ca bệnh (F0)"),
        model="testing.Case",
        time_field="created_at",
        period_setting="TESTING_CASE_RETENTION_DAYS",
        legal_basis=TESTING_BASIS,
        order=6,
        audit_action="case.purge",
    )
)
retention.register(
    retention.Category(
        name="testing.sample",
        label=_("Mẫu xét nghiệm (ai, lấy ở đâu, lúc nào) và việc lấy mẫu lại"),
        model="testing.Sample",
        time_field="collected_at",
        period_setting="TESTING_SAMPLE_RETENTION_DAYS",
        legal_basis=TESTING_BASIS,
        rolled_up=_(
            "Số mẫu theo ngày lấy mẫu, địa bàn điểm lấy mẫu, nơi lấy mẫu, loại xét nghiệm: đã lấy, bị từ "
            "chối, đã gộp, mẫu gộp dương tính, mẫu lấy lại."
        ),
        rollup=SAMPLE_ROLLUP,
        order=7,
        audit_action="sample.purge",
    )
)

_STATISTICS = _("Số liệu thống kê, không chứa dữ liệu cá nhân: lưu để báo cáo.")
retention.register(
    retention.Category(
        name=SAMPLE_ROLLUP,
        label=_("Số mẫu xét nghiệm theo ngày, địa bàn, nơi lấy mẫu, loại xét nghiệm"),
        model="testing.SampleDailyStat",
        legal_basis=_STATISTICS,
        rolled_up=_("Chính là bản tổng hợp của mẫu xét nghiệm."),
    )
)
retention.register(
    retention.Category(
        name=RESULT_ROLLUP,
        label=_("Số kết quả xét nghiệm theo ngày, địa bàn, nơi lấy mẫu, loại xét nghiệm"),
        model="testing.ResultDailyStat",
        legal_basis=_STATISTICS,
        rolled_up=_("Chính là bản tổng hợp của kết quả xét nghiệm."),
    )
)


def _count_samples(start: datetime.datetime, end: datetime.datetime) -> list[dict]:
    from testing.selectors import live_sample_stats

    return live_sample_stats(start, end)


def _count_results(start: datetime.datetime, end: datetime.datetime) -> list[dict]:
    from testing.selectors import live_result_stats

    return live_result_stats(start, end)


rollups.register(
    rollups.Rollup(
        name=SAMPLE_ROLLUP,
        label=_("Số mẫu xét nghiệm theo ngày lấy mẫu"),
        model="testing.SampleDailyStat",
        category="testing.sample",
        count=_count_samples,
        dimension=_("theo địa bàn điểm lấy mẫu, nơi lấy mẫu và loại xét nghiệm"),
    )
)
rollups.register(
    rollups.Rollup(
        name=RESULT_ROLLUP,
        label=_("Số kết quả xét nghiệm theo ngày có kết quả"),
        model="testing.ResultDailyStat",
        category="testing.labresult",
        count=_count_results,
        dimension=_("theo địa bàn điểm lấy mẫu, nơi lấy mẫu, loại xét nghiệm và cách có kết quả"),
    )
)
