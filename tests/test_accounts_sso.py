"""Signing in with the hospital account, against a real OpenID provider
(node-oidc-provider, tests/oidc): the app's side runs in the test client,
the person's side at the provider with requests, as a browser would."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest
import requests
import sqlalchemy as sa

from eventsapp.accounts.models import User, UserIdentity
from eventsapp.extensions import db
from eventsapp.timeutil import utcnow
from tests.conftest import IsolatedClient
from tests.factories import DEFAULT_PASSWORD, make_department, make_user
from tests.oidc_provider import Provider, free_port, through_provider

APP = "http://localhost/"
CALLBACK = APP + "login/sso/callback"


@pytest.fixture(scope="module")
def provider():
    running = Provider(CALLBACK)
    yield running
    running.stop()


@pytest.fixture
def sso(make_app, provider):
    """Build the app signed in against `provider` (or another), and its client."""

    def build(at=None, **settings):
        app = make_app(**{**(at or provider).settings(), **settings})
        app.test_client_class = IsolatedClient
        return app, app.test_client()

    return build


@pytest.fixture
def app_and_client(sso):
    app, client = sso()
    with app.app_context():
        yield app, client


def start(client, login: str, *, change=None, data=None) -> str:
    """Press "Sign in with your hospital account", sign in at the provider
    as `login`; the address it sends the browser back to. `change` alters
    the request to the provider on its way (what an attacker could do)."""
    pressed = client.post("/login/sso", data=data or {})
    assert pressed.status_code == 302, pressed.get_data(as_text=True)
    url = pressed.location
    if change:
        parts = urlsplit(url)
        url = urlunsplit(parts._replace(query=urlencode(change(dict(parse_qsl(parts.query))))))
    with requests.Session() as browser:
        return through_provider(browser, url, login, back_to=APP)


def come_back(client, address: str):
    return client.get(address.removeprefix("http://localhost"), follow_redirects=True)


def signed_in(client) -> bool:
    return client.get("/account/sessions").status_code == 200


def refused_for(caplog, reason: str) -> bool:
    """The app's log names the check that failed (the page, rightly, does not)."""
    return any("sign-in refused" in r.getMessage() and reason in r.getMessage() for r in caplog.records)


def page_says(response, text: str) -> bool:
    return text in response.get_data(as_text=True).replace("&#39;", "'")


def test_first_hospital_sign_in_makes_an_account_that_asks_only_stage_and_department(app_and_client):
    _, client = app_and_client
    cardiology = make_department("Cardiology")
    page = come_back(client, start(client, "nadia"))
    assert page.request.path == "/login/sso/welcome"
    assert page_says(page, "Career stage") and page_says(page, "Department") and not page_says(page, "Short bio")
    home = client.post(
        "/login/sso/welcome",
        data={"career_stage": "intern", "department_id": str(cardiology.id)},
        follow_redirects=True,
    )
    assert page_says(home, "Welcome, Nadia Rahman")
    user = db.session.scalar(sa.select(User).where(User.email == "nadia.rahman@hospital.example"))
    assert (user.profile.career_stage, user.profile.department.name) == ("intern", "Cardiology")
    # One session, as a password login makes: listed, and ended by logging out everywhere.
    assert signed_in(client)
    client.post("/account/sessions/end")
    assert not signed_in(client)
    # No password opens the account: the hospital sign-in is its way in.
    refused = client.post("/login", data={"email": user.email, "password": "!sso"})
    assert refused.status_code == 422 and not signed_in(client)


def test_first_sign_in_with_a_verified_email_opens_the_existing_account_and_then_its_subject_does(app_and_client):
    _, client = app_and_client
    omar = make_user("Omar Haddad", email="omar.haddad@hospital.example", stage="resident", pgy_year=3)
    home = come_back(client, start(client, "omar"))
    assert home.request.path == "/" and signed_in(client)
    linked = db.session.scalars(sa.select(UserIdentity.user_id)).all()
    assert linked == [omar.id]
    # The provider's subject finds the account again, even after the address here changed.
    client.post("/logout")
    omar.email = "o.haddad@hospital.example"
    db.session.commit()
    come_back(client, start(client, "omar"))
    assert signed_in(client)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_an_unverified_email_opens_no_account(app_and_client):
    _, client = app_and_client
    make_user("Omar Haddad", email="omar.haddad@hospital.example")
    page = come_back(client, start(client, "unverified"))
    assert page.request.path == "/login"
    assert page_says(page, "has not verified your email address")
    assert not signed_in(client)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserIdentity)) == 0


