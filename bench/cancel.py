"""The organizer's cancel request, for an event with 3 answers and for one
with 300: what the request does must not grow with the members to tell.

Upcoming events are added for the measurement (answered by the database's
first members, as many as there are up to 300), cancelled one request at a
time, the two sizes alternating, and removed afterwards with everything the
cancellations wrote, so every run starts from the same data.
"""

from __future__ import annotations

import secrets
import statistics
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bench import data

SIZES = (3, 300)
#: How much slower the 300-answer cancel may be than the 3-answer one.
MAX_RATIO = 1.5
ORGANIZER_ID = 2  # an admin in every scale's data (bench/data.py)
ORGANIZER_EMAIL = "user00002@bench.example"
TITLE = "Bench cancellation"


def _tables(engine):
    meta = sa.MetaData()
    meta.reflect(engine, only=("event", "rsvp", "user", "notification", "outbox_mail"))
    return meta.tables


def prepare(url: str, per_size: int) -> dict:
    """`per_size` events of each size, and the marks `remove` needs."""
    from eventsapp.config import normalise_database_url

    engine = sa.create_engine(normalise_database_url(url))
    t = _tables(engine)
    now = datetime.now(UTC)
    start = (now + timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
    with engine.begin() as conn:
        members = list(
            conn.scalars(sa.select(t["user"].c.id).where(t["user"].c.id > 3).order_by(t["user"].c.id).limit(max(SIZES)))
        )
        marks = {
            name: conn.scalar(sa.select(sa.func.coalesce(sa.func.max(t[name].c.id), 0)))
            for name in ("event", "notification", "outbox_mail")
        }
        events: dict[int, list[int]] = {}
        for size in SIZES:
            answering = members[:size]
            events[len(answering)] = []
            for n in range(per_size):
                event_id = conn.execute(
                    t["event"]
                    .insert()
                    .values(_event_row(f"{TITLE} ({size} answers) {n}", start + timedelta(days=n), now))
                    .returning(t["event"].c.id)
                ).scalar_one()
                events[len(answering)].append(event_id)
                conn.execute(
                    t["rsvp"].insert(),
                    [_rsvp_row(event_id, user_id, now) for user_id in answering],
                )
    engine.dispose()
    return {"events": events, "marks": marks}


def _event_row(title: str, start: datetime, now: datetime) -> dict:
    return {
        "title": title,
        "kind": "meeting",
        "description": "Measured by the benchmark.",
        "timezone": "America/New_York",
        "starts_at": start,
        "ends_at": start + timedelta(hours=1),
        "all_day": False,
        "location": "Auditorium A",
        "online_url": "",
        "capacity": None,
        "status": "scheduled",
        "revision": 0,
        "answer_changes": 0,
        "version": 1,
        "organizer_id": ORGANIZER_ID,
        "is_exception": False,
        "checkin_secret": secrets.token_hex(16),
        "created_at": now,
        "updated_at": now,
    }


def _rsvp_row(event_id: int, user_id: int, now: datetime) -> dict:
    return {
        "event_id": event_id,
        "user_id": user_id,
        "state": "going",
        "approachable": False,
        "revision": 1,
        "created_at": now - timedelta(days=1),
        "updated_at": now - timedelta(days=1),
    }


def remove(url: str, prepared: dict) -> None:
    """The added events, their answers, and every row written since."""
    from eventsapp.config import normalise_database_url

    engine = sa.create_engine(normalise_database_url(url))
    t = _tables(engine)
    marks = prepared["marks"]
    names = set(sa.inspect(engine).get_table_names())
    with engine.begin() as conn:
        for name in ("notification", "outbox_mail"):
            conn.execute(t[name].delete().where(t[name].c.id > marks[name]))
        if "event_fanout" in names:  # (what the worker would expand)
            conn.execute(sa.text("DELETE FROM event_fanout WHERE event_id > :n"), {"n": marks["event"]})
        conn.execute(t["rsvp"].delete().where(t["rsvp"].c.event_id > marks["event"]))
        conn.execute(t["event"].delete().where(t["event"].c.id > marks["event"]))
    engine.dispose()


def measure(port: int, cookie: str, token: str, prepared: dict, request) -> list[dict]:
    """Cancel each prepared event once, one request at a time, alternating
    between the sizes; the latency of each size."""
    timings: dict[int, list[float]] = {size: [] for size in prepared["events"]}
    errors: list[str] = []
    for batch in zip(*prepared["events"].values(), strict=True):
        for size, event_id in zip(prepared["events"], batch, strict=True):
            started = time.perf_counter()
            status, response, _ = request(
                port, "POST", f"/events/{event_id}/cancel", {"csrf_token": token, "scope": "this"}, cookie
            )
            timings[size].append((time.perf_counter() - started) * 1000)
            if status != 302 or "/events/" not in (response.getheader("Location") or ""):
                errors.append(f"cancel of event {event_id}: HTTP {status}")
    return [
        {
            "page": f"cancel (POST), {size} answers",
            "answers": size,
            "requests": len(found),
            "p50_ms": round(statistics.median(found), 2),
            "max_ms": round(max(found), 2),
            "errors": errors[:5],
        }
        for size, found in timings.items()
    ]


def check(results: list[dict]) -> tuple[str, bool, str]:
    few, many = results[0], results[-1]
    ratio = many["p50_ms"] / few["p50_ms"] if few["p50_ms"] else float("inf")
    return (
        f"cancel with {many['answers']} answers at most {MAX_RATIO}x the time of one with {few['answers']}",
        ratio <= MAX_RATIO,
        f"{many['p50_ms']} / {few['p50_ms']} ms = {ratio:.2f}x",
    )


def run(port: int, url: str, per_size: int, request, log_in, csrf_token) -> list[dict]:
    """Prepare, log in as the organizer, measure, remove."""
    prepared = prepare(url, per_size)
    try:
        cookie = log_in(port, ORGANIZER_EMAIL, data.PASSWORD)
        first = next(iter(prepared["events"].values()))[0]
        token = csrf_token(port, f"/events/{first}/cancel", cookie)
        return measure(port, cookie, token, prepared, request)
    finally:
        remove(url, prepared)


def main() -> int:
    """Only this measurement, on one scale's database (built if needed)."""
    import argparse

    from bench.run import ROOT, Server, csrf_token, log_in, request

    parser = argparse.ArgumentParser(description="The cancel request with 3 and with 300 answers.")
    parser.add_argument("--scale", default="tenth", choices=sorted(data.SCALES))
    parser.add_argument("--cancels", type=int, default=10, help="events cancelled per size (default 10)")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    stamp = data.ensure(args.scale)
    logs = ROOT / "instance" / "bench-logs"
    logs.mkdir(parents=True, exist_ok=True)
    server = Server("app:app", stamp["url"], args.workers, logs / f"cancel-{args.scale}.log")
    try:
        results = run(server.port, stamp["url"], args.cancels, request, log_in, csrf_token)
    finally:
        server.stop()
    for row in results:
        print(f"{row['page']:32} p50 {row['p50_ms']:8.1f} ms  max {row['max_ms']:8.1f} ms  {row['errors'] or ''}")
    target, ok, measured = check(results)
    print(f"{'PASS' if ok else 'MISS'}  {target} ({measured})")
    return 0 if not any(row["errors"] for row in results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
