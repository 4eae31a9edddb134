"""One weekly digest run over every member of the benchmark's network, measured.

    .venv/bin/python -m bench.digest [--scale full --scale tenth] [--url URL]

For each scale (its database from bench/data.py, or the one --url names):
the worker's job `send_due_digests` at this week's digest moment, when
every member's digest is due at once (the synthetic members all keep the
hospital's zone), then a second run, when none is left. Prints the time,
the statements run and the digests mailed; afterwards the digests and
their mail are deleted again, so the database is as before.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import data  # noqa: E402


def digest_moment(config) -> datetime:
    """This week's digest moment on the hospital's clock."""
    from zoneinfo import ZoneInfo

    from eventsapp.config import digest_weekday
    from eventsapp.timeutil import utcnow

    zone = ZoneInfo(config["APP_TIMEZONE"])
    today = utcnow().astimezone(zone).date()
    day = today - timedelta(days=today.weekday()) + timedelta(days=digest_weekday(config["DIGEST_DAY"]))
    return datetime.combine(day, datetime.min.time().replace(hour=config["DIGEST_HOUR"]), tzinfo=zone)


def measure(url: str) -> list[dict]:
    """Two runs at the digest moment: all due, then none; each timed and counted."""
    from eventsapp.events.links import EventLinks
    from eventsapp.extensions import db
    from eventsapp.notifications.digest import Schedule, send_due_digests
    from eventsapp.notifications.models import OutboxMail, WeeklyDigest
    from eventsapp.notifications.unsubscribe import DIGEST_KIND

    app = data.make_bench_app(url)
    runs = []
    with app.app_context():
        now = digest_moment(app.config)
        schedule, links = Schedule.from_config(app.config), EventLinks.on_site(app.config)
        seen: list[str] = []

        def count(_conn, _cursor, statement, *_):
            seen.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            for label in ("every member due", "none left"):
                seen.clear()
                started = time.perf_counter()
                mailed = send_due_digests(db.session, now, links, schedule)
                seconds = time.perf_counter() - started
                mail_rows = sum(1 for s in seen if s.startswith("INSERT INTO outbox_mail"))
                runs.append(
                    {
                        "run": label,
                        "seconds": round(seconds, 2),
                        "statements": len(seen),
                        "of_which_mail_rows": mail_rows,
                        "mailed": mailed,
                        "recorded": db.session.scalar(sa.select(sa.func.count()).select_from(WeeklyDigest)),
                    }
                )
                db.session.rollback()
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
            db.session.rollback()
            db.session.execute(sa.delete(OutboxMail).where(OutboxMail.kind == DIGEST_KIND))
            db.session.execute(sa.delete(WeeklyDigest))
            db.session.commit()
            db.engine.dispose()
    return runs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", action="append", choices=sorted(data.SCALES), help="(default full and tenth)")
    parser.add_argument("--url", help="measure this database instead (already at bench data)")
    args = parser.parse_args()
    targets = [("given", args.url)] if args.url else []
    for scale in [] if args.url else (args.scale or ["full", "tenth"]):
        targets.append((scale, data.ensure(scale, quiet=True)["url"]))
    columns = ("seconds", 8), ("statements", 10), ("mail rows", 9), ("mailed", 7), ("recorded", 8)
    print(f"{'digest run':18} {'scale':6} " + " ".join(f"{name:>{width}}" for name, width in columns))
    for scale, url in targets:
        for run in measure(url):
            print(
                f"{run['run']:18} {scale:6} {run['seconds']:8.2f} {run['statements']:10} "
                f"{run['of_which_mail_rows']:9} {run['mailed']:7} {run['recorded']:8}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
