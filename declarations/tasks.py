"""Celery tasks of the declarations app."""

from celery import shared_task

from declarations import services


@shared_task(name="declarations.tasks.purge_expired")
def purge_expired() -> int:
    return services.declarations_purge_expired(actor=None)
