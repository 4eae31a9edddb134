"""Setting up, planning, re-planning and running a speed-mentoring evening."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventsapp.accounts.models import User
from eventsapp.attendance.models import CheckIn, CheckInMethod
from eventsapp.errors import DomainError
from eventsapp.events.models import EventStatus
from eventsapp.extensions import db
from eventsapp.speed import planning, settings
from eventsapp.speed.models import SpeedSeat, SpeedSession
from eventsapp.speed.participants import present
from eventsapp.timeutil import utcnow
from tests.factories import make_event, make_rsvp, make_user

#: "Now" for these tests: the real clock's minute, so that they hold on any
#: date they run; the evening is placed relative to it.
NOW = utcnow().replace(second=0, microsecond=0)


class Evening:
    """An event with its organizer, interns and seniors going."""

    def __init__(self, interns=3, seniors=2):
        self.organizer = make_user("Grace Organizer", role="organizer", stage="faculty")
        self.event = make_event(self.organizer, title="Surgery speed mentoring")
        self.event.starts_at = NOW + timedelta(minutes=10)  # ten minutes from NOW, however long the run
        self.event.ends_at = self.event.starts_at + timedelta(hours=1)
        db.session.commit()
        self.interns = [
            self.join(f"Intern {n}", "intern", interests=["Cardiology"], helps=["career"]) for n in range(interns)
        ]
        self.seniors = [
            self.join(f"Dr Senior {n}", "attending", open_to_interns=True, interests=["Cardiology"], helps=["career"])
            for n in range(seniors)
        ]

    def join(self, name, stage, **profile):
        person = make_user(name, stage=stage, **profile)
        make_rsvp(self.event, person, "going")
        return person

    def set_up(self, **changes):
        values = {**settings.DEFAULTS, "rounds": 2, "tables": 5, "seats_per_table": 2, **changes}
        return settings.save_settings(db.session, self.organizer, self.event.id, settings.Settings(**values), None, NOW)

    @property
    def speed(self) -> SpeedSession:
        return db.session.scalar(sa.select(SpeedSession).where(SpeedSession.event_id == self.event.id))

    def plan(self, now=NOW):
        return planning.plan_evening(db.session, self.organizer, self.event.id, self.speed.version, now)

    def start(self, now=NOW):
        return planning.start_next_round(db.session, self.organizer, self.event.id, self.speed.version, now)

    def check_in(self, person):
        # At NOW, as every other step of these evenings: a long test run must not move them.
        db.session.add(
            CheckIn(event_id=self.event.id, user_id=person.id, method=CheckInMethod.ORGANIZER, checked_in_at=NOW)
        )
        db.session.commit()

    def seats(self, round_no=None):
        query = sa.select(SpeedSeat).where(SpeedSeat.session_id == self.speed.id)
        if round_no is not None:
            query = query.where(SpeedSeat.round == round_no)
        return list(db.session.scalars(query.order_by(SpeedSeat.round, SpeedSeat.table_no, SpeedSeat.intern_id)))


def pairs(seats):
    return {(s.round, s.table_no, s.senior_id, s.intern_id) for s in seats}


def test_participants_are_interns_and_opted_in_seniors_going(app):
    evening = Evening()
    closed = evening.join("Dr Closed", "attending", open_to_interns=False)
    resident = evening.join("Dr Resident", "resident", pgy_year=3, open_to_interns=True)
    people = present(db.session, evening.event.id)
    assert {p.user_id for p in people.interns} == {p.id for p in evening.interns}
    assert {p.user_id for p in people.seniors} == {*(p.id for p in evening.seniors), resident.id}
    assert closed.id not in people.names and not people.from_check_in


def test_once_check_in_begins_only_those_checked_in_take_part(app):
    evening = Evening()
    evening.check_in(evening.interns[0])
    evening.check_in(evening.seniors[1])
    people = present(db.session, evening.event.id)
    assert people.from_check_in and (people.going, people.checked_in) == (5, 2)
    assert [p.user_id for p in people.interns] == [evening.interns[0].id]
    assert [p.user_id for p in people.seniors] == [evening.seniors[1].id]


def test_plan_seats_every_intern_with_score_reason_and_quality(app):
    evening = Evening()
    evening.set_up()
    result = evening.plan()
    seats = evening.seats()
    assert result.seats == len(seats) == 6  # 3 interns, 2 rounds
    assert all(s.reason == "You share Cardiology" and s.score > 0 for s in seats)
    for n in (1, 2):
        assert sorted(s.intern_id for s in evening.seats(n)) == sorted(p.id for p in evening.interns)
    speed = evening.speed
    assert speed.planned_at == NOW and not speed.planned_from_check_in
    assert speed.quality_total == pytest.approx(sum(s.score for s in seats))
    assert speed.version == 1  # set up (0), then planned


def test_no_seniors_present_says_so_and_saves_nothing(app):
    evening = Evening(seniors=0)
    evening.set_up()
    with pytest.raises(DomainError, match="No senior colleague is present yet: check them in"):
        evening.plan()
    assert evening.seats() == [] and evening.speed.planned_at is None and evening.speed.version == 0


def test_no_interns_present_says_so(app):
    evening = Evening(interns=0)
    evening.set_up()
    with pytest.raises(DomainError, match="No intern or student is present yet"):
        evening.plan()


def test_more_rounds_than_seniors_plans_anyway_and_names_the_empty_rounds(app):
    evening = Evening(interns=2, seniors=3)
    evening.set_up(rounds=6)
    result = evening.plan()
    assert result.notes == (
        "With 3 seniors present, each intern can meet at most 3: each sits out at least 3 of the 6 rounds",
    )
    assert {s.round for s in evening.seats()} == {1, 2, 3}
    # Never the same senior twice (the database holds that too).
    assert len({(s.intern_id, s.senior_id) for s in evening.seats()}) == len(evening.seats())


def test_a_stale_version_is_refused_with_the_message(app):
    evening = Evening()
    evening.set_up()
    seen = evening.speed.version
    evening.plan()  # the other organizer, a moment before
    before = pairs(evening.seats())
    with pytest.raises(settings.Stale, match="Someone else re-planned this evening a moment ago"):
        planning.plan_evening(db.session, evening.organizer, evening.event.id, seen, NOW)
    assert pairs(evening.seats()) == before


def test_replan_after_a_late_arrival_keeps_held_rounds(app):
    evening = Evening(interns=2, seniors=3)
    evening.set_up(rounds=3)
    for person in (*evening.interns, *evening.seniors):
        evening.check_in(person)
    evening.plan()
    evening.start()
    evening.start(NOW + timedelta(minutes=10))  # round 2 under way
    kept = pairs(evening.seats(1)) | pairs(evening.seats(2))
    late = make_user("Late Intern", stage="intern", interests=["Cardiology"])
    evening.check_in(late)  # a walk-in, no RSVP
    result = evening.plan(NOW + timedelta(minutes=12))
    assert result.first_round == 3
    assert pairs(evening.seats(1)) | pairs(evening.seats(2)) == kept
    assert late.id in {s.intern_id for s in evening.seats(3)}
    assert late.id not in {s.intern_id for s in evening.seats(1) + evening.seats(2)}
    assert evening.speed.planned_from_check_in


def test_a_senior_who_left_is_not_in_the_remaining_rounds(app):
    evening = Evening(interns=2, seniors=3)
    evening.set_up(rounds=3)
    evening.plan()
    evening.start()
    leaving = evening.seats(1)[0].senior_id
    # They cancel their RSVP (nobody is checked in: those going count).
    db.session.execute(sa.text("UPDATE rsvp SET state = 'declined' WHERE user_id = :id"), {"id": leaving})
    db.session.commit()
    evening.plan()
    assert leaving in {s.senior_id for s in evening.seats(1)}
    assert leaving not in {s.senior_id for s in evening.seats(2) + evening.seats(3)}


def test_starting_rounds_moves_the_evening_on_and_stops_at_the_last(app):
    evening = Evening()
    evening.set_up(rounds=1)
    with pytest.raises(DomainError, match="Plan the evening before"):
        evening.start()
    evening.plan()
    speed = evening.start()
    assert (speed.current_round, speed.round_started_at) == (1, NOW)
    with pytest.raises(DomainError, match="All 1 rounds have started"):
        evening.start()


def test_settings_are_checked_and_cannot_drop_rounds_already_held(app):
    evening = Evening()
    with pytest.raises(DomainError, match="Minutes per round must be a whole number from 2 to 60"):
        evening.set_up(round_minutes=1)
    assert evening.speed is None
    evening.set_up(rounds=3)
    evening.plan()
    evening.start()
    evening.start()
    values = settings.Settings(**{**settings.DEFAULTS, "rounds": 1})
    with pytest.raises(DomainError, match="Round 2 has started: the evening cannot have fewer rounds"):
        settings.save_settings(db.session, evening.organizer, evening.event.id, values, evening.speed.version, NOW)
    assert evening.speed.rounds == 3


def test_fewer_rounds_drops_only_the_seats_beyond(app):
    evening = Evening()
    evening.set_up(rounds=3)
    evening.plan()
    values = settings.Settings(**{**settings.DEFAULTS, "rounds": 2, "tables": 5, "seats_per_table": 2})
    settings.save_settings(db.session, evening.organizer, evening.event.id, values, evening.speed.version, NOW)
    assert {s.round for s in evening.seats()} == {1, 2}


def test_turning_off_is_refused_once_a_round_has_started(app):
    evening = Evening()
    evening.set_up()
    evening.plan()
    evening.start()
    with pytest.raises(DomainError, match="the schedule stays"):
        settings.turn_off(db.session, evening.organizer, evening.event.id, evening.speed.version, NOW)
    other = Evening()
    other.set_up()
    other.plan()
    settings.turn_off(db.session, other.organizer, other.event.id, other.speed.version, NOW)
    assert other.speed is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SpeedSeat)) == len(evening.seats())


def test_a_checked_in_senior_who_then_cancels_has_left_the_remaining_rounds(app):
    from eventsapp.rsvps import services as rsvps

    evening = Evening(interns=2, seniors=3)
    evening.set_up(rounds=3)
    for person in (*evening.interns, *evening.seniors):
        evening.check_in(person)
    evening.plan()
    evening.start()
    leaving = evening.seats(1)[0].senior_id
    later = NOW + timedelta(minutes=1)  # after their check-in, before the event starts
    rsvps.respond(db.session, db.session.get(User, leaving), evening.event.id, "declined", now=later)
    assert leaving not in present(db.session, evening.event.id).names
    evening.plan()
    assert leaving in {s.senior_id for s in evening.seats(1)}
    assert leaving not in {s.senior_id for s in evening.seats(2) + evening.seats(3)}


def test_a_walk_in_or_a_maybe_who_came_is_present(app):
    evening = Evening(interns=1, seniors=1)
    maybe = make_user("Maybe Intern", stage="intern")
    make_rsvp(evening.event, maybe, "maybe", created_at=NOW, updated_at=NOW)  # answered before coming
    evening.check_in(maybe)
    assert maybe.id in present(db.session, evening.event.id).names


def test_two_organizers_replanning_at_once_one_wins_the_other_is_told(app, session):
    """Each its own request (session and connection), both from the page at
    version 1: one plan is stored, the other is refused whole."""
    from sqlalchemy.orm import Session

    from tests.test_mentorships_concurrency import run_at_once

    evening = Evening(interns=4, seniors=3)
    co_organizer = make_user("Cora Co", role="organizer", stage="faculty")
    evening.event.co_organizers.append(co_organizer)
    db.session.commit()
    evening.set_up(rounds=3)
    one_plan = evening.plan().seats
    seen = evening.speed.version

    def replan(user_id):
        def call(own: Session):
            try:
                planning.plan_evening(own, own.get(User, user_id), evening.event.id, seen, NOW)
            except settings.Stale as exc:
                return str(exc)
            return "planned"

        return call

    got = run_at_once(app, [replan(evening.organizer.id), replan(co_organizer.id)])
    assert sorted(got) == ["Someone else re-planned this evening a moment ago; here is the current plan.", "planned"]
    session.rollback()
    assert evening.speed.version == seen + 1
    assert len(evening.seats()) == one_plan  # one plan's seats, not two


def unseated(evening) -> dict[int, list[tuple[str, str]]]:
    from eventsapp.speed.schedule import overview

    return {rnd.number: rnd.unseated for rnd in overview(db.session, evening.event.id, NOW).rounds}


def test_who_is_not_seated_is_listed_with_why(app):
    full = Evening(interns=3, seniors=1)
    full.set_up(rounds=2, tables=1, seats_per_table=2)
    full.plan()
    first, second = unseated(full)[1], unseated(full)[2]
    # The one left out of round 1 meets the only senior in round 2: that, not the seats, is why.
    assert [why for _, why in first] == ["Has met every senior at a table in other rounds."]
    assert ("Intern 0", "Has met every senior at a table in other rounds.") in second
    more = Evening(interns=1, seniors=2)
    more.set_up(rounds=1)
    more.plan()
    values = settings.Settings(**{**settings.DEFAULTS, "rounds": 2, "tables": 5, "seats_per_table": 2})
    settings.save_settings(db.session, more.organizer, more.event.id, values, more.speed.version, NOW)
    assert unseated(more)[2] == [("Intern 0", "Nobody is seated in this round yet: re-plan to seat them.")]


def test_a_cancelled_event_is_not_planned_or_started(app):
    evening = Evening()
    evening.set_up()
    evening.plan()
    evening.event.status = EventStatus.CANCELLED
    db.session.commit()
    for act in (evening.plan, evening.start):
        with pytest.raises(DomainError, match="This event was cancelled"):
            act()
    assert evening.speed.current_round == 0
