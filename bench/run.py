"""Measure the real server at two scales, against the ceiling of our stack.

    .venv/bin/python -m bench.run              # full and 1/10 scale (make bench)
    .venv/bin/python -m bench.run --small      # 1/100 and 1/200, in under a minute (make bench-small)

For each scale: builds (or reuses) the synthetic database (bench/data.py),
serves the app with gunicorn (sync workers, as `make serve`) and, beside it,
the bare-Flask baseline (bench/baseline.py) with the same workers on the same
database; logs in through the real login form as the benchmark's intern and,
from this separate process, sends requests at a fixed concurrency: a warm-up,
then N timed requests per page. Both scales are served at once, and each
page's timed requests go in rounds that alternate between them, so that a
machine whose speed drifts (a shared one) slows both alike and the growth
from one scale to the other stays true. Reports requests per second, p50 and p95
latency, the SQL statements each request ran (the X-Query-Count header the
app adds when BENCH_QUERY_COUNT is set; never in production), the share of
the baseline's throughput, and how much slower a request is at full scale
than on the 10x smaller database. Prints one table and the target checks,
and writes everything as JSON (bench/results/<database>-<time>.json, or
--json PATH).

Exits non-zero when a page answers with an error or a page's query count
differs between the two scales; missed speed targets are reported, not
fatal (timings depend on the machine and what else runs on it).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import socket
import statistics
import subprocess  # nosec B404  # starts gunicorn, the server under test
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

from bench import cancel, data

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"

#: The targets the benchmark checks (see docs/benchmark.md).
P95_MS = 50
FEED_MS = 100
MAX_QUERIES = 8
MIN_SHARE = 0.5
MAX_GROWTH = 1.5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving `target` on a free port until stop()."""

    def __init__(self, target: str, url: str, workers: int, log: Path, **env):
        self.port = free_port()
        environment = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": data.SECRET_KEY,
            "APP_ENV": "development",
            **env,
        }
        self.log = open(log, "w")  # noqa: SIM115  # the server writes to it until stop() closes it
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--worker-class",  # sync (gunicorn.conf.py says gthread): one request
                "sync",  # per process, so the cpu ms column is that request's alone
                "--threads",
                "1",
                "--workers",
                str(workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--backlog",
                "256",
                "--timeout",
                "120",
                target,
            ],
            cwd=ROOT,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )  # nosec B603  # our own command line
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {target} exited; see {log}")
            try:
                request(self.port, "GET", "/")
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn {target} did not start; see {log}")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def request(port: int, method: str, path: str, body: dict | None = None, cookie: str = ""):
    """One request on a new connection (gunicorn's sync workers close each
    one, as they do behind a proxy). Returns status, headers, body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Cookie": cookie} if cookie else {}
    payload = None
    if body is not None:
        payload = urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, payload, headers)
        response = conn.getresponse()
        content = response.read()
        return response.status, response, content
    finally:
        conn.close()


def session_cookie(response, current: str) -> str:
    for name, value in response.getheaders():
        if name.lower() == "set-cookie" and value.startswith("session="):
            return value.split(";")[0]
    return current


def log_in(port: int, email: str, password: str) -> str:
    """Through the real login form: its CSRF token, then the POST."""
    status, response, body = request(port, "GET", "/login")
    if status != 200:
        raise RuntimeError(f"GET /login answered {status}")
    cookie = session_cookie(response, "")
    token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body).group(1).decode()
    status, response, _ = request(
        port, "POST", "/login", {"email": email, "password": password, "csrf_token": token}, cookie
    )
    if status != 302:
        raise RuntimeError(f"logging in as {email} answered {status}, not a redirect")
    return session_cookie(response, cookie)


def csrf_token(port: int, path: str, cookie: str) -> str:
    status, _, body = request(port, "GET", path, cookie=cookie)
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', body).group(1).decode()


class Page:
    def __init__(
        self,
        name: str,
        path: str,
        *,
        method: str = "GET",
        expect: int = 200,
        form=None,
        contains: bytes = b"",
        varies: bool = False,
        kept: bool = False,
        most_in_flight: int | None = None,
        who: str = "intern",
    ):
        self.who = who  # whose session asks: the intern, an admin or a coordinator
        self.name, self.path, self.method, self.expect, self.form, self.contains = (
            name,
            path,
            method,
            expect,
            form,
            contains,
        )
        # A POST runs another branch for "going" than for "maybe": its
        # count is the most any request ran.
        self.varies = varies
        # Figures kept per server process: its count is the fewest any
        # request ran (those that read them), the same at every scale.
        self.kept = kept
        # Never two answers to one event at once: each request then changes
        # the answer, and runs the same statements at every scale.
        self.most_in_flight = most_in_flight

    def call(self, port: int, cookie: str, n: int):
        form = self.form(n) if self.form else None
        path = self.path(n) if callable(self.path) else self.path
        return request(port, self.method, path, form, cookie)


class Meter:
    """One page on one server: a warm-up, then timed rounds. The rounds of
    the two scales alternate (see measure_both), so that both see the same
    machine: on a shared one, its speed drifts from minute to minute."""

    def __init__(self, port: int, page: Page, cookie: str, concurrency: int):
        self.port, self.page, self.cookie = port, page, cookie
        # (Each request of a POST changes the answer: one counter for all rounds.)
        self.counter = iter(range(10**9))
        self.concurrency = min(concurrency, page.most_in_flight) if page.most_in_flight else concurrency
        self.lock = threading.Lock()
        self.timings: list[float] = []
        self.cpu: list[float] = []
        self.queries: set[int] = set()
        self.errors: list[str] = []
        self.wall = 0.0

    def _one(self, record: bool) -> None:
        page = self.page
        with self.lock:
            n = next(self.counter)
        started = time.perf_counter()
        status, response, body = page.call(self.port, self.cookie, n)
        elapsed = (time.perf_counter() - started) * 1000
        problem = None
        if status != page.expect:
            problem = f"{page.name}: HTTP {status} (expected {page.expect})"
        elif page.contains and page.contains not in body:
            problem = f"{page.name}: the page lacks {page.contains.decode()!r}"
        with self.lock:
            if problem:
                self.errors.append(problem)
            if record:
                self.timings.append(elapsed)
                if response.getheader("X-CPU-Ms"):
                    self.cpu.append(float(response.getheader("X-CPU-Ms")))
                count = response.getheader("X-Query-Count")
                if count is not None:
                    self.queries.add(int(count))

    def run(self, total: int, record: bool = True) -> None:
        started = time.perf_counter()
        with ThreadPoolExecutor(self.concurrency) as pool:
            for future in [pool.submit(self._one, record) for _ in range(total)]:
                future.result()
        if record:
            self.wall += time.perf_counter() - started

    def result(self) -> dict:
        page, timings = self.page, sorted(self.timings)
        return {
            "page": page.name,
            "path": page.path if isinstance(page.path, str) else page.path(0),
            "requests": len(timings),
            "rps": round(len(timings) / self.wall, 1),
            "p50_ms": round(statistics.median(timings), 2),
            "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 2),
            "max_ms": round(timings[-1], 2),
            "cpu_ms": round(statistics.median(self.cpu), 2) if self.cpu else None,
            "queries": sorted(self.queries)[0 if page.kept else -1] if self.queries else None,
            "query_counts_seen": sorted(self.queries),
            "errors": sorted(set(self.errors))[:5],
            "error_count": len(self.errors),
            "varies": page.varies,
            "concurrency": self.concurrency,
        }


def measure_both(
    targets: list[tuple[int, Page, str]], *, requests: int, warmup: int, concurrency: int, rounds: int
) -> list[dict]:
    """The same page on each scale's server (port, page, cookie): each
    warmed up, then `rounds` rounds that alternate between the scales, for
    `requests` timed requests per scale in all."""
    meters = [Meter(port, page, cookie, concurrency) for port, page, cookie in targets]
    for meter in meters:
        meter.run(warmup, record=False)
    for r in range(rounds):
        share = requests // rounds + (1 if r < requests % rounds else 0)
        for meter in meters:
            meter.run(share)
    return [meter.result() for meter in meters]


def pages_for(stamp: dict, token: str) -> list[Page]:
    targets = stamp["rsvp_event_ids"]

    def rsvp_path(n: int) -> str:
        return f"/events/{targets[n % len(targets)]}/rsvp"

    def rsvp_form(n: int) -> dict:  # going, then maybe, then going again...
        return {"csrf_token": token, "state": "going" if (n // len(targets)) % 2 == 0 else "maybe"}

    return [
        Page("event list", "/events", contains=b"event-list"),
        Page("event list, filtered", f"/events?kind=meeting&specialty={stamp['specialty_id']}", contains=b"event-list"),
        Page("event page + who to meet", f"/events/{stamp['focus_event_id']}", contains=b"Who to meet here"),
        Page("people to meet", "/people", contains=b"suggestion-list"),
        Page(
            "calendar feed (200 events)"
            if stamp["intern_going"] >= 200
            else f"calendar feed ({stamp['intern_going']} events)",
            f"/calendar/{stamp['feed_token']}.ics",
            contains=b"BEGIN:VEVENT",
        ),
        Page(
            "RSVP (POST)",
            rsvp_path,
            method="POST",
            expect=302,
            form=rsvp_form,
            varies=True,
            most_in_flight=len(targets),
        ),
        *program_pages(),
    ]


#: The program pages (docs/program.md), as an admin (the whole hospital) and
#: as a coordinator limited to two departments.
PROGRAM_PAGES = (
    ("program", "/program/", b"funnel"),
    ("program weeks chart", "/program/weeks.svg", b"<svg"),
    ("program reach", "/program/reach", b"Interns to reach"),
    ("program demand", "/program/demand", b"Unmet demand"),
    ("program events", "/program/events", b"introductions"),
    ("program attendance", "/program/attendance", b"Attendance requirements"),
)


def program_pages() -> list[Page]:
    # The figures are kept per server process (program/kept.py): each
    # worker's first request counts them, with more statements (nearly
    # always in the warm-up); the others read them kept.
    return [
        Page(f"{name}, {who}", path, contains=contains, who=who, varies=True, kept=True)
        for who in ("admin", "coordinator")
        for name, path, contains in PROGRAM_PAGES
    ]


def restore(url: str, stamp: dict) -> None:
    """Put back what the RSVP POSTs changed, so every run starts alike: the
    intern's answers to those events, and the notices they produced."""
    from eventsapp.config import normalise_database_url

    engine = sa.create_engine(normalise_database_url(url))
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "UPDATE rsvp SET state = 'maybe', queued_at = NULL, revision = 1 WHERE user_id = 1 AND event_id IN :ids"
            ).bindparams(sa.bindparam("ids", expanding=True)),
            {"ids": stamp["rsvp_event_ids"]},
        )
        conn.execute(
            sa.text("DELETE FROM notification WHERE user_id = 1 AND id > :n"), {"n": stamp["rows"]["notification"]}
        )
    engine.dispose()


