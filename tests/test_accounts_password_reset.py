"""Forgotten passwords: asking for a link, the mailed link, and what setting
a new password with it does (docs/accounts.md, "Forgotten passwords")."""

from __future__ import annotations

import email
import re
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
import sqlalchemy as sa

from eventsapp.accounts import reset, sso, throttle
from eventsapp.accounts.models import User, UserSession
from eventsapp.accounts.passwords import AWAITING_INVITATION
from eventsapp.audit.models import Action, AuditEntry
from eventsapp.config import ConfigError
from eventsapp.extensions import db
from eventsapp.notifications.models import OutboxMail
from tests.conftest import IsolatedClient
from tests.factories import DEFAULT_PASSWORD, make_user

OWNER = "ana.souza@hospital.example"
NEW = "stairs to the cath lab"
SENT = "If an account uses that address, we have sent it a link to choose a new password. The link works for 2 hours."
LINK = re.compile(r"http://localhost(/reset-password/\S+)")


def text(response) -> str:
    return response.get_data(as_text=True).replace("&#39;", "'")


def without_csrf(page: str) -> str:
    return re.sub(r'name="csrf[-_]token"[^>]*', "", page)


def mails_to(session, address: str) -> list[tuple[str, str]]:
    """(subject, body) of every mail queued to the address, oldest first."""
    session.rollback()  # see what requests committed
    rows = session.scalars(sa.select(OutboxMail).where(OutboxMail.to_address == address).order_by(OutboxMail.id))
    parsed = [email.message_from_bytes(row.message, policy=policy.default) for row in rows]
    return [(str(m["Subject"]), m.get_body().get_content()) for m in parsed]


def all_mail(session) -> int:
    session.rollback()
    return session.scalar(sa.select(sa.func.count()).select_from(OutboxMail))


def ask(client, address: str = OWNER):
    return client.post("/forgot-password", data={"email": address})


def reset_path(session, address: str = OWNER) -> str:
    """The path of the newest link mailed to the address."""
    _subject, body = mails_to(session, address)[-1]
    return LINK.search(body).group(1)


def choose(client, path: str, password: str = NEW, confirm: str | None = None):
    return client.post(path, data={"password": password, "confirm": password if confirm is None else confirm})


def log_in(client, password: str, address: str = OWNER):
    return client.post("/login", data={"email": address, "password": password})


def signed_in(client) -> bool:
    return client.get("/account/sessions").status_code == 200


def account(session, address: str = OWNER) -> User:
    session.rollback()
    return session.scalar(sa.select(User).where(User.email == address))


@pytest.fixture(autouse=True)
def waits(monkeypatch) -> list[float]:
    """What each request for a link waited, on a clock that moves 4 ms a reading."""
    readings, waited = iter(range(0, 10**6, 4)), []
    monkeypatch.setattr(reset, "monotonic", lambda: next(readings) / 1000)
    monkeypatch.setattr(reset, "pause", waited.append)
    return waited


# --- Asking for a link -----------------------------------------------------------------


def test_the_login_page_links_to_the_forgotten_password_page(client):
    page = text(client.get("/login"))
    assert 'href="/forgot-password">Forgot your password?</a>' in page
    form = text(client.get("/forgot-password"))
    assert '<label for="email">Email' in form and "Send me a link" in form


def test_asking_takes_as_long_whether_or_not_an_account_uses_the_address(client, session, waits):
    make_user(email=OWNER)
    ask(client)
    ask(client, "nobody@hospital.example")
    ask(client, "not an address")
    # Each answer waits out what is left of the same quarter of a second; bad input is told at once.
    assert waits == [pytest.approx(reset.ANSWER_SECONDS - 0.004)] * 2
    assert len(mails_to(session, OWNER)) == 1


def test_a_known_and_an_unknown_address_get_the_same_answer_and_only_the_owner_a_mail(app, client, session):
    make_user("Ana Souza", email=OWNER)
    known, unknown = ask(client, OWNER.upper()), ask(client, "nobody@hospital.example")
    assert known.status_code == unknown.status_code == 200
    assert SENT in text(known) and SENT in text(unknown)
    assert without_csrf(text(known)) == without_csrf(text(unknown))
    assert mails_to(session, "nobody@hospital.example") == []
    [(subject, body)] = mails_to(session, OWNER)
    assert subject == "Choose a new password for Mentor Rounds"
    assert "The link works for 2 hours" in body and LINK.search(body)


