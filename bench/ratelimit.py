"""Micro-benchmark of the rate limiter: N check-in limit checks (device + IP keys) against Redis,
timed, and the Redis round trips counted (commands sent on the wire).

    REDIS_URL=redis://127.0.0.1:6379/8 python bench/ratelimit.py --calls 5000

``--module`` times another implementation with the same ``allow_checkin(request)`` function
(e.g. a copy of an earlier ``core/ratelimit.py``), for before/after figures.
"""

import argparse
import importlib.util
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=5000)
    parser.add_argument("--module", default="", help="path of another limiter module to time")
    args = parser.parse_args()
    if not os.environ.get("REDIS_URL"):
        sys.exit("REDIS_URL is needed (a Redis database of your own)")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    import redis
    from django.test import RequestFactory, override_settings

    if args.module:
        spec = importlib.util.spec_from_file_location("limiter_under_test", args.module)
        assert spec and spec.loader
        limiter = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(limiter)
    else:
        from core import ratelimit as limiter

    sent = 0
    original = redis.connection.Connection.send_packed_command

    def counting(self, command, check_health=True):
        nonlocal sent
        sent += 1
        return original(self, command, check_health)

    redis.connection.Connection.send_packed_command = counting  # type: ignore[method-assign]
    factory = RequestFactory()
    requests = [
        factory.post("/", REMOTE_ADDR=f"10.1.{i // 250 % 250}.{i % 250}", HTTP_USER_AGENT=uuid.uuid4().hex)
        for i in range(args.calls)
    ]
    with override_settings(CHECKIN_RATE_PER_DEVICE=10**9, CHECKIN_RATE_PER_IP=10**9):
        for request in requests[:50]:  # warm-up: connection, script load
            limiter.allow_checkin(request)
        sent = 0
        times = []
        for request in requests:
            start = time.perf_counter()
            limiter.allow_checkin(request)
            times.append(time.perf_counter() - start)
    times.sort()
    print(f"limiter: {args.module or 'core.ratelimit'}")
    print(f"calls: {args.calls}, Redis round trips: {sent} ({sent / args.calls:.2f} per check)")
    print(
        f"per check: mean {statistics.mean(times) * 1000:.3f} ms, "
        f"median {times[len(times) // 2] * 1000:.3f} ms, p99 {times[int(len(times) * 0.99)] * 1000:.3f} ms"
    )


if __name__ == "__main__":
    main()
