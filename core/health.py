"""Readiness probes: each returns None when healthy or a short reason when not."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means "not ready"
        return f"{type(exc).__name__}"
    return None


def check_cache() -> str | None:
    try:
        cache.set("readyz:probe", "1", timeout=10)
        if cache.get("readyz:probe") != "1":
            return "cache read-back failed"
    except Exception as exc:
        return f"{type(exc).__name__}"
    return None


def check_broker() -> str | None:
    from config.celery_app import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return f"{type(exc).__name__}"
    return None


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


def readiness() -> dict[str, str]:
    return {name: (check() or "ok") for name, check in CHECKS.items()}


def broker_kind() -> str:
    return "redis" if settings.REDIS_URL else "filesystem"
