"""Run the whole portal in one terminal: web (gunicorn), Celery worker and Celery beat.

Used by ``make run``. Each child's output is prefixed with its name. The command waits
until ``/healthz`` answers and prints the address. A child that fails while the portal
starts stops everything (a configuration error: the port is taken, settings do not load).
Once the portal serves, a child that dies is started again on its own, after a back-off of
1 s doubling to 30 s, reset once it has run for a minute, with a log line each time; the
others keep serving. Only Ctrl-C or SIGTERM stops everything, within seconds.

Why this command and not a packaged supervisor: honcho stops every
process when one ends, which is the behaviour this replaces. supervisord restarts a
process that dies after ``startsecs`` at once, with no back-off (its growing delay applies
only to failures during start, and after ``startretries`` it gives up and leaves the
program FATAL, i.e. down), needs its own configuration file and daemon, and neither it nor
circus waits for ``/healthz`` before printing the address. circus adds pyzmq and tornado
and likewise respawns at once and stops a watcher after ``max_retry``. This command is
about 220 lines with its own tests, and is only the embedded mode's supervisor: in production
docker-compose restarts each service (``restart: unless-stopped``) and health-checks it.
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
BACKOFF_FIRST_SECONDS = 1.0
BACKOFF_MAX_SECONDS = 30.0
STABLE_SECONDS = 60.0  # a child that ran this long starts the back-off over
POLL_SECONDS = 0.2


def next_backoff(backoff: float, *, ran: float) -> tuple[float, float]:
    """The delay before restarting a child that died after running ``ran`` seconds, and the
    back-off for its next death: doubling up to the cap, from the start after a stable run."""
    if ran >= STABLE_SECONDS:
        backoff = BACKOFF_FIRST_SECONDS
    return backoff, min(backoff * 2, BACKOFF_MAX_SECONDS)


@dataclass
class Child:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None
    readers: list[threading.Thread] = field(default_factory=list)
    started_at: float = 0.0
    backoff: float = BACKOFF_FIRST_SECONDS
    restart_at: float | None = None  # set while the child is dead and waits for its restart
    restarts: int = 0

    def dead(self) -> bool:
        return self.process is None or self.process.poll() is not None


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
        children = self._children(options)
        self._lock = threading.Lock()
        # A plain flag, not threading.Event: the handler runs in the main thread, possibly while
        # that thread holds the Event's internal lock inside wait(), and would deadlock on it.
        self._stop_requested = False
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)

        env = os.environ.copy()
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        env["PYTHONUNBUFFERED"] = "1"
        self._env = env
        try:
            for child in children:
                self._start(child)
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
            self._watch(children)
        finally:
            self._stop_all(children)

    def _children(self, options: dict[str, Any]) -> list[Child]:
        python = sys.executable
        web = [python, "-m", "gunicorn", "config.wsgi", "--workers", str(options["web_workers"])]
        web += ["--bind", f"{options['host']}:{options['port']}", "--access-logfile", "-"]
        web += ["--graceful-timeout", "10"]
        celery = [python, "-m", "celery", "-A", "config"]
        # Gossip, mingle and worker heartbeats serve monitoring of many workers over broadcast
        # messages; here they only add broker traffic and code that runs on a lost connection.
        worker = [*celery, "worker", "-l", "info", "--concurrency", str(options["worker_concurrency"])]
        worker += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        return [Child("web", web), Child("worker", worker), Child("beat", [*celery, "beat", "-l", "info"])]

    # --- children -----------------------------------------------------------------------

    def _start(self, child: Child) -> None:
        # Each child gets its own process group so the terminal's Ctrl-C reaches only us and we
        # stop the children in order, instead of all of them racing each other.
        child.process = subprocess.Popen(  # noqa: S603  (fixed argv, no shell)
            child.argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=self._env,
            start_new_session=True,
        )
        child.started_at = time.monotonic()
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
            if any(c.dead() for c in children):
                return False
            try:
                with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310  (our own http URL)
                    if response.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.3)
        return False

    def _watch(self, children: list[Child]) -> None:
        """Until Ctrl-C or SIGTERM: start again each child that died, after its back-off."""
        while not self._stop_requested:
            now = time.monotonic()
            for child in children:
                if child.restart_at is not None:
                    if now >= child.restart_at:
                        child.restart_at = None
                        self._start(child)
                elif child.dead():
                    self._schedule_restart(child, now)
            time.sleep(POLL_SECONDS)

    def _schedule_restart(self, child: Child, now: float) -> None:
        assert child.process is not None
        ran = now - child.started_at
        delay, child.backoff = next_backoff(child.backoff, ran=ran)
        child.restart_at = now + delay
        child.restarts += 1
        # What the dead main process leaves behind (gunicorn or pool workers) goes with it, so
        # the port and the queue are free for the new one.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.process.pid, signal.SIGKILL)
        message = _(
            "Tiến trình %(name)s đã dừng (mã %(code)s) sau %(ran)d giây; "
            "khởi động lại sau %(delay)g giây (lần %(count)d)."
        ) % {
            "name": child.name,
            "code": child.process.returncode,
            "ran": ran,
            "delay": delay,
            "count": child.restarts,
        }
        self._say(self.style.WARNING(f"[runportal] {message}"))

    def _stop_all(self, children: list[Child]) -> None:
        self._stop_requested = True
        running = [c for c in children if not c.dead()]
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
