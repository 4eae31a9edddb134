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
from eventsapp.transactions import begin_write

VALID_FOR = timedelta(days=14)
#: A person is sent their invitation again at most this often.
RESEND_QUIET = timedelta(hours=1)
#: Mail of this kind is not unsubscribable: it is the way in.
KIND = "roster_invitation"
#: Invitations the worker mails at a time (each renders its message).
SEND_BATCH = 200
#: Where the invitation page is, on this site: the worker links it without a request.
JOIN_PATH = "roster/join/"


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


def invite(session: Session, user_ids: list[int], *, import_id: int | None, sent_by_id: int, now: datetime) -> None:
    """Invite new accounts, in bulk, in the caller's transaction: each waits
    for the worker to mail its link (send_waiting), as a whole intake would
    take too long to render while the coordinator waits."""
    if user_ids:
        session.execute(
            sa.insert(RosterInvitation),
            [
                {"user_id": user_id, "import_id": import_id, "invited_at": now, "asked_at": now,
                 "sent_by_id": sent_by_id, "sends": 0}
                for user_id in user_ids
            ],
        )  # fmt: skip


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
    import_id: int | None = None,
) -> tuple[int, int]:
    """New links for those not joined (`user_ids` None: everyone in scope, of
    `import_id` if given), but those asked for within RESEND_QUIET. The old
    link stops working at once; the worker mails the new one. Commits.
    (asked for, skipped as too recent)."""
    query = in_scope(sa.select(RosterInvitation).where(RosterInvitation.accepted_at.is_(None)), allowed)
    if user_ids is not None:
        query = query.where(RosterInvitation.user_id.in_(user_ids))
    if import_id is not None:
        query = query.where(RosterInvitation.import_id == import_id)
    found = list(session.scalars(query))
    due = [invitation for invitation in found if invitation.asked_at <= now - RESEND_QUIET]
    for invitation in due:
        invitation.token_hash = invitation.sent_at = invitation.expires_at = None
        invitation.asked_at, invitation.sent_by_id = now, sent_by_id
    session.commit()
    return len(due), len(found) - len(due)


def send_waiting(session: Session, now: datetime, join_link: str, *, limit: int = SEND_BATCH) -> int:
    """Mail up to `limit` waiting invitations, each with a new link valid
    VALID_FOR (`join_link`: the invitation page without its token); commits.
    Rows are claimed (FOR UPDATE SKIP LOCKED; on SQLite the write lock from
    the start), so two workers never mail one link each for the same person."""
    begin_write(session)
    found = session.execute(
        sa.select(RosterInvitation, User.email, User.name)
        .join(User, User.id == RosterInvitation.user_id)
        .where(RosterInvitation.token_hash.is_(None), RosterInvitation.accepted_at.is_(None))
        .order_by(RosterInvitation.asked_at, RosterInvitation.user_id)
        .limit(limit)
        .with_for_update(of=RosterInvitation, skip_locked=True)
    ).all()
    mails = []
    for invitation, email, name in found:
        token = secrets.token_urlsafe(32)
        invitation.token_hash, invitation.sent_at, invitation.expires_at = token_hash(token), now, now + VALID_FOR
        invitation.sends += 1
        mail = invitation_mail(Invitee(invitation.user_id, email, name), f"{join_link}{token}", now + VALID_FOR)
        mails.append(outbox_row(mail, kind=KIND, user_id=invitation.user_id, dedupe_key=None, now=now, site=""))
    queue_mails(session, mails)
    session.commit()
    return len(found)


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
    if invitation.expires_at is None or invitation.expires_at <= now:
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
    # The mail reached its owner: the address is proven.
    user.email_verified_at = now
    user.password_hash = passwords.hash_password(password)
    user.last_login_at = now
    session.commit()
    return user
