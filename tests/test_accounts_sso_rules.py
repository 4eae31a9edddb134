"""Whose account a hospital sign-in opens (accounts/sso.py), and the
settings it needs (ssoconfig.py): plain rules, no provider, no HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventsapp.accounts import passwords, sessions, sso
from eventsapp.accounts.models import User, UserIdentity, UserSession
from eventsapp.config import ConfigError
from eventsapp.errors import DomainError
from eventsapp.timeutil import utcnow
from tests.factories import make_user

ISSUER = "https://login.example.org/riverside/v2.0"


def claims(**given) -> sso.ProviderClaims:
    return sso.claims_from(ISSUER, {"sub": "s-1", "email": "ana@hospital.example", "email_verified": True, **given})


def test_a_new_person_gets_an_account_without_a_password(session):
    signed_in = sso.identify(session, claims(name="  Ana  Lima "))
    assert signed_in.created and signed_in.user.name == "Ana Lima"
    assert not sso.has_password(signed_in.user)
    assert not passwords.verify_password(signed_in.user.password_hash, sso.NO_PASSWORD)
    assert signed_in.user.profile.career_stage is None  # asked on the first page


def test_a_verified_email_links_the_existing_account_once(session):
    ana = make_user("Ana Lima", email="ana@hospital.example")
    first = sso.identify(session, claims(email="ANA@hospital.example"))
    again = sso.identify(session, claims(email="someone.else@hospital.example"))
    assert (first.user.id, first.created) == (ana.id, False)
    assert again.user.id == ana.id  # the subject finds it, whatever the email says now
    assert session.scalar(sa.select(sa.func.count()).select_from(UserIdentity)) == 1


def test_the_hospital_sign_in_confirms_the_address(session):
    new = sso.identify(session, claims()).user
    confirmed = make_user(email="bo@hospital.example", password="bo-password-1")
    kept = sso.identify(session, claims(sub="s-2", email="bo@hospital.example")).user
    assert new.email_verified_at is not None
    assert kept.id == confirmed.id and sso.has_password(kept)  # a confirmed account keeps its password


def test_an_unconfirmed_claim_on_the_address_loses_its_password_and_logins(session):
    from eventsapp.ical import services as calendars

    squatter = make_user("Not Ana", email="ana@hospital.example", password="not-anas-password", verified=False)
    feed = calendars.feed_token(calendars.create_or_rotate(session, squatter))
    session.commit()
    sessions.open_session(
        session, squatter.id, now=utcnow(), lifetime=timedelta(hours=1), remembered=False, user_agent="Firefox"
    )
    ana = sso.identify(session, claims(name="Ana Lima")).user
    assert ana.id == squatter.id and ana.email_verified_at is not None
    assert not sso.has_password(ana)
    assert not passwords.verify_password(ana.password_hash, "not-anas-password")
    assert session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 0
    assert calendars.owner_of(session, feed) is None  # the claimant's calendar address is closed
    assert ana.name == "Ana Lima"


def test_an_account_without_a_password_costs_a_hash_like_any_other(monkeypatch):
    checked = []
    monkeypatch.setattr(passwords, "check_password_hash", lambda stored, given: checked.append(stored) or False)
    assert not passwords.verify_password(sso.NO_PASSWORD, "a-guess-at-it")
    assert checked == [passwords.DUMMY_HASH]


def test_an_unverified_email_links_nothing_and_makes_nothing(session):
    make_user(email="ana@hospital.example")
    for unverified in (False, "false", None, "yes"):
        with pytest.raises(sso.EmailNotVerified):
            sso.identify(session, claims(email_verified=unverified))
    assert session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    assert session.scalar(sa.select(sa.func.count()).select_from(UserIdentity)) == 0


def test_entra_ids_verified_domain_counts_as_a_verified_email(session):
    ana = make_user(email="ana@hospital.example")
    entra = sso.claims_from(ISSUER, {"sub": "s-1", "email": "ana@hospital.example", "xms_edov": True})
    assert sso.identify(session, entra).user.id == ana.id


def test_the_same_subject_at_another_provider_is_another_person(session):
    sso.identify(session, claims())
    other = sso.claims_from(
        "https://accounts.google.com", {"sub": "s-1", "email": "bo@x.example", "email_verified": True}
    )
    assert sso.identify(session, other).created


def test_a_sign_in_without_subject_or_email_is_refused(session):
    with pytest.raises(DomainError, match="did not say who you are"):
        sso.identify(session, claims(sub=""))
    with pytest.raises(DomainError, match="did not give your email"):
        sso.identify(session, claims(email=None))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"PASSWORD_LOGIN": False}, "nobody could sign in"),
        ({"OIDC_ISSUER": "login.example.org"}, "is not an issuer URL"),
        ({"OIDC_ISSUER": ISSUER, "OIDC_CLIENT_ID": "rounds"}, "OIDC_CLIENT_SECRET is not"),
        ({"OIDC_ISSUER": ISSUER, "OIDC_CLIENT_ID": "a", "OIDC_CLIENT_SECRET": "b", "OIDC_TIMEOUT": 0}, "OIDC_TIMEOUT"),
    ],
)
def test_settings_with_which_nobody_could_sign_in_stop_the_app(make_app, settings, message):
    with pytest.raises(ConfigError, match=message):
        make_app(**settings)


def test_the_environment_sets_the_hospital_sign_in(make_app, monkeypatch):
    monkeypatch.setenv("OIDC_ISSUER", ISSUER)
    monkeypatch.setenv("OIDC_CLIENT_ID", "rounds")
    monkeypatch.setenv("OIDC_CLIENT_SECRET", "s3cret")
    monkeypatch.setenv("PASSWORD_LOGIN", "false")
    app = make_app()
    assert (app.config["OIDC_ISSUER"], app.config["PASSWORD_LOGIN"]) == (ISSUER, False)
