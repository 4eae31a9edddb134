"""How long suggestions take for one viewer at hospital-network scale.

    .venv/bin/python bench/suggestions.py [--users 20000] [--events 5000] [--rsvps 250000] [--runs 50]

Builds a synthetic database (SQLite in a temporary folder, or DATABASE_URL),
deterministically and with bulk inserts, then measures the server time of
`matching.services.suggestions` for an intern with many RSVPs: percentiles
over repeated runs and the number of SQL queries per call (which must not
grow with the data).
"""
from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from eventsapp import create_app  # noqa: E402
from eventsapp.extensions import db  # noqa: E402
from eventsapp.timeutil import UTCDateTime, utcnow  # noqa: E402

STAGES = ["student"] * 10 + ["intern"] * 30 + ["resident"] * 30 + ["fellow"] * 12 + ["attending"] * 14 + ["faculty"] * 4


def build(users: int, events: int, rsvps: int, seed: int = 7) -> None:
    rng = random.Random(seed)  # nosec B311  # synthetic benchmark data, repeatable by seed
    now = utcnow().replace(microsecond=0)
    specialty_ids = list(db.session.scalars(sa.text("SELECT id FROM specialty")))
    # A realistic skew: a few interests are common, many are rare.
    weights = [1 / (rank + 1) for rank in range(len(specialty_ids))]
    with db.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO \"user\" (id, email, name, password_hash, role, created_at, email_notifications) "
                             "VALUES (:id, :email, :name, 'x', 'member', :now, true)"),
                     [{"id": i, "email": f"user{i}@bench.example", "name": f"User {i:05d}", "now": now}
                      for i in range(1, users + 1)])
        profiles, interests = [], []
        for i in range(1, users + 1):
            stage = rng.choice(STAGES)
            senior = stage in ("resident", "fellow", "attending", "faculty")
            profiles.append({"id": i, "stage": stage, "pgy": rng.randint(2, 5) if stage == "resident" else None,
                             "open": senior and rng.random() < 0.5, "now": now})
            for spec in set(rng.choices(specialty_ids, weights, k=rng.randint(2, 5))):
                interests.append({"p": i, "s": spec})
        conn.execute(sa.text("INSERT INTO profile (user_id, career_stage, pgy_year, bio, open_to_interns, intro_capacity,"
                             " show_department, show_interests, show_bio, attendance_visibility, updated_at)"
                             " VALUES (:id, :stage, :pgy, '', :open, 3, true, true, true, 'members', :now)"), profiles)
        conn.execute(sa.text("INSERT INTO profile_specialty (profile_id, specialty_id) VALUES (:p, :s)"), interests)
        rows = []
        for e in range(1, events + 1):
            start = now + timedelta(days=rng.randint(-365, 365), hours=rng.randint(7, 18))
            rows.append({"id": e, "title": f"Event {e}", "start": start, "end": start + timedelta(hours=1), "now": now,
                         "secret": f"s{e}"})
        conn.execute(sa.text("INSERT INTO event (id, title, kind, description, timezone, starts_at, ends_at, all_day,"
                             " location, online_url, status, revision, version, is_exception, checkin_secret,"
                             " created_at, updated_at) VALUES (:id, :title, 'meeting', '', 'America/New_York', :start,"
                             " :end, false, 'Room', '', 'scheduled', 0, 1, false, :secret, :now, :now)"), rows)
        seen, answers = set(), []
        viewer = next(p["id"] for p in profiles if p["stage"] == "intern")
        for e in rng.sample(range(1, events + 1), 200):  # the viewer goes to 200 events
            seen.add((e, viewer))
            answers.append({"e": e, "u": viewer})
        while len(answers) < rsvps:
            pair = (rng.randint(1, events), rng.randint(1, users))
            if pair not in seen:
                seen.add(pair)
                answers.append({"e": pair[0], "u": pair[1]})
        insert = sa.text("INSERT INTO rsvp (event_id, user_id, state, approachable, created_at, updated_at)"
                         " VALUES (:e, :u, 'going', false, :now, :now)").bindparams(
            sa.bindparam("now", type_=UTCDateTime))  # stored exactly as the app stores times
        conn.execute(insert, [{**answer, "now": now} for answer in answers])
    return viewer


def measure(viewer_id: int, runs: int) -> tuple[list[float], int]:
    from eventsapp.accounts.models import User
    from eventsapp.matching.services import suggestions

    statements = []
    sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    timings, queries = [], []
    for _ in range(runs):
        db.session.remove()
        viewer = db.session.get(User, viewer_id)
        _ = viewer.profile.career_stage
        statements.clear()
        started = time.perf_counter()
        found = suggestions(db.session, viewer, now=utcnow(), zone="America/New_York")
        timings.append((time.perf_counter() - started) * 1000)
        queries.append(len(statements))
    assert found, "the viewer should get suggestions"  # nosec B101  # a sanity check of the benchmark script
    return timings, max(queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=5_000)
    parser.add_argument("--rsvps", type=int, default=250_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="bench-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{folder}/bench.sqlite"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": folder, "SECRET_KEY": "bench" * 8})
    with app.app_context():
        from flask_migrate import upgrade
        upgrade()
        started = time.perf_counter()
        viewer = build(args.users, args.events, args.rsvps)
        print(f"built {args.users} users, {args.events} events, {args.rsvps} RSVPs in {time.perf_counter() - started:.1f} s")
        # Measure as a server worker would run: without the builder's garbage.
        gc.collect()
        timings, queries = measure(viewer, args.runs)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"suggestions for one intern going to 200 events: p50 {statistics.median(timings):.1f} ms, "
          f"p95 {p95:.1f} ms, max {timings[-1]:.1f} ms, {queries} queries per call")


if __name__ == "__main__":
    main()
