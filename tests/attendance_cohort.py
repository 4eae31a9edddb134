"""A small cohort where every attendance figure is counted by hand: two
required series, one not required, who came to which meeting, and who
joined late or is no resident or intern."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from eventsapp.attendance.models import CheckIn
from eventsapp.events.models import Event, EventStatus, Series
from eventsapp.extensions import db
from tests.factories import make_department, make_user

ZONE = "America/New_York"


@dataclass
class Cohort:
    cardiology: object
    surgery: object
    people: dict
    rounds: Series  # 70% required: five meetings held this year
    mm: Series  # 50% required: two held
    club: Series  # no requirement
    meetings: dict


def _series(start: datetime, percent: int | None) -> Series:
    series = Series(
        frequency="weekly", interval=1, until=(start + timedelta(days=200)).date(), timezone=ZONE, starts_at=start
    )
    series.required_percent = percent
    db.session.add(series)
    db.session.flush()
    return series


def _meeting(series, title, at, organizer, status=EventStatus.SCHEDULED) -> Event:
    event = Event(
        title=title,
        kind="meeting",
        timezone=ZONE,
        starts_at=at,
        ends_at=at + timedelta(hours=1),
        location="Auditorium B",
        organizer=organizer,
        series_id=series.id,
        recurrence_id=at,
        status=status,
    )
    db.session.add(event)
    db.session.flush()
    return event


def build(start: datetime, now: datetime, departments=None) -> Cohort:
    """`start`: the academic year's first moment; `now`: at least 36 days
    later; `departments`: (cardiology, surgery) to build a second one in."""
    cardiology, surgery = departments or (make_department("Cardiology ward"), make_department("Surgery ward"))
    olu = make_user("Olu Organizer", role="organizer", stage="attending")
    p = {
        "ada": make_user("Ada", department=cardiology),
        "ben": make_user("Ben", department=cardiology),
        "cy": make_user("Cy", department=cardiology, stage="resident", pgy_year=2),  # joined on day 20
        "dee": make_user("Dee", department=cardiology, stage="attending"),  # no requirement applies
        "hal": make_user("Hal", department=surgery),  # the other department
        "eli": make_user("Eli", department=cardiology, stage="fellow"),  # a resident until mid-year: none applies
        "zed": make_user("Zed", department=cardiology, stage="resident", pgy_year=3),  # deletes his account
    }
    for key, person in p.items():
        person.created_at = start + timedelta(days=20) if key == "cy" else start - timedelta(days=30)
    rounds, mm, club = _series(start, 70), _series(start, 50), _series(start, None)
    m = {}
    for day in (-6, 1, 8, 15, 22, 29):  # the one before the year began does not count
        m[f"gr{day}"] = _meeting(rounds, "Grand Rounds", start + timedelta(days=day, hours=12), olu)
    m["gr_cancelled"] = _meeting(rounds, "Grand Rounds", start + timedelta(days=36), olu, EventStatus.CANCELLED)
    m["gr_next"] = _meeting(rounds, "Grand Rounds", now + timedelta(days=7), olu)
    m["mm10"] = _meeting(mm, "Morbidity and Mortality", start + timedelta(days=10, hours=12), olu)
    m["mm33"] = _meeting(mm, "Morbidity and Mortality", start + timedelta(days=33, hours=12), olu)
    m["club3"] = _meeting(club, "Journal Club", start + timedelta(days=3, hours=12), olu)
    came = {
        "ada": ["gr-6", "gr1", "gr8", "gr15", "gr22", "mm10", "club3"],  # rounds 4/5, M&M 1/2
        "ben": ["gr1", "gr8", "club3"],  # rounds 2/5, M&M 0/2
        "cy": ["gr22", "mm33"],  # since day 20: rounds 1/2, M&M 1/1
        "dee": ["gr1", "gr8", "gr15", "gr22", "gr29"],
        "hal": ["gr1", "gr8", "gr15"],  # rounds 3/5, M&M 0/2
        "eli": ["gr1", "mm10"],
        "zed": ["gr1"],
    }
    for key, meetings in came.items():
        for name in meetings:
            event = m[name]
            db.session.add(
                CheckIn(event_id=event.id, user_id=p[key].id, method="organizer", checked_in_at=event.starts_at)
            )
    db.session.commit()
    db.session.delete(p.pop("zed"))
    db.session.commit()
    return Cohort(cardiology, surgery, p, rounds, mm, club, m)
