"""The CSRF walk: every state-changing route of the app (from its URL map),
sent by a person who may use it, is refused with 400 and changes nothing
without a token, or with a token from someone else's session; with the token
the page gave them, the same request does what the authorization matrix says
(and, where it is allowed, shows in the database).
"""

from __future__ import annotations

import pytest

from eventsapp import create_app
from eventsapp.extensions import db
from tests.conftest import BASE_CONFIG, IsolatedClient
from tests.security_routes import (
    ACTS_WITHOUT_WRITING,
    ALLOWED,
    MATRIX,
    REFUSED,
    STATE_CHANGING,
    app_routes,
    build_world,
    csrf_token_from_page,
    fingerprint,
    log_in,
    outcome,
    record_coverage,
)

# Who sends each request: the first of these the matrix lets act (or, failing that, not refused).
SENDERS = ("anonymous", "organizer", "admin", "senior", "intern", "other_organizer")
EXPIRED = "This form has expired"


def state_changing_rows():
    return [row for row in MATRIX if row.method in STATE_CHANGING and not row.variant]


def test_every_state_changing_route_is_in_the_walk(app):
    walked = {(row.endpoint, row.method) for row in state_changing_rows()}
    assert {route for route in app_routes(app) if route[1] in STATE_CHANGING} == walked


@pytest.mark.slow
def test_every_state_changing_route_refuses_a_request_without_a_valid_token(databases, tmp_path_factory):
    failures, walked, idle = [], 0, []
    for row in state_changing_rows():
        role = next(
            (r for r in SENDERS if row.expected[r] in ALLOWED),
            next(r for r in SENDERS if row.expected[r] not in REFUSED),
        )
        folder = tmp_path_factory.mktemp("csrf")
        url = databases.fresh(folder)
        app = create_app(
            {
                **BASE_CONFIG,
                "WTF_CSRF_ENABLED": True,
                "SQLALCHEMY_DATABASE_URI": url,
                "INSTANCE_PATH": str(folder / "instance"),
            }
        )
        app.test_client_class = IsolatedClient
        try:
            with app.app_context():
                world = build_world()
                person = world.people[role]
                target = row.prepare(world, role)
                db.session.commit()
                attacker, someone_else = app.test_client(), world.people["intern" if role != "intern" else "senior"]
                log_in(attacker, someone_else)
                someone_elses_token = csrf_token_from_page(attacker, someone_else)
                client = app.test_client()
                log_in(client, person)
                own_token = csrf_token_from_page(client, person)
                before = fingerprint()
                for name, token in (("no token", None), ("another session's token", someone_elses_token)):
                    data = dict(target.data) | ({"csrf_token": token} if token else {})
                    response = client.open(target.path, method=row.method, data=data)
                    if response.status_code != 400 or EXPIRED not in response.get_data(as_text=True):
                        failures.append(f"  {row.label} as {role}, {name}: {response.status_code}")
                    if fingerprint() != before:
                        failures.append(f"  {row.label} as {role}, {name}: the database changed")
                # The same request with the page's token is not refused: the 400 came from the token.
                response = client.open(
                    target.path, method=row.method, data=dict(target.data) | {"csrf_token": own_token}
                )
                got = outcome(response, client)
                if got != row.expected[role]:
                    failures.append(f"  {row.label} as {role}, with its token: {got}, expected {row.expected[role]}")
                elif got in ALLOWED and (row.endpoint, role) not in ACTS_WITHOUT_WRITING and fingerprint() == before:
                    failures.append(f"  {row.label} as {role}, with its token: {got}, yet the database is unchanged")
                walked += 1
                if fingerprint() == before:
                    idle.append(row.endpoint)
                db.session.remove()
        finally:
            with app.app_context():
                db.engine.dispose()
            databases.release(url)
    assert not failures, "CSRF protection failed:\n" + "\n".join(failures)
    record_coverage(
        f"CSRF walk: {walked} state-changing routes, every one rejected a request without a token "
        "and with another session's token (400, database unchanged), and accepted it with the page's token "
        f"({walked - len(idle)} then changed the database; not {', '.join(idle) or 'one'}, by design)"
    )
