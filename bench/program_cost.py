"""What each program page costs when its figures are counted afresh, in process.

    .venv/bin/python -m bench.program_cost [--scale full --scale tenth] [--times 5]

`make bench` measures the pages as served, where a page's figures are kept
for minutes (program/kept.py) and most requests read them kept. This counts
them on every request (PROGRAM_CACHE_SECONDS=0) through Flask's test
client, as an admin and as the benchmark's coordinator, on the databases
`make bench-data` builds: the median CPU milliseconds of `--times`
requests after one untimed, and the statements each ran.
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import time
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import data  # noqa: E402
from bench.run import PROGRAM_PAGES  # noqa: E402


def _cost(client, path: str, times: int, engine) -> tuple[float, int]:
    statements = []

    def count(*_):
        statements.append(1)

    client.get(path)
    cpu = []
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(times):
            statements.clear()
            started = time.process_time()
            response = client.get(path)
            cpu.append((time.process_time() - started) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"GET {path} answered {response.status_code}")
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return statistics.median(cpu), len(statements)


def measure(scale: str, times: int) -> dict[tuple[str, str], tuple[float, int]]:
    from eventsapp import create_app
    from eventsapp.extensions import db

    stamp = data.ensure(scale, quiet=True)
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": stamp["url"], "SECRET_KEY": data.SECRET_KEY, "PROGRAM_CACHE_SECONDS": 0}
    )
    with app.app_context():
        engine = db.engine
    found = {}  # (each request has an app context of its own, as when served)
    for who in ("admin", "coordinator"):
        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        form = {"email": stamp[f"{who}_email"], "password": stamp["password"], "csrf_token": token}
        if client.post("/login", data=form).status_code != 302:
            raise RuntimeError(f"the {who} could not log in")
        for name, path, _ in PROGRAM_PAGES:
            found[(name, who)] = _cost(client, path, times, engine)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", action="append", choices=list(data.SCALES), help="default: full and tenth")
    parser.add_argument("--times", type=int, default=5)
    args = parser.parse_args()
    scales = args.scale or ["full", "tenth"]
    results = {scale: measure(scale, args.times) for scale in scales}
    print(f"{'page':34} " + " ".join(f"{s + ' cpu ms':>14} {'queries':>7}" for s in scales))
    for key in results[scales[0]]:
        cells = " ".join(f"{results[s][key][0]:14.1f} {results[s][key][1]:7d}" for s in scales)
        print(f"{key[0] + ', ' + key[1]:34} {cells}")


if __name__ == "__main__":
    main()