class Scale:
    """One scale's database, with the app and the baseline served on it."""

    def __init__(self, scale: str, args):
        self.scale = scale
        self.stamp = stamp = data.ensure(scale, seed=args.seed)
        self.url = stamp["url"]
        logs = ROOT / "instance" / "bench-logs"
        logs.mkdir(parents=True, exist_ok=True)
        restore(self.url, stamp)
        self.app = self.base = None
        try:
            self.app = Server("app:app", self.url, args.workers, logs / f"app-{scale}.log", BENCH_QUERY_COUNT="1")
            self.base = Server("bench.baseline:app", self.url, args.workers, logs / f"baseline-{scale}.log")
            self.cookie = log_in(self.app.port, stamp["intern_email"], stamp["password"])
            self.cookies = {"intern": self.cookie}
            for who in ("admin", "coordinator"):
                self.cookies[who] = log_in(self.app.port, stamp[f"{who}_email"], stamp["password"])
            token = csrf_token(self.app.port, f"/events/{stamp['focus_event_id']}", self.cookie)
        except BaseException:
            self.stop()
            raise
        self.pages = [p for p in pages_for(stamp, token) if p.name.startswith(args.only or "")]

    def stop(self) -> None:
        for server in (self.app, self.base):
            if server is not None:
                server.stop()
        self.app = self.base = None
        restore(self.url, self.stamp)


