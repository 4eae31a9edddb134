"""The authorization matrix: every route × seven people → what they get.

The table is MATRIX in tests/security_routes.py. Each row runs on a database
of its own; whatever a request can change is made fresh for each person. A
person refused (sent to log in, 403 or 404), or told no by a rule (an error
message or 422), must leave every table exactly as it was; a POST the matrix
allows must change it (but for the few in ACTS_WITHOUT_WRITING), so that
a polite refusal is never taken for the action. The same responses are
checked for the protective headers every page carries.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from eventsapp import create_app
from eventsapp.extensions import db
from tests.conftest import BASE_CONFIG, IsolatedClient
from tests.factories import make_user
from tests.security_routes import (
    ACTS_WITHOUT_WRITING,
    ALLOWED,
    MATRIX,
    REFUSED,
    ROLES,
    RULED_OUT,
    STATE_CHANGING,
    app_routes,
    build_world,
    fingerprint,
    log_in,
    outcome,
    record_coverage,
)


@dataclass
class Cell:
    label: str
    endpoint: str
    method: str
    role: str
    expected: str
    got: str
    changed: bool
    headers: dict
    path: str


def walk_row(row, databases, tmp_path_factory, **config):
    """Send the row's request as each person, on a database of the row's own."""
    folder = tmp_path_factory.mktemp("matrix")
    url = databases.fresh(folder)
    app = create_app(
        {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": str(folder / "instance"), **config}
    )
    app.test_client_class = IsolatedClient
    cells = []
    try:
        with app.app_context():
            world = build_world()
            for role in ROLES:
                target = row.prepare(world, role)
                db.session.commit()
                client = app.test_client()
                log_in(client, world.people[role])  # (logging in writes its session: before the count)
                before = fingerprint()
                response = client.open(target.path, method=row.method, data=target.data or None)
                db.session.rollback()
                cells.append(
                    Cell(
                        row.label,
                        row.endpoint,
                        row.method,
                        role,
                        row.expected[role],
                        outcome(response, client),
                        fingerprint() != before,
                        dict(response.headers),
                        target.path,
                    )
                )
            db.session.remove()
    finally:
        with app.app_context():
            db.engine.dispose()
        databases.release(url)
    return cells


# Every route as every role, once for the tests below that read it: those
# are marked slow, since the walk is what takes the time.
@pytest.fixture(scope="module")
def walk(databases, tmp_path_factory):
    return [cell for row in MATRIX for cell in walk_row(row, databases, tmp_path_factory)]


def test_every_route_has_a_row(app):
    """A new route fails here until the matrix says who may use it."""
    covered = {(row.endpoint, row.method) for row in MATRIX}
    missing = app_routes(app) - covered
    assert not missing, f"routes without a row in MATRIX (tests/security_routes.py): {sorted(missing)}"
    stale = covered - app_routes(app)
    assert not stale, f"rows for routes the app no longer has: {sorted(stale)}"


def allowed_posts(walk) -> list[Cell]:
    """The cells where the matrix lets the person's POST through (200 or a plain redirect)."""
    return [c for c in walk if c.method in STATE_CHANGING and c.expected in ALLOWED and c.got == c.expected]


@pytest.mark.slow
def test_everyone_gets_what_the_matrix_promises(walk):
    wrong = [
        f"  {c.label:<48} {c.role:<16} expected {c.expected:<6} got {c.got:<6} {c.path}"
        for c in walk
        if c.got != c.expected
    ]
    assert not wrong, "route × person answered differently from the matrix:\n" + "\n".join(wrong)
    routes = {(c.endpoint, c.label.split()[0]) for c in walk}
    posts = allowed_posts(walk)
    acted = sum(c.changed for c in posts)
    idle = [
        ACTS_WITHOUT_WRITING[c.endpoint, c.role]
        for c in posts
        if (c.endpoint, c.role) in ACTS_WITHOUT_WRITING and not c.changed
    ]
    record_coverage(
        f"Authorization matrix: {len(routes)} routes ({len(MATRIX)} rows) × {len(ROLES)} roles = "
        f"{len(walk)} checks, every one as expected (200/302/403/404/422/error message); "
        f"of {len(posts)} allowed POSTs {acted} changed the database, {len(idle)} rightly did not "
        f"({', '.join(sorted(set(idle)))})"
    )


@pytest.mark.slow
def test_a_refused_request_changes_nothing(walk):
    changed = [f"  {c.label} as {c.role} ({c.got})" for c in walk if c.got in REFUSED | RULED_OUT and c.changed]
    assert not changed, "refused, yet the database changed:\n" + "\n".join(changed)
    assert sum(c.got in REFUSED for c in walk) > 100  # the check ran on many refusals


