"""Interns who would like to meet you: the senior's waiting requests with
what each intern lets members see and shares, and the interns going to the
senior's next events who share their interests."""

from datetime import timedelta

import sqlalchemy as sa

from eventsapp.extensions import db
from eventsapp.introductions import services as introductions
from eventsapp.introductions.models import IntroRequest
from eventsapp.mentorships.interns import senior_side
from eventsapp.timeutil import utcnow
from tests.factories import make_department, make_event, make_rsvp, make_user
from tests.fuzzing import login_as


def senior(**fields):
    values = {
        "stage": "attending",
        "open_to_interns": True,
        "interests": ["Cardiology", "Oncology"],
        "helps": ["career", "clinical"],
        "intro_capacity": 5,
    }
    return make_user("Tomás Ferreira", **{**values, **fields})


def ask(intern, senior_user):
    return introductions.request_introduction(db.session, intern, senior_user.id, "Could we meet after rounds?")


def test_a_waiting_request_shows_what_the_intern_shares_and_the_events_both_go_to(session):
    me = senior()
    cardio = make_department("Cardiology ward")
    intern = make_user(
        "Maya Okafor",
        interests=["Cardiology", "Neurology"],
        helps=["career", "support"],
        department=cardio,
        bio="First year, curious about echo.",
    )
    both, only_me, only_them = make_event(title="Echo Club"), make_event(title="Tumour Board"), make_event()
    for event, people in ((both, (me, intern)), (only_me, (me,)), (only_them, (intern,))):
        for person in people:
            make_rsvp(event, person)
    ask(intern, me)
    side = senior_side(session, me, utcnow())
    (waiting,) = side.waiting
    assert waiting.intern.shared == ["Cardiology"]
    assert waiting.intern.department == "Cardiology ward" and waiting.intern.bio.startswith("First year")
    assert [e.title for e in waiting.events] == ["Echo Club"]


def test_only_what_the_intern_lets_members_see_is_shown(session):
    me = senior()
    intern = make_user(
        "Maya Okafor",
        interests=["Cardiology"],
        helps=["career"],
        department=make_department("Ward 3"),
        bio="Private bio",
        show_interests=False,
        show_department=False,
        show_bio=False,
        attendance_visibility="organizers",
    )
    event = make_event(organizer=me)  # organizing an event does not reveal who goes, here
    make_rsvp(event, me)
    make_rsvp(event, intern)
    ask(intern, me)
    (waiting,) = senior_side(session, me, utcnow()).waiting
    shown = waiting.intern
    assert shown.interests is None and shown.shared == []
    assert shown.department is None and shown.bio == ""
    assert waiting.events == []


def test_interns_going_to_the_seniors_next_events_who_share_an_interest_are_listed_per_event(session):
    me = senior()
    soon, later, cancelled = (
        make_event(title="Echo Club"),
        make_event(title="Far Away", starts_in=timedelta(weeks=6)),
        make_event(title="Called Off", status="cancelled"),
    )
    for event in (soon, later, cancelled):
        make_rsvp(event, me)
    sharing = make_user("Ana Sharing", interests=["Cardiology"])
    unrelated = make_user("Bo Elsewhere", interests=["Neurology"])
    hidden = make_user("Cy Hidden", interests=["Cardiology"], show_interests=False)
    private = make_user("Di Private", interests=["Cardiology"], attendance_visibility="organizers")
    peer = make_user("Ed Peer", stage="resident", pgy_year=2, interests=["Cardiology"])  # not an intern
    attendees_only = make_user("Flo Attendee", interests=["Oncology"], attendance_visibility="attendees")
    for person in (sharing, unrelated, hidden, private, peer, attendees_only):
        for event in (soon, later, cancelled):
            make_rsvp(event, person)
    side = senior_side(session, me, utcnow())
    assert [(group.event.title, [i.user.name for i in group.interns]) for group in side.events] == [
        ("Echo Club", ["Ana Sharing", "Flo Attendee"])
    ]
    assert side.events[0].interns[0].shared == ["Cardiology"]


def test_the_page_lists_requests_with_accept_and_decline_and_answering_comes_back_to_it(client, session):
    me = senior()
    intern = make_user("Maya Okafor", interests=["Cardiology"])
    request = ask(intern, me)
    login_as(client, me.id)
    page = client.get("/people/interns").get_data(as_text=True)
    assert "Maya Okafor" in page and "Could we meet after rounds?" in page and "Cardiology" in page
    assert f"/introductions/{request.id}/accept" in page and f"/introductions/{request.id}/decline" in page
    response = client.post(f"/introductions/{request.id}/accept", data={"back": "/people/interns"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/people/interns")
    session.rollback()
    assert session.scalar(sa.select(IntroRequest.status)) == "accepted"


def test_the_senior_finds_the_page_from_people_to_meet_and_the_navigation(client, session):
    me = senior()
    ask(make_user("Maya Okafor"), me)
    login_as(client, me.id)
    people = client.get("/people").get_data(as_text=True)
    assert 'href="/people/interns"' in people and "Interns who would like to meet you" in people
    nav = client.get("/").get_data(as_text=True).split('aria-label="Main"')[1].split("</nav>")[0]
    assert 'href="/people/interns"' in nav


def test_an_intern_sees_the_page_explain_whom_it_is_for(client, session):
    login_as(client, make_user("Maya Okafor").id)
    page = client.get("/people/interns").get_data(as_text=True)
    assert "This page is for residents and more senior colleagues" in page


def test_the_seniors_pages_and_the_invitation_are_accessible_in_structure(client, session):
    from eventsapp.mentorships import invitations
    from tests.a11y import problems
    from tests.mentorship_helpers import connected_pair

    request, intern, me = connected_pair()
    both = make_event(title="Echo Club")
    for person in (me, intern, make_user("Ana Sharing", interests=["Cardiology"])):
        make_rsvp(both, person)
    ask(make_user("Noor Intern", interests=["Cardiology"], bio="Night shifts"), me)
    invitation = invitations.invite(session, me, intern.id, both.id, "See you there")
    login_as(client, me.id)
    for url in ("/people/interns", f"/people/interns/{intern.id}/invite", f"/invitations/{invitation.id}"):
        assert problems(client.get(url).get_data(as_text=True)) == [], url
    # The invitation form shown again with an error keeps its labels.
    page = client.post(f"/people/interns/{intern.id}/invite", data={"event_id": both.id}).get_data(as_text=True)
    assert "You already invited Maya Okafor to Echo Club" in page and problems(page) == []
    login_as(client, intern.id)
    page = client.get(f"/invitations/{invitation.id}").get_data(as_text=True)
    assert problems(page) == [] and "Tomás Ferreira invites you" in page
    login_as(client, make_user("Zed Intern").id)
    assert problems(client.get("/people/interns").get_data(as_text=True)) == []


def test_an_intern_going_to_several_of_the_seniors_events_is_listed_at_the_first(session):
    me = senior()
    first, second = make_event(title="Echo Club", starts_in=timedelta(days=2)), make_event(title="Cath Lab Tour")
    intern = make_user("Ana Sharing", interests=["Cardiology"])
    for event in (first, second):
        make_rsvp(event, me)
        make_rsvp(event, intern)
    side = senior_side(session, me, utcnow())
    assert [(g.event.title, [i.user.name for i in g.interns]) for g in side.events] == [("Echo Club", ["Ana Sharing"])]
