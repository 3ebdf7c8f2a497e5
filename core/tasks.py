"""Celery tasks of the shared app."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

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
