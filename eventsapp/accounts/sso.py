"""Who a sign-in with the hospital account is (docs/sso.md): the provider
vouches for a subject and, perhaps, a verified email; this finds or makes
the account. Plain values in, an account out: no HTTP here."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from eventsapp.accounts import passwords, signals
from eventsapp.accounts.models import SUBJECT_MAX, Role, User, UserIdentity
from eventsapp.accounts.services import end_unproven_claim, find_by_email, normalise_email, normalise_name
from eventsapp.errors import DomainError
from eventsapp.timeutil import utcnow

#: Stored as the password hash of accounts made by the hospital sign-in:
#: no password ever matches it (a real hash names its method first).
NO_PASSWORD = "!sso"  # nosec B105  # a marker that matches no password, not a password


class EmailNotVerified(DomainError):
    """The provider does not vouch for the email, so it links no account."""


@dataclass(frozen=True)
class ProviderClaims:
    """What the provider's ID token (or userinfo) says about the person."""

    issuer: str
    subject: str
    email: str | None
    email_verified: bool
    name: str | None


def claims_from(issuer: str, claims: dict) -> ProviderClaims:
    """The person, as a checked ID token (or userinfo) describes them.
    Only a true email_verified vouches for the email; Entra ID sends none
    and vouches with xms_edov (the email's domain verified by its owner)."""
    if len(str(claims.get("sub") or "")) > SUBJECT_MAX:
        raise DomainError("The hospital sign-in named you in a way this app cannot keep; ask IT.")
    return ProviderClaims(
        issuer=issuer,
        subject=str(claims.get("sub") or ""),
        email=claims.get("email") or None,
        email_verified=any(claims.get(name) in (True, "true") for name in ("email_verified", "xms_edov")),
        name=claims.get("name"),
    )


@dataclass(frozen=True)
class SignedIn:
    user: User
    created: bool  # a new account: it is asked its career stage and department


def has_password(user: User) -> bool:
    """Whether a password opens the account (not one made by the hospital
    sign-in, nor one invited by a roster that has not chosen one yet)."""
    return passwords.is_hash(user.password_hash)


def identify(session: Session, claims: ProviderClaims) -> SignedIn:
    """The account of this provider's subject; on the first sign-in, the
    account with the same verified email (linked from then on), or a new
    one. Raises DomainError (EmailNotVerified) with what to do."""
    if not claims.subject:
        raise DomainError("The hospital sign-in did not say who you are; try again.")
    linked = session.scalar(
        sa.select(User)
        .join(UserIdentity, UserIdentity.user_id == User.id)
        .where(UserIdentity.issuer == claims.issuer, UserIdentity.subject == claims.subject)
    )
    if linked is not None:
        return _signed_in(session, linked, created=False)
    if not claims.email:
        raise DomainError("The hospital sign-in did not give your email address; ask IT to release it to this app.")
    if not claims.email_verified:
        raise EmailNotVerified(
            "The hospital sign-in has not verified your email address, so it cannot be matched to an account. "
            "Verify it with the hospital's IT, or log in with your password."
        )
    email = normalise_email(claims.email)
    user = find_by_email(session, email)
    created = user is None
    try:
        if created:
            user = User(name=_name_of(claims, email), email=email, password_hash=NO_PASSWORD, role=Role.MEMBER)
            session.add(user)
            signals.account_created.send(session, user=user)
            session.flush()
        _vouched_for(session, user, claims)
        session.add(UserIdentity(issuer=claims.issuer, subject=claims.subject, user_id=user.id))
        signals.address_proven_by_provider.send(session, user=user, now=utcnow())
        return _signed_in(session, user, created=created)
    except IntegrityError as exc:
        # The same person's first sign-in ran twice at once; the other one won.
        session.rollback()
        raise DomainError("You were signing in twice at once; try again.") from exc


def _vouched_for(session: Session, user: User, claims: ProviderClaims) -> None:
    """The provider vouches for the address, so it counts as confirmed. An
    account made with it but never confirmed may be someone else's claim on
    it: its password, logins and name end, and its owner now signs in here."""
    if user.email_verified_at is not None:
        return
    if has_password(user):
        end_unproven_claim(session, user, marker=NO_PASSWORD)
        user.name = _name_of(claims, user.email)
    else:
        user.password_hash = NO_PASSWORD  # an invited account: joined through the provider
    user.email_verified_at = utcnow()


def _name_of(claims: ProviderClaims, email: str) -> str:
    try:
        return normalise_name(claims.name or "")
    except DomainError:
        return email.split("@")[0]


def _signed_in(session: Session, user: User, *, created: bool) -> SignedIn:
    user.last_login_at = utcnow()
    session.commit()
    return SignedIn(user=user, created=created)