def run_scales(scales: list[str], args) -> list[dict]:
    """Both scales served at once and measured page by page, their rounds
    alternating: the growth from one to the other is then measured over
    the same minutes, not minutes apart."""
    served: list[Scale] = []
    try:
        for scale in scales:
            served.append(Scale(scale, args))
        options = dict(requests=args.requests, warmup=args.warmup, concurrency=args.concurrency, rounds=args.rounds)
        baseline_page = Page("baseline (bare Flask, 1 query)", "/", contains=b"<li>")
        first = measure_both([(s.base.port, baseline_page, "") for s in served], **options)
        pages = [
            measure_both([(s.app.port, s.pages[i], s.cookies[s.pages[i].who]) for s in served], **options)
            for i in range(len(served[0].pages))
        ]
        second = measure_both([(s.base.port, baseline_page, "") for s in served], **options)
        big = served[0]
        cancels = cancel.run(big.app.port, big.url, args.cancels, request, log_in, csrf_token)
    finally:
        for s in served:
            s.stop()
    runs = []
    for n, s in enumerate(served):
        before, after = first[n], second[n]
        # The baseline before and after the pages: drift on a shared machine shows.
        baseline = dict(
            before,
            rps=round((before["rps"] + after["rps"]) / 2, 1),
            p50_ms=round((before["p50_ms"] + after["p50_ms"]) / 2, 2),
            p95_ms=round((before["p95_ms"] + after["p95_ms"]) / 2, 2),
            cpu_ms=round((before["cpu_ms"] + after["cpu_ms"]) / 2, 2),
            rps_runs=[before["rps"], after["rps"]],
            queries=1,
            error_count=before["error_count"] + after["error_count"],
            errors=before["errors"] + after["errors"],
        )
        rows = [measured[n] for measured in pages]
        for row in rows:
            row["share_of_baseline"] = round(row["rps"] / baseline["rps"], 3)
        runs.append(
            {
                "scale": s.scale,
                "database": sa.make_url(s.url).render_as_string(hide_password=True),
                "spec": s.stamp["spec"],
                "baseline": baseline,
                "pages": rows,
                "loadavg_after": _loadavg(),
            }
        )
    runs[0]["cancel"] = cancels
    return runs


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def compare(runs: list[dict]) -> list[dict]:
    """Join the two scales page by page: growth is the big scale's p50
    over the small one's (how much slower one request got)."""
    big, small = runs[0], runs[1]
    joined = []
    for b, s in zip(big["pages"], small["pages"], strict=True):
        joined.append(
            {
                "page": b["page"],
                "growth": round(b["p50_ms"] / s["p50_ms"], 2) if s["p50_ms"] else None,
                "queries": (b["queries"], s["queries"]),
            }
        )
    return joined


