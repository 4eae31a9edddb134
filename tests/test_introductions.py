"""Asking for an introduction, and the senior's answer."""

import contextlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventsapp.introductions import services
from eventsapp.introductions.models import IntroRequest
from eventsapp.notifications.models import Notification
from eventsapp.timeutil import utcnow
from tests.factories import make_event, make_rsvp, make_user


@pytest.fixture
def intern(auth):
    user = make_user("Maya Okafor", email="maya@hospital.example", interests=["Cardiology", "Clinical research"])
    auth.login("maya@hospital.example")
    return user


def make_senior(name="Tomás Ferreira", email=None, **kwargs):
    values = dict(stage="attending", open_to_interns=True, interests=["Cardiology"], intro_capacity=3)
    values.update(kwargs)
    return make_user(name, email=email, **values)


def ask(client, senior, message="I'd love to hear about your cardiology research."):
    return client.post(f"/people/{senior.id}/introduction", data={"message": message}, follow_redirects=True)


def statuses(session):
    session.rollback()
    return [r.status for r in session.scalars(sa.select(IntroRequest).order_by(IntroRequest.id))]


def test_intern_sees_a_senior_with_the_reason_and_asks_to_meet(client, session, intern):
    senior = make_senior(email="tomas@hospital.example")
    page = client.get("/people").get_data(as_text=True)
    assert "Tomás Ferreira" in page and "Both interested in Cardiology" in page
    assert "tomas@hospital.example" not in page
    page = ask(client, senior).get_data(as_text=True)
    assert "Your request is on its way to Tomás Ferreira" in page
    assert statuses(session) == ["pending"]
    note = session.scalar(sa.select(Notification).where(Notification.user_id == senior.id))
    assert note.message == "Maya Okafor would like to meet you"
    card = client.get("/people").get_data(as_text=True)  # still there, with the request's state
    assert "Tomás Ferreira" in card and "Request sent, waiting" in card
    assert "Ask for an introduction" not in card


def test_senior_accepts_and_both_see_each_others_email(client, auth, session, intern):
    senior = make_senior(email="tomas@hospital.example")
    ask(client, senior)
    assert "tomas@hospital.example" not in client.get(f"/people/{senior.id}").get_data(as_text=True)
    auth.logout()
    auth.login("tomas@hospital.example")
    page = client.get("/introductions").get_data(as_text=True)
    assert "Maya Okafor" in page and "cardiology research" in page and "Shared interests: Cardiology" in page
    assert "maya@hospital.example" not in page
    request_id = session.scalar(sa.select(IntroRequest.id))
    client.post(f"/introductions/{request_id}/accept")
    assert "maya@hospital.example" in client.get("/introductions").get_data(as_text=True)
    assert "maya@hospital.example" in client.get(f"/people/{intern.id}").get_data(as_text=True)
    auth.logout()
    auth.login("maya@hospital.example")
    assert "tomas@hospital.example" in client.get("/introductions").get_data(as_text=True)
    assert "accepted your introduction" in client.get("/notifications").get_data(as_text=True)


def test_a_decline_reads_not_available_right_now_and_keeps_them_out_of_suggestions(client, auth, session, intern):
    senior = make_senior(email="tomas@hospital.example")
    ask(client, senior)
    auth.logout()
    auth.login("tomas@hospital.example")
    client.post(f"/introductions/{session.scalar(sa.select(IntroRequest.id))}/decline")
    auth.logout()
    auth.login("maya@hospital.example")
    page = client.get("/introductions").get_data(as_text=True)
    sent = page[page.index("Requests you sent") :]
    assert "Not available right now" in sent and "declin" not in sent.lower()
    assert "Tomás Ferreira is not available right now" in client.get("/notifications").get_data(as_text=True)
    assert "Tomás Ferreira" not in client.get("/people").get_data(as_text=True)
    assert "not available right now" in ask(client, senior).get_data(as_text=True)


