"""The participants' speed-mentoring pages: each one's phone during the
evening, and the organizer's results afterwards. The time is fixed by the
test, as the view reads it: the moment each test starts, so the events
(placed from the real clock) and the pages agree on any date."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventsapp.events.models import EventStatus
from eventsapp.extensions import db
from eventsapp.speed import planning
from eventsapp.speed.icebreakers import BY_HELP
from eventsapp.speed.models import SpeedFollowUp, SpeedSeat
from eventsapp.speed.pairing import NOTHING_SHARED
from eventsapp.timeutil import utcnow
from tests.factories import make_event, make_rsvp, make_user
from tests.speed_seats import make_speed_session, mark_planned, seat, start_round


@pytest.fixture
def at(monkeypatch):
    """Set the moment the pages see; `at.now` is the test's start, which the
    pages see until told otherwise."""
    moment = [utcnow().replace(microsecond=0)]
    monkeypatch.setattr("eventsapp.web.speed_people.utcnow", lambda: moment[0])

    def set_to(when):
        moment[0] = when

    set_to.now = moment[0]
    return set_to


class Evening:
    """Three rounds of 8 minutes, 2 between. Maya: Dr Ferreira, then a break,
    then Dr Lee. Dr Ferreira's table 5 has Maya and Sam in round 1."""

    def __init__(self, now):
        self.now = now
        self.organizer = make_user("Grace Organizer", email="org@hospital.example", role="organizer", stage="faculty")
        self.maya = make_user(
            "Maya Okafor",
            email="maya@hospital.example",
            stage="intern",
            interests=["Cardiology"],
            helps=["career", "networking"],
        )
        self.sam = make_user("Sam Lee", email="sam@hospital.example", stage="student", helps=["support"])
        self.ferreira = make_user(
            "Dr Ferreira",
            email="ferreira@hospital.example",
            stage="attending",
            open_to_interns=True,
            interests=["Cardiology"],
            helps=["career"],
        )
        self.lee = make_user(  # hides interests, and so the help offered
            "Dr Lee",
            email="lee@hospital.example",
            stage="fellow",
            open_to_interns=True,
            helps=["networking"],
            show_interests=False,
        )
        self.event = make_event(self.organizer, title="Pediatrics Speed Mentoring", starts_in=timedelta(minutes=-5))
        for person in (self.maya, self.sam, self.ferreira, self.lee):
            make_rsvp(self.event, person, "going")
        self.speed = make_speed_session(self.event, rounds=3, round_minutes=8, break_minutes=2, tables=5)
        self.url = f"/events/{self.event.id}/speed/me"

    def plan(self):
        # The reasons as the planner stores them: what both may see.
        seat(self.speed, 1, 5, self.ferreira, self.maya, reason="You share Cardiology")
        seat(self.speed, 1, 5, self.ferreira, self.sam, reason=NOTHING_SHARED)
        seat(self.speed, 2, 2, self.lee, self.sam, reason="")
        seat(self.speed, 3, 2, self.lee, self.maya, reason=NOTHING_SHARED)
        mark_planned(self.speed, self.now - timedelta(hours=1))


def page_of(client, auth, email, url):
    auth.login(email)
    response = client.get(url)
    auth.logout()
    assert response.status_code == 200, response.status_code
    return " ".join(response.get_data(as_text=True).split())


def test_before_any_plan_the_phone_says_so(client, auth, at):
    evening = Evening(at.now)
    page = page_of(client, auth, "maya@hospital.example", evening.url)
    assert "The organizer has not planned the rounds yet." in page


def test_an_intern_sees_her_table_senior_why_and_a_question(client, auth, at):
    evening = Evening(at.now)
    evening.plan()
    start_round(evening.speed, 1, evening.now - timedelta(minutes=3))
    page = page_of(client, auth, "maya@hospital.example", evening.url)
    assert "Round 1 · table 5 · Dr Ferreira" in page
    assert "Why:</strong> You share Cardiology; offers career advice" in page  # what she looks for: hers to see
    assert "You both follow Cardiology: what drew you to it" in page  # the icebreaker
    assert 'data-seconds-left="300"' in page and "5:00" in page  # 8 minutes, 3 gone
    assert 'http-equiv="refresh" content="20"' in page
    assert "<script src=" in page and "speed-people.js" in page


def test_a_senior_sees_every_intern_at_their_table(client, auth, at):
    evening = Evening(at.now)
    evening.plan()
    start_round(evening.speed, 1, evening.now - timedelta(minutes=1))
    page = page_of(client, auth, "ferreira@hospital.example", evening.url)
    assert "Round 1 · your table 5 · Maya Okafor, Sam Lee" in page
    assert "Why:</strong> You share Cardiology" in page and "Why:</strong> " + NOTHING_SHARED in page
    assert "Round 2</strong> · A break for you this round" in page


