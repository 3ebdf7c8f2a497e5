"""Fixtures every app's tests may use.

External services are optional on a laptop and mandatory in CI: ``needs_chromium``,
``needs_redis`` and ``needs_postgres`` skip a test when the service is missing, except when
``CI=true``, where the same situation fails the test, so a broken CI image cannot turn the
suite green by skipping. The markers ``browser``, ``redis`` and ``postgres`` request the
matching fixture automatically.
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.clients import VerifiedClient
from tests.support import BASE_DIR, Proc

# Shared app fixtures (units, users per role, people).
pytest_plugins = ["tests.core.fixtures"]

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Services the suite can reach when the environment names none: the local defaults.
DEFAULT_TEST_REDIS_URL = "redis://127.0.0.1:6379/15"
DEFAULT_TEST_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def unavailable(reason: str) -> None:
    """Skip locally, fail in CI."""
    if in_ci():
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


# --- service probes -------------------------------------------------------------------------


def redis_url() -> str:
    return os.environ.get("REDIS_URL") or os.environ.get("PORTAL_TEST_REDIS_URL") or DEFAULT_TEST_REDIS_URL


def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url
    return os.environ.get("PORTAL_TEST_POSTGRES_URL") or DEFAULT_TEST_POSTGRES_URL


@pytest.fixture
def needs_redis() -> str:
    """The URL of a Redis that answers PING."""
    import redis

    url = redis_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2).ping()
    except Exception as exc:  # any failure means "not available"
        unavailable(f"Redis at {url} is unavailable ({type(exc).__name__})")
    return url


@pytest.fixture
def needs_postgres() -> str:
    """The URL of a PostgreSQL server that accepts connections."""
    import psycopg2

    url = postgres_url()
    try:
        psycopg2.connect(url, connect_timeout=3).close()
    except Exception as exc:
        unavailable(f"PostgreSQL at {url} is unavailable ({type(exc).__name__})")
    return url


@pytest.fixture
def scratch_database(needs_postgres: str) -> Iterator[str]:
    """A throw-away PostgreSQL database beside the test one (for ``manage.py migrate`` runs in
    child processes); yields its URL and drops it afterwards."""
    import psycopg2

    name = f"portal_scratch_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(needs_postgres)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{needs_postgres.rsplit('/', 1)[0]}/{name}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture
def needs_chromium() -> str:
    """The path of Debian's Chromium, with Playwright importable."""
    if not (Path(CHROMIUM).exists() and os.access(CHROMIUM, os.X_OK)):
        unavailable(f"Chromium is not installed at {CHROMIUM}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("Playwright is not installed")
    return CHROMIUM


MARKER_FIXTURES = {"redis": "needs_redis", "postgres": "needs_postgres", "browser": "needs_chromium"}


def pytest_runtest_setup(item: pytest.Item) -> None:
    # The markers pull in the matching fixture, so a marked test cannot forget the check.
    if not isinstance(item, pytest.Function):
        return
    for marker, fixture in MARKER_FIXTURES.items():
        if item.get_closest_marker(marker) and fixture not in item.fixturenames:
            item.fixturenames.insert(0, fixture)


# --- signed-in clients -----------------------------------------------------------------------
# ``client`` and ``admin_client`` are ``tests.clients.VerifiedClient``: ``force_login`` signs in
# with the second factor already passed (see there). A plain ``django.test.Client`` does not.


@pytest.fixture
def client() -> VerifiedClient:
    return VerifiedClient()


@pytest.fixture
def admin_client(db: None, admin_user: Any) -> VerifiedClient:
    verified = VerifiedClient()
    verified.force_login(admin_user)
    return verified


# --- browser --------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def _playwright_browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; Django's ORM would refuse to
    # run beside it in the test body (SynchronousOnlyOperation) although nothing is async.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser(needs_chromium: str, _playwright_browser: Any) -> Iterator[Any]:
    """A fresh browser context (cookies, storage) per test; use with ``live_server``."""
    context = _playwright_browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    try:
        yield context
    finally:
        context.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    path = BASE_DIR / "var" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- real processes -------------------------------------------------------------------------


@pytest.fixture
def spawn(tmp_path: Path) -> Iterator[Callable[..., Proc]]:
    """Start a project command (e.g. a Celery worker) in the background; stopped afterwards.

    ``spawn("worker", ["-m", "celery", "-A", "config", "worker"], env)`` runs it with this
    interpreter from the project root, output going to a log file the test can read.
    """
    started: list[Proc] = []

    def start(name: str, args: list[str], env: dict[str, str]) -> Proc:
        log_path = tmp_path / f"{name}.log"
        log = log_path.open("wb")
        process = subprocess.Popen(
            [sys.executable, *args], cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        proc = Proc(name, process, log_path)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.alive():
            proc.process.terminate()
    for proc in started:
        try:
            proc.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.process.kill()
            proc.process.wait()


@pytest.fixture(autouse=True)
def _site_language() -> Iterator[None]:
    """Each test starts in the site's language: a request with the English cookie activates
    English on the thread (Django does not reset it), which would leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_unit_directory() -> Iterator[None]:
    """Each test's units are its own (created and rolled back with it): the process's unit
    directory (core.unit_directory) must not carry another test's ids."""
    from core import unit_directory

    unit_directory.reset()
    yield
    unit_directory.reset()


@pytest.fixture(autouse=True)
def _empty_sms_outbox() -> Iterator[None]:
    """The test SMS backend's outbox starts empty, like Django's mail.outbox."""
    from core.notifications import sms_outbox

    sms_outbox.clear()
    yield