def test_nobody_can_answer_a_request_addressed_to_someone_else(client, auth, session, intern):
    senior = make_senior()
    ask(client, senior)
    request_id = session.scalar(sa.select(IntroRequest.id))
    make_senior("Other Senior", email="other@hospital.example")
    auth.logout()
    auth.login("other@hospital.example")
    assert client.post(f"/introductions/{request_id}/accept").status_code == 403
    assert client.post(f"/introductions/{request_id}/withdraw").status_code == 403
    assert statuses(session) == ["pending"]
    assert client.post("/introductions/99999/accept").status_code == 404


def test_at_most_five_requests_wait_at_once(client, session, intern):
    seniors = [make_senior(f"Senior {n}") for n in range(6)]
    for senior in seniors[:5]:
        ask(client, senior)
    page = ask(client, seniors[5]).get_data(as_text=True)
    assert "You have 5 requests waiting" in page
    assert statuses(session) == ["pending"] * 5


def test_a_senior_at_capacity_is_not_suggested_and_cannot_be_asked(client, session, intern):
    senior = make_senior(intro_capacity=1)
    other = make_user("Earlier Intern")
    session.add(
        IntroRequest(requester_id=other.id, senior_id=senior.id, status="accepted", expires_at=utcnow(), message="hi")
    )
    session.commit()
    assert "Tomás Ferreira" not in client.get("/people").get_data(as_text=True)
    assert "not available right now" in ask(client, senior).get_data(as_text=True)


def test_an_unanswered_request_expires_after_14_days_and_frees_the_slot(client, session, intern):
    senior = make_senior()
    ask(client, senior)
    request = session.scalar(sa.select(IntroRequest))
    request.expires_at = utcnow() - timedelta(minutes=1)
    session.commit()
    page = client.get("/introductions").get_data(as_text=True)
    assert "Expired (no answer)" in page
    # The colleague can be asked again; the request that does so stores the
    # expiry and tells the requester (a page view only reads).
    assert "Your request is on its way to Tomás Ferreira" in ask(client, senior).get_data(as_text=True)
    assert statuses(session) == ["expired", "pending"]
    assert "expired" in client.get("/notifications").get_data(as_text=True)


def test_the_request_that_expires_a_request_already_counts_its_notice(client, session, intern):
    # The unread count is read with the account at the start of the request;
    # a notice given during the request must not leave the badge behind.
    ask(client, make_senior())
    session.execute(sa.update(IntroRequest).values(expires_at=utcnow() - timedelta(minutes=1)))
    session.commit()
    closed = make_senior("Closed Senior", open_to_interns=False)
    page = ask(client, closed)  # refused, after the expiry was stored and told
    assert page.status_code == 422 and "not available right now" in page.get_data(as_text=True)
    assert 'class="count-badge">1<' in page.get_data(as_text=True)


def test_leaving_the_opt_in_withdraws_pending_requests_at_once(client, auth, session, intern):
    senior = make_senior(email="tomas@hospital.example")
    ask(client, senior)
    auth.logout()
    auth.login("tomas@hospital.example")
    client.post(
        "/profile/edit",
        data={
            "name": "Tomás Ferreira",
            "career_stage": "attending",
            "intro_capacity": "3",
            "attendance_visibility": "members",
            "timezone": "",
        },
    )
    assert statuses(session) == ["withdrawn"]
    auth.logout()
    auth.login("maya@hospital.example")
    assert "Tomás Ferreira" not in client.get("/people").get_data(as_text=True)


def test_either_side_can_end_a_connection(client, auth, session, intern):
    senior = make_senior(email="tomas@hospital.example")
    ask(client, senior)
    auth.logout()
    auth.login("tomas@hospital.example")
    request_id = session.scalar(sa.select(IntroRequest.id))
    client.post(f"/introductions/{request_id}/accept")
    auth.logout()
    auth.login("maya@hospital.example")
    client.post(f"/introductions/{request_id}/end")
    assert statuses(session) == ["ended"]
    assert "tomas@hospital.example" not in client.get(f"/people/{senior.id}").get_data(as_text=True)


