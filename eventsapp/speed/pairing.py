"""How well each intern and senior present at a speed-mentoring evening
suit each other, and why, in words. Pure: data in, scores and reasons out;
no Flask, no database.

The score is the suggestion score of People to meet (matching.scoring),
with its weights and functions: shared interests count by how rare they
are among the people present, and each kind of help the intern looks for
that the senior offers adds HELP_WEIGHT. Events together and room under a
senior's limit do not count here: everyone is at the same event, and an
evening's conversation takes no introduction slot. The reason is built from
the same facts, so it never names what the score did not count.

What an intern looks for is theirs alone, and a senior who hides their
interests hides their offers too: a senior's offers count only when they
show them (`help_shown`), and the shared reason names only the interests
both show. Pages never show the reason stored with a seat: they write it
again from what both show now (`shown_reason`, speed.reasons), so hiding
one's interests after the plan hides them everywhere.
The help part ("offers career advice") is added on the intern's own phone
(`for_intern`). The shared reason speaks to the pair on their own pages
("You share Cardiology") and about them on the organizer's (`THEY`: "Both
are interested in Cardiology"); the organizer's never names any help.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Literal

from eventsapp.matching import scoring
from eventsapp.profiles.help_kinds import IN_WORDS, KINDS

#: What a seat's reason may hold (SpeedSeat.reason).
REASON_MAX = 300
NOTHING_SHARED = "No shared interests listed: a chance to hear about another field"

#: Whom a reason speaks to: the pair themselves, or the organizer about the pair.
Voice = Literal["you", "they"]
YOU: Voice = "you"
THEY: Voice = "they"
_SHARE = {YOU: "You share", THEY: "Both are interested in"}


@dataclass(frozen=True)
class Person:
    """One participant as pairing sees them."""

    user_id: int
    name: str
    interests: frozenset[int] = frozenset()
    helps: frozenset[str] = frozenset()  # looked for (interns) or offered (seniors)
    help_shown: bool = True  # a senior's offers count only when they show them (show_interests)


@dataclass(frozen=True)
class Pair:
    score: float
    reason: str  # what both may see: the interests they both show


def interest_counts(people) -> tuple[dict[int, int], int]:
    """How many of the people present hold each interest, and how many
    people are present: rarity is measured in the room."""
    counts = Counter(i for person in people for i in person.interests)
    return dict(counts), len(people)


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _fit(text: str) -> str:
    text = text[0].upper() + text[1:]
    return text if len(text) <= REASON_MAX else text[: REASON_MAX - 1] + "…"


def reason(shared: list[str], voice: Voice = YOU) -> str:
    """ "You share Cardiology and Medical education": what both see; the
    organizer reads it about them ("Both are interested in …"). Nothing of
    the help looked for or offered."""
    return _fit(f"{_SHARE[voice]} {_listed(shared)}") if shared else NOTHING_SHARED


def shown_reason(intern_shown: frozenset[str], senior_shown: frozenset[str], voice: Voice = YOU) -> str:
    """The shared reason from the interests both show now (in name order):
    what a page says, so an interest hidden after planning is never named."""
    return reason(sorted(intern_shown & senior_shown, key=lambda name: (name.casefold(), name)), voice)


def for_intern(shared_reason: str, help_offered: list[str]) -> str:
    """The intern's own reason: the shared one, and the help they look for
    that the senior offers ("You share Cardiology; offers career advice")."""
    if not help_offered:
        return shared_reason
    offers = f"offers {_listed(help_offered)}"
    return _fit(offers if shared_reason in ("", NOTHING_SHARED) else f"{shared_reason}; {offers}")


def helped(asked: frozenset[str], offered: frozenset[str]) -> list[str]:
    """The kinds of help looked for and offered, in the form's order."""
    return [kind for kind in KINDS if kind in asked & offered and kind in IN_WORDS]


def pair(intern: Person, senior: Person, counts: dict[int, int], population: int, names: dict[int, str]) -> Pair:
    """One intern and one senior: their score and its reason."""
    weights = scoring.interest_weights(intern.interests, frozenset(), counts, population)
    shared_ids = intern.interests & senior.interests
    kinds = helped(intern.helps, senior.helps) if senior.help_shown else []
    total = scoring.score(sum(weights[i] for i in shared_ids), 0, 0, 0, 0, 0, len(kinds))
    # Rarest first, as People to meet names them.
    shared = sorted(shared_ids, key=lambda i: (counts.get(i, 0), names.get(i, ""), i))
    return Pair(total, reason([names[i] for i in shared if i in names]))


def pair_all(interns, seniors, names: dict[int, str]) -> dict[tuple[int, int], Pair]:
    """Every (intern, senior) pair present, keyed by their ids."""
    counts, population = interest_counts([*interns, *seniors])
    return {
        (intern.user_id, senior.user_id): pair(intern, senior, counts, population, names)
        for intern in interns
        for senior in seniors
        if intern.user_id != senior.user_id
    }
