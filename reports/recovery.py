"""The reports app's interrupted work (``core.recovery``): reports left "running"."""

from core.recovery import Resumable, register
from reports.models import Report


def _generate(report_id: int) -> None:
    from reports.tasks import generate_report

    generate_report.delay(report_id)


register(
    Resumable(
        name="report",
        model="reports.Report",
        running=Report.Status.RUNNING,
        back_to=Report.Status.QUEUED,
        time_field="heartbeat_at",
        setting="STALLED_REPORT_SECONDS",
        enqueue=_generate,
        reset={"progress": 0},
    )
)
