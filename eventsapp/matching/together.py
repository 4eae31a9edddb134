"""Where the viewer meets each colleague: upcoming events both go to, past
events both attended, each looked up from the viewer's own events (a few
hundred answers), never from every senior."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Join

from eventsapp.attendance.models import CheckIn
from eventsapp.introductions.models import IntroRequest
from eventsapp.matching import scoring
from eventsapp.matching.eligibility import asked_by, eligibility
from eventsapp.profiles.help_kinds import ALL_OFFERED
from eventsapp.profiles.models import AttendanceVisibility, Profile, profile_specialty
from eventsapp.rsvps.models import Rsvp, RsvpState
from eventsapp.sqlids import in_ids

#: The columns of together's rows, and of people_together's, by name.
_COLUMNS = ("user_id", "event_id", "approachable", "upcoming")
_PEOPLE_COLUMNS = (*_COLUMNS, "shows", "points", "offers")


@dataclass
class Together:
    """Where the viewer meets each colleague: upcoming events both go to
    (and those the colleague is happy to be approached at), past events
    both attended."""

    going: dict[int, list[int]]
    approachable: dict[int, set[int]]
    attended: dict[int, list[int]]
    # People to meet only: the points of the interests each colleague shows
    # and shares with the viewer (with those of the kinds of help they offer
    # and the viewer looks for), and those of the shared-interest short
    # list who may be suggested.
    interest_points: dict[int, float] = field(default_factory=dict)
    listed: set[int] = field(default_factory=set)

    @property
    def people(self) -> set[int]:
        return set(self.going) | set(self.attended)

    def add(self, user_id: int, event_id: int, happy: bool, upcoming: bool) -> None:
        """One row of together's queries: going to an upcoming event (and
        whether happy to be approached there), or attended a past one."""
        if upcoming:
            self.going.setdefault(user_id, []).append(event_id)
            if happy:
                self.approachable.setdefault(user_id, set()).add(event_id)
        else:
            self.attended.setdefault(user_id, []).append(event_id)


def together(
    session: Session, upcoming: list[int], past: list[int], stages: list[str], user_ids: list[int] | None = None
) -> Together:
    """Which colleagues of these career stages, opted in, go to these
    upcoming events and attended these past ones (one query for both
    kinds), for everyone or for `user_ids`. Those who show their attendance
    to organizers only never have an event as a reason."""
    found = Together({}, {}, {})
    if not upcoming and not past:
        return found
    params = {"upcoming": upcoming, "past": past, "stages": stages, "user_ids": user_ids or []}
    connection = session.connection()
    rows = connection.execute(_together_query(user_ids is not None, connection.dialect.name), params)
    for user_id, event_id, happy, upcoming in rows.columns(*_COLUMNS).all():
        found.add(user_id, event_id, happy, upcoming)
    return found


def _answers_and_check_ins(dialect: str):
    """Who goes to the upcoming events (parameter upcoming) and who was
    checked in at the past ones (past): rows of user, event, happy to be
    approached, upcoming; for a UNION ALL."""
    going = sa.select(Rsvp.user_id, Rsvp.event_id, Rsvp.approachable, sa.literal(True).label("upcoming")).where(
        in_ids(Rsvp.event_id, "upcoming", dialect), Rsvp.state == RsvpState.GOING
    )
    met = sa.select(CheckIn.user_id, CheckIn.event_id, sa.literal(False), sa.literal(False)).where(
        in_ids(CheckIn.event_id, "past", dialect)
    )
    return going, met


@lru_cache(maxsize=4)
def _together_query(restricted: bool, dialect: str):
    """together's statement, built once; parameters upcoming, past, stages
    and (restricted to some people) user_ids."""
    going, met = _answers_and_check_ins(dialect)
    if restricted:
        # Each event's answers read by its key (some fifty) and the people
        # kept from the list: SQLite would rather look up every pair of
        # event and person by key, a thousand times more on a popular
        # event's page. "+ 0" keeps it off that index (SQLite's own advice).
        going_id, met_id = (
            (Rsvp.user_id + 0, CheckIn.user_id + 0) if dialect == "sqlite" else (Rsvp.user_id, CheckIn.user_id)
        )
        going = going.where(in_ids(going_id, "user_ids", dialect))
        met = met.where(in_ids(met_id, "user_ids", dialect))
    both = sa.union_all(going, met).subquery()
    # Each person looked up by key, as a scalar subquery with a limit: as a
    # plain join, SQLite (without statistics) would walk every opted-in
    # profile, and PostgreSQL would hash every profile of those stages.
    # (People to meet, which also reads their profile, joins in a set
    # order instead: see people_together_query.)
    shown = (
        sa.select(sa.literal(1))
        .select_from(Profile)
        .where(
            Profile.user_id == both.c.user_id,
            Profile.open_to_interns,
            Profile.career_stage.in_(sa.bindparam("stages", expanding=True)),
            Profile.attendance_visibility != AttendanceVisibility.ORGANIZERS,
        )
        .limit(1)
        .correlate(both)
        .scalar_subquery()
    )
    return sa.select(both).where(shown.is_not(None))


def people_together(
    connection,
    upcoming: list[int],
    past: list[int],
    listed: list[int],
    weights: dict[int, float],
    params: dict,
    asks: int = 0,
) -> Together:
    """together for People to meet, and the shared-interest short list
    (`listed`): only colleagues who may be suggested to the viewer at all
    (eligibility), each with the points of the interests they show and
    share with the viewer now, and how many of the kinds of help the
    viewer `asks` for (help_kinds.BITS) they offer, so that each one's score
    is known to within the room-left bonus before anyone is loaded."""
    found = Together({}, {}, {})
    interests = sorted(weights)
    values = {
        "upcoming": upcoming,
        "past": past,
        "listed": listed,
        **{f"s{n}": i for n, i in enumerate(interests)},
        **{f"w{n}": weights[i] for n, i in enumerate(interests)},
    }
    result = connection.execute(people_together_query(len(interests), connection.dialect.name), {**params, **values})
    points, helped = found.interest_points, help_points(asks)
    # (A thousand rows for a busy intern: each read by name, in one call.)
    for user_id, event_id, happy, upcoming, shows, shared, offers in result.columns(*_PEOPLE_COLUMNS).all():
        points[user_id] = float(shared or 0.0) + helped[offers] if shows else 0.0
        if event_id is None:
            found.listed.add(user_id)
        else:
            found.add(user_id, event_id, happy, upcoming)
    return found


@lru_cache(maxsize=32)
def help_points(asks: int) -> list[float]:
    """The points of each number of kinds offered (help_kinds.BITS), for a
    viewer who looks for `asks`: a table, read once per row."""
    return [scoring.score(0.0, 0, 0, 0, 0, 0, (offers & asks).bit_count()) for offers in range(ALL_OFFERED + 1)]


@lru_cache(maxsize=16)
def people_together_query(interests: int, dialect: str):
    """people_together's statement, built once per number of the viewer's
    interests (and database); parameters upcoming, past, listed, viewer_id,
    stages, declined_since, now, and s0.., w0.. (each interest and its weight)."""
    going, met = _answers_and_check_ins(dialect)
    # The short list's colleagues, one row each, with no event; and those
    # the viewer asked who have not answered (the short list, kept for
    # everyone, leaves out whoever has no room left: they stay suggested).
    listed = sa.select(Profile.user_id, sa.null(), sa.false(), sa.null()).where(
        in_ids(Profile.user_id, "listed", dialect)
    )
    asked = sa.select(IntroRequest.senior_id, sa.null(), sa.false(), sa.null()).where(
        *asked_by(sa.bindparam("viewer_id"), sa.bindparam("now"))
    )
    both = sa.union_all(going, met, listed, asked).subquery()
    # Those who show their attendance to organizers only come from the
    # short list alone: suggested for their interests, never for an event.
    rules = [
        *eligibility(sa.bindparam("viewer_id"), sa.bindparam("stages", expanding=True), sa.bindparam("declined_since")),
        sa.or_(both.c.event_id.is_(None), Profile.attendance_visibility != AttendanceVisibility.ORGANIZERS),
    ]
    points = _interest_points(both, interests)
    if dialect == "sqlite":
        # Each answer joined to its person's profile by key, answers first:
        # one look-up tells whether they may be suggested, whether they show
        # their interests, and what help they offer.
        return (
            sa.select(
                both,
                Profile.show_interests.label("shows"),
                points.label("points"),
                Profile.help_offered.label("offers"),
            )
            .select_from(AnswersFirst(both, Profile.__table__, Profile.user_id == both.c.user_id))
            .where(*rules)
        )
    # The same look-up for each answer as a lateral subquery, which
    # PostgreSQL runs as a probe by key (as a plain join it would hash
    # every senior open to interns).
    person = (
        sa.select(Profile.show_interests, Profile.help_offered)
        .where(Profile.user_id == both.c.user_id, *rules)
        .limit(1)
        .lateral("person")
    )
    return sa.select(
        both, person.c.show_interests.label("shows"), points.label("points"), person.c.help_offered.label("offers")
    ).select_from(both.join(person, sa.true()))


def _interest_points(both, interests: int):
    """The points of the viewer's interests (parameters s0.., w0..) each
    colleague holds: a column of people_together's rows."""
    if not interests:
        return sa.literal(0.0)
    weight = sa.case(
        *((profile_specialty.c.specialty_id == sa.bindparam(f"s{n}"), sa.bindparam(f"w{n}")) for n in range(interests)),
        else_=0.0,
    )
    # All of their interests, read in one range of the key (others
    # weigh nothing): quicker than one look-up per interest of the viewer.
    return (
        sa.select(sa.func.sum(weight))
        .where(profile_specialty.c.profile_id == both.c.user_id)
        .correlate(both)
        .scalar_subquery()
    )


class AnswersFirst(Join):
    """An inner join that SQLite runs in the order written, the left side
    as the outer loop (CROSS JOIN). Without statistics its planner would
    rather walk every profile open to interns, by their index, and look
    each one up among the answers."""

    inherit_cache = True


@compiles(AnswersFirst, "sqlite")
def _cross_join(join: AnswersFirst, compiler, **kw) -> str:
    # The join as SQLAlchemy writes it, with the last JOIN (this one's: the
    # right side is a table and the condition holds none) made a CROSS JOIN.
    left, keyword, right = compiler.visit_join(join, **kw).rpartition(" JOIN ")
    return f"{left} CROSS JOIN {right}"
