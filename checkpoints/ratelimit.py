"""Check-in rate limits in the shared cache: per device and, generously, per IP.

A device is the ``cp_dev`` cookie the checkpoint page sets (or, without it, the IP and user
agent). The per-IP ceiling is high so a market's shared Wi-Fi (one public IP for hundreds of
phones) keeps working; it stops a single client flooding. Fixed one-minute windows.
"""

import hashlib
import secrets
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

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


def _hit(keys: list[tuple[str, int]]) -> bool:
    """Counts one request under each key; False when any count is over its limit."""
    window = int(time.time() // 60)
    full = [(f"rl:{key}:{window}", limit) for key, limit in keys]
    backend = getattr(cache, "_cache", None)
    if backend is not None and hasattr(backend, "get_client"):
        # Redis: INCR + EXPIRE for every key in one round trip.
        client = backend.get_client(full[0][0], write=True)
        pipe = client.pipeline(transaction=False)
        for key, _limit in full:
            name = cache.make_and_validate_key(key)
            pipe.incr(name)
            pipe.expire(name, 120)
        counts = pipe.execute()[::2]
    else:
        counts = []
        for key, _limit in full:
            cache.add(key, 0, timeout=120)
            try:
                counts.append(cache.incr(key))
            except ValueError:  # expired between add and incr
                cache.set(key, 1, timeout=120)
                counts.append(1)
    return all(count <= limit for count, (_key, limit) in zip(counts, full, strict=True))


def allow_checkin(request: HttpRequest) -> bool:
    return _hit(
        [
            (f"ci:{device_key(request)}", settings.CHECKIN_RATE_PER_DEVICE),
            (f"ci:ip:{client_ip(request)}", settings.CHECKIN_RATE_PER_IP),
        ]
    )
