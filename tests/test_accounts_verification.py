"""Confirming an email address: the mailed link, what it opens, and what an
unconfirmed account may not do yet (docs/accounts.md)."""

from __future__ import annotations

import email
import re
from datetime import UTC, datetime, timedelta
from email import policy

import pytest
import sqlalchemy as sa

from eventsapp.accounts import services, throttle, verification
from eventsapp.accounts.models import User
from eventsapp.errors import DomainError, NotFound
from eventsapp.introductions import services as introductions
from eventsapp.introductions.models import IntroRequest, RequestStatus
from eventsapp.notifications.models import OutboxMail
from eventsapp.profiles.services import profile_for_viewer
from eventsapp.timeutil import utcnow
from tests.factories import DEFAULT_PASSWORD, make_user

OWNER = "ana.souza@hospital.example"
LINKS = verification.AccountLinks(
    confirm_prefix="http://localhost/account/confirm/",
    login="http://localhost/login",
    change_password="http://localhost/account/password",
)
GOOD = {"name": "Ana Souza", "password": "stairs to the cath lab", "confirm": "stairs to the cath lab"}
LINK = re.compile(r"http://localhost/account/confirm/(\S+)")


def mails_to(session, address: str) -> list[tuple[str, str]]:
    """(subject, body) of every mail queued to the address, oldest first."""
    session.rollback()  # see what requests committed
    rows = session.scalars(sa.select(OutboxMail).where(OutboxMail.to_address == address).order_by(OutboxMail.id))
    parsed = [email.message_from_bytes(row.message, policy=policy.default) for row in rows]
    return [(str(m["Subject"]), m.get_body().get_content()) for m in parsed]


def confirm_path(session, address: str) -> str:
    """The path of the newest confirm link mailed to the address."""
    _subject, body = mails_to(session, address)[-1]
    return "/account/confirm/" + LINK.search(body).group(1)


def account(session, address: str = OWNER) -> User:
    session.rollback()
    return session.scalar(sa.select(User).where(User.email == address))


def register(client, address: str = OWNER):
    return client.post("/register", data={**GOOD, "email": address})


# --- The rules, without HTTP ---------------------------------------------------------


def test_a_new_account_is_unconfirmed_and_mailed_a_link(app, session):
    user = services.register(session, name="Ana Souza", email=OWNER, password=GOOD["password"], links=LINKS)
    assert user.email_verified_at is None
    [(subject, body)] = mails_to(session, OWNER)
    assert subject == "Confirm your email address for Mentor Rounds"
    assert "The link works for 48 hours." in body
    assert LINK.search(body)
    assert "To stop emails" not in body  # about the account itself: no preference turns it off


def test_registering_a_taken_address_saves_nothing_and_tells_its_owner(app, session):
    owner = make_user("Ana Souza", email=OWNER, password="the owner's own password")
    before = owner.password_hash
    assert (
        services.register(session, name="Someone Else", email=OWNER.upper(), password=GOOD["password"], links=LINKS)
        is None
    )
    assert session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    assert account(session).password_hash == before and account(session).name == "Ana Souza"
    [(subject, body)] = mails_to(session, OWNER)
    assert subject == "You already have a Mentor Rounds account"
    assert "Log in: http://localhost/login" in body
    assert "Change your password once logged in: http://localhost/account/password" in body


@pytest.mark.parametrize(
    ("marker", "sso", "says"),
    [
        ("!sso", True, "sign in with your hospital account at http://localhost/login"),
        ("!sso", False, "Ask your coordinator how to get in."),
        ("!invited", False, "follow the link in your invitation mail, or ask your coordinator to send it again"),
    ],
)
def test_the_owner_of_an_account_without_a_password_is_not_told_to_use_one(app, session, marker, sso, says):
    owner = make_user("Ana Souza", email=OWNER)
    owner.password_hash = marker
    session.commit()
    if sso:
        app.config["OIDC_ISSUER"] = "https://id.hospital.example"
    services.register(session, name="Someone Else", email=OWNER, password=GOOD["password"], links=LINKS)
    [(_subject, body)] = mails_to(session, OWNER)
    assert says in body.replace("\n", " ")
    assert "Change your password" not in body


def test_a_link_confirms_once_and_then_only_says_so(app, session):
    user = make_user(email=OWNER, verified=False)
    token = verification.token_for(user)
    now = utcnow()
    assert verification.link_state(session, token, viewer_id=None, now=now).confirmed is False
    with pytest.raises(verification.WrongPassword):
        verification.confirm(session, token, viewer_id=None, now=now, password="not the password at all")
    assert account(session).email_verified_at is None
    assert verification.confirm(session, token, viewer_id=None, now=now, password=DEFAULT_PASSWORD).confirmed is False
    assert account(session).email_verified_at == now
    later = now + timedelta(hours=1)
    assert verification.confirm(session, token, viewer_id=user.id, now=later).confirmed is True
    assert account(session).email_verified_at == now  # the first confirmation stands