@pytest.mark.slow
def test_an_allowed_post_does_what_it_was_sent_to_do(walk):
    """A 302 also answers a polite refusal: allowed means the database shows the action."""
    posts = allowed_posts(walk)
    idle = [
        f"  {c.label} as {c.role} ({c.got})"
        for c in posts
        if not c.changed and (c.endpoint, c.role) not in ACTS_WITHOUT_WRITING
    ]
    assert not idle, "allowed, yet nothing changed in the database:\n" + "\n".join(idle)
    stale = [f"  {c.label} as {c.role}" for c in posts if c.changed and (c.endpoint, c.role) in ACTS_WITHOUT_WRITING]
    assert not stale, "listed in ACTS_WITHOUT_WRITING, yet the database changed:\n" + "\n".join(stale)
    assert sum(c.changed for c in posts) > 50  # the check ran on many actions


@pytest.mark.slow
def test_every_response_carries_the_protective_headers(walk):
    problems = []
    for c in walk:
        csp = c.headers.get("Content-Security-Policy", "")
        directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
        script = directives.get("script-src", directives.get("default-src", []))
        checks = {
            "CSP script-src without inline script": script
            and "'unsafe-inline'" not in script
            and "'unsafe-eval'" not in script,
            "frame-ancestors 'none'": directives.get("frame-ancestors") == ["'none'"],
            "nosniff": c.headers.get("X-Content-Type-Options") == "nosniff",
            "Referrer-Policy": c.headers.get("Referrer-Policy")
            in ("same-origin", "no-referrer", "strict-origin-when-cross-origin"),
        }
        problems += [f"  {c.label} as {c.role}: {name}" for name, ok in checks.items() if not ok]
    assert not problems, "missing protective headers:\n" + "\n".join(problems)
    routes = {(c.endpoint, c.label.split()[0]) for c in walk}
    record_coverage(
        f"Headers: checked on {len(routes)} routes ({len(walk)} responses): CSP without inline "
        "script, frame-ancestors 'none', nosniff, Referrer-Policy"
    )


@pytest.mark.slow
def test_private_feeds_and_personal_downloads_are_never_cached_or_referred(walk):
    feeds = [c for c in walk if c.endpoint == "ical.personal_feed" and c.got == "200"]
    assert len(feeds) == len(ROLES)
    for c in feeds:
        assert c.headers["Referrer-Policy"] == "no-referrer"
        assert c.headers["Cache-Control"].startswith("private")
    for c in walk:
        if c.endpoint in ("accounts.export", "attendance.export") and c.got == "200":
            assert "no-store" in c.headers["Cache-Control"] and "private" in c.headers["Cache-Control"]


def test_nobody_reads_another_members_notifications_requests_data_or_feed(app, client):
    """Statuses aside: what the intern keeps private appears on no page of
    anyone else, admins included."""
    from eventsapp.ical import services as ical
    from eventsapp.notifications.models import Notification, NotificationKind

    world = build_world()
    intern = world.intern
    another_intern = make_user(
        "Ines Intern", email="intern2@hospital.example", stage="intern", interests=["Cardiology"]
    )
    db.session.add(
        Notification(
            user_id=intern.id, kind=NotificationKind.PROMOTED, message="A seat opened for you at Private Rounds"
        )
    )
    db.session.commit()
    world.introduction("pending").message = "Private hopes about cardiology"
    db.session.commit()
    token = ical.feed_token(ical.create_or_rotate(db.session, intern))
    notification, hopes = "A seat opened for you at Private Rounds", "Private hopes about cardiology"
    private = [notification, hopes, token]
    pages = ["/notifications", "/introductions", "/account/export.json", "/profile", f"/people/{intern.id}"]

    log_in(client, intern)  # the intern sees each of them, so the pages below are the right ones to search
    seen = " ".join(client.get(page, follow_redirects=True).get_data(as_text=True) for page in pages)
    assert all(secret in seen for secret in private)
    # The senior is asked, so reads the request; nothing else of the intern's.
    viewers = {
        "another intern": (another_intern, private),
        "senior": (world.senior, [notification, token]),
        **{role: (world.people[role], private) for role in ("other_organizer", "organizer", "admin")},
    }
    for name, (viewer, secrets) in viewers.items():
        log_in(client, viewer)
        for page in pages + [f"/people/{viewer.id}"]:
            text = client.get(page, follow_redirects=True).get_data(as_text=True)
            leaked = [secret for secret in secrets if secret in text]
            assert not leaked, f"{name} sees the intern's {leaked} on {page}"
    log_in(client, world.senior)
    assert hopes in client.get("/introductions").get_data(as_text=True)  # so the page searched above is right
