"""The hand-counted cohort (tests/program_cohort.py) with colleagues who
offer help, some with room and some not, for the unmet-demand figures."""

from __future__ import annotations

from datetime import timedelta

from eventsapp.extensions import db
from eventsapp.introductions.models import RequestStatus
from eventsapp.profiles.help_kinds import BITS, CAREER
from tests import program_cohort
from tests.factories import make_user, specialty
from tests.program_cohort import day

SURGERY = "General surgery"


def build():
    cohort = program_cohort.build()
    p = cohort.people
    cohort.senior.profile.specialties.append(specialty("Cardiology"))  # room: 6 of 10 taken
    p["ada"].profile.help_asked = BITS[CAREER]
    rita = make_user("Rita", stage="resident", open_to_interns=True, interests=["Cardiology"], helps=["career"])
    fred = make_user(
        "Fred", stage="attending", open_to_interns=True, interests=["Cardiology"], helps=["career"], intro_capacity=1
    )
    make_user(
        "Sam", stage="attending", open_to_interns=True, interests=["Cardiology"], helps=["career"]
    ).profile.show_interests = False
    make_user("Cleo", stage="faculty", interests=["Cardiology"], helps=["career"])  # not open to interns
    surgeons = [
        make_user(f"Surgeon {i}", stage="attending", open_to_interns=True, interests=[SURGERY], helps=["clinical"])
        for i in range(5)
    ]
    lea = make_user("Lea", department=cohort.cardiology, interests=[SURGERY], helps=["career", "exploring"])
    lea.created_at = day(-20)
    p["lea"] = lea
    ask = program_cohort._ask
    ask(p["eve"], fred, day(115), RequestStatus.PENDING)  # waiting: Fred is full
    ask(lea, fred, day(-30), RequestStatus.DECLINED, day(-5))  # before the year began
    ask(p["ada"], surgeons[0], day(30), RequestStatus.EXPIRED)
    ask(p["hal"], rita, day(40), RequestStatus.DECLINED, day(50))  # the other department
    ask(p["ben"], surgeons[1], day(90), RequestStatus.PENDING, expires=day(90) + timedelta(days=60))  # still waiting
    db.session.commit()
    return cohort
