"""Reads of the published figures (public: no user, no scope). A request reads the current
version's token (one primary-key look-up, at most every couple of seconds per process) and then
only the cache, keyed by that token; the figures themselves are read from the database once per
version."""

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import Http404

from dashboard.models import Snapshot

T = TypeVar("T")
# A version lives until the next refresh replaces its token; a day bounds what a stale key costs.
TTL = 24 * 3600


_memo: dict[str, Any] = {"token": None, "at": None}


def current_token() -> str | None:
    """The token of the published version; None before the first refresh. Read from the
    database at most every ``DASHBOARD_TOKEN_TTL_SECONDS`` per process (default 2 s: a
    refresh reaches every process within that time; 0 reads it every request)."""
    ttl = settings.DASHBOARD_TOKEN_TTL_SECONDS
    now = time.monotonic()
    if ttl > 0 and _memo["at"] is not None and now - _memo["at"] < ttl:
        return _memo["token"]
    token = Snapshot.objects.filter(key="public").values_list("token", flat=True).first() or None
    _memo.update(token=token, at=now)
    return token


def forget_token() -> None:
    """A refresh in this process: read the new token at the next request."""
    _memo["at"] = None


# This process's copies of the current version's pages and answers (dropped when the version
# changes; bounded): a request for a known page touches neither the database nor Redis.
_local: dict[str, Any] = {}
LOCAL_MAX = 512


def cached(token: str | None, name: str, build: Callable[[], T]) -> T:
    """``build()`` once per version and ``name`` (a page, an answer), from the cache after:
    this process's copy, else the shared cache (Redis in production, the file cache embedded)."""
    if token is None:
        return build()
    key = f"dashboard:{token}:{name}"
    if key in _local:
        return _local[key]
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TTL)
    if len(_local) >= LOCAL_MAX or not all(k.startswith(f"dashboard:{token}:") for k in list(_local)[:1]):
        _local.clear()
    _local[key] = value
    return value


def published(token: str | None) -> dict[str, Any] | None:
    """The publication of version ``token`` (None: nothing published yet)."""

    rows = Snapshot.objects.filter(key="public")
    if token is None:
        return None
    data = cache.get(f"dashboard:{token}:data")
    if data is None:
        data = rows.filter(token=token).values_list("data", flat=True).first()
        if data is None:  # replaced since the token was read: serve the newer one, uncached
            return rows.values_list("data", flat=True).first() or None
        cache.set(f"dashboard:{token}:data", data, TTL)
    return data or None


def unit_figures(data: dict[str, Any], code: str) -> dict[str, Any]:
    for unit in data.get("units", []):
        if unit["code"] == code:
            return unit
    raise Http404
