from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, validates

from eventsapp.extensions import db
from eventsapp.text import sort_key
from eventsapp.timeutil import UTCDateTime, utcnow

EMAIL_MAX = 254
NAME_MAX = 120
SUBJECT_MAX = 255


def name_sort_key(name: str | None) -> str:
    """sort_key, cut to fit its column (folding can lengthen a name: ﬁ is fi)."""
    return sort_key(name or "")[:NAME_MAX]


class Role:
    """Every account is a member; organizers create events; admins also
    grant organizer rights and keep the specialty list."""

    MEMBER = "member"
    ORGANIZER = "organizer"
    ADMIN = "admin"
    ALL = (MEMBER, ORGANIZER, ADMIN)
    LABELS = {MEMBER: "Member", ORGANIZER: "Organizer", ADMIN: "Admin"}


class User(UserMixin, db.Model):
    """An account. Its `profile` (loaded with it) is declared by
    profiles/models.py: profiles sits above accounts."""

    __tablename__ = "user"
    __table_args__ = (sa.CheckConstraint(f"role IN {Role.ALL!r}", name="role_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored normalised (lower case), so the unique index is case-insensitive.
    email: Mapped[str] = mapped_column(sa.String(EMAIL_MAX), unique=True)
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX), index=True)
    # The name as lists sort it (sort_key: Élodie among the Es), kept with
    # the name so that a paged list sorts in the database as the others do.
    name_key: Mapped[str] = mapped_column(sa.String(NAME_MAX), default="", server_default="", index=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[str] = mapped_column(sa.String(16), default=Role.MEMBER, server_default=Role.MEMBER)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the owner opened the link mailed to `email` (accounts/verification.py);
    # None until then: an unconfirmed address asks for no introduction and sees
    # no connection's address.
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Notifications are always kept in the app; email is the member's choice.
    email_notifications: Mapped[bool] = mapped_column(default=True, server_default=sa.text("true"))

    @validates("name")
    def _keep_name_key(self, _key: str, name: str) -> str:
        self.name_key = name_sort_key(name)
        return name

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_organize(self) -> bool:
        return self.role in (Role.ORGANIZER, Role.ADMIN)

    @property
    def role_label(self) -> str:
        return Role.LABELS[self.role]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class ThrottleCounter(db.Model):
    """How many sign-in or registration attempts one key (an address, an
    account, a device) made in one fixed window; see accounts/throttle.py.
    The key is an HMAC, so the table holds no address or email in clear."""

    __tablename__ = "throttle_counter"
    __table_args__ = (sa.CheckConstraint("hits >= 0", name="hits_not_negative"),)

    bucket: Mapped[str] = mapped_column(sa.String(24), primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    hits: Mapped[int] = mapped_column(default=0, server_default="0")
    # After this the row no longer counts (it has stopped being even the
    # previous window); expired rows are deleted.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class UserSession(db.Model):
    """One signed-in browser. Its id is the SHA-256 of the token the browser
    holds (in the signed session and the remember-me cookie), so the table
    cannot sign anyone in; deleting the row ends that session."""

    __tablename__ = "user_session"
    __table_args__ = (sa.CheckConstraint("expires_at > created_at", name="expires_after_created"),)

    id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Moved on by requests that change something (a GET never writes), at
    # most every few minutes: for the member's list of their sessions.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    remembered: Mapped[bool] = mapped_column(default=False, server_default=sa.text("false"))
    # "Firefox on Windows": what the member recognises, never the full header.
    device: Mapped[str] = mapped_column(sa.String(80), default="", server_default="")


class UserIdentity(db.Model):
    """An account's identity at an OpenID provider: the provider (its
    issuer) and the subject it names the person by, which never changes
    there even when their email does (docs/sso.md)."""

    __tablename__ = "user_identity"
    __table_args__ = (sa.UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(sa.String(255))
    # OpenID Connect caps the subject at 255 ASCII characters.
    subject: Mapped[str] = mapped_column(sa.String(SUBJECT_MAX))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
