"""An evening whose event has ended with no round started counts every
planned round as held (the organizer ran it from the printed schedule): the
follow-up opens with everyone met, the results count them, the schedule
shows them held. One whose rounds were started from the page holds those
started. Once ended, nothing in the evening changes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from eventsapp.errors import DomainError
from eventsapp.events.models import EventStatus
from eventsapp.extensions import db
from eventsapp.speed import departures, evening, followups, planning, results, schedule, settings
from eventsapp.speed.links import PageLink
from eventsapp.timeutil import utcnow
from tests.factories import make_event, make_rsvp, make_user
from tests.speed_seats import make_speed_session, mark_planned, seat, start_round

LINKS = followups.Links(None, PageLink("/events/1/speed/follow-up", "http://localhost/events/1/speed/follow-up"))


class Evening:
    """Three rounds planned: Maya meets Dr Ferreira, then Dr Lee, then Dr Ng.
    Nobody pressed "Start round"."""

    def __init__(self, *, ended=True):
        self.organizer = make_user("Grace Organizer", role="organizer", stage="faculty")
        self.maya = make_user("Maya Okafor", stage="intern")
        self.seniors = [
            make_user(name, stage="attending", open_to_interns=True) for name in ("Dr Ferreira", "Dr Lee", "Dr Ng")
        ]
        starts = timedelta(hours=-3) if ended else timedelta(minutes=-20)
        self.event = make_event(self.organizer, title="Surgery Speed Mentoring", starts_in=starts)
        for person in (self.maya, *self.seniors):
            make_rsvp(self.event, person, "going")
        self.speed = make_speed_session(self.event, rounds=3)
        for number, senior in enumerate(self.seniors, start=1):
            seat(self.speed, number, 1, senior, self.maya)
        mark_planned(self.speed, utcnow() - timedelta(hours=4))
        self.now = utcnow()


def test_after_the_event_every_planned_round_counts_as_held(app):
    e = Evening()
    assert e.speed.current_round == 0
    assert e.speed.rounds_held(e.now) == 3


def test_before_the_end_only_started_rounds_count(app):
    e = Evening(ended=False)
    assert e.speed.rounds_held(e.now) == 0
    with pytest.raises(followups.Closed):
        followups.follow_up(db.session, e.maya, e.event.id, e.now)


def test_a_cancelled_event_holds_no_round(app):
    e = Evening()
    e.event.status = EventStatus.CANCELLED
    db.session.commit()
    assert e.speed.rounds_held(e.now) == 0


def test_the_follow_up_lists_everyone_met_though_no_round_was_started(app):
    e = Evening()
    page = followups.follow_up(db.session, e.maya, e.event.id, e.now)
    assert [met.person.name for met in page.met] == ["Dr Ferreira", "Dr Lee", "Dr Ng"]
    followups.save_answers(db.session, e.maya, e.event.id, {e.seniors[2].id}, e.now, LINKS)
    found = results.results(db.session, e.event.id, e.now)
    assert (found.rounds_held, found.pairs_met, found.answered, found.interns_only) == (3, 3, 1, 1)
    assert found.most_asked == [("Dr Ng", 1)]


def test_the_schedule_shows_every_round_held_and_the_evening_over(app):
    e = Evening()
    rounds = schedule.rounds_of(db.session, e.speed, e.now)
    assert [r.status for r in rounds] == [schedule.HELD] * 3
    assert schedule.moment_of(e.speed, e.now).phase == "over"
    mine = evening.evening_of(db.session, e.maya, e.event.id, e.now)
    assert mine.clock.phase == evening.Phase.OVER and mine.follow_up_open and mine.current is None


def test_nothing_is_replanned_or_started_once_the_event_has_ended(app):
    e = Evening()
    with pytest.raises(DomainError, match=ENDED):
        planning.plan_evening(db.session, e.organizer, e.event.id, e.speed.version, e.now)
    with pytest.raises(DomainError, match=ENDED):
        planning.start_next_round(db.session, e.organizer, e.event.id, e.speed.version, e.now)
    db.session.refresh(e.speed)
    assert e.speed.current_round == 0 and len(schedule.rounds_of(db.session, e.speed, e.now)[0].tables) == 1


ENDED = "This evening has ended: its rounds are kept as they were held."


def test_an_evening_run_from_the_page_holds_only_the_rounds_started(app):
    e = Evening()
    start_round(e.speed, 2, e.event.starts_at + timedelta(minutes=10))  # round 3 was never started
    assert e.speed.rounds_held(e.now) == 2
    rounds = schedule.rounds_of(db.session, e.speed, e.now)
    assert [r.status for r in rounds] == [schedule.HELD, schedule.HELD, schedule.NOT_HELD]
    assert schedule.moment_of(e.speed, e.now).phase == "over"
    mine = evening.evening_of(db.session, e.maya, e.event.id, e.now)
    assert mine.clock.phase == evening.Phase.OVER and mine.follow_up_open
    page = followups.follow_up(db.session, e.maya, e.event.id, e.now)
    assert [met.person.name for met in page.met] == ["Dr Ferreira", "Dr Lee"]
    found = results.results(db.session, e.event.id, e.now)
    assert (found.rounds_held, found.pairs_met) == (2, 2)


def test_once_ended_no_setting_person_or_start_changes_and_it_is_not_turned_off(app):
    e = Evening()
    start_round(e.speed, 1, e.event.starts_at)
    version = e.speed.version
    values = settings.Settings(1, 10, 0, 5, 5)
    with pytest.raises(DomainError, match=ENDED):
        settings.save_settings(db.session, e.organizer, e.event.id, values, version, e.now)
    with pytest.raises(DomainError, match=ENDED):
        settings.turn_off(db.session, e.organizer, e.event.id, version, e.now)
    with pytest.raises(DomainError, match=ENDED):
        planning.undo_start(db.session, e.organizer, e.event.id, version, e.now)
    with pytest.raises(DomainError, match=ENDED):
        departures.mark_left(db.session, e.organizer, e.event.id, e.maya.id, e.now)
    db.session.refresh(e.speed)
    assert (e.speed.rounds, e.speed.current_round, e.speed.tables, e.speed.version) == (3, 1, 2, version)
    assert departures.departures(db.session, e.speed.id) == []


def test_an_evening_run_from_paper_is_not_turned_off_after_the_end(app):
    e = Evening()
    with pytest.raises(DomainError, match=ENDED):
        settings.turn_off(db.session, e.organizer, e.event.id, e.speed.version, e.now)
    assert schedule.find(db.session, e.event.id) is not None


@pytest.mark.parametrize(("started", "kept"), [(0, 3), (2, 2)])
def test_the_pairs_kept_after_the_retention_period_are_those_of_the_rounds_held(app, started, kept):
    from eventsapp import retention
    from eventsapp.events.models import KeptAttendance

    e = Evening()
    if started:
        start_round(e.speed, started, e.event.starts_at)
    retention.purge_batch(db.session, e.now, e.now)
    assert db.session.get(KeptAttendance, e.event.id).speed_pairs == kept
