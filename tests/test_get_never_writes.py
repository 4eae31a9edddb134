"""A GET never writes: every GET route of the matrix (tests/security_routes.py),
asked by each of its seven people, runs no INSERT, UPDATE or DELETE, even with
an introduction request past its date waiting to be expired."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventsapp import create_app
from eventsapp.extensions import db
from eventsapp.introductions.models import IntroRequest, RequestStatus
from eventsapp.timeutil import utcnow
from tests.conftest import BASE_CONFIG, IsolatedClient
from tests.security_routes import MATRIX, ROLES, build_world, log_in

# (The walk of every route as every role is the cost.)
pytestmark = pytest.mark.slow

WRITES = ("INSERT", "UPDATE", "DELETE")
#: The one write a GET may make: an audit entry recording a download of
#: personal data (docs/audit.md); it changes nothing a user sees elsewhere.
AUDIT_INSERT = "INSERT INTO audit_entry"


def overdue_request(world) -> int:
    """The intern's request to the senior, unanswered past its date."""
    now = utcnow()
    request = IntroRequest(
        requester_id=world.intern.id,
        senior_id=world.senior.id,
        message="Hello",
        status=RequestStatus.PENDING,
        created_at=now - timedelta(days=15),
        expires_at=now - timedelta(days=1),
    )
    db.session.add(request)
    db.session.flush()
    return request.id


def still_pending(request_id: int) -> None:
    """Back to waiting, should a request before this one have expired it."""
    db.session.execute(
        sa.update(IntroRequest)
        .where(IntroRequest.id == request_id)
        .values(status=RequestStatus.PENDING, responded_at=None)
    )


def test_no_get_route_writes_whoever_asks(databases, tmp_path):
    url = databases.fresh(tmp_path)
    app = create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(tmp_path / "instance")})
    app.test_client_class = IsolatedClient
    writes: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(WRITES) and not statement.lstrip().startswith(AUDIT_INSERT):
            writes.append(statement.split()[0] + " " + " ".join(statement.split()[1:3]))

    asked = 0
    try:
        with app.app_context():
            world = build_world()
            overdue = overdue_request(world)
            db.session.commit()
            sa.event.listen(db.engine, "before_cursor_execute", record)
            for row in (r for r in MATRIX if r.method == "GET"):
                for role in ROLES:
                    sa.event.remove(db.engine, "before_cursor_execute", record)
                    target = row.prepare(world, role)  # (preparing the data writes: not counted)
                    still_pending(overdue)
                    db.session.commit()
                    sa.event.listen(db.engine, "before_cursor_execute", record)
                    client = app.test_client()
                    log_in(client, world.people[role])
                    before = len(writes)
                    status = client.get(target.path).status_code
                    db.session.rollback()
                    asked += 1
                    assert len(writes) == before, f"GET {target.path} as {role} wrote: {writes[before:]}"
                    assert status < 500, f"GET {target.path} as {role} answered {status}"
            sa.event.remove(db.engine, "before_cursor_execute", record)
            db.session.remove()
    finally:
        with app.app_context():
            db.engine.dispose()
        databases.release(url)
    assert asked > 100  # every GET route, six times
