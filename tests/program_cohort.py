"""A small cohort where every figure of the program pages is counted by
hand: who registered when, who asked, who met, in two departments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from eventsapp.accounts.models import User
from eventsapp.extensions import db
from eventsapp.introductions.models import IntroRequest, RequestStatus
from eventsapp.mentorships.models import CloseReason, Mentorship, MentorshipStatus
from tests.factories import make_department, make_user

#: Midnight in New York on 1 July: the year's first moment.
START = datetime(2026, 7, 1, 4, 0, tzinfo=UTC)
NOW = START + timedelta(days=120)


def day(n: float) -> datetime:
    return START + timedelta(days=n)


@dataclass
class Cohort:
    cardiology: object
    surgery: object
    people: dict
    senior: User


def _ask(intern, senior, created, status, answered=None, expires=None):
    request = IntroRequest(
        requester_id=intern.id,
        senior_id=senior.id,
        status=status,
        message="Private words a coordinator never reads",
        created_at=created,
        expires_at=expires or created + timedelta(days=14),
        responded_at=answered,
    )
    db.session.add(request)
    db.session.flush()
    return request


def _mentorship(request, started, closed=None):
    db.session.add(
        Mentorship(
            intro_request_id=request.id,
            intern_id=request.requester_id,
            mentor_id=request.senior_id,
            started_at=started,
            status=MentorshipStatus.CLOSED if closed else MentorshipStatus.ACTIVE,
            closed_at=closed,
            close_reason=CloseReason.GOALS_MET if closed else None,
        )
    )


def build() -> Cohort:
    cardiology, surgery = make_department("Cardiology ward"), make_department("Surgery ward")
    senior = make_user("Sara Senior", stage="attending", open_to_interns=True, intro_capacity=10)
    heart = ["Cardiology"]
    p = {
        "ada": make_user("Ada", department=cardiology, interests=heart),
        "ben": make_user("Ben", department=cardiology, interests=heart),
        "cy": make_user("Cy", department=cardiology, interests=heart),
        "dee": make_user("Dee", department=cardiology),
        "eve": make_user("Eve", department=cardiology, interests=heart),
        "fin": make_user("Fin", department=cardiology),  # joined late
        "gus": make_user("Gus", department=cardiology, interests=heart),  # met before the year began
        "jo": make_user("Jo", department=cardiology, interests=heart),  # mentorship closed
        "ned": make_user("Ned", department=cardiology),  # request left to expire
        "hal": make_user("Hal", department=surgery, interests=heart),  # the other department
        "ivy": make_user("Ivy", department=cardiology, stage="resident", pgy_year=2),  # no longer an intern
        "kim": make_user("Kim", department=cardiology, interests=heart),  # deletes her account
        # Asked and was declined as an intern, a resident since: no figure counts him.
        "lou": make_user("Lou", department=cardiology, stage="resident", pgy_year=2, interests=heart),
        "max": make_user("Max", department=cardiology, interests=heart),  # declined, then deletes his account
    }
    registered = {name: day(-20) for name in p} | {"eve": day(2), "fin": day(100)}
    for name, person in p.items():
        person.created_at = registered[name]
    _mentorship(_ask(p["ada"], senior, day(5), RequestStatus.ACCEPTED, day(6)), day(10))
    _mentorship(_ask(p["ben"], senior, day(40), RequestStatus.ACCEPTED, day(41)), day(50))
    _ask(p["cy"], senior, day(20), RequestStatus.DECLINED, day(21))
    _ask(p["dee"], senior, day(60), RequestStatus.ACCEPTED, day(61))
    _mentorship(_ask(p["gus"], senior, day(-10), RequestStatus.ACCEPTED, day(-9)), day(-5))
    _mentorship(_ask(p["jo"], senior, day(15), RequestStatus.ENDED, day(16)), day(20), closed=day(60))
    _ask(p["ned"], senior, day(80), RequestStatus.PENDING, expires=day(94))
    _mentorship(_ask(p["hal"], senior, day(3), RequestStatus.ACCEPTED, day(4)), day(5))
    _mentorship(_ask(p["ivy"], senior, day(3), RequestStatus.ACCEPTED, day(4)), day(5))
    _mentorship(_ask(p["kim"], senior, day(3), RequestStatus.ACCEPTED, day(4)), day(5))
    _ask(p["lou"], senior, day(20), RequestStatus.DECLINED, day(21))
    _ask(p["max"], senior, day(30), RequestStatus.DECLINED, day(31))
    db.session.commit()
    db.session.execute(sa.delete(User).where(User.id.in_([p.pop("kim").id, p.pop("max").id])))
    db.session.commit()
    return Cohort(cardiology, surgery, p, senior)