def checks(runs: list[dict], growth: list[dict]) -> list[tuple[str, bool, str]]:
    big = runs[0]
    found = []
    for row in big["pages"]:
        limit = FEED_MS if row["page"].startswith("calendar feed") else P95_MS
        found.append(
            (
                f"p95 under {limit} ms at {big['scale']} scale: {row['page']}",
                row["p95_ms"] < limit,
                f"{row['p95_ms']} ms",
            )
        )
    for g in growth:
        q_big, q_small = g["queries"]
        found.append(
            (
                f"same queries at both scales, at most {MAX_QUERIES}: {g['page']}",
                q_big == q_small and q_big is not None and q_big <= MAX_QUERIES,
                f"{q_big} / {q_small}",
            )
        )
    for row in big["pages"]:
        found.append(
            (
                f"throughput at least {MIN_SHARE:.0%} of the baseline's: {row['page']}",
                row["share_of_baseline"] >= MIN_SHARE,
                f"{row['share_of_baseline']:.0%}",
            )
        )
    for g in growth:
        found.append(
            (
                f"{runs[0]['scale']} no more than {MAX_GROWTH}x slower than {runs[1]['scale']}: {g['page']}",
                g["growth"] is not None and g["growth"] <= MAX_GROWTH,
                f"{g['growth']}x",
            )
        )
    found.append(cancel.check(big["cancel"]))
    return found


