"""Interrupted work: what a dead worker leaves "running", and how it is put back in the queue.

A worker killed mid-task (out of memory, a deploy, a lost host) leaves its row claimed: a
report "Đang tạo 5%", a message "Đang gửi". With late acknowledgement the broker hands the
task out again only after its visibility timeout (an hour on Redis), and the task then skips
a row that is already claimed; the filesystem broker may never hand it out again. So the
database is the truth: each app declares here, in its own ``recovery.py`` (discovered when
the ``core`` app is ready), which rows are claimed work, which time field the worker stamps,
the setting that says how long is too long, and the task to enqueue again.
``core.services.stalled_work_resume`` (beat: ``core.tasks.resume_stalled_work``) does the rest.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.module_loading import autodiscover_modules

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Resumable:
    name: str  # audit action prefix, e.g. "report"
    model: str  # "app_label.ModelName"
    running: str  # the claimed status a dead worker leaves behind
    back_to: str  # the status the task claims again
    time_field: str  # stamped by the worker at its claim (and at each step)
    setting: str  # seconds without a stamp after which the work is stalled
    enqueue: Callable[[int], Any]  # called after commit with the row's id
    reset: dict[str, Any] = field(default_factory=dict)  # other fields put back


_REGISTRY: dict[str, Resumable] = {}


def register(kind: Resumable) -> Resumable:
    _REGISTRY[kind.name] = kind
    return kind


def discover() -> None:
    """Imports every installed app's ``recovery`` module (called by ``CoreConfig.ready``)."""
    autodiscover_modules("recovery")


def kinds() -> list[Resumable]:
    return list(_REGISTRY.values())


@dataclass(frozen=True)
class Undispatched:
    """Work the database holds whose task may never have reached the broker: a task is
    published after commit, and a broker that is down at that moment loses the publication
    (``enqueue_on_commit`` logs it and lets the request succeed). Rows waiting since before
    ``now - setting`` are enqueued again by the sweep; their tasks claim the row with a
    conditional UPDATE, so the work is done once however often it is enqueued."""

    name: str  # audit action prefix, e.g. "message"
    model: str  # "app_label.ModelName"
    pending: Callable[[Any], Any]  # (before: datetime) -> queryset of rows still waiting
    setting: str  # seconds a row may wait before it is enqueued again
    enqueue: Callable[[int], Any]


@dataclass(frozen=True)
class Daily:
    """A job run once a day by beat (``CELERY_BEAT_SCHEDULE[beat_entry]``, a crontab). The job
    records its run in ``core.ScheduledRun`` (``run_daily``): claimed at its start, finished in
    the transaction of its work. A day whose run is not finished ``setting`` seconds after its
    time (the worker was killed, the broker or the whole portal was down at that hour) is run
    again by the sweep, once per claim."""

    name: str  # the job's name in ScheduledRun and in the audit rows
    beat_entry: str
    setting: str  # grace in seconds after the scheduled time (and after a claim) before a re-run
    enqueue: Callable[[], Any]


_UNDISPATCHED: dict[str, Undispatched] = {}
_DAILY: dict[str, Daily] = {}


def register_undispatched(kind: Undispatched) -> Undispatched:
    _UNDISPATCHED[kind.name] = kind
    return kind


def register_daily(job: Daily) -> Daily:
    _DAILY[job.name] = job
    return job


def undispatched_kinds() -> list[Undispatched]:
    return list(_UNDISPATCHED.values())


def daily_jobs() -> list[Daily]:
    return list(_DAILY.values())


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Publishes ``task`` with ``args`` once the transaction commits. A broker that cannot be
    reached then is logged, never raised: what was committed stands (a visitor's stored
    check-in is not answered with an error), and the sweep enqueues the work again from the
    database (``Undispatched``)."""
    from django.db import transaction

    def publish() -> None:
        try:
            task.delay(*args)
        except Exception:
            logger.warning(
                "could not publish %s%r; the sweep will enqueue it again", task.name, args, exc_info=True
            )

    transaction.on_commit(publish)


def run_daily(name: str, work: Callable[[], Any], *, now: Any = None) -> Any:
    """Runs one daily job's ``work`` for today (local day): claims today's run, then does the
    work and marks the run finished in one transaction, so a finished run means the work (and
    the messages it queued) committed."""
    from django.db import transaction
    from django.utils import timezone

    from core.models import ScheduledRun

    now = now or timezone.now()
    day = timezone.localdate(now)
    ScheduledRun.objects.update_or_create(job=name, day=day, defaults={"claimed_at": now})
    with transaction.atomic():
        result = work()
        ScheduledRun.objects.filter(job=name, day=day).update(finished_at=timezone.now())
    return result
