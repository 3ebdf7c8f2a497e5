"""A task that takes a while, for worker tests: ``celery worker --include tests.skeleton.slow_task``."""

import time

from celery import shared_task
from django.core.cache import cache


@shared_task(name="tests.sleep_then_echo")
def sleep_then_echo(seconds: float, key: str, value: str) -> None:
    time.sleep(seconds)
    cache.set(key, value, timeout=600)
