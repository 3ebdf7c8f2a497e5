"""Rate limits of the public forms and APIs (check-ins, standalone declarations) in the shared
cache: per device and, generously, per IP.

A device is the ``cp_dev`` cookie the public pages set (or, without it, the IP and user
agent). The per-IP ceiling is high so a market's shared Wi-Fi (one public IP for hundreds of
phones) keeps working; it stops a single client flooding. Fixed one-minute windows.
"""

import hashlib
import secrets
import time
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

DEVICE_COOKIE = "cp_dev"


def client_ip(request: HttpRequest) -> str:
    """The client's address; behind ``RATE_LIMIT_PROXY_COUNT`` trusted proxies, read from
    X-Forwarded-For (the entry the nearest trusted proxy appended)."""
    proxies = settings.RATE_LIMIT_PROXY_COUNT
    if proxies:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def new_device_token() -> str:
    return secrets.token_urlsafe(16)


def device_key(request: HttpRequest) -> str:
    token = request.COOKIES.get(DEVICE_COOKIE, "")
    if 16 <= len(token) <= 64:
        return "d:" + hashlib.sha256(token.encode()).hexdigest()[:32]
    agent = request.META.get("HTTP_USER_AGENT", "")
    return "a:" + hashlib.sha256(f"{client_ip(request)}|{agent}".encode()).hexdigest()[:32]


# INCR each key (its window's count), set its expiry when new; 1 when any count is over its
# limit. One call to Redis per request.
_COUNT_SCRIPT = """
local over = 0
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('EXPIRE', key, 120) end
  if count > tonumber(ARGV[i]) then over = 1 end
end
return over
"""


@lru_cache(maxsize=1)
def _redis_script(backend: Any) -> Any:
    """The counting script, bound to the cache's Redis client (built once per process: the
    client's connection pool survives forks by reconnecting)."""
    return backend.get_client(write=True).register_script(_COUNT_SCRIPT)


def _hit(keys: list[tuple[str, int]]) -> bool:
    """Counts one request under each key; False when any count is over its limit."""
    window = int(time.time() // 60)
    full = [(f"rl:{key}:{window}", limit) for key, limit in keys]
    backend = getattr(cache, "_cache", None)
    if backend is not None and hasattr(backend, "get_client"):
        over = _redis_script(backend)(
            keys=[cache.make_key(key) for key, _limit in full], args=[limit for _key, limit in full]
        )
        return not over
    counts = []
    for key, _limit in full:
        cache.add(key, 0, timeout=120)
        try:
            counts.append(cache.incr(key))
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=120)
            counts.append(1)
    return all(count <= limit for count, (_key, limit) in zip(counts, full, strict=True))


def allow(request: HttpRequest, *, scope: str, per_device: int, per_ip: int) -> bool:
    """Counts this request; False when its device or its IP is over the per-minute limit."""
    return _hit(
        [(f"{scope}:{device_key(request)}", per_device), (f"{scope}:ip:{client_ip(request)}", per_ip)]
    )


def allow_checkin(request: HttpRequest) -> bool:
    return allow(
        request, scope="ci", per_device=settings.CHECKIN_RATE_PER_DEVICE, per_ip=settings.CHECKIN_RATE_PER_IP
    )


def allow_declaration(request: HttpRequest) -> bool:
    return allow(
        request,
        scope="decl",
        per_device=settings.DECLARATION_RATE_PER_DEVICE,
        per_ip=settings.DECLARATION_RATE_PER_IP,
    )


def set_device_cookie(request: HttpRequest, response: HttpResponse) -> None:
    """Gives a phone its device cookie (the rate limits' unit), once."""
    if DEVICE_COOKIE not in request.COOKIES:
        response.set_cookie(
            DEVICE_COOKIE,
            new_device_token(),
            max_age=365 * 86400,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
