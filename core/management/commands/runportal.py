"""Run the whole portal in one terminal: web (gunicorn), Celery worker and Celery beat.

Used by ``make run``. Each child's output is prefixed with its name. The command waits
until ``/healthz`` answers, prints the address, and then watches the children: if one dies
the others are stopped and the command exits non-zero; Ctrl-C or SIGTERM stops all of them.
"""

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

STOP_GRACE_SECONDS = 15.0


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None
    readers: list[threading.Thread] = field(default_factory=list)


class Command(BaseCommand):
    help = "Chạy web (gunicorn), Celery worker và Celery beat cùng lúc; Ctrl-C để dừng."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--web-workers", type=int, default=2)
        parser.add_argument("--worker-concurrency", type=int, default=2)
        parser.add_argument("--ready-timeout", type=float, default=120.0)

    def handle(self, *args: Any, **options: Any) -> None:
        host, port = options["host"], options["port"]
        python = sys.executable
        children = [
            Child(
                "web",
                [
                    python,
                    "-m",
                    "gunicorn",
                    "config.wsgi",
                    "--workers",
                    str(options["web_workers"]),
                    "--bind",
                    f"{host}:{port}",
                    "--access-logfile",
                    "-",
                    "--graceful-timeout",
                    "10",
                ],
            ),
            Child(
                "worker",
                [
                    python,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "-l",
                    "info",
                    "--concurrency",
                    str(options["worker_concurrency"]),
                ],
            ),
            Child("beat", [python, "-m", "celery", "-A", "config", "beat", "-l", "info"]),
        ]
        self._lock = threading.Lock()
        # A plain flag, not threading.Event: the handler runs in the main thread, possibly while
        # that thread holds the Event's internal lock inside wait(), and would deadlock on it.
        self._stop_requested = False
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)

        env = os.environ.copy()
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        env["PYTHONUNBUFFERED"] = "1"
        try:
            for child in children:
                self._start(child, env)
            url = f"http://{host}:{port}/"
            ready = self._wait_ready(f"{url}healthz", children, options["ready_timeout"])
            if self._stop_requested:
                return
            if not ready:
                raise CommandError(_("Cổng thông tin không khởi động được (không có /healthz)."))
            self._say("")
            self._say(self.style.SUCCESS(_("Cổng thông tin đã sẵn sàng: %(url)s") % {"url": url}))
            self._say(_("Nhấn Ctrl-C để dừng."))
            self._say("")
            dead = self._watch(children)
            if dead is not None:
                raise CommandError(
                    _("Tiến trình %(name)s đã dừng (mã %(code)s); dừng toàn bộ.")
                    % {"name": dead.name, "code": dead.process.returncode if dead.process else "?"}
                )
        finally:
            self._stop_all(children)

    # --- children -----------------------------------------------------------------------

    def _start(self, child: Child, env: dict[str, str]) -> None:
        # Each child gets its own process group so the terminal's Ctrl-C reaches only us and we
        # stop the children in order, instead of all of them racing each other.
        child.process = subprocess.Popen(  # noqa: S603  (fixed argv, no shell)
            child.argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        assert child.process.stdout is not None
        reader = threading.Thread(target=self._pump, args=(child.name, child.process.stdout), daemon=True)
        reader.start()
        child.readers.append(reader)

    def _pump(self, name: str, stream: IO[bytes]) -> None:
        label = f"[{name:<6}] "
        for raw in iter(stream.readline, b""):
            self._say(label + raw.decode("utf-8", "replace").rstrip("\n"))

    def _wait_ready(self, url: str, children: list[Child], timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self._stop_requested:
            if any(c.process is None or c.process.poll() is not None for c in children):
                return False
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310  (our own http URL)
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        return False

    def _watch(self, children: list[Child]) -> Child | None:
        while not self._stop_requested:
            for child in children:
                if child.process is not None and child.process.poll() is not None:
                    return child
            time.sleep(0.5)
        return None

    def _stop_all(self, children: list[Child]) -> None:
        self._stop_requested = True
        running = [c for c in children if c.process is not None and c.process.poll() is None]
        for child in running:
            assert child.process is not None
            self._say(_("Đang dừng %(name)s…") % {"name": child.name})
            # Only the main process: gunicorn's arbiter and Celery's worker stop their own
            # children gracefully (warm shutdown finishes the running task).
            child.process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        for child in running:
            assert child.process is not None
            try:
                child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.process.pid, signal.SIGKILL)
                child.process.wait()
        for child in children:
            for reader in child.readers:
                reader.join(timeout=2)

    def _on_signal(self, signum: int, frame: object) -> None:
        self._stop_requested = True

    def _say(self, line: str) -> None:
        with self._lock:
            self.stdout.write(line)
            self.stdout.flush()
