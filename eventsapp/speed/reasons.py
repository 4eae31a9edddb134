"""Why two people were seated together, in words, from what both show now.

The reason is written when a page is shown, never read back from the
plan: a member who hides their interests after the plan was made must not
see them named on anyone's phone, the organizer's page or their data
download. `shared_shown` is a column of the page's own seat query, so the
reason costs no query of its own. The organizer's pages read it about the
pair (`pairing.THEY`), a member's own data as said to them.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from eventsapp.profiles.models import Profile, Specialty, profile_specialty
from eventsapp.speed import pairing

_SEPARATOR = "\x1f"  # never in a curated interest's name


def shared_shown(intern_id, senior_id):
    """A column: the interests both people show now, joined by _SEPARATOR
    (None when they share none they show)."""
    mine, theirs = profile_specialty.alias(), profile_specialty.alias()
    intern, senior = aliased(Profile), aliased(Profile)
    return (
        sa.select(sa.func.aggregate_strings(Specialty.name, _SEPARATOR))
        .select_from(Specialty)
        .join(mine, mine.c.specialty_id == Specialty.id)
        .join(theirs, theirs.c.specialty_id == Specialty.id)
        .join(intern, intern.user_id == mine.c.profile_id)
        .join(senior, senior.user_id == theirs.c.profile_id)
        .where(
            mine.c.profile_id == intern_id,
            theirs.c.profile_id == senior_id,
            intern.show_interests.is_(True),
            senior.show_interests.is_(True),
        )
        .scalar_subquery()
    )


def from_shared(joined: str | None, voice: pairing.Voice = pairing.YOU) -> str:
    """The shared reason from a `shared_shown` value, in `voice`."""
    names = frozenset(joined.split(_SEPARATOR)) if joined else frozenset()
    return pairing.shown_reason(names, names, voice)
