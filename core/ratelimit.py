"""Rate limits: one limiter for the public forms and APIs (check-ins, standalone declarations)
and, later, login attempts and result look-ups.

A limit (``Limit``) has a scope, a fixed window in seconds and a fail mode: what it answers
when its store (Redis) cannot be reached. ``fail_open`` limits let the request through, with a
log line and a count (``failures``): citizens at a checkpoint are not turned away because
Redis is down. Closed limits raise ``LimiterUnavailable`` (503 with ``Retry-After``); login
throttling and result look-ups must be closed. ``allow(limit, counts)`` counts one request
under each key (its parts and its ceiling) and answers False when any count is over.

With ``REDIS_URL`` the limiter owns a Redis client and a registered Lua script: one round trip
(EVALSHA) per check, whatever the number of keys. Without Redis (development) it counts in the
shared cache.

The public pages' unit is a device: the ``cp_dev`` cookie, signed by the server
(``django.core.signing``), so a made-up value is not a new device; without a valid one the unit
is the IP and user agent. The per-IP ceiling is high so a market's shared Wi-Fi (one public IP
for hundreds of phones) keeps working; it stops a single client flooding.
"""

import collections
import hashlib
import logging
import secrets
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

import redis
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException

logger = logging.getLogger(__name__)

DEVICE_COOKIE = "cp_dev"
_DEVICE_SALT = "core.ratelimit.device"
RETRY_AFTER = 30  # seconds a closed limit asks the client to wait when its store is down
_BACKOFF = 1.0  # after a store failure, seconds without trying it (no connect timeout per request)


@dataclass(frozen=True)
class Limit:
    """``scope`` names the counters; ``window`` is the fixed window in seconds; ``fail_open``
    says what the limit answers when its store is unreachable."""

    scope: str
    window: int = 60
    fail_open: bool = False


CHECKIN = Limit("ci", window=60, fail_open=True)
DECLARATION = Limit("decl", window=60, fail_open=True)
# Verifying a certificate reveals only what the QR in the visitor's hand already holds: open.
CERTIFICATE_VERIFY = Limit("dcc", window=60, fail_open=True)
# Integrations behind API tokens are known and accountable (each key names its organization):
# a lab's result upload is not refused because Redis is down. Open.
API_TOKEN = Limit("tok", window=60, fail_open=True)
# The citizen check sends SMS and guards a citizen's own records: closed (503 when Redis is down).
CITIZEN_CHECK_SEND = Limit("ccs", window=3600, fail_open=False)
CITIZEN_CHECK_VERIFY = Limit("ccv", window=3600, fail_open=False)


class LimiterUnavailable(APIException):
    """A closed limit's store is unreachable: the request is refused with 503."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _("Hệ thống đang tạm gián đoạn. Vui lòng thử lại sau ít phút.")
    default_code = "limiter_unavailable"
    retry_after = RETRY_AFTER


# Store failures by scope in this process (fail-open limits let these requests through).
failures: collections.Counter[str] = collections.Counter()


# INCR each key (its window's count), set its expiry when new; 1 when any count is over its
# limit. ARGV[1] is the expiry, ARGV[i + 1] the ceiling of KEYS[i].
_COUNT_SCRIPT = """
local over = 0
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('EXPIRE', key, ARGV[1]) end
  if count > tonumber(ARGV[i + 1]) then over = 1 end
end
return over
"""


class _MarkedDown(redis.ConnectionError):
    """The store failed less than ``_BACKOFF`` seconds ago: not tried, not logged again."""


class _RedisStore:
    """The limiter's own Redis client and script (one per process and URL; redis-py's pool
    reconnects after a fork)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = redis.Redis.from_url(url, socket_connect_timeout=0.25, socket_timeout=0.5)
        self.script = self.client.register_script(_COUNT_SCRIPT)
        self.down_until = 0.0

    def over(self, keys: list[str], limits: list[int], ttl: int) -> bool:
        if time.monotonic() < self.down_until:
            raise _MarkedDown("rate limit store marked down")
        try:
            return bool(self.script(keys=keys, args=[ttl, *limits]))
        except redis.RedisError:
            self.down_until = time.monotonic() + _BACKOFF
            raise


_store: _RedisStore | None = None
_store_lock = threading.Lock()


def _redis_store() -> _RedisStore | None:
    global _store
    url = settings.RATE_LIMIT_REDIS_URL
    if not url:
        return None
    if _store is None or _store.url != url:
        with _store_lock:
            if _store is None or _store.url != url:
                _store = _RedisStore(url)
    return _store


