"""Interrupted work put back in the queue (``core.recovery``)."""

import datetime
import functools
from typing import Any

from celery.schedules import crontab
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import recovery
from core.audit import audit
from core.models import ScheduledRun
from core.services._common import Actor

BATCH = 500


def stalled_work_resume(*, actor: Actor, now: datetime.datetime | None = None) -> dict[str, list[int]]:
    """Every registered kind of work claimed by a worker and not stamped for longer than its
    setting goes back to its queued status and its task is enqueued again after commit.

    Each row moves with a conditional UPDATE (still claimed, same stamp): two sweeps at once
    resume it only once, and a worker that stamps progress in between keeps it. One audit row
    per kind that resumed something. Returns the ids resumed, by kind."""
    now = now or timezone.now()
    resumed: dict[str, list[int]] = {}
    for kind in recovery.kinds():
        model = apps.get_model(kind.model)
        before = now - datetime.timedelta(seconds=getattr(settings, kind.setting))
        stale = model._default_manager.filter(
            Q(**{f"{kind.time_field}__lt": before}) | Q(**{f"{kind.time_field}__isnull": True}),
            status=kind.running,
        ).order_by("pk")
        with transaction.atomic():
            ids = []
            for pk, stamp in stale.values_list("pk", kind.time_field)[:BATCH]:
                same_stamp = (
                    Q(**{f"{kind.time_field}__isnull": True})
                    if stamp is None
                    else Q(**{kind.time_field: stamp})
                )
                moved = model._default_manager.filter(same_stamp, pk=pk, status=kind.running).update(
                    status=kind.back_to, **kind.reset
                )
                if moved:
                    ids.append(pk)
                    transaction.on_commit(functools.partial(kind.enqueue, pk))
            if ids:
                audit(
                    actor=actor,
                    action=f"{kind.name}.resume",
                    target=kind.model,
                    target_ids=ids,
                    details={"stalled_after_seconds": getattr(settings, kind.setting)},
                )
        if ids:
            resumed[kind.name] = ids
    for waiting in recovery.undispatched_kinds():
        before = now - datetime.timedelta(seconds=getattr(settings, waiting.setting))
        with transaction.atomic():
            ids = list(waiting.pending(before).order_by("pk").values_list("pk", flat=True)[:BATCH])
            for pk in ids:
                transaction.on_commit(functools.partial(waiting.enqueue, pk))
            if ids:
                audit(
                    actor=actor,
                    action=f"{waiting.name}.redispatch",
                    target=waiting.model,
                    target_ids=ids,
                    details={"waiting_over_seconds": getattr(settings, waiting.setting)},
                )
        if ids:
            resumed[waiting.name] = ids
    return resumed


def _scheduled_today(schedule: Any, now_local: datetime.datetime) -> datetime.datetime | None:
    """The latest time today, not after ``now_local``, at which a crontab fires; None when it
    does not fire today (yet). Interval schedules (tests) have no daily time: None."""
    if not isinstance(schedule, crontab):
        return None
    cron: Any = schedule  # celery-types does not declare the parsed sets
    if (now_local.weekday() + 1) % 7 not in cron.day_of_week:  # crontab: 0 is Sunday
        return None
    if now_local.day not in cron.day_of_month or now_local.month not in cron.month_of_year:
        return None
    times = [
        now_local.replace(hour=h, minute=m, second=0, microsecond=0) for h in cron.hour for m in cron.minute
    ]
    due = [t for t in times if t <= now_local]
    return max(due) if due else None


def daily_jobs_catch_up(*, actor: Actor, now: datetime.datetime | None = None) -> list[str]:
    """Every daily job (``core.recovery.Daily``) whose time today has passed by its grace
    without a finished run (and without a claim younger than the grace) is claimed and enqueued
    again after commit. The claim is a conditional UPDATE: two sweeps at once enqueue it once.
    One audit row for the jobs run again. Returns their names."""
    now = now or timezone.now()
    now_local = timezone.localtime(now)
    day = now_local.date()
    enqueued: list[str] = []
    runs: list[int] = []
    with transaction.atomic():
        for job in recovery.daily_jobs():
            entry = settings.CELERY_BEAT_SCHEDULE.get(job.beat_entry)
            scheduled = _scheduled_today(entry["schedule"], now_local) if entry else None
            grace = datetime.timedelta(seconds=getattr(settings, job.setting))
            if scheduled is None or now < scheduled + grace:
                continue
            run, _ = ScheduledRun.objects.get_or_create(job=job.name, day=day)
            claimed = ScheduledRun.objects.filter(
                Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - grace),
                pk=run.pk,
                finished_at__isnull=True,
            ).update(claimed_at=now)
            if claimed:
                transaction.on_commit(job.enqueue)
                enqueued.append(job.name)
                runs.append(run.pk)
        if runs:
            audit(
                actor=actor,
                action="scheduled.resume",
                target=ScheduledRun,
                target_ids=runs,
                details={"jobs": enqueued, "day": day.isoformat()},
            )
    return enqueued
