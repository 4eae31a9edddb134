"""One-click unsubscribe (RFC 8058): every mail to a member carries a signed
link that turns off the preference its kind belongs to, without logging in.

The token signs (user id, preference) with SECRET_KEY: it never expires,
survives a change of address, and a new SECRET_KEY revokes every token.
docs/features.md lists which mail belongs to which preference.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.errors import NotFound
from eventsapp.notifications.models import NotificationKind
from eventsapp.profiles.models import EventReminders

SALT = "unsubscribe"
UPDATES = "updates"
REMINDERS = "reminders"
DIGEST = "digest"
REQUEST_REMINDERS = "request_reminders"
#: What a member turns off, as the page names it.
LABELS = {
    UPDATES: "changes to events you answered, your introductions and mentorships",
    REMINDERS: "event reminders",
    DIGEST: "the weekly digest",
    REQUEST_REMINDERS: "reminders of introduction requests waiting for your answer",
}
#: The kind of the weekly digest's mail (it has no notice in the app).
DIGEST_KIND = "weekly_digest"
#: Kinds of mail with a preference of their own.
OWN_PREFERENCE = {
    NotificationKind.REMINDER: REMINDERS,
    NotificationKind.REQUEST_REMINDER: REQUEST_REMINDERS,
    DIGEST_KIND: DIGEST,
}
#: Every kind of mail sent to members belongs to a preference.
EVENT_KINDS = tuple(k for k in NotificationKind.ALL if k != NotificationKind.REMINDER)
INTRODUCTION_PREFIX = "intro_"
MENTORSHIP_PREFIX = "mentorship_"


def preference_of(kind: str) -> str | None:
    """The preference a kind of mail belongs to (None: not unsubscribable)."""
    if kind in OWN_PREFERENCE:
        return OWN_PREFERENCE[kind]
    if kind in EVENT_KINDS or kind.startswith((INTRODUCTION_PREFIX, MENTORSHIP_PREFIX)):
        return UPDATES
    return None


def token_for(secret_key: str, user_id: int, preference: str) -> str:
    return URLSafeSerializer(secret_key, salt=SALT).dumps([int(user_id), preference])


def read_token(secret_key: str, token: str) -> tuple[int, str]:
    """(user id, preference) from a token; NotFound for anything forged,
    cut short or naming a preference that does not exist."""
    try:
        user_id, preference = URLSafeSerializer(secret_key, salt=SALT).loads(token)
    except (BadData, TypeError, ValueError) as exc:
        raise NotFound("No such link.") from exc
    if not isinstance(user_id, int) or preference not in LABELS:
        raise NotFound("No such link.")
    return user_id, preference


def unsubscribe_url(site: str, token: str) -> str:
    return f"{site.rstrip('/')}/unsubscribe/{token}"


@dataclass(frozen=True)
class Choice:
    user_id: int
    preference: str
    label: str
    subscribed: bool


def choice(session: Session, secret_key: str, token: str) -> Choice:
    """What the link would turn off, and whether it is still on; reads only."""
    user_id, preference = read_token(secret_key, token)
    user = session.get(User, user_id)
    if user is None or user.profile is None:
        raise NotFound("No such link.")
    if preference == UPDATES:
        subscribed = user.email_notifications
    elif preference == DIGEST:
        subscribed = user.profile.weekly_digest
    elif preference == REQUEST_REMINDERS:
        subscribed = user.profile.request_reminders
    else:
        subscribed = user.profile.event_reminders != EventReminders.OFF
    return Choice(user_id, preference, LABELS[preference], subscribed)


def unsubscribe(session: Session, secret_key: str, token: str) -> Choice:
    """Turn the link's preference off and commit; doing it twice is harmless."""
    current = choice(session, secret_key, token)
    user = session.get(User, current.user_id)
    if current.preference == UPDATES:
        user.email_notifications = False
    elif current.preference == DIGEST:
        user.profile.weekly_digest = False
    elif current.preference == REQUEST_REMINDERS:
        user.profile.request_reminders = False
    else:
        user.profile.event_reminders = EventReminders.OFF
    session.commit()
    return Choice(current.user_id, current.preference, current.label, False)
