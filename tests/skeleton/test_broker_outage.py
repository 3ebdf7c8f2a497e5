"""The Celery worker waits out a Redis outage and works again when Redis is back.

The test runs its own ``redis-server`` on a free port (the shared Redis serves parallel test
runs and must never be stopped), with the append-only file on, as in docker-compose.
"""

import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.core.cache.backends.redis import RedisCache

from tests.conftest import unavailable
from tests.skeleton.test_celery import redis_env, send_echo, wait_ready
from tests.support import BASE_DIR, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.redis]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    def __init__(self, directory: Path) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            unavailable("redis-server is not installed")
        self.argv = [str(binary), "--bind", "127.0.0.1", "--port", str(free_port()), "--save", ""]
        self.argv += ["--appendonly", "yes", "--dir", str(directory)]
        self.url = f"redis://127.0.0.1:{self.argv[4]}/0"
        self.log = (directory / "redis.log").open("ab")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(self.argv, stdout=self.log, stderr=subprocess.STDOUT)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        assert wait_for(lambda: self._pings(client), timeout=10), "redis-server did not start"

    def stop(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)  # writes the append-only file, like `docker stop`
        self.process.wait(timeout=20)

    @staticmethod
    def _pings(client: redis.Redis) -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(tmp_path)
    server.start()
    yield server
    if server.process is not None and server.process.poll() is None:
        server.stop()


def send_slow(env: dict[str, str], seconds: float, key: str, value: str) -> None:
    code = (
        "import django; django.setup()\n"
        "from config.celery_app import app\n"
        f"app.send_task('tests.sleep_then_echo', args=[{seconds!r}, {key!r}, {value!r}])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr.decode()


def test_worker_survives_a_redis_outage_with_a_task_in_flight(tmp_path, spawn, private_redis):
    env, prefix = redis_env(tmp_path, private_redis.url)
    cache = RedisCache(private_redis.url, {"KEY_PREFIX": prefix})
    # Two processes: one runs the slow task while the consumer waits in BRPOP for the next.
    worker_args = ["-m", "celery", "-A", "config", "worker", "-l", "info", "--concurrency", "2"]
    worker_args += ["--without-mingle", "--without-gossip", "--without-heartbeat"]
    worker = spawn("worker", [*worker_args, "--include", "tests.skeleton.slow_task"], env)
    wait_ready(worker)

    slow_key, slow_value = f"slow:{uuid.uuid4().hex}", uuid.uuid4().hex
    send_slow(env, 15, slow_key, slow_value)
    assert wait_for(lambda: "Task tests.sleep_then_echo[" in worker.log(), timeout=30), worker.log()
    time.sleep(1)  # the consumer is back in BRPOP, the delivery unacknowledged
    private_redis.stop()
    assert wait_for(lambda: "Connection to broker lost" in worker.log(), timeout=15), worker.log()
    time.sleep(4)
    private_redis.start()
    back = time.monotonic()

    key, value = f"echo:{uuid.uuid4().hex}", uuid.uuid4().hex
    send_echo(env, key, value)
    assert wait_for(lambda: cache.get(key), timeout=60) == value, worker.log()
    recovered = time.monotonic() - back
    assert worker.alive(), worker.log()
    assert "Unrecoverable error" not in worker.log()

    # The task that ran through the outage finished, and its acknowledgement reached Redis
    # after the reconnect: nothing is left for the visibility timeout to run a second time.
    assert wait_for(lambda: cache.get(slow_key), timeout=30) == slow_value, worker.log()
    client = redis.Redis.from_url(private_redis.url)
    assert wait_for(lambda: client.hlen("unacked") == 0, timeout=10), worker.log()
    print(f"a task completed {recovered:.1f} s after Redis came back")
