"""Celery tasks of the dashboard."""

from celery import shared_task

from core.actors import SystemActor


@shared_task(name="dashboard.tasks.refresh")
def refresh() -> dict[str, object]:
    """Every few minutes (beat ``dashboard-refresh``): the published figures, recounted
    incrementally; after midnight it first folds the finished day into the roll-ups."""
    from dashboard.services import snapshot_refresh

    return snapshot_refresh(actor=SystemActor("celery:dashboard_refresh"))
