"""Celery tasks of the declarations app."""

from celery import shared_task

from core.actors import SystemActor
from declarations import services


@shared_task(name="declarations.tasks.purge_expired")
def purge_expired() -> int:
    return services.declarations_purge_expired(actor=SystemActor("celery:declarations.purge_expired"))
