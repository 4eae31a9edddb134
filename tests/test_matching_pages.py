"""What the suggestion pages say: People to meet, Who to meet here, Where
to meet them and the event list's counts, each true to the others."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventsapp.introductions.models import IntroRequest
from eventsapp.timeutil import utcnow
from tests.factories import make_event, make_rsvp, make_user


@pytest.fixture
def intern(auth):
    user = make_user("Maya Okafor", email="maya@hospital.example", interests=["Cardiology", "Clinical research"])
    auth.login("maya@hospital.example")
    return user


def make_senior(name, **kwargs):
    values = dict(stage="attending", open_to_interns=True, interests=["Cardiology"], intro_capacity=3)
    values.update(kwargs)
    return make_user(name, **values)


def text(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def who_to_meet(page: str) -> str:
    """The Who to meet here section of an event page ('' when there is none)."""
    if "Who to meet here" not in page:
        return ""
    return page[page.index("Who to meet here") : page.index("Who's going")]


def card(page: str, name: str) -> str:
    """The suggestion card of one colleague."""
    start = page.index(f">{name}</a>")
    end = page.find('<li class="suggestion card">', start)
    return page[start : end if end != -1 else len(page)]


def test_a_senior_who_shows_attendance_to_organizers_only_is_suggested_for_interests_alone(client, intern):
    rounds = make_event(title="Heart Failure Rounds")
    make_rsvp(rounds, intern)
    quiet = make_senior("Dr Quiet", attendance_visibility="organizers")
    make_rsvp(rounds, quiet)
    people = text(client, "/people")
    assert "Dr Quiet" in people
    assert "Both interested in Cardiology" in card(people, "Dr Quiet")
    assert "Heart Failure Rounds" not in people  # their attendance stays theirs to hide
    # Counted nowhere, as they are shown at no event.
    assert "who share" not in text(client, "/events")
    assert "Heart Failure Rounds" not in text(client, "/people/where")
    assert "Dr Quiet" not in text(client, f"/events/{rounds.id}")


def hint(page: str, title: str) -> str | None:
    """The event list's count for one event."""
    row = page[page.index(title) :]
    row = row[: row.index("</li>")]
    found = re.search(r"(\d+) senior colleagues? going who shares? your interests", row)
    return found.group(0) if found else None


def test_the_counts_on_the_event_list_and_where_to_meet_are_who_to_meet_here_shows(client, intern):
    rounds = make_event(title="Busy Rounds")
    for name, visibility, interests in [
        ("Dr Open One", "members", ["Cardiology"]),
        ("Dr Open Two", "members", ["Clinical research"]),
        ("Dr Attendees", "attendees", ["Cardiology"]),
        ("Dr Organizers", "organizers", ["Cardiology"]),
        ("Dr Other Field", "members", ["Dermatology"]),
    ]:
        make_rsvp(rounds, make_senior(name, attendance_visibility=visibility, interests=interests))

    def shown_on_the_event_page():
        section = who_to_meet(text(client, f"/events/{rounds.id}"))
        return section, section.count("Both interested in")

    # Not going: those who show their attendance to people going are not seen.
    listed = hint(text(client, "/events"), "Busy Rounds")
    assert listed == "2 senior colleagues going who share your interests"
    section, sharing = shown_on_the_event_page()
    assert listed in section and sharing == 2 and "Dr Attendees" not in section
    assert "Dr Organizers" not in section
    assert "2 senior colleagues going who share your interests" in text(client, "/people/where")

    client.post(f"/events/{rounds.id}/rsvp", data={"state": "going"})
    listed = hint(text(client, "/events"), "Busy Rounds")
    assert listed == "3 senior colleagues going who share your interests"
    section, sharing = shown_on_the_event_page()
    assert listed in section and sharing == 3 and "Dr Attendees" in section
    assert "Dr Organizers" not in section
    assert "3 senior colleagues going who share your interests" in text(client, "/people/where")


def test_who_to_meet_here_shows_everyone_it_counts_on_asking(client, intern):
    rounds = make_event(title="Grand Rounds")
    for n in range(8):
        make_rsvp(rounds, make_senior(f"Dr Number {n}"))
    section = who_to_meet(text(client, f"/events/{rounds.id}"))
    assert "8 senior colleagues going who share your interests" in section
    assert section.count('class="suggestion card"') == 6
    assert f"/events/{rounds.id}?meet=all" in section
    section = who_to_meet(text(client, f"/events/{rounds.id}?meet=all"))
    assert section.count('class="suggestion card"') == 8


