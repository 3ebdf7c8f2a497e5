"""docker-compose: every service restarts and is health-checked; the checks are run for real.

Docker cannot run in the test environment, so the slow test runs the same commands the
containers run (worker, beat and their health checks, from docker-compose.yml) against a
private ``redis-server``.
"""

import os
import signal
import socket
import subprocess
import sys
from typing import Any

import pytest
import yaml

from tests.skeleton.test_broker_outage import PrivateRedis
from tests.skeleton.test_celery import redis_env, wait_ready
from tests.support import BASE_DIR, wait_for

COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
LONG_RUNNING = ("web", "worker", "beat", "db", "redis")


def test_long_running_services_restart_and_are_health_checked():
    for name in LONG_RUNNING:
        assert SERVICES[name]["restart"] == "unless-stopped", name
        assert SERVICES[name]["healthcheck"]["test"], name
    assert SERVICES["migrate"]["restart"] == "no"
    assert "--enable-remote-control" in SERVICES["beat"]["command"]  # beat answers the ping
    assert "celery@$$HOSTNAME" in SERVICES["worker"]["healthcheck"]["test"][1]
    assert "celerybeat@$$HOSTNAME" in SERVICES["beat"]["healthcheck"]["test"][1]


def health(service: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The service's health check as the container runs it (CMD-SHELL, $$ is compose's $)."""
    kind, command = SERVICES[service]["healthcheck"]["test"]
    assert kind == "CMD-SHELL"
    return subprocess.run(
        command.replace("$$", "$"),
        shell=True,
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def python_m(command: list[str]) -> list[str]:
    assert command[0] == "celery"
    return ["-m", *command]


@pytest.mark.slow
@pytest.mark.redis
def test_worker_and_beat_health_checks_answer_and_fail_when_stuck(tmp_path, spawn):
    server = PrivateRedis(tmp_path)
    server.start()
    try:
        env, _prefix = redis_env(tmp_path, server.url)
        env["HOSTNAME"] = socket.gethostname()  # Docker sets it to the container's hostname
        env["PATH"] = f"{os.path.dirname(sys.executable)}:{env['PATH']}"  # `celery` as in the image
        worker = spawn("worker", python_m(SERVICES["worker"]["command"]), env)
        beat = spawn("beat", python_m(SERVICES["beat"]["command"]), env)  # schedule file in tmp var/
        wait_ready(worker)
        assert wait_for(lambda: "beat pidbox: Connected" in beat.log(), timeout=30), beat.log()

        for service in ("worker", "beat"):
            result = health(service, env)
            assert result.returncode == 0, (service, result.stdout, result.stderr)
            assert "pong" in result.stdout

        beat.process.send_signal(signal.SIGSTOP)  # stuck: alive, but answers nothing
        try:
            assert health("beat", env).returncode != 0
        finally:
            beat.process.send_signal(signal.SIGCONT)
    finally:
        server.stop()