def _cache_over(keys: list[str], limits: list[int], ttl: int) -> bool:
    """The same counting in Django's cache (development without Redis)."""
    over = False
    for key, limit in zip(keys, limits, strict=True):
        cache.add(key, 0, timeout=ttl)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=ttl)
            count = 1
        over = over or count > limit
    return over


def allow(limit: Limit, counts: Sequence[tuple[Sequence[str], int]]) -> bool:
    """Counts one request under each key (its parts and its ceiling per window); False when any
    count is over. When the store is unreachable: True for a fail-open limit (logged and
    counted), ``LimiterUnavailable`` for a closed one."""
    window = int(time.time() // limit.window)
    prefix = f"{settings.RATE_LIMIT_KEY_PREFIX}:rl:{limit.scope}"
    keys = [":".join((prefix, *parts, str(window))) for parts, _ceiling in counts]
    limits = [ceiling for _parts, ceiling in counts]
    ttl = limit.window * 2
    store = _redis_store()
    try:
        over = store.over(keys, limits, ttl) if store else _cache_over(keys, limits, ttl)
    except Exception as exc:  # the store is down: Redis, or the cache behind it
        failures[limit.scope] += 1
        if not isinstance(exc, _MarkedDown):  # one line per failed attempt, not per request
            logger.warning(
                "rate limit store unreachable (scope %s, fail %s, %d so far): %s",
                limit.scope,
                "open" if limit.fail_open else "closed",
                failures[limit.scope],
                exc,
            )
        if limit.fail_open:
            return True
        raise LimiterUnavailable from exc
    return not over


# --- The public pages' device -------------------------------------------------------------


def client_ip(request: HttpRequest) -> str:
    """The client's address; behind ``RATE_LIMIT_PROXY_COUNT`` trusted proxies, read from
    X-Forwarded-For (the entry the nearest trusted proxy appended)."""
    proxies = settings.RATE_LIMIT_PROXY_COUNT
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def new_device_cookie() -> str:
    """A fresh device id, signed by the server (the cookie's value)."""
    return signing.Signer(salt=_DEVICE_SALT).sign(secrets.token_urlsafe(16))


def _device_id(request: HttpRequest) -> str | None:
    value = request.COOKIES.get(DEVICE_COOKIE, "")
    if not value or len(value) > 128:
        return None
    try:
        return signing.Signer(salt=_DEVICE_SALT).unsign(value)
    except signing.BadSignature:
        return None


def device_key(request: HttpRequest) -> str:
    """The device's key: its signed cookie's id or, without a valid one, the IP and agent."""
    device = _device_id(request)
    if device is not None:
        return "d:" + hashlib.sha256(device.encode()).hexdigest()[:32]
    agent = request.META.get("HTTP_USER_AGENT", "")
    return "a:" + hashlib.sha256(f"{client_ip(request)}|{agent}".encode()).hexdigest()[:32]


def _allow_public(request: HttpRequest, limit: Limit, *, per_device: int, per_ip: int) -> bool:
    return allow(limit, [((device_key(request),), per_device), (("ip", client_ip(request)), per_ip)])


def allow_checkin(request: HttpRequest) -> bool:
    return _allow_public(
        request, CHECKIN, per_device=settings.CHECKIN_RATE_PER_DEVICE, per_ip=settings.CHECKIN_RATE_PER_IP
    )


def allow_declaration(request: HttpRequest) -> bool:
    return _allow_public(
        request,
        DECLARATION,
        per_device=settings.DECLARATION_RATE_PER_DEVICE,
        per_ip=settings.DECLARATION_RATE_PER_IP,
    )


def allow_certificate_verify(request: HttpRequest) -> bool:
    return _allow_public(
        request,
        CERTIFICATE_VERIFY,
        per_device=settings.DCC_VERIFY_RATE_PER_DEVICE,
        per_ip=settings.DCC_VERIFY_RATE_PER_IP,
    )


def allow_api_token(token_id: int, per_minute: int) -> bool:
    return allow(API_TOKEN, [((str(token_id),), per_minute)])


def set_device_cookie(request: HttpRequest, response: HttpResponse) -> None:
    """Gives a phone its signed device cookie (the rate limits' unit), once; a cookie whose
    signature does not verify is replaced."""
    if _device_id(request) is None:
        response.set_cookie(
            DEVICE_COOKIE,
            new_device_cookie(),
            max_age=365 * 86400,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