def test_a_callback_used_twice_signs_nobody_in_the_second_time(app_and_client, caplog):
    _, client = app_and_client
    make_user(email="omar.haddad@hospital.example")
    address = start(client, "omar")
    come_back(client, address)
    client.post("/logout")
    again = come_back(client, address)
    assert page_says(again, "could not be completed") and not signed_in(client)
    assert refused_for(caplog, "MismatchingStateError")


def test_an_id_token_for_another_nonce_is_refused(app_and_client, caplog):
    _, client = app_and_client
    make_user(email="omar.haddad@hospital.example")
    address = start(client, "omar", change=lambda query: {**query, "nonce": "an-attacker-s-nonce"})
    page = come_back(client, address)
    assert page_says(page, "could not be completed") and not signed_in(client)
    assert refused_for(caplog, "'nonce'")


def test_an_expired_id_token_is_refused(app_and_client, monkeypatch, caplog):
    _, client = app_and_client
    make_user(email="omar.haddad@hospital.example")
    address = start(client, "omar")
    # The provider's ID tokens last an hour: by the app's clock, this one arrives three hours on.
    later = utcnow() + timedelta(hours=3)
    monkeypatch.setattr("eventsapp.web.sso.utcnow", lambda: later)
    page = come_back(client, address)
    assert page_says(page, "could not be completed") and not signed_in(client)
    assert refused_for(caplog, "ExpiredTokenError")


def test_an_id_token_from_another_issuer_is_refused(sso, caplog):
    """The provider names itself another issuer than the one the app trusts."""
    port = free_port()
    impostor = Provider(CALLBACK, port=port, issuer=f"http://127.0.0.1:{port}/another-tenant")
    try:
        app, client = sso(impostor, OIDC_ISSUER=impostor.url)
        with app.app_context():
            make_user(email="omar.haddad@hospital.example")
            page = come_back(client, start(client, "omar"))
            assert page_says(page, "could not be completed") and not signed_in(client)
            assert refused_for(caplog, "'iss'")
    finally:
        impostor.stop()


def test_an_id_token_whose_signature_fails_is_refused(sso, caplog):
    """The provider's published key has its signing key's id but not its material."""
    forger = Provider(CALLBACK, IMPOSTOR_KEYS="1")
    try:
        app, client = sso(forger)
        with app.app_context():
            make_user(email="omar.haddad@hospital.example")
            page = come_back(client, start(client, "omar"))
            assert page_says(page, "could not be completed") and not signed_in(client)
            assert refused_for(caplog, "BadSignatureError")
    finally:
        forger.stop()


def _nobody_answers() -> dict:
    port = free_port()  # bound and released: nothing listens there
    return {
        "OIDC_ISSUER": f"http://127.0.0.1:{port}",
        "OIDC_CLIENT_ID": "mentor-rounds",
        "OIDC_CLIENT_SECRET": "secret",
        "OIDC_TIMEOUT": 2.0,
    }


def test_a_provider_that_does_not_answer_leaves_the_password_login(make_app):
    app = make_app(**_nobody_answers())
    app.test_client_class = IsolatedClient
    client = app.test_client()
    page = client.post("/login/sso", follow_redirects=True)
    assert page.status_code == 200
    assert page_says(page, "The hospital sign-in is not answering; try again or use your password.")
    assert page_says(page, 'name="password"')
    with app.app_context():
        make_user(email="intern@hospital.example")
    client.post("/login", data={"email": "intern@hospital.example", "password": DEFAULT_PASSWORD})
    assert signed_in(client)


def test_with_passwords_off_only_the_hospital_sign_in_is_offered(make_app):
    app = make_app(**_nobody_answers(), PASSWORD_LOGIN=False)
    app.test_client_class = IsolatedClient
    client = app.test_client()
    with app.app_context():
        make_user(email="intern@hospital.example")
    login = client.get("/login")
    assert page_says(login, "Sign in with your hospital account") and not page_says(login, 'name="password"')
    refused = client.post("/login", data={"email": "intern@hospital.example", "password": DEFAULT_PASSWORD})
    assert refused.status_code == 403 and page_says(refused, "Passwords are not used here")
    assert not signed_in(client)
    closed = client.get("/register")
    assert closed.status_code == 403 and page_says(closed, "Accounts here come from the hospital sign-in")
    down = client.post("/login/sso", follow_redirects=True)
    assert page_says(down, "try again in a few minutes") and not page_says(down, "use your password")


