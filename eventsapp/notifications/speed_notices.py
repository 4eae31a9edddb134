"""What people are told after a speed-mentoring evening: the receivers of
speed/signals.py. Mail is of the "updates" preference (its kind begins
"intro_"), as for introductions."""

from __future__ import annotations

from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.events.models import Event
from eventsapp.notifications.services import Message, notify
from eventsapp.speed import signals
from eventsapp.speed.links import PageLink


class Kind:
    WISHED_AGAIN = "intro_speed_again"


@signals.wished_to_meet_again.connect
def wished_to_meet_again(session: Session, *, senior: User, intern: User, event: Event, link: PageLink, **_) -> None:
    """The intern hears the senior would like to meet again; their own yes
    on the follow-up page makes it an introduction at once if the senior
    has room and the intern's address is confirmed (else a request waits,
    or the page says why not): the notice promises no more."""
    notify(
        session,
        [intern],
        Message(
            kind=Kind.WISHED_AGAIN,
            subject=f"{senior.name} would like to meet you again",
            body=f"{senior.name} would like to meet you again after {event.title}. Say yes on the follow-up "
            f"page: if they have room for another introduction and your email address is confirmed, "
            f"you are introduced at once.\n\nAnswer: {link.url}",
            link=link.path,
            event_id=event.id,
            site=link.site,
        ),
    )