@pytest.mark.parametrize("message, error", [("", "why you&#39;d like to meet"), ("m" * 601, "at most 600")])
def test_the_message_is_required_and_short(client, session, intern, message, error):
    response = client.post(f"/people/{make_senior().id}/introduction", data={"message": message})
    assert response.status_code == 422 and error in response.get_data(as_text=True)
    assert statuses(session) == []


@pytest.mark.parametrize("target", ["peer", "junior", "not opted in", "self"])
def test_only_opted_in_seniors_can_be_asked(client, session, intern, target):
    person = {
        "peer": lambda: make_user("Peer Intern"),
        "junior": lambda: make_user("Student", stage="student"),
        "not opted in": lambda: make_senior(open_to_interns=False),
        "self": lambda: intern,
    }[target]()
    response = ask(client, person)
    assert response.status_code in (404, 422)
    assert statuses(session) == []


def test_who_to_meet_here_lists_opted_in_seniors_going_with_the_ribbon_first(client, auth, session, intern):
    event = make_event(title="Cardiology Grand Rounds")
    plain, ribbon = make_senior("Plain Senior"), make_senior("Ribbon Senior", email="ribbon@hospital.example")
    shy = make_senior("Shy Senior", open_to_interns=False)
    for senior in (plain, ribbon, shy):
        make_rsvp(event, senior, "going")
    auth.logout()
    auth.login("ribbon@hospital.example")
    client.post(f"/events/{event.id}/approachable", data={"approachable": "1"})
    auth.logout()
    auth.login("maya@hospital.example")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    section = page[page.index("Who to meet here") : page.index("Who's going")]
    assert section.index("Ribbon Senior") < section.index("Plain Senior") and "Shy Senior" not in section
    assert "Happy to be approached" in page