def test_what_is_not_an_address_is_told_so_and_mails_nothing(client, session):
    response = ask(client, "not an address")
    assert response.status_code == 422 and "Enter a valid email address" in text(response)
    assert SENT not in text(response) and all_mail(session) == 0


def test_a_roster_invited_account_is_told_to_use_its_invitation_not_sent_a_link(app, client, session):
    user = make_user(email=OWNER)
    user.password_hash = AWAITING_INVITATION
    session.commit()
    assert SENT in text(ask(client))
    [(_subject, body)] = mails_to(session, OWNER)
    assert "follow the link in your invitation mail" in body and not LINK.search(body)


def test_a_deleted_account_gets_no_mail_and_the_same_answer(app, client, session):
    user = make_user(email=OWNER)
    session.delete(user)
    session.commit()
    assert SENT in text(ask(client))
    assert all_mail(session) == 0


def test_asking_for_a_link_changes_nothing_of_the_account(app, client, session):
    before = make_user(email=OWNER).password_hash
    ask(client)
    assert account(session).password_hash == before
    assert log_in(client, DEFAULT_PASSWORD).status_code == 302


# --- The link --------------------------------------------------------------------------


def test_the_link_sets_a_new_password_and_signs_in(app, client, session):
    make_user("Ana Souza", email=OWNER)
    ask(client)
    path = reset_path(session)
    page = client.get(path)
    assert page.status_code == 200 and page.headers["Referrer-Policy"] == "no-referrer"
    assert '<label for="password">New password' in text(page) and '<label for="confirm">Repeat new password' in text(
        page
    )
    done = choose(client, path)
    assert done.status_code == 302
    assert "Your new password is set" in text(client.get(done.location))
    assert signed_in(client)
    client.post("/logout")
    assert log_in(client, DEFAULT_PASSWORD).status_code == 422  # the old password no longer works
    assert log_in(client, NEW).status_code == 302


def test_a_link_works_once(app, client, session):
    make_user(email=OWNER)
    ask(client)
    path = reset_path(session)
    assert choose(client, path).status_code == 302
    client.post("/logout")
    for response in (client.get(path), choose(client, path, "another long passphrase")):
        assert response.status_code == 404
        assert "This link does not work" in text(response) and 'href="/forgot-password"' in text(response)
    assert log_in(client, NEW).status_code == 302


def test_a_new_password_chosen_otherwise_voids_the_links_sent_before(app, client, session):
    make_user(email=OWNER)
    ask(client)
    path = reset_path(session)
    log_in(client, DEFAULT_PASSWORD)
    client.post("/account/password", data={"current": DEFAULT_PASSWORD, "password": NEW, "confirm": NEW})
    assert client.get(path).status_code == 404


def test_an_expired_link_says_so_and_offers_a_new_one(app, client, session, monkeypatch):
    make_user(email=OWNER)
    ask(client)
    path = reset_path(session)
    monkeypatch.setattr(reset, "clock", lambda: datetime.now(UTC) + timedelta(hours=1, minutes=59))
    assert client.get(path).status_code == 200
    monkeypatch.setattr(reset, "clock", lambda: datetime.now(UTC) + timedelta(hours=2, minutes=1))
    for response in (client.get(path), choose(client, path)):
        assert response.status_code == 410
        assert "This link has expired" in text(response) and "Ask for a new link" in text(response)
    assert log_in(client, DEFAULT_PASSWORD).status_code == 302


def test_the_lifetime_of_a_link_is_a_setting(make_app):
    app = make_app(PASSWORD_RESET_HOURS=6)
    with app.app_context():
        token = reset.token_for(make_user(email=OWNER))
        assert reset.link_state(db.session, token, now=datetime.now(UTC) + timedelta(hours=5)).email == OWNER
        with pytest.raises(reset.LinkExpired):
            reset.link_state(db.session, token, now=datetime.now(UTC) + timedelta(hours=7))


@pytest.mark.parametrize("hours", [0, -1, "2", True, 24 * 8])
def test_a_lifetime_that_is_not_a_number_of_hours_up_to_a_week_stops_the_start(make_app, hours):
    with pytest.raises(ConfigError, match="PASSWORD_RESET_HOURS"):
        make_app(PASSWORD_RESET_HOURS=hours)


