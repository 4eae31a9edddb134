"""After a speed-mentoring evening: whom each participant would like to meet
again, and the introductions that come of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventsapp.events.models import EventStatus
from eventsapp.extensions import db
from eventsapp.introductions.models import IntroRequest, RequestStatus
from eventsapp.notifications.models import Notification
from eventsapp.speed import followups, notes, pairing
from eventsapp.speed.evening import NotParticipant
from eventsapp.speed.links import PageLink
from eventsapp.speed.models import SpeedFollowUp
from eventsapp.timeutil import utcnow
from tests.factories import make_event, make_rsvp, make_user
from tests.speed_seats import make_speed_session, seat, start_round

LINKS = followups.Links(None, PageLink("/events/1/speed/follow-up", "http://localhost/events/1/speed/follow-up"))


class Evening:
    """Maya met Dr Ferreira in round 1 and Dr Lee in round 2 of three."""

    def __init__(self, *, capacity=3, last_round_started=True):
        self.maya = make_user("Maya Okafor", stage="intern", interests=["Cardiology"])
        self.ferreira = make_user(
            "Dr Ferreira", stage="attending", open_to_interns=True, intro_capacity=capacity, interests=["Cardiology"]
        )
        self.lee = make_user("Dr Lee", stage="fellow", open_to_interns=True)
        self.event = make_event(title="Surgery Speed Mentoring", starts_in=timedelta(minutes=-40))
        for person in (self.maya, self.ferreira, self.lee):
            make_rsvp(self.event, person, "going")
        self.speed = make_speed_session(self.event, rounds=3)
        seat(self.speed, 1, 1, self.ferreira, self.maya)
        seat(self.speed, 2, 2, self.lee, self.maya)
        self.now = utcnow()
        start_round(self.speed, 3 if last_round_started else 2, self.now - timedelta(minutes=2))

    def answer(self, who, *wished):
        return followups.save_answers(db.session, who, self.event.id, {p.id for p in wished}, self.now, LINKS)


def requests_between(intern, senior):
    return list(
        db.session.scalars(
            sa.select(IntroRequest).where(IntroRequest.requester_id == intern.id, IntroRequest.senior_id == senior.id)
        )
    )


def active_connections(senior):
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(IntroRequest)
        .where(IntroRequest.senior_id == senior.id, IntroRequest.status == RequestStatus.ACCEPTED)
    )


def test_both_yes_introduces_them_at_once_against_the_seniors_room(app):
    evening = Evening(capacity=2)
    evening.answer(evening.ferreira, evening.maya)
    said = evening.answer(evening.maya, evening.ferreira)
    (request,) = requests_between(evening.maya, evening.ferreira)
    assert request.status == RequestStatus.ACCEPTED
    assert active_connections(evening.ferreira) == 1
    assert any("you and Dr Ferreira are introduced" in words for words in said)
    rows = db.session.scalars(sa.select(SpeedFollowUp).where(SpeedFollowUp.intro_request_id == request.id)).all()
    assert len(rows) == 2  # both answers point at the introduction
    told = db.session.scalars(sa.select(Notification.message).where(Notification.user_id == evening.maya.id)).all()
    assert "Dr Ferreira accepted your introduction" in told


def test_only_the_interns_yes_sends_an_ordinary_request(app):
    evening = Evening()
    said = evening.answer(evening.maya, evening.lee)
    (request,) = requests_between(evening.maya, evening.lee)
    assert request.status == RequestStatus.PENDING
    assert "Surgery Speed Mentoring" in request.message
    assert said == ["We asked Dr Lee for you: the request waits for their answer."]
    told = db.session.scalars(sa.select(Notification.message).where(Notification.user_id == evening.lee.id)).all()
    assert "Maya Okafor would like to meet you" in told


def test_only_the_seniors_yes_tells_the_intern_and_her_yes_makes_it_mutual(app):
    evening = Evening()
    evening.answer(evening.ferreira, evening.maya)
    assert requests_between(evening.maya, evening.ferreira) == []
    told = db.session.scalars(sa.select(Notification.message).where(Notification.user_id == evening.maya.id)).all()
    assert told == ["Dr Ferreira would like to meet you again"]
    page = followups.follow_up(db.session, evening.maya, evening.event.id, evening.now)
    said = {met.person.name: notes.note(met, page.as_senior) for met in page.met}
    assert said["Dr Ferreira"] == "Dr Ferreira would like to meet you again."

    evening.answer(evening.maya, evening.ferreira)
    (request,) = requests_between(evening.maya, evening.ferreira)
    assert request.status == RequestStatus.ACCEPTED


def test_a_senior_without_room_gets_an_ordinary_request_and_both_are_told_why(app):
    evening = Evening(capacity=1)
    other = make_user("Ida Other", stage="intern")
    db.session.add(
        IntroRequest(
            requester_id=other.id,
            senior_id=evening.ferreira.id,
            status=RequestStatus.ACCEPTED,
            message="Hello",
            created_at=evening.now,
            expires_at=evening.now + timedelta(days=14),
            responded_at=evening.now,
        )
    )
    db.session.commit()
    evening.answer(evening.ferreira, evening.maya)
    said = evening.answer(evening.maya, evening.ferreira)
    (request,) = requests_between(evening.maya, evening.ferreira)
    assert request.status == RequestStatus.PENDING
    assert active_connections(evening.ferreira) == 1
    assert said == ["You both said yes, but Dr Ferreira has no room for another introduction now: your request waits."]
    seniors_page = followups.follow_up(db.session, evening.ferreira, evening.event.id, evening.now)
    assert "you are at your limit" in notes.note(seniors_page.met[0], True)


def test_answering_again_changes_nothing_twice(app):
    evening = Evening()
    evening.answer(evening.maya, evening.lee)
    evening.answer(evening.maya, evening.lee)
    assert len(requests_between(evening.maya, evening.lee)) == 1
    rows = db.session.scalars(sa.select(SpeedFollowUp).where(SpeedFollowUp.from_id == evening.maya.id)).all()
    assert sorted((row.to_id, row.again) for row in rows) == sorted(
        [(evening.lee.id, True), (evening.ferreira.id, False)]
    )


def test_a_later_no_withdraws_the_waiting_request(app):
    evening = Evening()
    evening.answer(evening.maya, evening.lee)
    said = evening.answer(evening.maya)
    (request,) = requests_between(evening.maya, evening.lee)
    assert request.status == RequestStatus.WITHDRAWN
    assert said == ["Your request to meet Dr Lee again is withdrawn."]
    evening.answer(evening.maya, evening.lee)  # and yes again opens the same request again
    assert [r.status for r in requests_between(evening.maya, evening.lee)] == ["pending"]


def notices_to(person, kind):
    return db.session.scalar(
        sa.select(sa.func.count()).where(Notification.user_id == person.id, Notification.kind == kind)
    )


def test_an_intern_changing_their_mind_tells_the_senior_once(app):
    evening = Evening()
    for _ in range(4):
        evening.answer(evening.maya, evening.ferreira)
        evening.answer(evening.maya)
    assert [r.status for r in requests_between(evening.maya, evening.ferreira)] == ["withdrawn"]
    said = evening.answer(evening.maya, evening.ferreira)
    assert said == ["We asked Dr Ferreira for you: the request waits for their answer."]
    assert [r.status for r in requests_between(evening.maya, evening.ferreira)] == ["pending"]
    assert notices_to(evening.ferreira, "intro_requested") == 1


def test_a_withdrawn_request_past_its_expiry_is_not_opened_again(app):
    evening = Evening()
    evening.answer(evening.maya, evening.lee)
    evening.answer(evening.maya)
    (request,) = requests_between(evening.maya, evening.lee)
    request.expires_at = evening.now  # it would no longer be waiting
    db.session.commit()
    evening.answer(evening.maya, evening.lee)
    assert sorted(r.status for r in requests_between(evening.maya, evening.lee)) == ["pending", "withdrawn"]
    assert notices_to(evening.lee, "intro_requested") == 2


def test_a_later_no_never_undoes_an_accepted_introduction(app):
    evening = Evening()
    evening.answer(evening.ferreira, evening.maya)
    evening.answer(evening.maya, evening.ferreira)
    said = evening.answer(evening.maya)
    (request,) = requests_between(evening.maya, evening.ferreira)
    assert request.status == RequestStatus.ACCEPTED
    assert said == ["You and Dr Ferreira stay introduced: a later no never undoes an accepted introduction."]


def test_already_connected_is_said_and_nothing_more_is_made(app):
    evening = Evening()
    db.session.add(
        IntroRequest(
            requester_id=evening.maya.id,
            senior_id=evening.lee.id,
            status=RequestStatus.ACCEPTED,
            message="Hello",
            created_at=evening.now,
            expires_at=evening.now + timedelta(days=14),
            responded_at=evening.now,
        )
    )
    db.session.commit()
    said = evening.answer(evening.maya, evening.lee)
    assert said == ["You're already connected with Dr Lee: nothing more to do."]
    assert len(requests_between(evening.maya, evening.lee)) == 1


def test_a_recent_decline_still_refuses_the_interns_yes_alone(app):
    evening = Evening()
    db.session.add(
        IntroRequest(
            requester_id=evening.maya.id,
            senior_id=evening.lee.id,
            status=RequestStatus.DECLINED,
            message="Hello",
            created_at=evening.now - timedelta(days=3),
            expires_at=evening.now + timedelta(days=11),
            responded_at=evening.now - timedelta(days=2),
        )
    )
    db.session.commit()
    said = evening.answer(evening.maya, evening.lee)
    assert said == ["Dr Lee is not available right now."]
    assert [r.status for r in requests_between(evening.maya, evening.lee)] == ["declined"]


def test_someone_who_was_not_there_is_told_so(app):
    evening = Evening()
    stranger = make_user("Sam Stranger", stage="intern")
    with pytest.raises(NotParticipant):
        followups.follow_up(db.session, stranger, evening.event.id, evening.now)
    with pytest.raises(NotParticipant):
        evening.answer(stranger, evening.lee)


def test_before_the_last_round_the_follow_up_is_closed(app):
    evening = Evening(last_round_started=False)
    with pytest.raises(followups.Closed):
        followups.follow_up(db.session, evening.maya, evening.event.id, evening.now)
    with pytest.raises(followups.Closed):
        evening.answer(evening.maya, evening.lee)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SpeedFollowUp)) == 0


def test_people_met_in_the_rounds_held_are_listed_only_rounds_started_once_the_event_ended(app):
    evening = Evening()
    later = make_user("Dr Later", stage="faculty", open_to_interns=True)
    seat(evening.speed, 3, 1, later, evening.maya)  # the last round, under way: held
    page = followups.follow_up(db.session, evening.maya, evening.event.id, evening.now)
    assert [met.person.name for met in page.met] == ["Dr Ferreira", "Dr Lee", "Dr Later"]
    evening.speed.rounds = 4  # ...and one more, never started from the page
    db.session.commit()
    never = make_user("Dr Never", stage="faculty", open_to_interns=True)
    seat(evening.speed, 4, 1, never, evening.maya)
    evening.speed.event.ends_at = evening.now - timedelta(minutes=1)  # ended: round 4 was never started
    db.session.commit()
    page = followups.follow_up(db.session, evening.maya, evening.event.id, evening.now)
    assert [met.person.name for met in page.met] == ["Dr Ferreira", "Dr Lee", "Dr Later"]


def test_the_follow_up_pages_show_and_save(client, auth):
    evening = Evening()
    auth.login(evening.maya.email)
    page = client.get(f"/events/{evening.event.id}/speed/follow-up").get_data(as_text=True)
    assert "I'd like to meet Dr Ferreira again" in page and "I'd like to meet Dr Lee again" in page
    response = client.post(f"/events/{evening.event.id}/speed/follow-up", data={"again": [str(evening.lee.id), "junk"]})
    assert response.status_code == 302
    page = client.get(f"/events/{evening.event.id}/speed/follow-up").get_data(as_text=True)
    assert "We asked Dr Lee for you" in page
    assert f'value="{evening.lee.id}" checked' in page


def test_the_follow_up_page_says_when_it_opens_and_who_may_use_it(client, auth):
    evening = Evening(last_round_started=False)
    auth.login(evening.maya.email)
    page = client.get(f"/events/{evening.event.id}/speed/follow-up").get_data(as_text=True)
    assert "once the last round has started" in page
    make_user("Sam Stranger", email="stranger@hospital.example", stage="intern")
    auth.logout()
    auth.login("stranger@hospital.example")
    response = client.get(f"/events/{evening.event.id}/speed/me")
    assert response.status_code == 403
    assert "You are not taking part in this speed-mentoring evening." in response.get_data(as_text=True)


def test_answers_sent_at_the_same_moment_keep_one_answer_each_and_one_introduction(app, session):
    """The intern's form sent twice at once (a double tap) and the senior's
    yes at the same moment: never an error page, one answer per person and
    pair, and one accepted introduction."""
    from eventsapp.accounts.models import User
    from eventsapp.errors import DomainError
    from tests.test_mentorships_concurrency import run_at_once

    evening = Evening()
    event_id, maya, ferreira = evening.event.id, evening.maya.id, evening.ferreira.id

    def answer(s, who, whom):
        try:
            return followups.save_answers(s, s.get(User, who), event_id, {whom}, evening.now, LINKS)
        except DomainError as error:
            return str(error)

    run_at_once(
        app,
        [
            lambda s: answer(s, maya, ferreira),
            lambda s: answer(s, maya, ferreira),
            lambda s: answer(s, ferreira, maya),
        ],
    )
    session.rollback()
    rows = session.execute(sa.select(SpeedFollowUp.from_id, SpeedFollowUp.to_id, SpeedFollowUp.again)).all()
    assert sorted(rows) == sorted([(maya, ferreira, True), (maya, evening.lee.id, False), (ferreira, maya, True)])
    (request,) = requests_between(evening.maya, evening.ferreira)
    assert request.status == RequestStatus.ACCEPTED


def test_a_members_download_holds_their_seats_and_their_own_answers_only(client, auth):
    evening = Evening()
    evening.answer(evening.maya, evening.lee)
    evening.answer(evening.lee)  # Dr Lee's "no" about Maya is his, not hers
    auth.login(evening.maya.email)
    data = client.get("/account/export.json").get_json()["speed_mentoring"]
    assert [(s["round"], s["senior"], s["why"]) for s in data["seats"]] == [
        (1, "Dr Ferreira", "You share Cardiology"),
        (2, "Dr Lee", pairing.NOTHING_SHARED),  # written from what both show now: Dr Lee lists no interests
    ]
    assert sorted((a["about"], a["again"]) for a in data["meet_again"]) == [("Dr Ferreira", False), ("Dr Lee", True)]


def _request(intern, senior, status, now, *, days_ago=2):
    db.session.add(
        IntroRequest(
            requester_id=intern.id,
            senior_id=senior.id,
            status=status,
            message="Hello",
            created_at=now - timedelta(days=days_ago + 1),
            expires_at=now + timedelta(days=11),
            responded_at=None if status == RequestStatus.PENDING else now - timedelta(days=days_ago),
        )
    )


def test_both_yes_is_refused_with_the_reason_when_the_senior_is_no_longer_open_to_interns(app):
    evening = Evening()
    evening.answer(evening.maya, evening.ferreira)  # a request waits for him
    evening.ferreira.profile.open_to_interns = False
    db.session.commit()
    said = evening.answer(evening.ferreira, evening.maya)
    assert said == [
        "You both said yes, but your profile says you are not open to meeting interns: "
        "turn it on to be introduced to Maya Okafor."
    ]
    assert [r.status for r in requests_between(evening.maya, evening.ferreira)] == ["pending"]
    assert active_connections(evening.ferreira) == 0


def test_both_yes_is_refused_until_the_intern_confirms_her_address(app):
    evening = Evening()
    evening.answer(evening.ferreira, evening.maya)
    evening.maya.email_verified_at = None
    db.session.commit()
    said = evening.answer(evening.maya, evening.ferreira)
    assert said == [
        "Confirm your email address before asking for an introduction: open the link "
        "we mailed you, or ask for a new one with Resend the link."
    ]
    assert requests_between(evening.maya, evening.ferreira) == []


def test_both_yes_stands_over_a_recent_decline(app):
    evening = Evening()
    _request(evening.maya, evening.lee, RequestStatus.DECLINED, evening.now)
    db.session.commit()
    evening.answer(evening.lee, evening.maya)
    said = evening.answer(evening.maya, evening.lee)
    assert said == ["You both said yes: you and Dr Lee are introduced. You can now see each other's email address."]
    assert sorted(r.status for r in requests_between(evening.maya, evening.lee)) == ["accepted", "declined"]


def test_both_yes_without_room_never_puts_a_sixth_request_waiting(app):
    evening = Evening(capacity=1)
    _request(make_user("Ida Other", stage="intern"), evening.ferreira, RequestStatus.ACCEPTED, evening.now)
    for n in range(5):
        _request(
            evening.maya, make_user(f"Dr Busy {n}", stage="attending", open_to_interns=True), "pending", evening.now
        )
    db.session.commit()
    evening.answer(evening.ferreira, evening.maya)
    said = evening.answer(evening.maya, evening.ferreira)
    assert said == [
        "You have 5 requests waiting for an answer. Wait for one, or withdraw one, before asking someone else."
    ]
    assert requests_between(evening.maya, evening.ferreira) == []


def test_a_senior_changing_their_mind_tells_the_intern_once(app):
    evening = Evening()
    evening.answer(evening.ferreira, evening.maya)
    evening.answer(evening.ferreira)
    evening.answer(evening.ferreira, evening.maya)
    told = db.session.scalars(sa.select(Notification.message).where(Notification.user_id == evening.maya.id)).all()
    assert told == ["Dr Ferreira would like to meet you again"]


def test_a_cancelled_evening_has_no_follow_up_and_saves_nothing(client, auth):
    evening = Evening()
    evening.maya.email = "maya.cancel@hospital.example"
    evening.event.status = EventStatus.CANCELLED
    db.session.commit()
    auth.login("maya.cancel@hospital.example")
    url = f"/events/{evening.event.id}/speed/follow-up"
    shown = client.get(url).get_data(as_text=True)
    assert "This evening was cancelled." in shown
    assert "Save my answers" not in shown and "your evening</a>" not in shown
    posted = client.post(url, data={"again": str(evening.ferreira.id)})
    assert "This evening was cancelled." in posted.get_data(as_text=True)
    assert db.session.scalars(sa.select(SpeedFollowUp)).all() == []


def test_the_seniors_yes_promises_an_introduction_only_if_one_can_be_made(app, monkeypatch):
    sent = []
    monkeypatch.setattr("eventsapp.notifications.speed_notices.notify", lambda s, to, message: sent.append(message))
    evening = Evening()
    evening.answer(evening.ferreira, evening.maya)
    (message,) = sent
    assert "if they have room for another introduction and your email address is confirmed" in message.body
    assert "and you are introduced at once" not in message.body
