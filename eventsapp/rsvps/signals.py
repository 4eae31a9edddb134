"""What RSVPs announce to the domains above them (sent with the session as
sender, before the answer commits; `links`: see events/links.py)."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

seat_confirmed = _signals.signal(
    "seat-confirmed",
    doc="""
A member's own answer gave them a seat (keywords `event`, `user`, `rsvp`).""",
)

waitlisted = _signals.signal(
    "waitlisted",
    doc="""
A member answered 'going' to a full event and joined its waitlist
(keywords `event`, `user`, `rsvp`).""",
)

promoted = _signals.signal(
    "promoted",
    doc="""
A seat opened and these members moved from the waitlist to going
(keywords `event`, `rsvps`).""",
)
