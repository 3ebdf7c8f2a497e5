"""The core app's interrupted work (``core.recovery``): outbound messages left "sending",
import jobs left "checking" or "importing"."""

from core.models import ImportJob, OutboundMessage
from core.recovery import Resumable, Undispatched, register, register_undispatched


def _deliver(message_id: int) -> None:
    from core.tasks import deliver_message

    deliver_message.delay(message_id)


# A message left "sending" may have reached the gateway before the worker died: resuming it
# can send it a second time (at least once), never zero times.
register(
    Resumable(
        name="message",
        model="core.OutboundMessage",
        running=OutboundMessage.Status.SENDING,
        back_to=OutboundMessage.Status.QUEUED,
        time_field="claimed_at",
        setting="STALLED_MESSAGE_SECONDS",
        enqueue=_deliver,
    )
)

# A message whose delivery task was never published (the broker was down at commit) stays
# "queued": past the same time it is enqueued again; the delivery's claim sends it once.
register_undispatched(
    Undispatched(
        name="message",
        model="core.OutboundMessage",
        pending=lambda before: OutboundMessage.objects.filter(
            status=OutboundMessage.Status.QUEUED, created_at__lt=before
        ),
        setting="STALLED_MESSAGE_SECONDS",
        enqueue=_deliver,
    )
)


def _run_import(job_id: int) -> None:
    from core.tasks import run_import_job

    run_import_job.delay(job_id)


# An import job's work is one transaction: a job still "checking" or "importing" long after its
# claim lost its worker (nothing of it was stored). It goes back to its queue; a run that was
# only slow finds the job taken and rolls its work back (core/services/import_jobs.py).
for _running, _back, _name in (
    (ImportJob.Status.CHECKING, ImportJob.Status.QUEUED, "importjob_check"),
    (ImportJob.Status.IMPORTING, ImportJob.Status.CONFIRMED, "importjob_import"),
):
    register(
        Resumable(
            name=_name,
            model="core.ImportJob",
            running=_running,
            back_to=_back,
            time_field="claimed_at",
            setting="STALLED_IMPORT_SECONDS",
            enqueue=_run_import,
        )
    )

# A job whose task never reached the broker stays "queued" or "confirmed": enqueued again.
register_undispatched(
    Undispatched(
        name="importjob_check",
        model="core.ImportJob",
        pending=lambda before: ImportJob.objects.filter(
            status=ImportJob.Status.QUEUED, created_at__lt=before
        ),
        setting="STALLED_IMPORT_SECONDS",
        enqueue=_run_import,
    )
)
register_undispatched(
    Undispatched(
        name="importjob_import",
        model="core.ImportJob",
        pending=lambda before: ImportJob.objects.filter(
            status=ImportJob.Status.CONFIRMED, confirmed_at__lt=before
        ),
        setting="STALLED_IMPORT_SECONDS",
        enqueue=_run_import,
    )
)
