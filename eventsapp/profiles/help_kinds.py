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
    NETWORKING: "networking and opportunities",
}


def offers_help(stage: str | None) -> bool:
    """Residents and above offer help; students and interns (and a profile
    with no stage yet) look for it. One side each, by career stage, as the
    rest of the app decides who meets interns."""
    return career.can_mentor(stage)


def choices_for(stage: str | None) -> dict[str, str]:
    """The kinds someone at this stage may pick, with their labels."""
    return OFFERED if offers_help(stage) else ASKED


#: Each kind as one bit, so a query can return someone's kinds as a number.
BITS: dict[str, int] = {kind: 1 << n for n, kind in enumerate(KINDS)}


def from_bits(bits: int | None) -> frozenset[str]:
    """The kinds a number of BITS stands for."""
    return frozenset(kind for kind, bit in BITS.items() if (bits or 0) & bit)