def test_also_going_to_names_only_events_the_viewer_is_going_to(client, intern):
    senior = make_senior("Dr Busy", interests=["Dermatology"])
    states = {"Maybe Rounds": "maybe", "Waitlist Workshop": "waitlisted", "Going Journal Club": "going"}
    for n, (title, state) in enumerate(states.items()):
        event = make_event(title=title, starts_in=timedelta(days=2 + n))
        make_rsvp(event, senior)
        make_rsvp(event, intern, state)
    page = text(client, "/people")
    reasons = card(page, "Dr Busy")
    assert "Also going to Going Journal Club" in reasons
    assert "Maybe Rounds" not in reasons and "Waitlist Workshop" not in reasons and "more event" not in reasons


@pytest.mark.parametrize("answer", [None, "maybe", "going"])
def test_who_to_meet_here_never_names_the_event_itself(client, intern, answer):
    rounds = make_event(title="Cardiology Grand Rounds")
    club = make_event(title="Journal Club", starts_in=timedelta(days=3))
    senior = make_senior("Dr Keen")
    make_rsvp(rounds, senior)
    make_rsvp(club, senior)
    make_rsvp(club, intern)
    if answer:
        make_rsvp(rounds, intern, answer)
    reasons = card(who_to_meet(text(client, f"/events/{rounds.id}")), "Dr Keen")
    assert "Both interested in Cardiology" in reasons
    assert "Also going to Journal Club" in reasons and "Cardiology Grand Rounds" not in reasons


def test_the_ribbon_reads_happy_to_be_approached_here(client, intern):
    rounds = make_event(title="Cardiology Grand Rounds")
    make_rsvp(rounds, make_senior("Dr Ribbon"), approachable=True)
    reasons = card(who_to_meet(text(client, f"/events/{rounds.id}")), "Dr Ribbon")
    assert "Happy to be approached here" in reasons and "Also going to" not in reasons


def test_a_suggestion_without_shared_interests_says_so(client, intern):
    club = make_event(title="Journal Club")
    make_rsvp(club, intern)
    make_rsvp(club, make_senior("Dr Skin", interests=["Dermatology"]))
    page = text(client, "/people")
    assert re.search(r"<li>No shared interests listed</li><li>Also going to Journal Club", card(page, "Dr Skin"))
    lead = page[page.index('class="lead"') :]
    lead = lead[: lead.index("</p>")]  # not "colleagues who ... and share your interests"
    assert "and share your interests" not in lead and "going to the same events" in lead
    section = who_to_meet(text(client, f"/events/{club.id}"))
    assert "No shared interests listed" in card(section, "Dr Skin")


def ask(client, senior, message="I'd love to hear about your work."):
    return client.post(f"/people/{senior.id}/introduction", data={"message": message}, follow_redirects=True)


def test_a_colleague_asked_stays_visible_as_waiting_with_withdraw_everywhere(client, session, intern):
    rounds = make_event(title="Cardiology Grand Rounds")
    senior = make_senior("Dr Asked")
    make_rsvp(rounds, senior)
    ask(client, senior)
    request_id = session.scalar(sa.select(IntroRequest.id))
    withdraw = f'action="/introductions/{request_id}/withdraw"'
    for url, part in [
        ("/people", lambda p: card(p, "Dr Asked")),
        (f"/events/{rounds.id}", lambda p: card(who_to_meet(p), "Dr Asked")),
        (f"/people/{senior.id}", lambda p: p[p.index("<h1>") : p.index("Specialty interests")]),
    ]:
        shown = part(text(client, url))
        assert "Request sent, waiting" in shown and withdraw in shown, url
        assert "Ask for an introduction" not in shown, url
    # Withdrawing from the event page comes back to it, and the colleague can be asked again.
    response = client.post(f"/introductions/{request_id}/withdraw", data={"back": f"/events/{rounds.id}#meet"})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/events/{rounds.id}#meet")
    assert "Ask for an introduction" in card(who_to_meet(text(client, f"/events/{rounds.id}")), "Dr Asked")