def test_a_link_works_for_the_configured_hours_only(app, session):
    user = make_user(email=OWNER, verified=False)
    token = verification.token_for(user)
    signed = utcnow()
    verification.link_state(session, token, viewer_id=None, now=signed + timedelta(hours=47))
    with pytest.raises(verification.LinkExpired):
        verification.confirm(session, token, viewer_id=None, now=signed + timedelta(hours=49))
    assert account(session).email_verified_at is None


def test_a_changed_address_voids_the_links_sent_before(app, session):
    user = make_user(email=OWNER, verified=False)
    token = verification.token_for(user)
    user.email = "ana.new@hospital.example"
    session.commit()
    with pytest.raises(NotFound):
        verification.confirm(session, token, viewer_id=None, now=utcnow())
    assert account(session, "ana.new@hospital.example").email_verified_at is None


@pytest.mark.parametrize("tamper", [lambda t: t[:-2], lambda t: "x" + t, lambda t: "WzEsImFiYyJd.forged.sig"])
def test_a_tampered_link_confirms_nothing(app, session, tamper):
    user = make_user(email=OWNER, verified=False)
    with pytest.raises(NotFound):
        verification.confirm(session, tamper(verification.token_for(user)), viewer_id=None, now=utcnow())
    assert account(session).email_verified_at is None


def test_a_link_signed_for_another_purpose_confirms_nothing(app, session):
    from itsdangerous import URLSafeTimedSerializer

    user = make_user(email=OWNER, verified=False)
    token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="unsubscribe").dumps(
        [user.id, verification.address_digest(OWNER)]
    )
    with pytest.raises(NotFound):
        verification.confirm(session, token, viewer_id=None, now=utcnow())


def test_another_members_link_is_refused_to_whoever_is_logged_in(app, session):
    user = make_user(email=OWNER, verified=False)
    other = make_user()
    with pytest.raises(verification.OtherAccount):
        verification.confirm(session, verification.token_for(user), viewer_id=other.id, now=utcnow())
    assert account(session).email_verified_at is None


def test_an_unconfirmed_member_cannot_ask_for_an_introduction(app, session):
    intern = make_user(email=OWNER, verified=False)
    senior = make_user(stage="attending", open_to_interns=True)
    with pytest.raises(DomainError, match="Confirm your email address before asking"):
        introductions.request_introduction(session, intern, senior.id, "May I shadow you?")
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(IntroRequest)) == 0


def connect(intern: User, senior: User) -> None:
    from eventsapp.extensions import db

    now = utcnow()
    db.session.add(
        IntroRequest(
            requester_id=intern.id,
            senior_id=senior.id,
            message="Hello",
            status=RequestStatus.ACCEPTED,
            created_at=now,
            expires_at=now + timedelta(days=14),
            responded_at=now,
        )
    )
    db.session.commit()


def test_an_unconfirmed_member_is_not_given_a_connections_address(app, session):
    senior = make_user(stage="attending", open_to_interns=True, verified=False)
    intern = make_user(email=OWNER)
    connect(intern, senior)
    hidden = profile_for_viewer(session, senior, intern.id, connected=True)
    assert hidden.email is None and hidden.email_hidden
    assert introductions.overview(session, senior).addresses_shown is False
    shown = profile_for_viewer(session, intern, senior.id, connected=True)
    assert shown.email == senior.email and not shown.email_hidden


# --- Registering ------------------------------------------------------------------


def test_registering_a_new_or_a_taken_address_shows_the_same_page(app, client, session):
    make_user("Ana Souza", email=OWNER)
    taken = register(app.test_client(), OWNER)
    new = register(app.test_client(), "ben.okoro@hospital.example")
    assert taken.status_code == new.status_code == 200
    assert "Check your inbox" in new.get_data(as_text=True)
    assert taken.get_data(as_text=True).replace(OWNER, "ADDRESS") == new.get_data(as_text=True).replace(
        "ben.okoro@hospital.example", "ADDRESS"
    )
    assert "already exists" not in taken.get_data(as_text=True)
    assert [subject for subject, _ in mails_to(session, OWNER)] == ["You already have a Mentor Rounds account"]
    assert [subject for subject, _ in mails_to(session, "ben.okoro@hospital.example")] == [
        "Confirm your email address for Mentor Rounds"
    ]


