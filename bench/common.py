"""Shared pieces of the PostgreSQL benchmarks (check-in load, tracing, retention).

Every benchmark runs against a dedicated PostgreSQL database and Redis database with the
production settings (``bench.settings``: ``config.settings.production`` plus the bench-only
ceiling URL). The keys below are bench-only constants, never used anywhere else: the data
generator and the servers must hash identifiers with the same key.
"""

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/portal_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/8"

BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DJANGO_SECRET_KEY": "bench-only-secret-key-not-used-anywhere-else-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on 127.0.0.1: no TLS proxy in front
    "DJANGO_LOG_LEVEL": "WARNING",
    "PORTAL_FIELD_ENCRYPTION_KEYS": "YmVuY2gtb25seS1rZXktbm90LWEtc2VjcmV0LTAwMDA=",
    "PORTAL_LOOKUP_HASH_KEY": "bench-only-lookup-hash-key-not-a-secret-000",
    "PORTAL_CELERY_QUEUE": "bench",
    "PORTAL_CACHE_PREFIX": "bench",
    # As behind nginx in production: the client address is the last X-Forwarded-For entry.
    "PORTAL_RATE_LIMIT_PROXY_COUNT": "1",
}


def bench_env() -> dict[str, str]:
    """The process environment of the bench servers and scripts (DATABASE_URL and REDIS_URL
    may be overridden from the caller's environment with BENCH_DATABASE_URL / BENCH_REDIS_URL)."""
    env = os.environ.copy()
    env.update(BENCH_ENV)
    env["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    env["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL)
    return env


def setup_django() -> None:
    """Configures Django in this process with the bench environment."""
    os.environ.update({k: v for k, v in bench_env().items() if k in BENCH_ENV or k.endswith("_URL")})
    import django

    django.setup()


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def ram_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                return f"{int(line.split()[1]) / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return "unknown"


def machine() -> str:
    import platform

    from bench.http_bench import cpu_model

    return (
        f"{os.cpu_count()} CPUs (nproc), {cpu_model()}, {ram_gib()} RAM; Python {platform.python_version()}"
    )


def git_commit() -> str:
    from bench.http_bench import git_commit as commit

    return commit()


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    return sorted_values[min(len(sorted_values) - 1, round(q * (len(sorted_values) - 1)))]


def add_output_arg(parser: Any) -> None:
    """``--no-write``: print the results only, do not append them to docs/benchmarks.md."""
    parser.add_argument(
        "--no-write", action="store_true", help="print only, do not append to docs/benchmarks.md"
    )


def publish(text: str, *, write: bool) -> None:
    """Prints a run's results and, unless ``--no-write``, appends them to docs/benchmarks.md."""
    print(text)
    if write:
        append_section(text)


def server_errors(log: Path) -> list[str]:
    """The lines of a bench server's log that report an error."""
    return [
        line
        for line in log.read_text(errors="replace").splitlines()
        if "Traceback" in line or "ERROR" in line
    ]


def append_section(text: str, output: Path | None = None) -> None:
    """Appends a results section to docs/benchmarks.md (the HTTP benchmark's part stays)."""
    path = output or BASE_DIR / "docs" / "benchmarks.md"
    # Runs are listed under "## Runs, oldest first" of the issue-5 part.
    text = "\n".join("#" + line if line.startswith("## ") else line for line in text.splitlines())
    with path.open("a", encoding="utf-8") as handle:
        handle.write("\n" + text.rstrip() + "\n")