@pytest.mark.parametrize(
    "tamper",
    [lambda t: t[:-2], lambda t: "x" + t, lambda t: "WzEsImFiYyJd.forged.sig", lambda t: "%00%ff"],
)
def test_a_tampered_link_changes_nothing(app, client, session, tamper):
    make_user(email=OWNER)
    ask(client)
    token = reset_path(session).rsplit("/", 1)[1]
    path = f"/reset-password/{tamper(token)}"
    for response in (client.get(path), choose(client, path)):
        assert response.status_code == 404 and "This link does not work" in text(response)
    assert log_in(client, DEFAULT_PASSWORD).status_code == 302


def test_a_link_signed_for_another_purpose_or_account_state_sets_nothing(app, session):
    from itsdangerous import URLSafeTimedSerializer

    user = make_user(email=OWNER)
    # All but the salt as a genuine link would be: only the salt keeps it out.
    confirm_token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="confirm-email").dumps(
        [user.id, reset._state_digest(user)]
    )
    with pytest.raises(reset.NotFound):
        reset.set_password(session, confirm_token, NEW, now=datetime.now(UTC))
    token = reset.token_for(user)
    user.email = "ana.new@hospital.example"  # a changed address voids the link too
    session.commit()
    with pytest.raises(reset.NotFound):
        reset.set_password(session, token, NEW, now=datetime.now(UTC))


def test_opening_the_link_writes_nothing(app, client, session):
    make_user(email=OWNER, verified=False)
    ask(client)
    path = reset_path(session)
    before = account(session)
    hash_before, verified_before = before.password_hash, before.email_verified_at
    assert client.get(path).status_code == 200
    after = account(session)
    assert (after.password_hash, after.email_verified_at) == (hash_before, verified_before)


def test_the_new_password_follows_the_registration_rules_and_a_refusal_saves_nothing(app, client, session):
    make_user("Ana Souza", email=OWNER)
    ask(client)
    path = reset_path(session)
    short = choose(client, path, "short")
    assert short.status_code == 422 and "Use at least 10 characters." in text(short)
    common = choose(client, path, "password123")
    assert common.status_code == 422 and "too easy to guess" in text(common)
    mismatch = choose(client, path, NEW, "something else entirely")
    assert mismatch.status_code == 422 and "The passwords don't match." in text(mismatch)
    assert not signed_in(client)
    assert choose(client, path).status_code == 302  # the link still works after refusals


def test_setting_the_password_ends_every_other_session_even_copied_cookies(app, client, session):
    make_user(email=OWNER)
    laptop = app.test_client()
    log_in(laptop, DEFAULT_PASSWORD, OWNER)
    stolen = app.test_client()
    stolen.set_cookie("session", laptop.get_cookie("session").value)
    assert signed_in(laptop) and signed_in(stolen)
    ask(client)
    assert choose(client, reset_path(session)).status_code == 302
    assert not signed_in(laptop) and not signed_in(stolen)
    assert signed_in(client)
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 1


def test_a_link_opened_while_someone_else_is_signed_in_signs_in_its_own_account(app, client, session):
    make_user(email=OWNER)
    make_user(email="kim@hospital.example")
    ask(client)
    path = reset_path(session)
    log_in(client, DEFAULT_PASSWORD, "kim@hospital.example")
    assert choose(client, path).status_code == 302
    assert OWNER in text(client.get("/account/export.json"))


def test_the_reset_confirms_an_unconfirmed_address_and_ends_the_claim_of_whoever_made_it(app, client, session):
    make_user(email=OWNER, verified=False)
    claimant = app.test_client()
    log_in(claimant, DEFAULT_PASSWORD)
    ask(client)
    assert choose(client, reset_path(session)).status_code == 302
    assert account(session).email_verified_at is not None
    assert not signed_in(claimant)
    assert log_in(claimant, DEFAULT_PASSWORD).status_code == 422


def test_an_account_made_by_the_hospital_sign_in_may_choose_a_password_once_that_sign_in_is_gone(app, client, session):
    user = make_user(email=OWNER)
    user.password_hash = sso.NO_PASSWORD
    session.commit()
    ask(client)
    assert choose(client, reset_path(session)).status_code == 302
    client.post("/logout")
    assert log_in(client, NEW).status_code == 302