def test_no_ask_button_where_no_request_can_be_sent(client, session, intern):
    asked = [make_senior(f"Dr Asked {n}") for n in range(5)]
    for senior in asked:
        ask(client, senior)
    free = make_senior("Dr Free")
    people = text(client, "/people")
    assert "You have 5 requests waiting for an answer" in people
    assert "Ask for an introduction" not in people
    assert "Dr Free" in people and people.count("Request sent, waiting") == 5
    profile = text(client, f"/people/{free.id}")
    assert "Ask for an introduction" not in profile and "You have 5 requests waiting" in profile
    form = text(client, f"/people/{free.id}/introduction")
    assert "Send request" not in form and "You have 5 requests waiting" in form


def test_a_senior_without_room_or_who_declined_offers_no_ask_button(client, session, intern):
    full, declined = make_senior("Dr Full", intro_capacity=1), make_senior("Dr Declined")
    session.add_all(
        [
            IntroRequest(
                requester_id=make_user().id, senior_id=full.id, status="accepted", expires_at=utcnow(), message="x"
            ),
            IntroRequest(
                requester_id=intern.id,
                senior_id=declined.id,
                status="declined",
                expires_at=utcnow(),
                responded_at=utcnow(),
                message="x",
            ),
        ]
    )
    session.commit()
    for senior in (full, declined):
        profile = text(client, f"/people/{senior.id}")
        assert "Ask for an introduction" not in profile
        assert "Not available for introductions right now" in profile
        assert "Send request" not in text(client, f"/people/{senior.id}/introduction")


def test_a_senior_is_told_what_people_to_meet_is_for_them(client, auth):
    make_user(
        "Dr Resident",
        email="resident@hospital.example",
        stage="resident",
        pgy_year=2,
        interests=["Cardiology", "Clinical research", "Medical education", "Dermatology"],
    )
    auth.login("resident@hospital.example")
    page = text(client, "/people")
    assert "Add specialty interests" not in page
    assert "further along in training than you" in page
    assert "Interns who would like to meet you" in page and 'href="/introductions' in page
    assert "not open to meeting interns" in page and 'href="/profile/edit"' in page


def test_an_attending_is_told_nobody_is_further_along(client, auth):
    make_senior("Dr Top", email="top@hospital.example", interests=["Cardiology", "Dermatology"])
    auth.login("top@hospital.example")
    page = text(client, "/people")
    assert "No suggestions yet" not in page and "Add specialty interests" not in page
    assert "nobody is further along than you" in page
    assert "open to meeting interns, so they see you in their suggestions" in page


def test_a_colleague_asked_stays_suggested_after_their_introductions_fill_up(client, session, intern, app):
    from eventsapp.matching import services as matching

    app.config["MATCHING_CACHE_SECONDS"] = 300  # the shared short list, kept as in production
    matching.clear_caches()
    senior = make_senior("Dr Popular", intro_capacity=1)
    ask(client, senior)
    session.add(
        IntroRequest(
            requester_id=make_user().id, senior_id=senior.id, status="accepted", expires_at=utcnow(), message="x"
        )
    )
    session.commit()
    people = text(client, "/people")
    assert "Request sent, waiting" in card(people, "Dr Popular")
    assert "Request sent, waiting" in text(client, f"/people/{senior.id}")


def test_where_to_meet_tells_an_attending_nobody_is_further_along(client, auth):
    make_senior("Dr Top", email="top@hospital.example", interests=["Cardiology", "Dermatology"])
    auth.login("top@hospital.example")
    page = text(client, "/people/where")
    assert "Nobody is further along in training than you" in page and "Add interests" not in page


def test_a_senior_sees_how_many_requests_wait_for_their_answer(client, auth, session):
    senior = make_senior("Dr Asked", email="asked@hospital.example")
    for _ in range(2):
        session.add(
            IntroRequest(
                requester_id=make_user().id,
                senior_id=senior.id,
                status="pending",
                expires_at=utcnow() + timedelta(days=7),
                message="Hello",
            )
        )
    session.commit()
    auth.login("asked@hospital.example")
    assert "2 requests are waiting for your answer" in text(client, "/people")
