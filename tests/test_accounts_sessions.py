"""Logins that end on the server: logging out, everywhere, a new password,
an admin's removal, and lifetimes (docs/sessions.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventsapp import create_app
from eventsapp.accounts.models import UserSession
from eventsapp.accounts.sessions import describe_device
from eventsapp.config import ConfigError
from eventsapp.timeutil import utcnow
from eventsapp.worker import all_jobs
from tests.conftest import BASE_CONFIG
from tests.factories import DEFAULT_PASSWORD, make_user

EMAIL = "sam@hospital.example"
SIGNED_IN_PAGE = "/account/sessions"


def browser(app):
    return app.test_client()


def log_in(client, email=EMAIL, password=DEFAULT_PASSWORD, **extra):
    response = client.post("/login", data={"email": email, "password": password, **extra})
    assert response.status_code == 302, response.status_code
    return response


def signed_in(client) -> bool:
    """Whether a page for members opens (else: sent to log in)."""
    response = client.get(SIGNED_IN_PAGE)
    assert response.status_code in (200, 302)
    return response.status_code == 200


def copy_of(app, client, *names):
    """Another browser holding a copy of these cookies of `client`."""
    other = app.test_client()
    for name in names:
        cookie = client.get_cookie(name)
        other.set_cookie(name, cookie.value)
    return other


@pytest.fixture
def sam(app):
    return make_user("Sam Rivera", email=EMAIL)


def test_a_copied_session_cookie_stops_working_after_logout(app, client, sam):
    log_in(client)
    stolen = copy_of(app, client, "session")
    assert signed_in(stolen)
    client.post("/logout")
    assert not signed_in(client)
    assert not signed_in(stolen)


def test_a_copied_remember_me_cookie_stops_working_after_logout(app, client, sam):
    log_in(client, remember="y")
    stolen = copy_of(app, client, "remember_token")  # (no session cookie: a browser restarted)
    assert signed_in(stolen)
    client.post("/logout")
    assert not signed_in(stolen)


def test_logging_out_one_browser_leaves_the_others_logged_in(app, client, sam):
    log_in(client)
    phone = browser(app)
    log_in(phone)
    phone.post("/logout")
    assert signed_in(client) and not signed_in(phone)


def test_log_out_everywhere_ends_every_login_of_the_member_and_no_one_elses(app, client, sam):
    make_user(email="other@hospital.example")
    log_in(client)
    phone, colleague = browser(app), browser(app)
    log_in(phone)
    log_in(colleague, "other@hospital.example")
    response = client.post("/account/sessions/end")
    assert response.status_code == 302
    assert not signed_in(client) and not signed_in(phone)
    assert signed_in(colleague)


def change_password(client, current=DEFAULT_PASSWORD, new="a brand new passphrase"):
    return client.post("/account/password", data={"current": current, "password": new, "confirm": new})


def test_a_new_password_logs_out_the_other_devices_and_keeps_this_one(app, client, sam):
    log_in(client)
    phone = browser(app)
    log_in(phone)
    assert change_password(client).status_code == 302
    assert signed_in(client) and not signed_in(phone)
    log_in(phone, password="a brand new passphrase")
    assert signed_in(phone)


def test_a_new_password_also_ends_a_copy_of_this_browsers_cookies(app, client, sam):
    log_in(client, remember="y")
    stolen = copy_of(app, client, "session")
    kept = copy_of(app, client, "remember_token")
    assert change_password(client).status_code == 302
    assert signed_in(client)  # this browser, signed in afresh
    assert not signed_in(stolen) and not signed_in(kept)
    assert copy_of(app, client, "remember_token").get(SIGNED_IN_PAGE).status_code == 200  # still remembered


def test_the_new_password_must_differ_from_the_current_one(client, sam):
    log_in(client)
    response = change_password(client, new=DEFAULT_PASSWORD)
    assert response.status_code == 422 and "That is your current password" in response.get_data(as_text=True)


def test_guesses_at_the_current_password_are_limited_as_logins_are(app, client, sam):
    log_in(client)
    app.config.update(AUTH_RATE_LIMIT_ENABLED=True, AUTH_RATE_LIMIT_LOGIN_PER_ACCOUNT="3 per 15 minutes")
    statuses = [change_password(client, current=f"guess number {n}").status_code for n in range(4)]
    assert statuses == [422, 422, 422, 429]
    refused = change_password(client)  # the right one, too late
    assert refused.status_code == 429 and "Retry-After" in refused.headers
    assert signed_in(client)
    app.config.update(AUTH_RATE_LIMIT_ENABLED=False)
    log_in(browser(app))  # the password did not change


def test_a_wrong_current_password_changes_nothing_and_ends_nothing(app, client, sam):
    log_in(client)
    phone = browser(app)
    log_in(phone)
    response = change_password(client, current="not my password")
    assert response.status_code == 422 and "That is not your current password." in response.get_data(as_text=True)
    assert signed_in(client) and signed_in(phone)
    log_in(browser(app))  # the old password still works


def test_an_admins_removal_logs_the_member_out_everywhere(app, client, sam, session):
    make_user(email="admin@hospital.example", role="admin")
    sam_id = sam.id
    log_in(client)
    admin = browser(app)
    log_in(admin, "admin@hospital.example")
    page = admin.get(f"/admin/people/{sam_id}/remove")
    assert page.status_code == 200 and EMAIL in page.get_data(as_text=True)
    assert admin.post(f"/admin/people/{sam_id}/remove", data={}).status_code == 422  # the box unticked
    assert signed_in(client)
    response = admin.post(f"/admin/people/{sam_id}/remove", data={"confirm": "y"})
    assert response.status_code == 302
    assert not signed_in(client)
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(UserSession).where(UserSession.user_id == sam_id)) == 0


def test_an_admin_cannot_remove_another_admin(app, client, session):
    make_user(email="admin@hospital.example", role="admin")
    other = make_user(email="admin2@hospital.example", role="admin")
    log_in(client, "admin@hospital.example")
    assert client.post(f"/admin/people/{other.id}/remove", data={"confirm": "y"}).status_code == 422
    session.rollback()
    assert session.get(type(other), other.id) is not None


def at(monkeypatch, moment):
    """Pin the clock the login check reads."""
    monkeypatch.setattr("eventsapp.web.signedin.utcnow", lambda: moment)


def test_a_login_ends_after_the_session_lifetime(make_app, sam, monkeypatch):
    app = make_app(SESSION_LIFETIME_HOURS=8)
    client = app.test_client()
    now = utcnow()
    at(monkeypatch, now)
    log_in(client)
    at(monkeypatch, now + timedelta(hours=7, minutes=59))
    assert signed_in(client)
    at(monkeypatch, now + timedelta(hours=8, minutes=1))
    assert not signed_in(client)


def test_keep_me_logged_in_lasts_the_remember_duration_and_no_longer(make_app, sam, monkeypatch):
    app = make_app(REMEMBER_COOKIE_DURATION=timedelta(days=10))
    client = app.test_client()
    now = utcnow()
    at(monkeypatch, now)
    log_in(client, remember="y")
    at(monkeypatch, now + timedelta(days=9))
    assert signed_in(client)
    at(monkeypatch, now + timedelta(days=10, minutes=1))
    assert not signed_in(client)


def test_a_cookie_naming_only_the_account_signs_nobody_in(client, sam):
    """The form cookies had before logins became rows: their owner logs in again."""
    with client.session_transaction() as cookie:
        cookie["_user_id"] = str(sam.id)
        cookie["_fresh"] = True
    assert not signed_in(client)


def test_the_member_sees_where_they_are_logged_in_and_which_is_this_device(app, client, sam):
    firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
    iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Version/18.1 Safari/604.1"
    client.environ_base["HTTP_USER_AGENT"] = firefox
    log_in(client)
    phone = browser(app)
    phone.environ_base["HTTP_USER_AGENT"] = iphone
    log_in(phone, remember="y")
    page = client.get(SIGNED_IN_PAGE).get_data(as_text=True)
    assert 'Firefox on Windows</strong> <span class="badge">This device</span>' in page
    assert "Safari on iPhone</strong>\n" in page and "(kept logged in)" in page
    assert firefox not in page


def test_the_last_active_time_moves_on_a_change_but_never_on_a_read(app, client, sam, session, monkeypatch):
    now = utcnow()
    at(monkeypatch, now)
    log_in(client)
    later = now + timedelta(minutes=30)
    at(monkeypatch, later)

    def last_seen():
        session.rollback()
        return session.scalar(sa.select(UserSession.last_seen_at).where(UserSession.user_id == sam.id))

    client.get(SIGNED_IN_PAGE)
    assert last_seen() == now
    assert client.post("/notifications/read").status_code == 302
    assert last_seen() == later


def test_the_worker_deletes_expired_logins_and_keeps_the_others(app, client, sam, session):
    log_in(client)
    now = utcnow()
    session.add(
        UserSession(
            id="0" * 64,
            user_id=sam.id,
            created_at=now - timedelta(days=2),
            last_seen_at=now - timedelta(days=2),
            expires_at=now - timedelta(days=1),
        )
    )
    session.commit()
    [purge] = [job for job in all_jobs() if job.name == "purge-sessions"]
    assert purge.run(session, now) == 1
    assert signed_in(client)
    assert session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 1


@pytest.mark.parametrize(
    ("agent", "shown"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36 Edg/131.0",
            "Edge on Windows",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7) AppleWebKit/605.1.15 Version/18.1 Safari/605.1.15",
            "Safari on macOS",
        ),
        ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36", "Chrome on Android"),
        ("curl/8.5.0", "A browser"),
        (None, "A browser"),
    ],
)
def test_a_device_is_named_by_its_browser_and_system(agent, shown):
    assert describe_device(agent) == shown


@pytest.mark.parametrize("hours", [0, -1, "twelve", True])
def test_a_session_lifetime_that_is_not_a_number_of_hours_stops_the_app(tmp_path, hours):
    with pytest.raises(ConfigError, match="SESSION_LIFETIME_HOURS"):
        create_app({**BASE_CONFIG, "SESSION_LIFETIME_HOURS": hours, "INSTANCE_PATH": str(tmp_path)})
