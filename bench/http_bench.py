"""HTTP throughput of the portal under gunicorn, with the ceiling of the same setup.

Starts gunicorn (config.wsgi, embedded settings, a throw-away var/ folder) and a bare WSGI
"hello" app on the same gunicorn settings, then hammers each URL with a fixed number of
client threads for a fixed time and writes requests per second to docs/benchmarks.md.

    make bench                       # defaults: 2 workers, 16 clients, 10 s per URL
    python bench/http_bench.py --workers 4 --concurrency 32 --seconds 20
"""

import argparse
import http.client
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
HELLO_APP = "bench.hello_wsgi:application"
ISSUE5_PART = "# PostgreSQL benchmarks of issue 5"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(port: int, path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not answer {path}")


def hammer(port: int, path: str, concurrency: int, seconds: float) -> dict[str, float]:
    """Keep-alive-less GETs (gunicorn's sync workers close each connection) from N threads."""
    stop = time.monotonic() + seconds
    counts = [0] * concurrency
    errors = [0] * concurrency
    latencies: list[list[float]] = [[] for _ in range(concurrency)]

    def client(i: int) -> None:
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", path, headers={"Accept-Language": "vi"})
                response = conn.getresponse()
                response.read()
                conn.close()
                if response.status == 200:
                    counts[i] += 1
                    latencies[i].append(time.perf_counter() - started)
                else:
                    errors[i] += 1
            except OSError:
                errors[i] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(concurrency)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    all_lat = sorted(x for per in latencies for x in per)
    return {
        "requests": sum(counts),
        "errors": sum(errors),
        "rps": sum(counts) / elapsed,
        "p50_ms": 1000 * statistics.median(all_lat) if all_lat else 0.0,
        "p95_ms": 1000 * all_lat[int(0.95 * (len(all_lat) - 1))] if all_lat else 0.0,
    }


def gunicorn(app: str, port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "gunicorn", app, "--workers", str(workers), "--bind", f"127.0.0.1:{port}"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def git_commit() -> str:
    def git(*argv: str) -> str:
        return subprocess.run(["git", *argv], cwd=BASE_DIR, capture_output=True, text=True).stdout.strip()

    return git("rev-parse", "--short", "HEAD") + ("-dirty" if git("status", "--porcelain") else "")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--output", default=str(BASE_DIR / "docs" / "benchmarks.md"))
    args = parser.parse_args()

    var_dir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    env = os.environ.copy()
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DJANGO_DEBUG": "0",  # DEBUG off: the production code path of templates and static files
            "PORTAL_VAR_DIR": str(var_dir),
            "DJANGO_LOG_LEVEL": "WARNING",
        }
    )
    for key in ("DATABASE_URL", "REDIS_URL"):
        env.pop(key, None)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=BASE_DIR, env=env, check=True)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=BASE_DIR, env=env, check=True
    )

    results: list[tuple[str, str, dict[str, float]]] = []
    port = free_port()
    server = gunicorn("config.wsgi", port, args.workers, env)
    try:
        wait_up(port, "/healthz")
        hammer(port, "/", args.concurrency, 2)  # warm-up: template loading, first queries
        for label, path in (
            ("/healthz (view, full middleware)", "/healthz"),
            ("/ (home: middleware, session, i18n, template)", "/"),
            ("static file via WhiteNoise", "/static/css/site.css"),
        ):
            results.append((label, path, hammer(port, path, args.concurrency, args.seconds)))
    finally:
        stop(server)

    port = free_port()
    hello = gunicorn(HELLO_APP, port, args.workers, env)
    try:
        wait_up(port, "/")
        hammer(port, "/", args.concurrency, 2)
        results.append(
            ("ceiling: bare WSGI hello app", "/", hammer(port, "/", args.concurrency, args.seconds))
        )
    finally:
        stop(hello)

    ceiling = results[-1][2]["rps"]
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# HTTP benchmarks",
        "",
        "Produced by `make bench` (`bench/http_bench.py`); numbers are from a real run, not estimates.",
        "The client runs on the same machine as the server and competes with it for the CPUs,",
        "so compare rows with each other and with the ceiling row, not with other machines.",
        "",
        f"- Date: {now}",
        f"- Git commit: `{git_commit()}`",
        f"- Machine: {os.cpu_count()} CPUs (nproc), {cpu_model()}; Python {platform.python_version()}",
        f"- Server: gunicorn sync workers: {args.workers}, bind 127.0.0.1, embedded settings "
        "(SQLite in WAL, file cache), DEBUG off",
        "- Data: empty database after `migrate` (no demo data); anonymous requests",
        f"- Client: {args.concurrency} threads (stdlib http.client, one connection per request), "
        f"{args.seconds:.0f} s per URL after a 2 s warm-up",
        "",
        "| Request | req/s | % of ceiling | p50 ms | p95 ms | requests | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for label, _path, r in results:
        lines.append(
            f"| {label} | {r['rps']:.0f} | {100 * r['rps'] / ceiling:.0f}% | {r['p50_ms']:.1f} | "
            f"{r['p95_ms']:.1f} | {r['requests']:.0f} | {r['errors']:.0f} |"
        )
    lines.append("")
    text = "\n".join(lines)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    # Keep the PostgreSQL benchmarks' part (bench/checkin_load.py, tracing.py, retention.py).
    previous = Path(args.output).read_text(encoding="utf-8") if Path(args.output).exists() else ""
    kept = previous[previous.find(ISSUE5_PART) :] if ISSUE5_PART in previous else ""
    Path(args.output).write_text(text + ("\n" + kept if kept else ""), encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
