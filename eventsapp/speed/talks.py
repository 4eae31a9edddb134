"""What a speed-mentoring talk shows its two people: why they sit together
and what its opening question may start from, from what both let others see
now (docs/speed-mentoring.md, "Privacy"). What an intern looks for is
theirs alone: the senior's side never names it."""

from __future__ import annotations

from eventsapp.accounts.models import User
from eventsapp.profiles import help_kinds
from eventsapp.speed import pairing
from eventsapp.speed.icebreakers import PairFacts


def reason(intern: User, senior: User, as_senior: bool) -> str:
    """Why they sit together, from what both show now (never the reason
    stored at planning: an interest hidden since is not named); the
    intern's own phone adds the help they look for that the senior offers."""
    shared = pairing.shown_reason(_shown(intern), _shown(senior))
    return shared if as_senior else pairing.for_intern(shared, _offers(intern, senior))


def _shown(user: User) -> frozenset[str]:
    profile = user.profile
    return frozenset(s.name for s in profile.specialties) if profile.show_interests else frozenset()


def _offers(intern: User, senior: User) -> list[str]:
    """The help the intern looks for that the senior offers and shows, in words."""
    if not senior.profile.show_interests:
        return []
    asked = frozenset(help_kinds.in_order(intern.profile.help_asked))
    offered = frozenset(help_kinds.in_order(senior.profile.help_offered))
    return [help_kinds.IN_WORDS[kind] for kind in pairing.helped(asked, offered)]


def pair_facts(intern: User, senior: User, *, for_senior: bool = False) -> PairFacts:
    """What the icebreaker may start from: only what both let others see.
    The senior's question never starts from what the intern looks for (that
    is the intern's alone), and the senior's offers count only if shown."""
    mine, theirs = intern.profile, senior.profile
    shared: tuple[str, ...] = ()
    if mine.show_interests and theirs.show_interests:
        ids = {s.id for s in theirs.specialties}
        shared = tuple(s.name for s in mine.specialties if s.id in ids)
    department = theirs.department.name if theirs.department is not None and theirs.show_department else ""
    return PairFacts(
        intern_id=intern.id,
        senior_id=senior.id,
        shared_interests=shared,
        help_asked=frozenset() if for_senior else frozenset(help_kinds.in_order(mine.help_asked)),
        help_offered=frozenset(help_kinds.in_order(theirs.help_offered)) if theirs.show_interests else frozenset(),
        senior_specialty=department,
    )
