"""Account rules: registration, authentication and roles."""

from __future__ import annotations

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from eventsapp.accounts import passwords, sessions, signals, verification
from eventsapp.accounts.models import EMAIL_MAX, NAME_MAX, Role, User
from eventsapp.accounts.verification import AccountLinks
from eventsapp.errors import DomainError, NotAllowed, NotFound
from eventsapp.text import clean, has_letter_or_digit
from eventsapp.timeutil import utcnow


def normalise_email(raw: str) -> str:
    """The one spelling of an address we store and look up: trimmed, lower
    case, internationalised domains in their Unicode form. Raises DomainError."""
    candidate = (raw or "").strip()
    if not candidate:
        raise DomainError("Enter your email address.", field="email")
    if len(candidate) > EMAIL_MAX:
        raise DomainError(f"Use at most {EMAIL_MAX} characters.", field="email")
    try:
        # Syntax only: no DNS look-up while someone waits for a page.
        checked = validate_email(candidate, check_deliverability=False)
    except EmailNotValidError as exc:
        raise DomainError(f"Enter a valid email address ({exc}).", field="email") from exc
    return checked.normalized.lower()


def normalise_name(raw: str) -> str:
    name = clean(raw)
    if not has_letter_or_digit(name):
        raise DomainError("Enter your name.", field="name")
    if len(name) > NAME_MAX:
        raise DomainError(f"Use at most {NAME_MAX} characters.", field="name")
    return name


def find_by_email(session: Session, email: str) -> User | None:
    return session.scalar(sa.select(User).where(User.email == email))


def register(session: Session, *, name: str, email: str, password: str, links: AccountLinks) -> User | None:
    """Create an account (profiles gives it an empty profile) and mail it a
    link to confirm its address, or raise DomainError. An address that has
    an account already gets a mail telling its owner, and None comes back:
    the page must not say which happened, and both take the same time."""
    name = normalise_name(name)
    email = normalise_email(email)
    try:
        passwords.check_password_rules(password, email=email, name=name)
    except passwords.PasswordRejected as exc:
        raise DomainError(str(exc), field="password") from exc
    password_hash = passwords.hash_password(password)  # (either way: the time taken tells nothing)
    owner = find_by_email(session, email)
    if owner is not None:
        return _tell_owner(session, owner, links)
    user = User(name=name, email=email, password_hash=password_hash, role=Role.MEMBER)
    session.add(user)
    signals.account_created.send(session, user=user)
    try:
        session.flush()
    except IntegrityError:
        # Two registrations with the same address raced; the unique index won.
        session.rollback()
        owner = find_by_email(session, email)
        return _tell_owner(session, owner, links) if owner is not None else None
    verification.send_link(session, user, links)
    session.commit()
    return user


def _tell_owner(session: Session, owner: User, links: AccountLinks) -> None:
    signals.registration_repeated.send(session, user=owner, links=links, way_in=passwords.way_in(owner.password_hash))
    session.commit()


def authenticate(session: Session, *, email: str, password: str) -> User | None:
    """The user these credentials belong to, or None. Takes as long whether
    or not the email exists, so timing does not reveal accounts."""
    try:
        email = normalise_email(email)
    except DomainError:
        email = None
    user = find_by_email(session, email) if email else None
    if user is None:
        passwords.verify_password(passwords.DUMMY_HASH, password)
        return None
    if not passwords.verify_password(user.password_hash, password):
        return None
    user.last_login_at = utcnow()
    session.commit()
    return user


def change_password(session: Session, user_id: int, *, current: str, new: str) -> None:
    """A member sets a new password: every session of theirs ends, copies of
    this browser's cookie too (the view signs this browser in afresh). Raises DomainError."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such account.")
    if not passwords.verify_password(user.password_hash, current or ""):
        raise DomainError("That is not your current password.", field="current")
    try:
        passwords.check_password_rules(new, email=user.email, name=user.name)
    except passwords.PasswordRejected as exc:
        raise DomainError(str(exc), field="password") from exc
    if passwords.verify_password(user.password_hash, new):
        raise DomainError("That is your current password: choose a new one.", field="password")
    user.password_hash = passwords.hash_password(new)
    sessions.end_sessions_of(session, user.id)
    session.commit()


def set_role(session: Session, *, actor: User, user_id: int, role: str) -> User:
    """An admin grants or revokes organizer rights."""
    if not actor.is_admin:
        raise NotAllowed("Only admins can change roles.")
    if role not in (Role.MEMBER, Role.ORGANIZER):
        raise DomainError("Admins can make people members or organizers.")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("No such person.")
    if user.is_admin:
        raise DomainError(f"{user.name} is an admin; admin rights are managed from the command line.")
    user.role = role
    session.commit()
    return user


def make_admin(session: Session, email: str) -> User:
    user = find_by_email(session, normalise_email(email))
    if user is None:
        raise NotFound(f"No account with the email {email!r}; register it first.")
    user.role = Role.ADMIN
    session.commit()
    return user


def end_unproven_claim(session: Session, user: User, *, marker: str) -> None:
    """Hand an account that never confirmed its address to the address's
    proven owner (the hospital sign-in, a roster's invitation): whoever
    registered it loses its password, its logins and, announced, the other
    credentials it held. `marker` stands in for the password hash. In the
    caller's transaction."""
    user.password_hash = marker
    sessions.end_sessions_of(session, user.id)
    signals.unproven_claim_ended.send(session, user=user)
