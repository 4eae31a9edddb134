"""What the browser is told to protect: HSTS over HTTPS, cookie flags, the
413 page. The headers on every route are checked in test_security_matrix.py
(one request per route and role)."""

from __future__ import annotations

import pytest

from eventsapp.accounts.models import Role
from eventsapp.extensions import db
from eventsapp.ical import services as ical
from tests.factories import DEFAULT_PASSWORD, make_event, make_user

HSTS = "Strict-Transport-Security"


def test_https_pages_ask_browsers_to_stay_on_https(client):
    response = client.get("/", base_url="https://localhost")
    assert response.headers[HSTS].startswith("max-age=")
    max_age = int(response.headers[HSTS].split(";")[0].removeprefix("max-age="))
    assert max_age >= 180 * 24 * 3600
    assert "includeSubDomains" in response.headers[HSTS]


def test_plain_http_pages_carry_no_hsts(client):
    # Over plain HTTP the header means nothing, and a development server must
    # not pin localhost to HTTPS in the developer's browser.
    assert HSTS not in client.get("/").headers


def test_error_pages_over_https_carry_hsts_too(client):
    assert HSTS in client.get("/no-such-page", base_url="https://localhost").headers


def test_behind_a_trusted_proxy_the_forwarded_scheme_decides_hsts(make_app):
    forwarded = {"X-Forwarded-Proto": "https"}
    trusted = make_app(PROXIES=1).test_client()
    assert HSTS in trusted.get("/", headers=forwarded).headers
    assert HSTS not in trusted.get("/").headers
    # Without PROXIES anyone could send the header: it is not believed.
    untrusted = make_app().test_client()
    assert HSTS not in untrusted.get("/", headers=forwarded).headers


def _login_cookies(client, base_url: str, remember: bool = False) -> dict[str, str]:
    response = client.post(
        "/login",
        base_url=base_url,
        data={"email": "m@hospital.example", "password": DEFAULT_PASSWORD, **({"remember": "y"} if remember else {})},
    )
    assert response.status_code == 302
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_session_cookie_over_https_is_secure_http_only_and_same_site_lax(client):
    make_user(email="m@hospital.example")
    cookie = _login_cookies(client, "https://localhost")["session"]
    assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_session_cookie_over_plain_http_still_works_for_development(client):
    make_user(email="m@hospital.example")
    cookie = _login_cookies(client, "http://localhost")["session"]
    assert "; Secure" not in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_marks_session_and_remember_cookies_secure(make_app, monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    app = make_app(SERVER_NAME="localhost")
    with app.app_context():
        make_user(email="m@hospital.example")
    cookies = _login_cookies(app.test_client(), "https://localhost", remember=True)
    for name in ("session", "remember_token"):
        assert "; Secure" in cookies[name] and "; HttpOnly" in cookies[name] and "SameSite=Lax" in cookies[name]


@pytest.mark.parametrize("url", ["/login", "/register", "/events/new"])
def test_a_post_too_large_is_a_413_page_in_the_apps_look(make_app, url):
    app = make_app(WTF_CSRF_ENABLED=True)
    response = app.test_client().post(url, data={"description": "x" * (app.config["MAX_CONTENT_LENGTH"] + 1)})
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "That was too much to send at once" in page and "Error 413" in page
    assert "<nav" in page  # the site's own layout, not a bare server message


NO_STORE = "private, no-store"


def _organizer_and_event(auth):
    organizer = make_user(email="org@hospital.example", role=Role.ORGANIZER)
    event = make_event(organizer)
    auth.login(organizer.email)
    return organizer, event


def test_the_check_in_qr_page_is_kept_out_of_every_cache(client, auth):
    _, event = _organizer_and_event(auth)
    response = client.get(f"/events/{event.id}/qr")
    assert response.status_code == 200 and event.checkin_secret in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == NO_STORE


def test_the_attendee_list_export_is_kept_out_of_every_cache(client, auth):
    _, event = _organizer_and_event(auth)
    response = client.get(f"/events/{event.id}/attendees.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == NO_STORE


def test_a_members_data_export_and_private_feed_link_are_kept_out_of_every_cache(client, auth):
    member = make_user(email="m@hospital.example")
    token = ical.feed_token(ical.create_or_rotate(db.session, member))
    auth.login(member.email)
    export = client.get("/account/export.json")
    assert export.status_code == 200 and export.headers["Cache-Control"] == NO_STORE
    profile = client.get(f"/people/{member.id}")
    assert profile.status_code == 200 and token in profile.get_data(as_text=True)
    assert profile.headers["Cache-Control"] == NO_STORE


def test_the_check_in_link_is_not_repeated_in_a_referer_or_kept_in_a_cache(client, auth):
    event = make_event()
    link = f"/events/{event.id}/check-in/{event.checkin_secret}"
    # Before logging in: the login page's address holds the link in next=.
    sent_to_login = client.get(link)
    assert sent_to_login.status_code == 302 and event.checkin_secret in sent_to_login.location
    login_page = client.get(sent_to_login.location)
    assert login_page.status_code == 200 and login_page.headers["Referrer-Policy"] == "no-referrer"
    auth.login(make_user(email="m@hospital.example").email)
    page = client.get(link)
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == NO_STORE
