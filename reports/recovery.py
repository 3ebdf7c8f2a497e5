"""The reports app's interrupted work (``core.recovery``): reports left "running"."""

from core.recovery import Resumable, Undispatched, register, register_undispatched
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


# A report whose generation task was never published (the broker was down when it was
# requested) stays "queued": enqueued again; the task's claim runs it once.
register_undispatched(
    Undispatched(
        name="report",
        model="reports.Report",
        pending=lambda before: Report.objects.filter(status=Report.Status.QUEUED, requested_at__lt=before),
        setting="STALLED_REPORT_SECONDS",
        enqueue=_generate,
    )
)
