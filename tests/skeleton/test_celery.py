"""Celery with real worker and beat processes, on both brokers, and enqueue-after-commit.

Each test gets its own var/ folder (embedded) or its own queue and cache prefix (Redis), so
the tests can run in parallel with each other and beside a developer's running portal.
"""

import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache
from django.db import transaction

from core import tasks
from tests.support import BASE_DIR, project_env, wait_for

WORKER = ["-m", "celery", "-A", "config", "worker", "-l", "info", "--concurrency", "1", "--without-mingle"]
BEAT = ["-m", "celery", "-A", "config", "beat", "-l", "info"]


def embedded_env(var_dir: Path) -> dict[str, str]:
    return project_env(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        PORTAL_VAR_DIR=str(var_dir),
        PORTAL_HEARTBEAT_SECONDS="2",
        DATABASE_URL=None,
        REDIS_URL=None,
        CELERY_BROKER_URL=None,
    )


def redis_env(var_dir: Path, redis_url: str) -> tuple[dict[str, str], str]:
    prefix = f"test-{uuid.uuid4().hex[:12]}"
    env = project_env(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        PORTAL_VAR_DIR=str(var_dir),
        PORTAL_HEARTBEAT_SECONDS="2",
        DATABASE_URL=None,
        REDIS_URL=redis_url,
        CELERY_BROKER_URL=None,
        PORTAL_CELERY_QUEUE=prefix,
        PORTAL_CACHE_PREFIX=prefix,
    )
    return env, prefix


def send_echo(env: dict[str, str], key: str, value: str) -> None:
    """Publish core.tasks.echo from a process configured like the web process."""
    code = f"import django; django.setup()\nfrom core.tasks import echo\necho.delay({key!r}, {value!r})\n"
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def wait_ready(worker, timeout: float = 60) -> None:
    assert wait_for(lambda: "ready." in worker.log() or not worker.alive(), timeout), worker.log()
    assert worker.alive(), worker.log()


@pytest.mark.slow
def test_embedded_beat_and_worker_run_on_the_filesystem_broker(tmp_path, spawn):
    env = embedded_env(tmp_path)
    cache = FileBasedCache(str(tmp_path / "cache"), {})
    worker = spawn("worker", WORKER, env)
    beat = spawn("beat", BEAT, env)
    wait_ready(worker)

    stamp = wait_for(lambda: cache.get(tasks.HEARTBEAT_CACHE_KEY), timeout=30)
    assert stamp, f"no heartbeat within 30 s\n--- worker\n{worker.log()}\n--- beat\n{beat.log()}"
    assert "Sending due task core-heartbeat" in beat.log()

    key, value = f"echo:{uuid.uuid4().hex}", uuid.uuid4().hex
    send_echo(env, key, value)
    assert wait_for(lambda: cache.get(key), timeout=15) == value, worker.log()
    assert worker.alive() and beat.alive()


@pytest.mark.slow
@pytest.mark.redis
def test_redis_worker_survives_idling_longer_than_the_socket_timeout(tmp_path, spawn, needs_redis):
    env, prefix = redis_env(tmp_path, needs_redis)
    cache = RedisCache(needs_redis, {"KEY_PREFIX": prefix})
    worker = spawn("worker", WORKER, env)
    wait_ready(worker)

    # redis-py 8's default socket_timeout is 5 s; an idle worker blocks in BRPOP meanwhile.
    wait_for(lambda: not worker.alive(), timeout=12)
    assert worker.alive(), worker.log()

    key, value = f"echo:{uuid.uuid4().hex}", uuid.uuid4().hex
    send_echo(env, key, value)
    assert wait_for(lambda: cache.get(key), timeout=15) == value, worker.log()
    assert worker.alive(), worker.log()
    assert "TimeoutError" not in worker.log()


@pytest.mark.slow
@pytest.mark.redis
def test_redis_beat_and_worker_heartbeat(tmp_path, spawn, needs_redis):
    env, prefix = redis_env(tmp_path, needs_redis)
    cache = RedisCache(needs_redis, {"KEY_PREFIX": prefix})
    worker = spawn("worker", WORKER, env)
    beat = spawn("beat", BEAT, env)
    wait_ready(worker)
    stamp = wait_for(lambda: cache.get(tasks.HEARTBEAT_CACHE_KEY), timeout=30)
    assert stamp, f"no heartbeat within 30 s\n--- worker\n{worker.log()}\n--- beat\n{beat.log()}"
    assert worker.alive() and beat.alive()
    cache.delete(tasks.HEARTBEAT_CACHE_KEY)


@pytest.mark.redis
def test_redis_transport_options_reach_the_redis_connection(needs_redis, tmp_path):
    """The options in base.py must be ones kombu passes on to redis-py, with the values set."""
    env, _ = redis_env(tmp_path, needs_redis)
    code = (
        "import django, json; django.setup()\n"
        "from config.celery_app import app\n"
        "with app.connection_for_read() as conn:\n"
        "    kw = conn.default_channel.client.connection_pool.connection_kwargs\n"
        "    brpop = conn.transport.brpop_timeout\n"
        "names = ('socket_timeout', 'socket_connect_timeout', 'socket_keepalive', 'health_check_interval')\n"
        "print(json.dumps([{n: kw.get(n) for n in names}, brpop]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr.decode()
    kwargs, brpop_timeout = json.loads(result.stdout)
    assert kwargs["socket_timeout"] == 30
    assert kwargs["socket_timeout"] > brpop_timeout
    assert kwargs["socket_connect_timeout"] == 10
    assert kwargs["socket_keepalive"] is True
    assert kwargs["health_check_interval"] == 25


@pytest.mark.django_db
def test_tasks_are_enqueued_only_after_commit(settings, django_capture_on_commit_callbacks):
    from django.core.cache import cache

    settings.CELERY_TASK_ALWAYS_EAGER = True
    # DjangoTask (celery.contrib.django) has delay_on_commit; celery-types does not know it.
    echo: Any = tasks.echo
    rolled_back, committed = f"echo:{uuid.uuid4().hex}", f"echo:{uuid.uuid4().hex}"

    class Rollback(Exception):
        pass

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(Rollback),
        transaction.atomic(),
    ):
        echo.delay_on_commit(rolled_back, "never")
        raise Rollback
    assert callbacks == []
    assert cache.get(rolled_back) is None

    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        echo.delay_on_commit(committed, "sent")
        assert cache.get(committed) is None  # not before the commit
    assert len(callbacks) == 1
    assert cache.get(committed) == "sent"