def table(runs: list[dict], growth: list[dict]) -> str:
    header = (
        f"{'page':32} {'scale':6} {'rps':>8} {'p50 ms':>8} {'p95 ms':>8} {'cpu ms':>7} {'queries':>7} "
        f"{'/base':>6} {'growth':>7}"
    )
    lines = [header, "-" * len(header)]
    by_page = {g["page"]: g for g in growth}
    for run in runs:
        b = run["baseline"]
        lines.append(
            f"{b['page']:32} {run['scale']:6} {b['rps']:8.1f} {b['p50_ms']:8.1f} {b['p95_ms']:8.1f} "
            f"{b['cpu_ms']:7.1f} {1:7d} {'100%':>6} {'':>7}"
        )
        for row in run["pages"]:
            g = by_page[row["page"]]["growth"] if run is runs[0] else None
            lines.append(
                f"{row['page']:32} {run['scale']:6} {row['rps']:8.1f} {row['p50_ms']:8.1f} "
                f"{row['p95_ms']:8.1f} {row['cpu_ms'] or 0:7.1f} "
                f"{row['queries'] if row['queries'] is not None else '?':>7} "
                f"{row['share_of_baseline']:6.0%} {f'{g:.2f}x' if g else '':>7}"
            )
        lines.append("")
    for row in runs[0]["cancel"]:
        lines.append(
            f"{row['page']:32} {runs[0]['scale']:6} {'':>8} {row['p50_ms']:8.1f} {'':>8} (max {row['max_ms']:.1f})"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="the quick run: 1/100 and 1/200 scale, few requests")
    parser.add_argument("--scales", help="two scales, bigger first (default full,tenth; with --small small,tiny)")
    parser.add_argument("--requests", type=int, help="timed requests per page (default 300; --small 30)")
    parser.add_argument("--warmup", type=int, help="untimed requests first (default 40; --small 8)")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight at once (default 8)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="timed rounds per page, alternating between the two scales (default 3)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WORKERS", 4)),
        help="gunicorn sync workers, for the app and the baseline alike (default 4)",
    )
    parser.add_argument(
        "--cancels", type=int, help="events cancelled per size, 3 and 300 answers (default 10; --small 4)"
    )
    parser.add_argument("--only", help="measure only the pages whose name starts with this (e.g. program)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", help="where to write the results (default bench/results/<db>-<time>.json)")
    args = parser.parse_args()
    scales = (args.scales or ("small,tiny" if args.small else "full,tenth")).split(",")
    if len(scales) != 2:
        parser.error("--scales takes two scales, bigger first")
    if args.rounds < 1:
        parser.error("--rounds takes a number from 1")
    args.requests = args.requests or (30 if args.small else 300)
    args.cancels = args.cancels or (4 if args.small else 10)
    args.warmup = args.warmup if args.warmup is not None else (8 if args.small else 40)

    load_before = _loadavg()
    runs = run_scales(scales, args)
    growth = compare(runs)
    found = checks(runs, growth)
    dialect = sa.make_url(runs[0]["database"]).get_backend_name()
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": dialect,
        "machine": {
            "cpus": os.cpu_count(),
            "loadavg_before": load_before,
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "settings": {
            "workers": args.workers,
            "worker_class": "sync",
            "concurrency": args.concurrency,
            "requests": args.requests,
            "warmup": args.warmup,
            "rounds": args.rounds,
        },
        "commit": _commit(),
        "runs": runs,
        "growth": growth,
        "checks": [{"target": t, "pass": ok, "measured": m} for t, ok, m in found],
    }
    path = Path(args.json) if args.json else RESULTS / f"{dialect}-{datetime.now():%Y%m%d-%H%M%S}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2))

    print()
    print(
        f"{dialect}, {args.workers} gunicorn sync workers, {args.concurrency} requests in flight, "
        f"{args.requests} timed requests per page after {args.warmup} warm-up, in {args.rounds} rounds "
        f"alternating between the scales; {os.cpu_count()} CPUs, "
        f"load average {load_before} before, {runs[-1]['loadavg_after']} after"
    )
    print(
        "rps: requests per second; p50/p95: latency seen by the client; cpu ms: the server process's CPU per "
        "request (median; other load on the machine hardly changes it); queries: SQL statements per request "
        "(the most any request ran); /base: share of the baseline's rps on the same database; growth: p50 at "
        f"{scales[0]} scale over p50 at {scales[1]} scale (how much slower one request is)"
    )
    print()
    print(table(runs, growth))
    for t, ok, m in found:
        print(f"{'PASS' if ok else 'MISS'}  {t} ({m})")
    print(f"\nResults written to {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    summary = ROOT / "test-artifacts" / "coverage" / "bench.txt"
    summary.parent.mkdir(parents=True, exist_ok=True)
    summary.write_text(
        f"Benchmark ({dialect}, {scales[0]} and {scales[1]} scale): {len(growth)} pages, SQL statements per request "
        + ", ".join(f"{g['page']} {g['queries'][0]}/{g['queries'][1]}" for g in growth)
        + f"; {sum(ok for _, ok, _ in found)} of {len(found)} targets met (timings: see {path.name})\n"
    )

    problems = [
        e for run in runs for row in [run["baseline"], *run["pages"], *run.get("cancel", [])] for e in row["errors"]
    ]
    problems += [
        f"{g['page']}: {g['queries'][0]} queries at {scales[0]} scale, {g['queries'][1]} at {scales[1]}"
        for g in growth
        if g["queries"][0] != g["queries"][1] or g["queries"][0] is None
    ]
    problems += [
        f"{row['page']}: the query count varied between requests ({row['query_counts_seen']})"
        for run in runs
        for row in run["pages"]
        if len(row["query_counts_seen"]) > 1 and not row["varies"]
    ]
    if problems:
        print("\nFAILED:\n  " + "\n  ".join(problems))
        return 1
    return 0


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            capture_output=True,  # nosec B603 B607
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


if __name__ == "__main__":
    sys.exit(main())
