"""An opening question for a pair at a speed-mentoring table. Pure: the
pair's facts in, one question out, the same every time for the same pair.

The question starts from what the two have in common, in this order: an
interest they share, a kind of help the intern looks for that the senior
offers, a kind the intern looks for, a kind the senior offers, the
senior's specialty; else a general one. The questions follow what
mentoring helps interns with: clinical challenges, career and specialty
choice, wellbeing, networking and opportunities.
"""

from __future__ import annotations

from dataclasses import dataclass

from eventsapp.profiles.help_kinds import CAREER, CLINICAL, EXPLORING, NETWORKING, SUPPORT

#: Questions for each kind of help, the intern's to ask.
BY_HELP: dict[str, tuple[str, ...]] = {
    CLINICAL: (
        "Which case taught you the most in your first year, and what would you tell an intern facing it now?",
        "When a patient worries you in the middle of the night, how do you decide whom to call and what to say?",
        "How did you build confidence with procedures you found hard at first?",
    ),
    CAREER: (
        "How did you choose your specialty, and what nearly made you choose another?",
        "What do you wish you had known about specialty choice when you were an intern?",
        "What goals would you set for the rest of an intern year if you were starting again?",
    ),
    SUPPORT: (
        "What helps you recover after a hard shift or a difficult conversation with a family?",
        "How do you keep time for life outside the hospital on the busiest rotations?",
        "What did you find hardest in your intern year, and what got you through it?",
    ),
    NETWORKING: (
        "Which project, conference or person opened the most doors for you early on?",
        "How could an intern get involved in research or a project in your area?",
        "Whom should an intern interested in your field meet next?",
    ),
    EXPLORING: (
        "If you were undecided again, how would you try out specialties during your intern year?",
        "What makes someone thrive in your specialty that a rotation doesn't show?",
    ),
}

#: When the pair share nothing the app knows of.
GENERAL: tuple[str, ...] = (
    "What is one thing you wish someone had told you in your first month as an intern?",
    "Who mentored you, and what did they do that made the difference?",
    "What does a good week at work look like for you?",
)


@dataclass(frozen=True)
class PairFacts:
    """What the app knows about a pair, as plain values."""

    intern_id: int
    senior_id: int
    shared_interests: tuple[str, ...] = ()  # names
    help_asked: frozenset[str] = frozenset()  # kinds the intern looks for
    help_offered: frozenset[str] = frozenset()  # kinds the senior offers (and shows)
    senior_specialty: str = ""  # the senior's department, where shown


#: Kinds in the order they are tried, so the choice never depends on a set's order.
_ORDER = (CLINICAL, CAREER, SUPPORT, NETWORKING, EXPLORING)


def _pick(options: tuple[str, ...], facts: PairFacts) -> str:
    """One of the options, fixed by the pair (not by luck or the hour)."""
    return options[(facts.intern_id * 31 + facts.senior_id) % len(options)]


def icebreaker(facts: PairFacts) -> str:
    if facts.shared_interests:
        interest = sorted(facts.shared_interests)[0]
        return f"You both follow {interest}: what drew you to it, and what is changing in it right now?"
    for kinds in (facts.help_asked & facts.help_offered, facts.help_asked, facts.help_offered):
        for kind in _ORDER:
            if kind in kinds:
                return _pick(BY_HELP[kind], facts)
    if facts.senior_specialty:
        return (
            f"What does a typical week in {facts.senior_specialty} look like, and what surprises interns most about it?"
        )
    return _pick(GENERAL, facts)