def test_a_new_member_logging_in_unconfirmed_sees_a_note_to_confirm(client, auth, session):
    register(client)
    auth.login(OWNER, GOOD["password"])
    page = client.get("/profile/edit").get_data(as_text=True)
    assert "Ana Souza" in page
    assert "Confirm your email address: open the link we sent to" in page
    assert "Resend the link" in page
    assert account(session).email_verified_at is None


# --- The link ----------------------------------------------------------------------


def test_opening_the_link_asks_for_the_password_and_the_button_confirms_and_signs_in(client, session):
    register(client)
    path = confirm_path(session, OWNER)
    page = client.get(path)
    assert page.status_code == 200 and "Confirm my address" in page.get_data(as_text=True)
    assert 'type="password"' in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert account(session).email_verified_at is None  # a GET never writes
    response = client.post(path, data={"password": GOOD["password"]})
    assert response.status_code == 302
    assert account(session).email_verified_at is not None
    assert "known_device" in response.headers.get("Set-Cookie", "") or any(
        "known_device" in value for value in response.headers.getlist("Set-Cookie")
    )
    home = client.get(response.location).get_data(as_text=True)
    assert "your email address is confirmed" in home
    assert "Resend the link" not in home
    assert "Ana Souza" in client.get("/profile/edit").get_data(as_text=True)  # signed in
    again = client.get(path).get_data(as_text=True)
    assert "Your address is confirmed" in again and "Confirm my address" not in again


def test_the_members_data_says_when_their_address_was_confirmed(client, auth, session):
    register(client)
    auth.login(OWNER, GOOD["password"])
    assert client.get("/account/export.json").get_json()["account"]["email_verified_at"] is None
    client.post(confirm_path(session, OWNER))  # signed in as the account: no password needed
    confirmed = account(session).email_verified_at
    assert client.get("/account/export.json").get_json()["account"]["email_verified_at"] == confirmed.isoformat()


def test_a_wrong_password_on_the_link_confirms_nothing_and_says_so(client, session):
    register(client)
    path = confirm_path(session, OWNER)
    response = client.post(path, data={"password": "the attacker's guess"})
    assert response.status_code == 422
    assert "That is not the password of this account." in response.get_data(as_text=True)
    assert account(session).email_verified_at is None
    assert client.get("/profile/edit").status_code == 302  # nobody signed in
    empty = client.post(path, data={"password": ""})
    assert empty.status_code == 422 and "Enter the password you chose." in empty.get_data(as_text=True)
    assert account(session).email_verified_at is None


def test_the_owner_of_an_address_cannot_confirm_an_account_someone_else_made_with_it(app, session):
    """Pre-hijacking: an attacker registers the victim's address; the victim's
    click, without the attacker's password, confirms nothing."""
    register(app.test_client())  # the attacker, with GOOD's password
    victim = app.test_client()
    path = confirm_path(session, OWNER)
    assert victim.post(path, data={"password": "the victim's own password"}).status_code == 422
    assert account(session).email_verified_at is None


def test_the_link_works_when_logged_out(app, client, session):
    register(client)
    path = confirm_path(session, OWNER)
    stranger = app.test_client()
    assert "Confirm my address" in stranger.get(path).get_data(as_text=True)
    response = stranger.post(path, data={"password": GOOD["password"]})
    assert response.status_code == 302
    assert "your email address is confirmed" in stranger.get(response.location).get_data(as_text=True)
    assert account(session).email_verified_at is not None


def test_an_expired_link_says_so(client, session, monkeypatch):
    register(client)
    path = confirm_path(session, OWNER)
    monkeypatch.setattr(verification, "clock", lambda: datetime.now(UTC) + timedelta(hours=49))
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 410
        assert "This link has expired" in response.get_data(as_text=True)
    assert account(session).email_verified_at is None


def test_a_garbled_link_says_so(client, session):
    register(client)
    path = confirm_path(session, OWNER)
    for response in (client.get(path[:-3]), client.post(path[:-3]), client.get("/account/confirm/%00%ff")):
        assert response.status_code == 404
        assert "This link does not work" in response.get_data(as_text=True)
    assert account(session).email_verified_at is None


def test_someone_elses_link_is_refused_while_logged_in(app, client, auth, session):
    register(app.test_client())
    path = confirm_path(session, OWNER)
    make_user(email="kim@hospital.example")
    auth.login("kim@hospital.example")
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 403
        assert "This link is for another account" in response.get_data(as_text=True)
    assert account(session).email_verified_at is None


