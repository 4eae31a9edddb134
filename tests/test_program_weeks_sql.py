"""The one rule of the weekly share: on random small worlds (late joiners,
interns who became residents, accounts deleted, mentorships ended mid-year),
the database's count per week (funnel.weeks) agrees with the pure rule on
plain data (year.weekly_share)."""

from datetime import UTC, datetime, timedelta

import hypothesis.strategies as st
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings

from eventsapp.accounts.models import User
from eventsapp.mentorships.models import Mentorship, MentorshipStatus
from eventsapp.program import funnel
from eventsapp.program.coordinators import Scope
from eventsapp.program.year import weekly_share
from tests.factories import make_department, make_user

START = datetime(2026, 7, 1, 4, 0, tzinfo=UTC)
HALF_DAY = timedelta(hours=12)  # steps that land on week ends exactly, too

#: Moments in half days from the year's start, before it or late in it,
#: often a week's end exactly (where "by then" and "still under way" part).
point = st.one_of(st.integers(-60, 280), st.integers(-4, 20).map(lambda week: 14 * week))
spell = st.tuples(point, st.one_of(st.none(), point)).filter(lambda t: t[1] is None or t[1] > t[0])
intern = st.fixed_dictionaries(
    {
        "joined": point,
        "stage": st.sampled_from(["intern", "intern", "intern", "resident"]),  # resident: changed mid-year
        "other_department": st.booleans(),
        "deleted": st.sampled_from([False, False, False, True]),
        "spells": st.lists(spell, max_size=2),
    }
)


def at(half_days: int) -> datetime:
    return START + half_days * HALF_DAY


def test_the_database_counts_each_week_as_the_pure_rule(app, session):
    ward, other = make_department("Ward"), make_department("Other ward")
    people = [make_user(f"Intern {n}") for n in range(6)]
    mentor = make_user("Mentor", stage="attending")

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        drawn=st.lists(intern, min_size=6, max_size=6),
        now_half_days=st.integers(1, 270),
        whole_hospital=st.booleans(),
    )
    def check(drawn, now_half_days, whole_hospital):
        now = at(now_half_days) + timedelta(minutes=90)  # the week under way ends at now
        scope = Scope(None) if whole_hospital else Scope(frozenset({ward.id}))
        try:
            for user, values in zip(people, drawn, strict=True):
                user.created_at = at(values["joined"])
                user.profile.career_stage = values["stage"]
                user.profile.pgy_year = 2 if values["stage"] == "resident" else None
                user.profile.department_id = (other if values["other_department"] else ward).id
                for began, closed in values["spells"]:
                    session.add(
                        Mentorship(
                            intern_id=user.id,
                            mentor_id=mentor.id,
                            started_at=at(began),
                            status=MentorshipStatus.ACTIVE if closed is None else MentorshipStatus.CLOSED,
                            closed_at=None if closed is None else at(closed),
                        )
                    )
            session.flush()
            gone = [u.id for u, values in zip(people, drawn, strict=True) if values["deleted"]]
            session.execute(sa.delete(User).where(User.id.in_(gone)))
            counted = {
                u.id: values
                for u, values in zip(people, drawn, strict=True)
                if not values["deleted"]
                and values["stage"] == "intern"
                and (whole_hospital or not values["other_department"])
            }
            joined = {i: at(values["joined"]) for i, values in counted.items()}
            spells = [
                (i, at(began), None if closed is None else at(closed))
                for i, values in counted.items()
                for began, closed in values["spells"]
                if at(began) <= now
            ]
            figures = {"start": START, "now": now, "target_at": START + timedelta(days=92), "percent": 90}
            in_sql = funnel.weeks(session, scope, **figures)
            assert in_sql == weekly_share(joined, spells, **figures)
        finally:
            session.rollback()

    check()
