"""What happened feeds back into the suggestions: someone already met, or
a mentor past or present, is not suggested again as new; a decline keeps a
colleague out for six months; an intern with an active mentor sees
colleagues in their other interests too."""

from datetime import timedelta

import pytest

from eventsapp.extensions import db
from eventsapp.introductions import services as introductions
from eventsapp.matching import services as matching
from eventsapp.mentorships import answers
from eventsapp.mentorships import services as mentorships
from eventsapp.timeutil import utcnow
from tests.factories import make_event, make_rsvp, make_user


@pytest.fixture
def intern(auth):
    user = make_user("Maya Okafor", email="maya@hospital.example", interests=["Cardiology", "Neurology"])
    auth.login("maya@hospital.example")
    return user


def make_senior(name, **kwargs):
    values = dict(stage="attending", open_to_interns=True, interests=["Cardiology"], intro_capacity=3)
    return make_user(name, **{**values, **kwargs})


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def between(text: str, start: str, end: str) -> str:
    first = text.index(start)
    return text[first : text.index(end, first)]


def suggested_everywhere(client, event) -> dict[str, str]:
    """The places that suggest colleagues, and the event's list of who is going."""
    shown = page(client, f"/events/{event.id}")
    return {
        "people": page(client, "/people"),
        "who to meet here": between(shown, "Who to meet here", "Who's going"),
        "home": between(page(client, "/"), 'id="next-events-heading"', "</section>"),
        "who's going": shown[shown.index("Who's going") :],
    }


def met(intern, senior, *, who_answers):
    """An introduction accepted, then "we met" from one side: a mentorship."""
    request = introductions.request_introduction(db.session, intern, senior.id, "Could we meet after rounds?")
    introductions.answer(db.session, senior, request.id, True)
    return answers.answer_met(db.session, who_answers(intern, senior), request.id, "met")


def test_a_mentor_active_or_closed_is_not_suggested_again_but_still_goes_to_the_event(client, intern):
    rounds = make_event(title="Heart Failure Rounds", starts_in=timedelta(days=3))
    make_rsvp(rounds, intern)
    seniors = [make_senior(name, attendance_visibility="members") for name in ("Dr Mentor", "Dr Former", "Dr New")]
    for senior in seniors:
        make_rsvp(rounds, senior)
    for where, text in suggested_everywhere(client, rounds).items():
        assert all(s.name in text for s in seniors), where
    mentor, former, new = seniors
    met(intern, mentor, who_answers=lambda intern, senior: senior)  # the senior's "we met" counts as much
    closed = met(intern, former, who_answers=lambda intern, senior: intern)
    mentorships.close(db.session, intern, closed.id, "goals_met", "Thank you!")
    for where, text in suggested_everywhere(client, rounds).items():
        if where == "who's going":  # the event's own list is unchanged
            assert all(s.name in text for s in seniors)
        else:
            assert new.name in text and mentor.name not in text and former.name not in text, where


def test_a_colleague_who_declined_is_suggested_again_after_six_months_not_three(client, session, intern):
    recently, long_ago = make_senior("Dr Recently"), make_senior("Dr Long Ago")
    now = utcnow()
    for senior, days in ((recently, 100), (long_ago, 200)):
        request = introductions.request_introduction(session, intern, senior.id, "Hello", now - timedelta(days=days))
        introductions.answer(session, senior, request.id, False, now - timedelta(days=days))
    people = page(client, "/people")
    assert "Dr Long Ago" in people and "Dr Recently" not in people
    # Nor can they be asked again before then.
    assert "Ask for an introduction" not in page(client, f"/people/{recently.id}")
    assert "Ask for an introduction" in page(client, f"/people/{long_ago.id}")


def shown(session, intern, limit=5) -> list:
    return matching.suggestions(session, intern, now=utcnow(), zone="UTC", limit=limit)


def specialty_world():
    """Seven seniors in Cardiology (the rarer of the intern's interests, so
    they lead), nine in Neurology, four in neither."""
    cardiology = [make_senior(f"Dr Heart {n}") for n in range(7)]
    neurology = [make_senior(f"Dr Brain {n}", interests=["Neurology"]) for n in range(9)]
    for n in range(4):
        make_senior(f"Dr Skin {n}", interests=["Dermatology"])
    return cardiology, neurology


def test_an_intern_with_a_cardiology_mentor_also_sees_colleagues_in_their_other_interests(session, intern):
    cardiology, _neurology = specialty_world()
    assert {s.shared_interests for s in shown(session, intern)} == {("Cardiology",)}
    mentorship = met(intern, cardiology[0], who_answers=lambda intern, senior: intern)
    now = shown(session, intern, limit=None)
    assert {s.shared_interests for s in now[:5]} == {("Neurology",)}
    # The cardiologists are still suggested, further down, for what is true.
    hearts = [s for s in now if s.shared_interests == ("Cardiology",)]
    assert len(hearts) == 6 and all(s.reasons == ("Both interested in Cardiology",) for s in hearts)
    assert cardiology[0].id not in {s.candidate.user_id for s in now}
    # Once the mentorship is closed, Cardiology counts in full again (the mentor aside).
    mentorships.close(db.session, intern, mentorship.id, "moved_on")
    after = shown(session, intern)
    assert {s.shared_interests for s in after} == {("Cardiology",)}
    assert cardiology[0].id not in {s.candidate.user_id for s in after}


def test_the_short_list_kept_between_requests_follows_what_a_mentor_covers(app, session, intern, monkeypatch):
    """As in production, the shared-interest short list is kept; here it
    is too short for everyone who shares an interest with the intern."""
    app.config["MATCHING_CACHE_SECONDS"] = 300
    monkeypatch.setattr(matching, "INTEREST_SHORTLIST", 5)
    monkeypatch.setattr(matching, "SHORTLIST_MARGIN", 2)
    matching.clear_caches()
    cardiology, _neurology = specialty_world()
    assert {s.shared_interests for s in shown(session, intern)} == {("Cardiology",)}
    met(intern, cardiology[0], who_answers=lambda intern, senior: intern)
    assert {s.shared_interests for s in shown(session, intern)} == {("Neurology",)}
