"""The kinds of help the demo hospital's people look for and offer, so a
newcomer sees them in suggestions ("Offers career advice"). The same on
every run: each person's draw comes from the seed and their email."""

from __future__ import annotations

import random

from eventsapp.demo.people import SEED, DemoPerson
from eventsapp.profiles.help_kinds import CAREER, CLINICAL, EXPLORING, NETWORKING, OFFERED, SUPPORT, offers_help

#: The fixed logins, by email: the intern wants a research mentor, the
#: senior colleague and the organizer offer what their bios promise.
_FIXED = {
    "intern@riverside.example": (CAREER, CLINICAL, NETWORKING),
    "senior@riverside.example": (CAREER, CLINICAL, NETWORKING),
    "organizer@riverside.example": (SUPPORT, CAREER),
}


def help_kinds_of(person: DemoPerson) -> tuple[str, ...]:
    """What this person looks for (students and interns) or offers (seniors
    open to meeting interns); nothing for seniors who are not."""
    if person.email in _FIXED:
        return _FIXED[person.email]
    offers = offers_help(person.career_stage)
    if offers and not person.open_to_interns:
        return ()
    rng = random.Random(f"{SEED}-{person.email}")  # nosec B311  # the same demo people on every run
    if offers:
        return tuple(sorted(rng.sample(list(OFFERED), rng.choice((1, 2, 2, 3)))))
    if person.career_stage == "student" or rng.random() < 0.3:
        return (EXPLORING, *rng.sample([CAREER, CLINICAL], 1))
    return tuple(sorted(rng.sample(list(OFFERED), rng.choice((1, 2)))))