def test_a_member_made_by_the_hospital_sign_in_deletes_their_account_without_a_password(app_and_client):
    _, client = app_and_client
    come_back(client, start(client, "nadia"))
    page = client.get("/account/delete")
    assert page.status_code == 200 and not page_says(page, 'name="password"')
    client.post("/account/delete", data={"confirm": "y"})
    assert not signed_in(client)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserIdentity)) == 0


def test_a_member_made_by_the_hospital_sign_in_is_told_there_is_no_password_to_change(app_and_client):
    _, client = app_and_client
    come_back(client, start(client, "nadia"))
    page = client.get("/account/password")
    assert page_says(page, "there is no password here to change") and not page_says(page, 'name="current"')
    refused = client.post("/account/password", data={"current": "x", "password": "a new long password", "confirm": "x"})
    assert refused.status_code == 403


def test_a_member_sent_to_log_in_comes_back_where_they_were_going(app_and_client):
    _, client = app_and_client
    make_user(email="omar.haddad@hospital.example")
    login = client.get("/login?next=/events")
    assert page_says(login, 'name="next" value="/events"')
    page = come_back(client, start(client, "omar", data={"next": "/events"}))
    assert page.request.path == "/events" and signed_in(client)


def test_a_next_address_on_another_site_is_ignored(app_and_client):
    _, client = app_and_client
    make_user(email="omar.haddad@hospital.example")
    page = come_back(client, start(client, "omar", data={"next": "https://evil.example/"}))
    assert page.request.path == "/" and signed_in(client)


def test_an_invitation_offers_the_hospital_sign_in_and_lets_it_through(make_app):
    from tests.security_routes import _roster_invitation

    app = make_app(**_nobody_answers())
    app.test_client_class = IsolatedClient
    with app.app_context():
        _, token = _roster_invitation()
        page = app.test_client().get(f"/roster/join/{token}")
        issuer = urlsplit(app.config["OIDC_ISSUER"])
    assert page_says(page, "Sign in with your hospital account") and page_says(page, 'name="password"')
    assert f"form-action 'self' {issuer.scheme}://{issuer.netloc}" in page.headers["Content-Security-Policy"]


def test_with_passwords_off_an_invitation_offers_only_the_hospital_sign_in(make_app):
    from tests.security_routes import _roster_invitation

    app = make_app(**_nobody_answers(), PASSWORD_LOGIN=False)
    app.test_client_class = IsolatedClient
    client = app.test_client()
    with app.app_context():
        _, token = _roster_invitation()
    page = client.get(f"/roster/join/{token}")
    assert page_says(page, "Sign in with your hospital account") and not page_says(page, 'name="password"')
    chosen = client.post(
        f"/roster/join/{token}", data={"password": "a-good-password-7", "confirm": "a-good-password-7"}
    )
    assert chosen.status_code == 403 and not signed_in(client)


@pytest.mark.slow
def test_the_sign_in_button_survives_any_form(make_app):
    """Whatever is posted with the button (a hostile `next`, stray fields,
    huge values): never a 500, never a page off the site, nothing saved."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from tests.fuzzing import FUZZ, changed_tables, snapshot
    from tests.test_fuzz_forms import OFF_SITE

    app = make_app(**{**_nobody_answers(), "OIDC_TIMEOUT": 0.5})
    app.test_client_class = IsolatedClient
    text = st.text(max_size=300) | st.sampled_from(OFF_SITE)

    @settings(FUZZ, max_examples=15)
    @given(fields=st.dictionaries(st.sampled_from(["next", "csrf_token", "email", "x"]), text, max_size=4))
    def post(fields):
        with app.app_context():
            before = snapshot()
            response = app.test_client().post("/login/sso", data=fields)
            assert response.status_code in (302, 303, 400)
            assert urlsplit(response.headers.get("Location", "/")).netloc in ("", "localhost")
            assert changed_tables(before, snapshot()) == []

    post()
