"""Celery tasks of the shared app."""

import smtplib

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from core.actors import SystemActor
from core.notifications import TransientSendError

HEARTBEAT_CACHE_KEY = "celery:heartbeat"


@shared_task(name="core.tasks.heartbeat")
def heartbeat() -> str:
    """Beat fires this on a schedule; the worker stamps the shared cache so /readyz can tell
    that the scheduler and the worker are both alive."""
    stamp = timezone.now().isoformat()
    cache.set(HEARTBEAT_CACHE_KEY, stamp, timeout=None)
    return stamp


@shared_task(name="core.tasks.echo")
def echo(key: str, value: str) -> None:
    """Writes a value to the shared cache: used by tests and the benchmark to prove a real
    worker consumed a message."""
    cache.set(key, value, timeout=600)


@shared_task(
    name="core.tasks.deliver_message",
    # Only transient failures (network, SMTP, provider hiccups) are retried.
    autoretry_for=(OSError, smtplib.SMTPException, TransientSendError),
    retry_backoff=30,
    retry_backoff_max=1800,
    retry_jitter=True,
    max_retries=6,
)
def deliver_message(message_id: int) -> None:
    """Sends one outbound message; failures are recorded and retried with backoff."""
    from core.services import message_deliver

    message_deliver(message_id=message_id)


@shared_task(name="core.tasks.run_import_job")
def run_import_job(job_id: int) -> str:
    """Checks or imports one large file (core/services/import_jobs.py)."""
    from core.services import import_job_run

    return import_job_run(job_id=job_id).status


@shared_task(name="core.tasks.purge_orphan_people")
def purge_orphan_people() -> int:
    """Nightly, after the check-in and declaration purges: visitors nobody refers to any more."""
    from core.services import persons_purge_orphans

    return persons_purge_orphans(actor=SystemActor("celery:purge_orphan_people"))


@shared_task(name="core.tasks.purge_expired")
def purge_expired() -> dict[str, int]:
    """Nightly: every data category past its retention, in deletion order (dependents first);
    each folds its roll-up in before deleting (``core.retention``)."""
    from core import retention
    from core.services import retention_purge

    return {
        category.name: retention_purge(actor=SystemActor("celery:purge_expired"), category=category.name)
        for category in retention.categories()
        if not category.kept
    }


@shared_task(name="core.tasks.fold_rollups")
def fold_rollups() -> dict[str, int]:
    """Hourly: every daily roll-up takes in the finished days (``core.rollups``)."""
    from core.services import rollups_fold

    return rollups_fold(actor=SystemActor("celery:fold_rollups"))


@shared_task(name="core.tasks.resume_stalled_work")
def resume_stalled_work() -> dict[str, list]:
    """Every few minutes: work a dead worker left claimed goes back in the queue, work whose
    task never reached the broker is enqueued again, and a daily job whose run did not finish
    is run again (core.recovery)."""
    from core.services import daily_jobs_catch_up, stalled_work_resume

    actor = SystemActor("celery:resume_stalled_work")
    resumed = stalled_work_resume(actor=actor)
    for job in daily_jobs_catch_up(actor=actor):
        resumed.setdefault("scheduled", []).append(job)  # type: ignore[arg-type]
    return resumed


@shared_task(name="core.tasks.rotate_keys")
def rotate_keys(batches: int = 200) -> dict[str, int]:
    """A key rotation in the background: ``batches`` batches, then the task queues itself again
    until every step is done (so one run never holds a worker for hours). Resumable: progress
    is in the batches' audit rows (``core.keyrotation``)."""
    from core.keyrotation import rotation_progress, rotation_run, rotation_steps

    changed = rotation_run(actor=SystemActor("celery:rotate_keys"), max_batches=batches)
    if not all(rotation_progress(step)[1] for step in rotation_steps()):
        rotate_keys.delay(batches)
    return changed
