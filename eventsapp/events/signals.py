"""What events announce to the domains above them.

Sent with the database session as sender, under the events' locks and
before the change commits; `links` (events/links.py) says how to link the
event pages in what receivers send.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

events_saved = _signals.signal(
    "events-saved",
    doc="""
An organizer saved these meetings (keyword `events`): their capacity may
have grown, so free seats go to the waitlist.""",
)

events_changed = _signals.signal(
    "events-changed",
    doc="""
What people see of these meetings changed (keyword `edits`: each event with
its fields before the change): whoever answered is told what changed.""",
)

events_cancelled = _signals.signal(
    "events-cancelled",
    doc="""
These meetings are cancelled (keyword `events`): whoever answered is told.""",
)

checking_responses = _signals.signal(
    "checking-responses",
    doc="""
Asked before an event is deleted (keyword `event_id`): each receiver returns
whether its domain holds someone's response to it (an answer, a check-in).""",
)

counting_seats = _signals.signal(
    "counting-seats",
    doc="""
Asked for each meeting an edit gives a capacity (keyword `event_id`):
RSVPs return how many people hold a seat at the event.""",
)


def answers(question, session, **facts) -> list:
    """What the receivers of a signal that asks (checking_responses,
    counting_seats) answer. None connected is an error, never "nobody
    answered": an event must not be deleted, or its capacity lowered, on
    the strength of a question nobody heard."""
    replies = question.send(session, **facts)
    if not replies:
        raise RuntimeError(f"Nothing answers {question.name}: are the receivers connected (connect_receivers)?")
    return [reply for _, reply in replies]
