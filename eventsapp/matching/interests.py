"""What suggestions share between viewers of a career stage: how many
candidates hold each interest, and who shares the most of a set of
interests. Both are the same for every viewer and slow to change, so each
server process keeps them for MATCHING_CACHE_SECONDS (0: not kept)."""

from __future__ import annotations

import threading

import sqlalchemy as sa
from cachetools import TTLCache
from flask import current_app
from sqlalchemy.orm import Session

from eventsapp.matching.eligibility import open_connections
from eventsapp.profiles.models import Profile, profile_specialty

#: Interests combine in many ways: at most this many lists are kept.
KEPT_LISTS = 1000

_lock = threading.Lock()
_kept: dict[int, TTLCache] = {}  # one cache per time to live (the setting, per app)


def clear() -> None:
    """Forget what was kept (for a process that must see changes at once)."""
    with _lock:
        _kept.clear()


def _kept_or_made(key: tuple, make):
    """make(), kept for MATCHING_CACHE_SECONDS under this key (with the
    database's address in it, so that two apps never share)."""
    ttl = current_app.config["MATCHING_CACHE_SECONDS"]
    if not ttl:
        return make()
    with _lock:
        cache = _kept.setdefault(ttl, TTLCache(maxsize=KEPT_LISTS, ttl=ttl))
        found = cache.get(key)
    if found is None:
        found = make()
        with _lock:
            cache[key] = found
    return found


def interest_counts(session: Session, stages: list[str]) -> tuple[dict[int, int], int]:
    """How many candidates hold each interest, and how many candidates there
    are (for rarity)."""

    def count() -> tuple[dict[int, int], int]:
        seniors = sa.select(Profile.user_id).where(Profile.open_to_interns, Profile.career_stage.in_(stages))
        everyone = sa.select(sa.func.count()).select_from(seniors.subquery()).scalar_subquery()
        counts, population = {}, 0
        for row in session.execute(
            sa.select(profile_specialty.c.specialty_id, sa.func.count().label("holders"), everyone.label("total"))
            .where(profile_specialty.c.profile_id.in_(seniors))
            .group_by(profile_specialty.c.specialty_id)
        ):
            counts[row.specialty_id], population = row.holders, row.total
        return counts, population

    return _kept_or_made(("counts", str(session.get_bind().url), tuple(stages)), count)


def interest_shortlist(
    session: Session, stages: list[str], weights: dict[int, float], specialty_id: int | None, *, length: int
) -> list[int]:
    """The colleagues who share the most (and rarest) of these interests
    (their weights), best first, up to `length`: a pass over everyone who
    holds one of them, which grows with the hospital. It depends only on
    the interests, their weights and the career stages, not on who asks:
    the rules that concern the viewer (who they asked or met, who declined
    them) are applied afterwards, and the length leaves room for them.
    (Only who is on it is kept: their points are read afresh.)"""
    if not weights:
        return []

    def shortlist() -> list[int]:
        interest_points = sa.func.sum(
            sa.case(*((profile_specialty.c.specialty_id == i, w) for i, w in weights.items()), else_=0.0)
        )
        # Only interests their holders show count (a hidden interest is never a reason).
        sharing = (
            sa.select(profile_specialty.c.profile_id)
            .join(Profile, Profile.user_id == profile_specialty.c.profile_id)
            .where(
                profile_specialty.c.specialty_id.in_(weights),
                Profile.show_interests,
                Profile.open_to_interns,
                Profile.career_stage.in_(stages),
                open_connections() < Profile.intro_capacity,
            )
            .group_by(profile_specialty.c.profile_id)
            .order_by(interest_points.desc(), profile_specialty.c.profile_id)
            .limit(length)
        )
        if specialty_id is not None:
            sharing = sharing.where(
                profile_specialty.c.profile_id.in_(
                    sa.select(profile_specialty.c.profile_id).where(profile_specialty.c.specialty_id == specialty_id)
                )
            )
        return list(session.scalars(sharing))

    # (By the weights too: an interest an active mentor shares weighs less for their intern.)
    key = (
        "shortlist",
        str(session.get_bind().url),
        tuple(stages),
        tuple(sorted(weights.items())),
        specialty_id,
        length,
    )
    return _kept_or_made(key, shortlist)
