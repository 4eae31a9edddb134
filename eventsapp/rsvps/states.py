"""The answers a member can give an event. Pure: the models and the rules
(rules.py) both read them."""

from __future__ import annotations


class RsvpState:
    GOING = "going"
    WAITLISTED = "waitlisted"
    MAYBE = "maybe"
    DECLINED = "declined"
    ALL = (GOING, WAITLISTED, MAYBE, DECLINED)
    LABELS = {GOING: "Going", WAITLISTED: "On the waitlist", MAYBE: "Maybe", DECLINED: "Not going"}
    # What a member can ask for; "waitlisted" is where "going" lands when full.
    CHOICES = (GOING, MAYBE, DECLINED)


#: Everyone who answered anything but "not going" hears about changes.
INTERESTED = (RsvpState.GOING, RsvpState.WAITLISTED, RsvpState.MAYBE)
