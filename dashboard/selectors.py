"""Reads of the published figures (public: no user, no scope). A request reads the current
version's token (one primary-key look-up) and then only the cache, keyed by that token; the
figures themselves are read from the database once per version and process-independent cache."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache
from django.http import Http404

from dashboard.models import Snapshot

T = TypeVar("T")
# A version lives until the next refresh replaces its token; a day bounds what a stale key costs.
TTL = 24 * 3600


def current_token() -> str | None:
    """The token of the published version; None before the first refresh."""
    return Snapshot.objects.filter(key="public").values_list("token", flat=True).first() or None


def cached(token: str | None, name: str, build: Callable[[], T]) -> T:
    """``build()`` once per version and ``name`` (a page, an answer), from the cache after."""
    if token is None:
        return build()
    key = f"dashboard:{token}:{name}"
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, TTL)
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
