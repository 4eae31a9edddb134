"""The kinds of help a mentor gives, as interns ask for them and seniors
offer them. Pure: no Flask, no database. See docs/features.md (People to meet)."""

from __future__ import annotations

from eventsapp.profiles import career

CLINICAL = "clinical"
CAREER = "career"
SUPPORT = "support"
NETWORKING = "networking"
#: Asked only: an intern who has not chosen a specialty yet.
EXPLORING = "exploring"

#: What a senior can offer, in the words of the form.
OFFERED: dict[str, str] = {
    CLINICAL: "Clinical challenges",
    CAREER: "Career and specialty choice",
    SUPPORT: "Emotional support and work-life balance",
    NETWORKING: "Networking and opportunities (research, conferences)",
}
#: What an intern can look for: the same, and still exploring specialties.
ASKED: dict[str, str] = {**OFFERED, EXPLORING: "Still exploring specialties"}
#: Every kind the database accepts.
KINDS = tuple(ASKED)

#: How a suggestion's reason names what a senior offers ("Offers career advice").
IN_WORDS: dict[str, str] = {
    CLINICAL: "help with clinical challenges",
    CAREER: "career advice",
    SUPPORT: "emotional support",
    NETWORKING: "networking",
}


def offers_help(stage: str | None) -> bool:
    """Residents and above offer help; students and interns (and a profile
    with no stage yet) look for it. One side each, by career stage, as the
    rest of the app decides who meets interns."""
    return career.can_mentor(stage)


def choices_for(stage: str | None) -> dict[str, str]:
    """The kinds someone at this stage may pick, with their labels."""
    return OFFERED if offers_help(stage) else ASKED


#: A profile stores its kinds as one number, the sum of their bits (read
#: with the profile row, at no cost to the ranking's queries). Stored: never
#: renumber; a new kind takes the next bit.
BITS: dict[str, int] = {CLINICAL: 1, CAREER: 2, SUPPORT: 4, NETWORKING: 8, EXPLORING: 16}
#: The largest numbers each side may store (the database checks them).
ALL_OFFERED = sum(BITS[kind] for kind in OFFERED)
ALL_ASKED = sum(BITS[kind] for kind in ASKED)


def to_bits(kinds) -> int:
    return sum(BITS[kind] for kind in set(kinds))


def from_bits(bits: int | None) -> frozenset[str]:
    """The kinds a number of BITS stands for."""
    return _SETS[bits or 0]


def in_order(bits: int | None) -> list[str]:
    """The kinds a number stands for, in the form's order."""
    return [kind for kind in KINDS if (bits or 0) & BITS[kind]]


#: Each number's kinds, worked out once (the ranking reads one per candidate).
_SETS = [frozenset(kind for kind, bit in BITS.items() if bits & bit) for bits in range(ALL_ASKED + 1)]