# --- Resending -----------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = datetime(2026, 12, 4, 12, 0, 30, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def test_a_new_link_can_be_asked_for_once_a_minute(client, auth, session, monkeypatch):
    clock = Clock()
    monkeypatch.setattr(throttle, "clock", clock)
    register(client)
    auth.login(OWNER, GOOD["password"])
    response = client.post("/account/confirm/resend", data={"back": "/events"})
    assert response.location == "/events"
    assert "A new link is on its way" in client.get("/events").get_data(as_text=True)
    assert len(mails_to(session, OWNER)) == 2
    refused = client.post("/account/confirm/resend", follow_redirects=True).get_data(as_text=True)
    assert "We sent you a link a moment ago" in refused
    assert len(mails_to(session, OWNER)) == 2
    clock.now += timedelta(minutes=2)
    client.post("/account/confirm/resend")
    assert len(mails_to(session, OWNER)) == 3
    # Every link sent works until it expires: the newest confirms.
    assert client.post(confirm_path(session, OWNER)).status_code == 302
    assert account(session).email_verified_at is not None


def test_a_confirmed_member_is_told_there_is_nothing_to_resend(client, auth, session):
    make_user(email=OWNER)
    auth.login(OWNER)
    page = client.post("/account/confirm/resend", follow_redirects=True).get_data(as_text=True)
    assert "Your email address is already confirmed." in page
    assert mails_to(session, OWNER) == []


# --- What waits for a confirmed address ------------------------------------------------


def test_an_unconfirmed_member_is_shown_why_they_cannot_ask_and_a_request_saves_nothing(client, auth, session):
    make_user(email=OWNER, verified=False)
    senior = make_user("Sam Senior", stage="attending", open_to_interns=True)
    auth.login(OWNER)
    profile = client.get(f"/people/{senior.id}").get_data(as_text=True)
    assert "Confirm your email address to ask for an introduction" in profile
    assert ">Ask for an introduction</a>" not in profile
    ask = client.get(f"/people/{senior.id}/introduction").get_data(as_text=True)
    assert "Confirm your email address before asking" in ask and "Send request" not in ask
    response = client.post(f"/people/{senior.id}/introduction", data={"message": "May I shadow you?"})
    assert response.status_code == 422
    assert "Confirm your email address before asking" in response.get_data(as_text=True)
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(IntroRequest)) == 0


def test_an_unconfirmed_member_sees_a_connections_address_only_after_confirming(client, auth, session):
    user = make_user("Sam Senior", email=OWNER, stage="attending", open_to_interns=True, verified=False)
    intern = make_user("Ida Intern", email="ida@hospital.example")
    connect(intern, user)
    auth.login(OWNER)
    for path in ("/introductions", f"/people/{intern.id}"):
        page = client.get(path).get_data(as_text=True)
        assert "ida@hospital.example" not in page
        assert "confirm your address to see" in page
    client.post("/account/confirm/resend")
    client.post(confirm_path(session, OWNER))
    for path in ("/introductions", f"/people/{intern.id}"):
        assert 'href="mailto:ida@hospital.example"' in client.get(path).get_data(as_text=True)


def test_an_unconfirmed_senior_may_accept_and_is_told_how_to_see_the_address(client, auth, session):
    senior = make_user("Sam Senior", email=OWNER, stage="attending", open_to_interns=True, verified=False)
    intern = make_user("Ida Intern", email="ida@hospital.example")
    request = introductions.request_introduction(session, intern, senior.id, "May I shadow you?")
    auth.login(OWNER)
    page = client.post(f"/introductions/{request.id}/accept", follow_redirects=True).get_data(as_text=True)
    assert "Accepted. Confirm your email address to see theirs." in page
    assert "ida@hospital.example" not in page


def test_mail_a_registration_causes_links_the_configured_site_whatever_host_the_request_named(make_app, session):
    """Anyone can register a member's address with a forged Host header: the
    genuine mail its owner gets must not lead to the forger's site."""
    app = make_app(SERVER_NAME="rounds.hospital.example")
    with app.app_context():
        make_user("Ana Souza", email=OWNER)
    forged = app.test_client()
    forged.post("/register", data={**GOOD, "email": OWNER}, headers={"Host": "evil.example"})
    forged.post("/register", data={**GOOD, "email": "ben@hospital.example"}, headers={"Host": "evil.example"})
    [(_subject, owner_mail)] = mails_to(session, OWNER)
    [(_subject, new_mail)] = mails_to(session, "ben@hospital.example")
    assert "Log in: http://rounds.hospital.example/login" in owner_mail
    assert "http://rounds.hospital.example/account/confirm/" in new_mail
    assert "evil.example" not in owner_mail + new_mail
