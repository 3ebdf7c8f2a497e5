"""Demo data of the reports app: last week's weekly report, queued for the worker, so a first
look at the archive shows a real PDF built from the demo data (idempotent: the weekly job's
own service, which creates at most one report per week)."""

from typing import Any

from reports.services import last_week, weekly_report_ensure


def load(*, stdout: Any) -> None:
    start, end = last_week()
    report = weekly_report_ensure(week_start=start)
    stdout.write(
        f"Báo cáo tuần minh họa {report.number} ({start:%d/%m}–{end:%d/%m}): {report.get_status_display()}."
    )