def test_a_sit_out_round_is_a_break_and_the_clock_counts_the_break(client, auth, at):
    evening = Evening(at.now)
    evening.plan()
    start_round(evening.speed, 1, evening.now - timedelta(minutes=9))  # talk over, 1 of 2 break minutes gone
    page = page_of(client, auth, "maya@hospital.example", evening.url)
    assert "Round 1 is over: on to your next round" in page
    assert "Round 2 · A break for you this round" in page
    assert "Next round in: <strong" in page and "1:00" in page
    at(evening.now + timedelta(minutes=5))  # the break is over, the organizer has not started round 2
    page = page_of(client, auth, "maya@hospital.example", evening.url)
    assert "The next round starts when the organizer says so." in page


def test_before_the_evening_the_first_round_shows_and_after_it_the_follow_up(client, auth, at):
    evening = Evening(at.now)
    evening.plan()
    page = page_of(client, auth, "maya@hospital.example", evening.url)
    assert "The evening has not started yet." in page and "Round 1 · table 5 · Dr Ferreira" in page
    assert "meet again" not in page
    start_round(evening.speed, 3, evening.now - timedelta(minutes=20))
    page = page_of(client, auth, "maya@hospital.example", evening.url)
    assert "The last round is over." in page
    assert "Whom would you like to meet again?" in page


def test_someone_not_taking_part_is_told_so(client, auth, at):
    evening = Evening(at.now)
    evening.plan()
    make_user("Olga Outsider", email="olga@hospital.example", stage="intern")
    auth.login("olga@hospital.example")
    response = client.get(evening.url)
    assert response.status_code == 403
    assert "You are not taking part in this speed-mentoring evening." in response.get_data(as_text=True)


def test_an_event_that_is_no_speed_evening_is_not_found(client, auth, at):
    other = make_event(title="Journal Club")
    make_user("Olga Outsider", email="olga@hospital.example", stage="intern")
    auth.login("olga@hospital.example")
    assert client.get(f"/events/{other.id}/speed/me").status_code == 404


def test_the_event_page_links_participants_to_their_evening(client, auth, at):
    evening = Evening(at.now)
    page = page_of(client, auth, "maya@hospital.example", f"/events/{evening.event.id}")
    assert evening.url in page
    assert "/speed/results" not in page
    plain = make_event(evening.organizer, title="Journal Club")
    make_rsvp(plain, evening.maya, "going")
    assert "/speed/me" not in page_of(client, auth, "maya@hospital.example", f"/events/{plain.id}")
    organizers = page_of(client, auth, "org@hospital.example", f"/events/{evening.event.id}")
    assert f"/events/{evening.event.id}/speed/results" in organizers and evening.url not in organizers


def test_the_organizer_sees_pairs_matches_and_the_seniors_most_asked_for(client, auth, at):
    evening = Evening(at.now)
    evening.plan()
    start_round(evening.speed, 2, evening.now - timedelta(minutes=1))  # round 3 not held: Maya and Dr Lee never met
    answers = [
        (evening.maya, evening.ferreira, True),
        (evening.ferreira, evening.maya, True),
        (evening.sam, evening.ferreira, True),
        (evening.sam, evening.lee, True),
        (evening.lee, evening.sam, False),
        (evening.maya, evening.lee, True),  # not met in a held round: not counted
    ]
    for who, whom, again in answers:
        db.session.add(SpeedFollowUp(session_id=evening.speed.id, from_id=who.id, to_id=whom.id, again=again))
    db.session.commit()
    page = page_of(client, auth, "org@hospital.example", f"/events/{evening.event.id}/speed/results")
    assert "Pairs who met</dt><dd>3</dd>" in page.replace("> <", "><")
    assert "4 of 4" in page  # all four answered
    assert "“Meet again” answers</dt><dd>4</dd>" in page.replace("> <", "><")
    assert '<td data-label="Intern">Maya Okafor</td><td data-label="Senior colleague">Dr Ferreira</td>' in page
    assert "2 from interns, 0 from seniors" in page
    assert page.index("Dr Ferreira: 2 interns") < page.index("Dr Lee: 1 intern")


def test_only_organizers_see_the_results(client, auth, at):
    evening = Evening(at.now)
    auth.login("maya@hospital.example")
    assert client.get(f"/events/{evening.event.id}/speed/results").status_code == 403


