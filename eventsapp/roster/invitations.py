"""Invitations of the accounts a roster import created: a mail (through the
outbox) with a one-time link, valid 14 days, to set a password; resending
(a new link, the old one void); accepting; the coordinator's list."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts import passwords
from eventsapp.accounts.models import User
from eventsapp.errors import DomainError, NotFound
from eventsapp.notifications.mail import OutgoingMail, outbox_row, queue_mails
from eventsapp.profiles.models import Profile
from eventsapp.roster.models import RosterInvitation

VALID_FOR = timedelta(days=14)
#: A person is sent their invitation again at most this often.
RESEND_QUIET = timedelta(hours=1)
#: Mail of this kind is not unsubscribable: it is the way in.
KIND = "roster_invitation"


class InvitationUsed(DomainError):
    pass


class InvitationExpired(DomainError):
    pass


@dataclass(frozen=True)
class Invitee:
    user_id: int
    email: str
    name: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_mail(invitee: Invitee, link: str, expires_at: datetime) -> OutgoingMail:
    body = (
        f"Hello {invitee.name},\n\n"
        "Your program coordinator has added you to Mentor Rounds, where interns find mentors at the "
        "meetings, grand rounds and journal clubs the hospital already holds.\n\n"
        f"Choose your password and sign in here (the link works once, until {expires_at:%-d %B %Y}):\n{link}\n\n"
        "If you did not expect this, you can ignore this email."
    )
    return OutgoingMail(to=invitee.email, subject="You are invited to Mentor Rounds", body=body)


def _send(invitees: list[Invitee], *, now: datetime, join_link: str) -> tuple[list[dict], dict[int, str]]:
    """The outbox rows of new links for these people, and each one's token hash."""
    rows, hashes = [], {}
    for invitee in invitees:
        token = secrets.token_urlsafe(32)
        hashes[invitee.user_id] = token_hash(token)
        mail = invitation_mail(invitee, f"{join_link}{token}", now + VALID_FOR)
        rows.append(outbox_row(mail, kind=KIND, user_id=invitee.user_id, dedupe_key=None, now=now, site=""))
    return rows, hashes


def invite(
    session: Session, invitees: list[Invitee], *, import_id: int | None, sent_by_id: int, now: datetime, join_link: str
) -> None:
    """Invite new accounts, in bulk, in the caller's transaction."""
    if not invitees:
        return
    mails, hashes = _send(invitees, now=now, join_link=join_link)
    session.execute(
        sa.insert(RosterInvitation),
        [
            {
                "user_id": i.user_id,
                "import_id": import_id,
                "token_hash": hashes[i.user_id],
                "invited_at": now,
                "sent_at": now,
                "expires_at": now + VALID_FOR,
                "sent_by_id": sent_by_id,
                "sends": 1,
            }
            for i in invitees
        ],
    )
    queue_mails(session, mails)


def in_scope(query, allowed: frozenset[int] | None):
    """Only invitations of people in the departments a coordinator follows."""
    if allowed is None:
        return query
    return query.where(
        RosterInvitation.user_id.in_(sa.select(Profile.user_id).where(Profile.department_id.in_(allowed)))
    )


def resend(
    session: Session,
    *,
    user_ids: list[int] | None,
    allowed: frozenset[int] | None,
    sent_by_id: int,
    now: datetime,
    join_link: str,
    import_id: int | None = None,
) -> tuple[int, int]:
    """New links for those not joined (`user_ids` None: everyone in scope, of
    `import_id` if given), skipping any sent within RESEND_QUIET; commits.
    (sent, skipped as too recent)."""
    query = sa.select(RosterInvitation, User.email, User.name).join(User, User.id == RosterInvitation.user_id)
    query = in_scope(query.where(RosterInvitation.accepted_at.is_(None)), allowed)
    if user_ids is not None:
        query = query.where(RosterInvitation.user_id.in_(user_ids))
    if import_id is not None:
        query = query.where(RosterInvitation.import_id == import_id)
    found = session.execute(query).all()
    due = [(inv, Invitee(inv.user_id, email, name)) for inv, email, name in found if inv.sent_at <= now - RESEND_QUIET]
    mails, hashes = _send([i for _, i in due], now=now, join_link=join_link)
    for invitation, _ in due:
        invitation.token_hash, invitation.sent_at = hashes[invitation.user_id], now
        invitation.expires_at, invitation.sent_by_id = now + VALID_FOR, sent_by_id
        invitation.sends += 1
    queue_mails(session, mails)
    session.commit()
    return len(due), len(found) - len(due)


def open_invitation(session: Session, token: str, now: datetime) -> tuple[RosterInvitation, User]:
    """The invitation a link names, if it can still be used."""
    found = session.execute(
        sa.select(RosterInvitation, User)
        .join(User, User.id == RosterInvitation.user_id)
        .where(RosterInvitation.token_hash == token_hash(token or ""))
    ).first()
    if found is None:
        raise NotFound("This invitation link is not valid: it may have been replaced by a newer one.")
    invitation, user = found
    if invitation.accepted_at is not None:
        raise InvitationUsed("This invitation has been used already. Log in with your email and password.")
    if invitation.expires_at <= now:
        raise InvitationExpired("This invitation has expired. Ask your program coordinator to send it again.")
    return invitation, user


def accept(session: Session, token: str, *, password: str, now: datetime) -> User:
    """Set the invited person's password; the link is used up. Raises DomainError."""
    invitation, user = open_invitation(session, token, now)
    try:
        passwords.check_password_rules(password, email=user.email, name=user.name)
    except passwords.PasswordRejected as exc:
        raise DomainError(str(exc), field="password") from exc
    # Claimed by its hash: of two submissions at once, one sets the password.
    claimed = session.execute(
        sa.update(RosterInvitation)
        .where(RosterInvitation.token_hash == invitation.token_hash, RosterInvitation.accepted_at.is_(None))
        .values(accepted_at=now)
    ).rowcount
    if not claimed:
        session.rollback()
        raise InvitationUsed("This invitation has been used already. Log in with your email and password.")
    # The mail reached its owner: the address is proven (User.email_verified_at is set here once it exists).
    user.password_hash = passwords.hash_password(password)
    user.last_login_at = now
    session.commit()
    return user