def test_while_the_hospital_sign_in_is_set_up_its_accounts_get_no_link_to_go_round_it(make_app, session):
    app = make_app(OIDC_ISSUER="http://127.0.0.1:9", OIDC_CLIENT_ID="c", OIDC_CLIENT_SECRET="s")
    app.test_client_class = IsolatedClient
    client = app.test_client()
    with app.app_context():
        user = make_user(email=OWNER)
        user.password_hash = sso.NO_PASSWORD
        session.commit()
        earlier = f"/reset-password/{reset.token_for(user)}"  # sent before the sign-in was set up
        assert SENT in text(ask(client))
        [(subject, body)] = mails_to(session, OWNER)
        assert "sign in with your hospital account at http://localhost/login" in body
        assert "/reset-password/" not in body
        for response in (client.get(earlier), choose(client, earlier)):
            assert response.status_code == 404 and "This link does not work" in text(response)
        assert account(session).password_hash == sso.NO_PASSWORD


def test_the_reset_is_in_the_audit_log(app, client, session):
    user = make_user("Ana Souza", email=OWNER, verified=False)
    ask(client)
    choose(client, reset_path(session))
    session.rollback()
    entry = session.scalar(sa.select(AuditEntry).where(AuditEntry.action == Action.RESET_BY_MAIL))
    assert entry.actor_id == user.id and entry.subject == f"Ana Souza (#{user.id})"
    assert entry.detail == "address confirmed too"


def test_a_signed_in_member_is_sent_to_change_their_password(client, auth, session):
    make_user(email=OWNER)
    auth.login(OWNER)
    response = client.get("/forgot-password")
    assert response.status_code == 302 and response.location.endswith("/account/password")


# --- Passwords off, and limits -----------------------------------------------------------


def test_with_passwords_off_there_is_nothing_to_reset(make_app, session):
    app = make_app(PASSWORD_LOGIN=False, OIDC_ISSUER="http://127.0.0.1:9", OIDC_CLIENT_ID="c", OIDC_CLIENT_SECRET="s")
    app.test_client_class = IsolatedClient
    client = app.test_client()
    with app.app_context():
        user = make_user(email=OWNER)
        path = f"/reset-password/{reset.token_for(user)}"
        assert "Forgot your password?" not in text(client.get("/login"))
        for response in (client.get("/forgot-password"), ask(client), client.get(path), choose(client, path)):
            assert response.status_code == 403 and "Password sign-in is off" in text(response)
        assert all_mail(session) == 0
        assert log_in(client, NEW).status_code == 403


class Clock:
    def __init__(self):
        self.now = datetime(2026, 12, 4, 12, 0, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_asking_again_and_again_is_held_back_like_logins(make_app, session, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(throttle, "clock", clock)
    app = make_app(AUTH_RATE_LIMIT_ENABLED=True, AUTH_RATE_LIMIT_RESET_PER_ACCOUNT="2 per hour")
    app.test_client_class = IsolatedClient
    with app.app_context():
        make_user(email=OWNER)
        client = app.test_client()
        assert [ask(client).status_code for _ in range(2)] == [200, 200]
        refused = ask(client)
        assert refused.status_code == 429 and "Retry-After" in refused.headers
        assert "Too many requests for a link to choose a new password. Try again in about" in text(refused)
        assert SENT not in text(refused) and len(mails_to(session, OWNER)) == 2
        # An unknown address is held back the same way: the limit tells nothing either.
        assert [ask(client, "nobody@hospital.example").status_code for _ in range(3)] == [200, 200, 429]
        clock.now += timedelta(hours=2)
        assert ask(client).status_code == 200


def test_one_client_asking_for_many_addresses_is_held_back(make_app, session, monkeypatch):
    monkeypatch.setattr(throttle, "clock", Clock())
    app = make_app(AUTH_RATE_LIMIT_ENABLED=True, AUTH_RATE_LIMIT_RESET_PER_IP="3 per hour")
    app.test_client_class = IsolatedClient
    with app.app_context():
        client = app.test_client()
        statuses = [ask(client, f"person{n}@hospital.example").status_code for n in range(4)]
        assert statuses == [200, 200, 200, 429]
