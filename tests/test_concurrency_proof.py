"""The capacity proof: the real server, 4 worker processes, answers at once.

gunicorn serves the app with 4 workers on this test's database (SQLite or,
with TEST_DATABASE_URL, PostgreSQL). 200 members answer "going" to a
50-seat event at the same moment; then 20 of the seated withdraw at once;
then one member double-clicks 10 times. A control run serves the app with
the locking taken out (tests/race_app.py, injected by the test) and must
oversell, so we know the harness can catch a race: there, every
contender is held between reading the count and writing until all have
read, so it oversells by the same known amount on any machine, however
busy. The counts are written to test-artifacts/concurrency-proof.txt, which
CI prints.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Event as Go
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from eventsapp import create_app
from eventsapp.accounts.models import User
from eventsapp.rsvps.models import Rsvp
from tests.factories import default_hash, make_event, make_rsvp, open_login

# gunicorn with 4 workers under concurrent load: make test-fast leaves it out.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
SECRET = "concurrency-proof-secret-key-0123456789abcdef"
REPORT = ROOT / "test-artifacts" / "concurrency-proof.txt"
#: gunicorn's processes, each with gunicorn.conf.py's threads (gthread), as in production.
WORKERS = 4


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, database_url: str, tmp_path: Path, target: str = "app:app", **settings):
        self.port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET,
            "APP_ENV": "development",
            **{k: str(v) for k, v in settings.items()},
        }
        self.log = open(tmp_path / f"gunicorn-{self.port}.log", "w")  # noqa: SIM115  # closed with the server
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                str(WORKERS),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "60",
                target,
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if self.request("GET", "/")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("gunicorn did not start")

    def request(self, method: str, path: str, body: dict | None = None, cookie: str = ""):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": cookie} if cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, urlencode(body) if body is not None else None, headers)
        response = conn.getresponse()
        data = response.read().decode()
        set_cookie = response.getheader("Set-Cookie") or ""
        conn.close()
        return response.status, data, set_cookie

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


class RaceBarrier:
    """Where the control run holds each contender between reading the count
    and writing because of it (tests/race_app.py): a Unix socket. Once
    `parties` requests wait on it, all are let go at once; until then none
    is. (A request held too long fails on its own: race_app's timeout.)"""

    def __init__(self, parties: int):
        # (A short folder: a socket's path must fit in about 100 bytes.)
        self.folder = tempfile.mkdtemp(prefix="race-")
        self.path = os.path.join(self.folder, "barrier")
        self.parties, self.arrived = parties, 0
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(self.path)
        self.listener.listen(parties)
        self.thread = threading.Thread(target=self._hold, name="race-barrier", daemon=True)
        self.thread.start()

    def _hold(self) -> None:
        held = []
        try:
            while len(held) < self.parties:
                held.append(self.listener.accept()[0])
                self.arrived = len(held)
            for contender in held:
                contender.sendall(b"1")
        except OSError:
            pass  # (closed before all arrived: those held are let go with nothing, and fail)
        finally:
            for contender in held:
                contender.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # (wakes a waiting accept())
        self.thread.join()
        self.listener.close()
        shutil.rmtree(self.folder)


class Member:
    """A signed-in member's browser: a session cookie and the page's CSRF token."""

    def __init__(self, server: Server, user_id: int, signer, event_id: int):
        self.server, self.event_id = server, event_id
        self.cookie = "session=" + signer.dumps({"_user_id": open_login(user_id), "_fresh": True})
        status, page, set_cookie = server.request("GET", f"/events/{event_id}", cookie=self.cookie)
        assert status == 200, status
        self.cookie = set_cookie.split(";")[0] or self.cookie
        self.token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def answer(self, state: str) -> int:
        return self.server.request(
            "POST", f"/events/{self.event_id}/rsvp", {"csrf_token": self.token, "state": state}, self.cookie
        )[0]


def at_once(calls) -> list:
    go = Go()

    def run(call):
        go.wait(30)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        go.set()
        return [f.result() for f in futures]


def states(session, event_id) -> dict[int, str]:
    session.rollback()
    return dict(session.execute(sa.select(Rsvp.user_id, Rsvp.state).where(Rsvp.event_id == event_id)).all())


def queue(session, event_id) -> list[int]:
    session.rollback()
    return list(
        session.scalars(
            sa.select(Rsvp.user_id)
            .where(Rsvp.event_id == event_id, Rsvp.state == "waitlisted")
            .order_by(Rsvp.queued_at, Rsvp.id)
        )
    )


@pytest.fixture
def members(session):
    users = []
    for n in range(211):
        users.append(
            User(
                name=f"Member {n:03d}",
                email=f"m{n}@proof.example",
                password_hash=default_hash(),
                email_notifications=False,
            )
        )
    from eventsapp.profiles.models import Profile

    for user in users:
        user.profile = Profile(career_stage="intern")
    session.add_all(users)
    session.commit()
    return [u.id for u in users]


def signer_for(database_url):
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": SECRET, "TESTING": True})
    return app.session_interface.get_signing_serializer(app)


def report(line: str) -> None:
    REPORT.parent.mkdir(exist_ok=True)
    backend = "PostgreSQL" if os.environ.get("TEST_DATABASE_URL") else "SQLite"
    with REPORT.open("a") as handle:
        handle.write(f"[{backend}] {line}\n")


def test_four_workers_never_oversell_and_promote_in_order(session, database_url, members, tmp_path):
    event = make_event(capacity=50, title="Proof")
    event_id, signer = event.id, signer_for(database_url)
    server = Server(database_url, tmp_path)
    try:
        crowd = [Member(server, uid, signer, event_id) for uid in members[:200]]
        statuses = at_once([(lambda m=m: m.answer("going")) for m in crowd])
        result = states(session, event_id)
        going = [uid for uid, s in result.items() if s == "going"]
        waiting = queue(session, event_id)
        report(
            f"200 answer 'going' at once to 50 seats: {len(going)} going, {len(waiting)} waitlisted, "
            f"{len(result)} rows, responses {sorted(set(statuses))}"
        )
        assert all(code == 302 for code in statuses)
        assert len(going) == 50 and len(waiting) == 150 and len(result) == 200

        leaving = going[:20]
        by_user = {m_id: m for m_id, m in zip(members[:200], crowd, strict=True)}
        first_in_line = waiting[:20]
        statuses = at_once([(lambda m=by_user[uid]: m.answer("declined")) for uid in leaving])
        result = states(session, event_id)
        promoted = [uid for uid in first_in_line if result[uid] == "going"]
        report(
            f"20 seated withdraw at once: {len(promoted)} of the first 20 in line promoted, "
            f"{sum(1 for s in result.values() if s == 'going')} going, {len(queue(session, event_id))} waitlisted"
        )
        assert all(code == 302 for code in statuses)
        assert promoted == first_in_line
        assert sum(1 for s in result.values() if s == "going") == 50
        assert queue(session, event_id) == waiting[20:]

        clicker = Member(server, members[200], signer, event_id)
        statuses = at_once([(lambda: clicker.answer("going")) for _ in range(10)])
        rows = session.scalar(sa.select(sa.func.count()).select_from(Rsvp).where(Rsvp.user_id == members[200]))
        report(f"one member's 10 simultaneous clicks: {rows} row")
        assert rows == 1 and all(code == 302 for code in statuses)
    finally:
        server.stop()


def test_the_proof_catches_a_race_when_locking_is_off(session, database_url, members, tmp_path):
    """With the locking off, one member per worker answers 'going' at once
    for the last free seat; each is held after reading the count until all
    have read, so each sees the seat free and takes it."""
    capacity, seated = 5, members[:4]
    event = make_event(capacity=capacity, title="Control")
    for uid in seated:
        make_rsvp(event, session.get(User, uid))
    event_id, signer = event.id, signer_for(database_url)
    barrier = RaceBarrier(parties=WORKERS)
    server = Server(database_url, tmp_path, "tests.race_app:create_race_app()", RACE_BARRIER=barrier.path)
    try:
        crowd = [Member(server, uid, signer, event_id) for uid in members[4 : 4 + WORKERS]]
        statuses = at_once([(lambda m=m: m.answer("going")) for m in crowd])
    finally:
        server.stop()
        barrier.close()
    going = sum(1 for s in states(session, event_id).values() if s == "going")
    report(
        f"control, locking off: {WORKERS} answer 'going' at once for the last of {capacity} seats, "
        f"{barrier.arrived} held between reading the count and writing until all had read: "
        f"{going} going (oversold by {going - capacity}, as it must be), responses {sorted(set(statuses))}"
    )
    assert barrier.arrived == WORKERS
    assert all(code == 302 for code in statuses)
    assert going == len(seated) + WORKERS