def test_the_page_reloads_itself_when_the_round_ends(client, auth, at):
    evening = Evening(at.now)
    evening.plan()
    start_round(evening.speed, 1, evening.now - timedelta(minutes=8) + timedelta(seconds=5))
    page = page_of(client, auth, "maya@hospital.example", evening.url)
    assert 'http-equiv="refresh" content="6"' in page and "0:05" in page


def test_what_an_intern_looks_for_never_shows_on_the_seniors_phone(client, auth, at):
    evening = Evening(at.now)
    evening.plan()
    start_round(evening.speed, 1, evening.now - timedelta(minutes=1))
    senior = page_of(client, auth, "ferreira@hospital.example", evening.url)
    assert "career advice" not in senior  # Maya looks for it, and he offers it: the reason is hers
    assert not any(question in senior for question in BY_HELP["support"])  # what Sam looks for
    sam = page_of(client, auth, "sam@hospital.example", evening.url)
    assert any(question in sam for question in BY_HELP["support"])  # Sam's own question starts from it


def test_a_senior_who_hides_interests_hides_the_help_they_offer(client, auth, at):
    evening = Evening(at.now)
    evening.plan()
    start_round(evening.speed, 3, evening.now - timedelta(minutes=1))
    page = page_of(client, auth, "maya@hospital.example", evening.url)
    assert "Round 3 · table 2 · Dr Lee" in page
    assert "Why:</strong> " + NOTHING_SHARED in page and "offers networking" not in page


def test_a_cancelled_evening_says_so_and_offers_nothing_to_do(client, auth, at):
    evening = Evening(at.now)
    evening.plan()
    start_round(evening.speed, 3, evening.now - timedelta(minutes=20))
    evening.event.status = EventStatus.CANCELLED
    db.session.commit()
    page = page_of(client, auth, "maya@hospital.example", evening.url)
    assert "This evening was cancelled." in page
    assert "Dr Ferreira" not in page and "meet again" not in page and "refresh" not in page


def test_someone_going_on_neither_side_is_told_who_the_rounds_pair(client, auth, at):
    evening = Evening(at.now)
    evening.plan()
    resident = make_user("Rae Resident", email="rae@hospital.example", stage="resident")
    nurse = make_user("Nora Nurse", email="nora@hospital.example", stage=None)
    for person in (resident, nurse):
        make_rsvp(evening.event, person, "going")
    page = page_of(client, auth, "rae@hospital.example", evening.url)
    paired = "The rounds pair interns and medical students with senior colleagues open to meeting interns"
    assert paired in page and "A break for you" not in page
    assert 'turn on <em>Open to meeting interns</em> on <a href="/profile/edit">your profile</a>' in page
    page = page_of(client, auth, "nora@hospital.example", evening.url)
    assert paired in page and "A break for you" not in page and "/profile/edit" not in page


def test_a_planned_evening_shows_the_help_an_intern_looks_for_on_her_phone_only(client, auth, at):
    evening = Evening(at.now)
    planning.plan_evening(db.session, evening.organizer, evening.event.id, evening.speed.version, evening.now)
    (met,) = db.session.scalars(
        sa.select(SpeedSeat.round).where(
            SpeedSeat.intern_id == evening.maya.id, SpeedSeat.senior_id == evening.ferreira.id
        )
    )
    start_round(evening.speed, met, evening.now - timedelta(minutes=1))
    maya = page_of(client, auth, "maya@hospital.example", evening.url)
    assert "Why:</strong> You share Cardiology; offers career advice" in maya
    ferreira = page_of(client, auth, "ferreira@hospital.example", evening.url)
    assert "Maya Okafor" in ferreira and "Why:</strong> You share Cardiology" in ferreira
    assert "career advice" not in ferreira
    auth.login("ferreira@hospital.example")
    seats = client.get("/account/export.json").get_json()["speed_mentoring"]["seats"]
    assert seats and not any("career" in seat["why"] for seat in seats)


@pytest.mark.parametrize(
    ("moment", "live"),
    [
        (lambda event: event.starts_at - timedelta(days=3), False),
        (lambda event: event.starts_at - timedelta(minutes=61), False),
        (lambda event: event.starts_at - timedelta(minutes=59), True),
        (lambda event: event.ends_at, True),
        (lambda event: event.ends_at + timedelta(minutes=1), False),
        (lambda event: event.ends_at + timedelta(days=2), False),
    ],
)
def test_the_phone_refreshes_itself_only_around_the_evening(client, auth, at, moment, live):
    evening = Evening(at.now)
    evening.plan()
    at(moment(evening.event))
    page = page_of(client, auth, "maya@hospital.example", evening.url)
    assert ('http-equiv="refresh"' in page) is live
    assert ("data-live-key" in page) is live  # speed-live.js polls only a page that has one
    assert ("This page refreshes by itself." in page) is live
