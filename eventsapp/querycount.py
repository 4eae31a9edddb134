"""Benchmark only: each response says how many SQL statements it ran
(`X-Query-Count`) and the server process's CPU time for it in milliseconds
(`X-CPU-Ms`, which other load on the machine hardly changes), so the load
generator can check that a page's cost does not grow with the data. Off
unless BENCH_QUERY_COUNT is set, and refused in production (see config.py)."""

from __future__ import annotations

import time

import sqlalchemy as sa
from flask import Flask, g, has_request_context


def init_app(app: Flask, engine: sa.Engine) -> None:
    @sa.event.listens_for(engine, "before_cursor_execute")
    def count(conn, cursor, statement, parameters, context, executemany):
        if has_request_context():
            g.query_count = g.get("query_count", 0) + 1

    # Registered before the app's own hooks: starts first, reports last,
    # so it counts what they ran too.
    @app.before_request
    def start():
        g.cpu_started = time.process_time()

    @app.after_request
    def report(response):
        response.headers["X-Query-Count"] = str(g.get("query_count", 0))
        if "cpu_started" in g:
            response.headers["X-CPU-Ms"] = f"{(time.process_time() - g.cpu_started) * 1000:.2f}"
        return response
