"""The testing app's data categories (``core.retention``; docs/testing.md, docs/retention.md).

Samples and their results are kept ``TESTING_SAMPLE_RETENTION_DAYS`` days, cases and their F1
lists ``TESTING_CASE_RETENTION_DAYS`` days: both unverified periods held as settings. Results go
before their samples, F1s before their cases, cases before the samples that confirmed them
(a case keeps its date, unit and place found after its sample is gone). Pools hold no personal
data once their samples are gone and are kept with their result for the lab's records.
"""

from django.utils.translation import gettext_lazy as _

from core import retention

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
        order=7,
        audit_action="sample.purge",
    )
)
