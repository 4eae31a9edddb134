"""How gunicorn's worker classes serve a page while slow clients upload.

    .venv/bin/python -m bench.slowclients                  # 1/100 scale, about 3 minutes
    .venv/bin/python -m bench.slowclients --scale tenth    # the tenth bench database

Serves the app with gunicorn in a few configurations (sync workers, as
before; gthread workers with threads) on the bench database (bench/data.py).
For each, N slow clients (0, 4, 8) each send a POST of 100 KB at 1 KB every
100 ms over a raw socket, again and again (a phone on a weak signal, or a
client that never finishes on purpose), while one fast client, logged in as
the benchmark's intern, asks for the event list one request after another.
Prints the fast client's requests, p50 and p95 latency and errors (no answer
within 10 s) per configuration and number of slow clients, as a Markdown
table (docs/benchmark.md holds the last one and the choice made from it).

Behind nginx with request buffering (docs/deployment.md) no slow upload
reaches gunicorn; this measures what happens when one does.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import statistics
import subprocess  # nosec B404  # starts gunicorn, the server under test
import sys
import threading
import time
from pathlib import Path

from bench import data
from bench.run import ROOT, free_port, log_in, request

#: name -> gunicorn's options. sync needs --threads 1: with more, gunicorn
#: switches to gthread by itself.
CONFIGS = {
    "sync, 4 workers": ["--worker-class", "sync", "--workers", "4", "--threads", "1"],
    "gthread, 2 workers x 8 threads": ["--worker-class", "gthread", "--workers", "2", "--threads", "8"],
    "gthread, 4 workers x 4 threads": ["--worker-class", "gthread", "--workers", "4", "--threads", "4"],
}
UPLOAD_BYTES = 100 * 1024
CHUNK_BYTES = 1024
CHUNK_SECONDS = 0.1
FAST_TIMEOUT = 10.0
PAGE = "/events"


def start(options: list[str], url: str, log: Path) -> tuple[subprocess.Popen, int]:
    """gunicorn with these options on a free port, once it answers."""
    port = free_port()
    env = {"DATABASE_URL": url, "SECRET_KEY": data.SECRET_KEY, "APP_ENV": "development"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", *options]
        + ["--bind", f"127.0.0.1:{port}", "--timeout", "30", "app:app"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )  # nosec B603  # our own command line
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited; see {log}")
        try:
            request(port, "GET", "/")
            return process, port
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"gunicorn did not start; see {log}")


def trickle(port: int, stop: threading.Event) -> None:
    """POST 100 KB to the login form, 1 KB every 100 ms, until told to stop."""
    head = (
        f"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {UPLOAD_BYTES}\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    body = b"note=" + b"x" * (UPLOAD_BYTES - 5)
    while not stop.is_set():
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
                sock.sendall(head)
                for at in range(0, UPLOAD_BYTES, CHUNK_BYTES):
                    if stop.wait(CHUNK_SECONDS):
                        return
                    sock.sendall(body[at : at + CHUNK_BYTES])
                sock.recv(65536)
        except OSError:
            time.sleep(CHUNK_SECONDS)  # the server closed it (its timeout); start again


def fast_client(port: int, cookie: str, seconds: float) -> dict:
    """The event list, one request after another, for `seconds`."""
    latencies, errors = [], 0
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        started = time.perf_counter()
        try:
            status, _, _ = _get(port, cookie)
        except OSError:
            errors += 1
            continue
        if status != 200:
            errors += 1
            continue
        latencies.append((time.perf_counter() - started) * 1000)
    return {"requests": len(latencies) + errors, "errors": errors, **_percentiles(latencies)}


def _get(port: int, cookie: str):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=FAST_TIMEOUT)
    try:
        conn.request("GET", PAGE, headers={"Cookie": cookie})
        response = conn.getresponse()
        return response.status, response, response.read()
    finally:
        conn.close()


def _percentiles(latencies: list[float]) -> dict:
    if len(latencies) < 2:
        return {"p50": None, "p95": None}
    cuts = statistics.quantiles(latencies, n=20)
    return {"p50": statistics.median(latencies), "p95": cuts[18]}


def measure(name: str, options: list[str], url: str, slow_counts: list[int], seconds: float) -> list[dict]:
    log = ROOT / "bench" / "results" / f"slowclients-{name.split(',')[0]}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    process, port = start(options, url, log)
    rows = []
    try:
        cookie = log_in(port, data.INTERN_EMAIL, data.PASSWORD)
        for _ in range(20):  # warm every worker's statements and templates
            _get(port, cookie)
        for slow in slow_counts:
            stop = threading.Event()
            threads = [threading.Thread(target=trickle, args=(port, stop), daemon=True) for _ in range(slow)]
            for thread in threads:
                thread.start()
            time.sleep(1.0 if slow else 0)  # let them take their connections
            rows.append({"config": name, "slow": slow, **fast_client(port, cookie, seconds)})
            stop.set()
            for thread in threads:
                thread.join(timeout=5)
            print(_row(rows[-1]), flush=True)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return rows


def _ms(value) -> str:
    return "-" if value is None else f"{value:.0f}"


def _row(row: dict) -> str:
    return (
        f"| {row['config']} | {row['slow']} | {row['requests']} | {_ms(row['p50'])} | "
        f"{_ms(row['p95'])} | {row['errors']} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="small", choices=data.SCALES)
    parser.add_argument("--seconds", type=float, default=15.0, help="the fast client's time per row")
    parser.add_argument("--slow", type=int, action="append", help="slow clients (repeatable; default 0, 4, 8)")
    args = parser.parse_args()
    stamp = data.ensure(args.scale)
    print("| gunicorn | slow clients | requests | p50 ms | p95 ms | errors |")
    print("|---|---|---|---|---|---|")
    for name, options in CONFIGS.items():
        measure(name, options, stamp["url"], args.slow or [0, 4, 8], args.seconds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
