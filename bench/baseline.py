"""The ceiling of our stack: a bare Flask page that runs one indexed query
for 20 rows (the next 20 events, by start) and renders them with a Jinja
template. `make bench` serves it with gunicorn beside the app, with the
same workers, on the same database, and reports each page's throughput as a
share of this one's.

    DATABASE_URL=... gunicorn bench.baseline:app
"""

from __future__ import annotations

import os
import time

import sqlalchemy as sa
from flask import Flask, g, render_template

from eventsapp.config import engine_options, normalise_database_url
from eventsapp.events.models import Event
from eventsapp.timeutil import utcnow
from eventsapp.transactions import configure_engine

app = Flask(__name__)
_url = normalise_database_url(os.environ["DATABASE_URL"])
# The app's engine settings (on SQLite: WAL, foreign keys, busy timeout).
engine = sa.create_engine(_url, **engine_options(_url))
configure_engine(engine)
event = Event.__table__


@app.before_request
def start():
    g.cpu_started = time.process_time()


@app.after_request
def report(response):  # as the app's bench-only header (eventsapp/querycount.py)
    response.headers["X-CPU-Ms"] = f"{(time.process_time() - g.cpu_started) * 1000:.2f}"
    return response


@app.get("/")
def next_events():
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(event.c.id, event.c.title, event.c.starts_at)
            .where(event.c.starts_at >= utcnow())
            .order_by(event.c.starts_at)
            .limit(20)
        ).all()
    return render_template("baseline.html", events=rows)
