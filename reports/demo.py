"""Demo data of the reports app: two report recipients (the console mail backend prints what
they receive) and last week's weekly report, queued for the worker, so a first look at the
archive shows a real PDF built from the demo data and its delivery. Idempotent: recipients are
matched by address, and the weekly job's own service creates at most one report per week."""

from typing import Any

from core.actors import DEMO
from reports.models import ReportRecipient
from reports.services import last_week, recipient_save, weekly_report_ensure

DEMO_RECIPIENTS = [
    ("Văn phòng UBND tỉnh (minh họa)", "van-phong-ubnd@example.invalid"),
    ("Tổ trưởng Tổ công nghệ (minh họa)", "to-truong@example.invalid"),
]


def load(*, stdout: Any) -> None:
    for name, email in DEMO_RECIPIENTS:
        if not ReportRecipient.objects.filter(email=email).exists():
            recipient_save(actor=DEMO, recipient=ReportRecipient(name=name, email=email))
    start, end = last_week()
    report = weekly_report_ensure(week_start=start)
    stdout.write(
        f"Báo cáo tuần minh họa {report.number} ({start:%d/%m}–{end:%d/%m}): {report.get_status_display()}; "
        f"gửi email tới {len(DEMO_RECIPIENTS)} người nhận minh họa (xem EMAIL_BACKEND)."
    )