def test_only_seniors_going_can_wear_the_ribbon(client, session, intern):
    event = make_event()
    make_rsvp(event, intern, "going")
    page = client.post(f"/events/{event.id}/approachable", data={"approachable": "1"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "Residents and more senior colleagues" in page


def test_every_demo_intern_gets_meaningful_suggestions(runner, session, app):
    from eventsapp.accounts.models import User
    from eventsapp.matching.services import suggestions
    from eventsapp.profiles.models import Profile

    runner.invoke(args=["seed-demo"])
    interns = session.scalars(sa.select(User).join(Profile).where(Profile.career_stage == "intern")).all()
    assert len(interns) >= 20
    for intern in interns:
        found = suggestions(session, intern, now=utcnow(), zone="America/New_York")
        assert len(found) >= 3, intern.name
        assert all(s.reasons for s in found)


def test_event_list_hints_where_suggested_colleagues_go_and_where_to_meet_ranks_events(client, session, intern):
    busy = make_event(title="Busy Rounds", location="Harlow Auditorium")
    quiet = make_event(title="Quiet Rounds", starts_in=timedelta(days=8))
    for n in range(3):
        make_rsvp(busy, make_senior(f"Senior {n}"), "going")
    make_rsvp(quiet, make_senior("Lone Senior"), "going")
    make_rsvp(quiet, make_senior("Shy", open_to_interns=False), "going")
    page = client.get("/events").get_data(as_text=True)
    # (Counted as on Where to meet: colleagues suggested for shared interests.)
    assert (
        "3 senior colleagues going who share your interests" in page
        and "1 senior colleague going who shares your interests" in page
    )
    ranked = client.get("/people/where").get_data(as_text=True)
    assert ranked.index("Busy Rounds") < ranked.index("Quiet Rounds")
    # Each place says what kind of event it is and where.
    assert ranked.count("Departmental meeting") == 2 and "Harlow Auditorium" in ranked


def test_expiry_also_runs_from_the_command_line(runner, session):
    requester, senior = make_user("Asker"), make_senior()
    session.add(
        IntroRequest(
            requester_id=requester.id,
            senior_id=senior.id,
            message="hi",
            status="pending",
            expires_at=utcnow() - timedelta(hours=1),
        )
    )
    session.commit()
    result = runner.invoke(args=["expire-introductions"])
    assert "1 requests expired." in result.output
    assert statuses(session) == ["expired"]


def test_no_page_shows_a_seniors_email_before_they_accept(client, auth, session, intern):
    senior = make_senior(email="secret.senior@hospital.example", bio="Hi")
    event = make_event(title="Grand Rounds")
    make_rsvp(event, senior, "going")
    make_rsvp(event, intern, "going")
    ask(client, senior)
    pages = [
        "/people",
        "/people/where",
        f"/people/{senior.id}",
        f"/events/{event.id}",
        "/events",
        "/introductions",
        "/notifications",
        "/account/export.json",
        f"/people/{senior.id}/introduction",
    ]
    for url in pages:
        assert "secret.senior@hospital.example" not in client.get(url).get_data(as_text=True), url
    auth.logout()
    auth.login("secret.senior@hospital.example")
    for url in ("/introductions", f"/people/{intern.id}", "/notifications", "/account/export.json"):
        assert "maya@hospital.example" not in client.get(url).get_data(as_text=True), url


def test_suggestions_respect_what_seniors_chose_to_hide(client, session, intern):
    event = make_event(title="Grand Rounds")
    make_rsvp(event, intern, "going")
    make_senior("Hidden Interests", show_interests=False)
    quiet = make_senior("Hidden Attendance", interests=["Dermatology"], attendance_visibility="organizers")
    make_rsvp(event, quiet, "going")
    page = client.get("/people").get_data(as_text=True)
    assert "Hidden Interests" not in page  # nothing shown in common
    assert "Hidden Attendance" not in page  # the shared event is theirs to hide
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "Hidden Attendance" not in page


def test_only_going_viewers_see_seniors_who_show_attendance_to_attendees(client, session, intern):
    event = make_event(title="Grand Rounds")
    make_rsvp(event, make_senior("Attendees Only", attendance_visibility="attendees"), "going")
    assert "Attendees Only" not in client.get(f"/events/{event.id}").get_data(as_text=True)
    make_rsvp(event, intern, "going")
    assert "Attendees Only" in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_hints_and_where_to_meet_leave_out_seniors_who_are_full_or_already_connected(client, session, intern):
    event = make_event(title="Busy Rounds")
    full, linked = make_senior("Full Senior", intro_capacity=1), make_senior("Connected Senior")
    session.add_all(
        [
            IntroRequest(
                requester_id=make_user().id, senior_id=full.id, status="accepted", expires_at=utcnow(), message="x"
            ),
            IntroRequest(
                requester_id=intern.id, senior_id=linked.id, status="accepted", expires_at=utcnow(), message="x"
            ),
        ]
    )
    session.commit()
    make_rsvp(event, full, "going")
    make_rsvp(event, linked, "going")
    assert "who share" not in client.get("/events").get_data(as_text=True)
    assert "Busy Rounds" not in client.get("/people/where").get_data(as_text=True)
    assert "Who to meet here" not in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_two_accepts_at_once_never_exceed_a_seniors_limit(app, session):
    from concurrent.futures import ThreadPoolExecutor
    from threading import Event as Go

    from sqlalchemy.orm import Session

    from eventsapp.accounts.models import User
    from eventsapp.errors import DomainError
    from eventsapp.extensions import db

    senior = make_senior(intro_capacity=1)
    requests = []
    for n in range(6):
        requester = make_user(f"Asker {n}")
        request = IntroRequest(
            requester_id=requester.id,
            senior_id=senior.id,
            status="pending",
            expires_at=utcnow() + timedelta(days=3),
            message="hi",
        )
        session.add(request)
        session.commit()
        requests.append(request.id)
    senior_id, go = senior.id, Go()

    def accept(request_id):
        go.wait(10)
        with app.app_context(), Session(db.engine) as own, contextlib.suppress(DomainError):
            services.answer(own, own.get(User, senior_id), request_id, True)

    with ThreadPoolExecutor(6) as pool:
        futures = [pool.submit(accept, r) for r in requests]
        go.set()
        [f.result() for f in futures]
    assert statuses(session).count("accepted") == 1


def test_the_shared_interest_shortlist_still_leaves_out_who_declined_each_viewer(client, session, intern, app):
    """With the short list kept between requests (as in production), each
    intern still never sees the seniors who declined them lately."""
    from eventsapp.matching import services as matching

    app.config["MATCHING_CACHE_SECONDS"] = 300
    matching.clear_caches()
    declined, _other = (
        make_senior("Dr Declined"),
        make_senior("Dr Other", interests=["Cardiology", "Clinical research"]),
    )
    classmate = make_user("Lee Classmate", interests=["Cardiology", "Clinical research"])

    def shown(viewer):
        return [s.candidate.name for s in matching.suggestions(session, viewer, now=utcnow(), zone="UTC")]

    assert shown(classmate) == ["Dr Other", "Dr Declined"]  # fills the kept short list
    session.add(
        IntroRequest(
            requester_id=intern.id,
            senior_id=declined.id,
            status="declined",
            message="x",
            expires_at=utcnow(),
            responded_at=utcnow(),
        )
    )
    session.commit()
    assert shown(intern) == ["Dr Other"] and shown(classmate) == ["Dr Other", "Dr Declined"]


def _crowd(session, intern):
    """Thirty seniors who share the intern's events and interests in every
    combination, several with equal scores (so names decide), plus a walk-in."""
    from eventsapp.attendance.models import CheckIn

    events = [make_event(title=f"Rounds {n}", starts_in=timedelta(days=2 + n)) for n in range(4)]
    past = make_event(title="Journal club", starts_in=timedelta(days=-3))
    for event in events:
        make_rsvp(event, intern)
    session.add(CheckIn(event_id=past.id, user_id=intern.id, method="qr"))
    session.add(CheckIn(event_id=past.id, user_id=None, guest_name="A walk-in", method="organizer"))
    for n in range(30):
        interests = [["Cardiology"], ["Clinical research"], ["Cardiology", "Clinical research"], []][n % 4]
        senior = make_senior(
            f"{'ab'[n % 2]}{'Senior' if n % 3 else 'senior'} {n % 5}",
            interests=interests,
            intro_capacity=1 + n % 3,
            attendance_visibility="organizers" if n == 7 else "members",
        )
        for event in events[: n % 5]:
            make_rsvp(event, senior, approachable=n % 2 == 0)
        if n % 6 == 0:
            session.add(CheckIn(event_id=past.id, user_id=senior.id, method="qr"))
    session.commit()


@pytest.mark.parametrize("margin, shortlist", [(0, None), (20, None), (0, 0)])
def test_the_best_suggestions_are_those_of_the_whole_ranking(client, session, intern, monkeypatch, margin, shortlist):
    """Only the best candidates are put together in full, and of those met
    at the intern's events only those who can still reach the best are
    looked up: the first five are still exactly the first five of ranking
    everyone, ties and all (with no margin at all, too, and with every
    candidate coming from the events, none from the shared-interest list)."""
    from eventsapp.matching import services as matching

    monkeypatch.setattr(matching, "PRESELECT_MARGIN", margin)
    if shortlist is not None:
        monkeypatch.setattr(matching, "INTEREST_SHORTLIST", shortlist)
        monkeypatch.setattr(matching, "SHORTLIST_MARGIN", shortlist)
    _crowd(session, intern)

    def shown(limit):
        return [
            (s.candidate.name, s.candidate.user_id, s.score, s.reasons)
            for s in matching.suggestions(session, intern, now=utcnow(), zone="UTC", limit=limit)
        ]

    everyone = shown(None)
    assert len(everyone) > 5 + margin  # so the short way is taken
    assert shown(5) == everyone[:5]
    assert shown(len(everyone) - 1) == everyone[:-1]
    assert len({score for _, _, score, _ in everyone[:12]}) < 12  # some tie, and the order still holds


def test_a_colleague_sharing_rare_interests_but_no_event_still_ranks_first(client, session, intern, monkeypatch):
    """Colleagues on the shared-interest short list are left out before
    loading only when they cannot reach the best: one who shares both of
    the intern's (rare) interests outranks six met at rounds; one who shares
    a single interest does not, and every page length is the start of the
    whole ranking."""
    from eventsapp.matching import services as matching

    monkeypatch.setattr(matching, "PRESELECT_MARGIN", 0)
    rounds = make_event(title="Rounds", starts_in=timedelta(days=2))
    make_rsvp(rounds, intern)
    for n in range(6):
        make_rsvp(rounds, make_senior(f"Dr Rounds {n}", interests=[]))
    make_senior("Dr Both", interests=["Cardiology", "Clinical research"])
    make_senior("Dr One", interests=["Cardiology"])

    def shown(limit):
        return [
            (s.candidate.name, s.score, s.reasons)
            for s in matching.suggestions(session, intern, now=utcnow(), zone="UTC", limit=limit)
        ]

    everyone = shown(None)
    assert [name for name, _, _ in everyone] == ["Dr Both", *(f"Dr Rounds {n}" for n in range(6)), "Dr One"]
    for limit in range(1, len(everyone)):
        assert shown(limit) == everyone[:limit]


def test_a_colleague_on_the_kept_short_list_is_ranked_by_the_interests_they_have_now(
    client, session, intern, app, monkeypatch
):
    """The shared-interest short list is kept between requests (as in
    production), but who is on it is scored from their interests now: one
    who adds the intern's other interest goes straight to the top."""
    from eventsapp.matching import services as matching
    from eventsapp.profiles.models import Profile
    from tests.factories import specialty

    app.config["MATCHING_CACHE_SECONDS"] = 300
    matching.clear_caches()
    monkeypatch.setattr(matching, "PRESELECT_MARGIN", 0)
    rounds = make_event(title="Rounds", starts_in=timedelta(days=2))
    make_rsvp(rounds, intern)
    for n in range(3):
        make_rsvp(rounds, make_senior(f"Dr Rounds {n}", interests=[]))
    keen = make_senior("Dr Keen", interests=["Cardiology"])

    def shown(limit):
        return [s.candidate.name for s in matching.suggestions(session, intern, now=utcnow(), zone="UTC", limit=limit)]

    assert shown(1) == ["Dr Rounds 0"]  # one shared interest weighs less than an event together
    session.get(Profile, keen.id).specialties = [specialty("Cardiology"), specialty("Clinical research")]
    session.commit()
    assert shown(None)[0] == "Dr Keen"
    assert shown(1) == ["Dr Keen"]


def test_a_walk_in_at_a_shared_event_does_not_break_the_people_page(client, session, intern):
    _crowd(session, intern)
    page = client.get("/people")
    assert page.status_code == 200
    assert "You were both at Journal club" in page.get_data(as_text=True)


def test_colleagues_with_no_room_left_never_crowd_out_those_with_room(client, session, intern, monkeypatch):
    """Only the candidates who can still reach the best are looked up in
    full; colleagues whose introductions are all taken must not count
    among them, however well they match: the one colleague at rounds who
    can still take an intern is suggested, even on a page of one."""
    from eventsapp.matching import services as matching

    monkeypatch.setattr(matching, "PRESELECT_MARGIN", 0)
    rounds = make_event(title="Rounds", starts_in=timedelta(days=2))
    make_rsvp(rounds, intern)
    earlier = make_user("Earlier Intern")
    for n in range(3):  # both of the intern's interests, and no room left
        full = make_senior(f"Dr Full {n}", interests=["Cardiology", "Clinical research"], intro_capacity=1)
        make_rsvp(rounds, full)
        session.add(
            IntroRequest(
                requester_id=earlier.id, senior_id=full.id, status="accepted", expires_at=utcnow(), message="hi"
            )
        )
    make_rsvp(rounds, make_senior("Dr Room", interests=[]))
    session.commit()

    def shown(limit):
        return [s.candidate.name for s in matching.suggestions(session, intern, now=utcnow(), zone="UTC", limit=limit)]

    assert shown(None) == ["Dr Room"]
    assert shown(1) == ["Dr Room"]
    page = client.get("/people").get_data(as_text=True)
    assert "Dr Room" in page and "Dr Full" not in page
