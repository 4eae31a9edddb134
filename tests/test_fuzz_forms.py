"""Every form, fuzzed: arbitrary, huge, malformed, missing, repeated and
hostile values are posted to every POST route of the app.

For each request: never a 500; a refused request changes nothing in any
table; a redirect never leaves the site; every page shows typed text as
text (no element, attribute, script or javascript: link comes from it);
and what was accepted comes back, escaped, on the pages, calendars and CSV
files that show it.

The fields come from the rendered page (what a browser would post); the
table below only says which page shows each form, who uses it, and what a
valid value looks like where the page leaves a field empty.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from flask import current_app
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from eventsapp.accounts import reset, verification
from eventsapp.accounts.models import User
from eventsapp.events import services as events
from eventsapp.events.models import Event
from eventsapp.events.recurrence import Recurrence
from eventsapp.extensions import db
from eventsapp.introductions import services as introductions
from eventsapp.mentorships import invitations
from eventsapp.mentorships import services as mentorships
from eventsapp.notifications import unsubscribe
from eventsapp.notifications.models import Notification
from eventsapp.profiles.models import Specialty
from eventsapp.speed.models import SpeedSeat, SpeedSession
from eventsapp.text import clean
from eventsapp.timeutil import utcnow
from tests import fuzzing
from tests.factories import DEFAULT_PASSWORD, make_department, make_event, make_rsvp, make_user
from tests.fuzzing import (
    COVERED,
    FUZZ,
    STATS,
    assert_safe_html,
    assert_same_site_redirect,
    capture_errors,
    changed_tables,
    check_csv,
    check_ics,
    form_posting_to,
    login_as,
    snapshot,
    squash,
    submissions,
    take_flashes,
)
from tests.mentorship_helpers import connected_pair, mentorship_pair
from tests.multipart import bodies

# Hypothesis fuzzing: make test-fast leaves it out.
pytestmark = pytest.mark.slow

NEXT_MONTH = date.today() + timedelta(days=30)
_n = itertools.count(1)

#: `next=` and `back=` values that would leave the site if taken at face value.
OFF_SITE = [
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example/",
    "http:evil.example",
    "/\t/evil.example",
    "/%2F%2Fevil.example",
    "javascript:alert(1)",
    " //evil.example",
    "/\r\n/evil.example",
    "///evil.example",
    "/events",
    "/events?x=<script>",
]
#: Online links: accepted ones carrying markup (a link has no spaces), and
#: ones the https:// rule must refuse.
URLS = st.one_of(
    st.just(""),
    st.builds(
        lambda p: "https://meet.example.org/?q=" + "".join(p.split()),
        st.sampled_from(fuzzing.MARKUP + fuzzing.FORMULAS),
    ),
    st.sampled_from(
        [
            "javascript:alert(1)",
            'https://example.org/"onmouseover="alert(1)',
            "https://example.org/<script>",
            "https://ex ample.org",
            "data:text/html,<script>",
            "https://example.org/a?b=<fuzz-tag data-fuzz=1>&c='\"",
            "https:///x",
            "https://example.org/" + "a" * 600,
        ]
    ),
)


#: Names a spreadsheet would run, for the pages that become CSV.
FORMULA_FIRST = st.one_of(
    st.builds(lambda f, w: f"{f} {w}", st.sampled_from(fuzzing.FORMULAS), st.sampled_from(fuzzing.WORDS)),
    fuzzing.any_payload,
)


@dataclass
class World:
    admin: int
    organizer: int
    senior: int
    intern: int


@dataclass
class Case:
    """One form as a user meets it: who, on which page, posting where."""

    user: int | None
    page: str
    action: str
    valid: dict[str, list[str]] = field(default_factory=dict)
    payloads: dict = field(default_factory=dict)
    #: Pages showing what was saved: (viewer, url) pairs, from the response.
    shows: Callable = lambda response: []
    #: Fields whose text must come back on a page: field -> (viewer, url).
    echo: dict[str, tuple] = field(default_factory=dict)
    #: Whether, given what was sent, the echo fields were the ones acted on.
    echo_if: Callable = lambda sent: True
    #: The status of a form accepted with a page of its own rather than a redirect.
    accepted_with: int | None = None


def build_world() -> World:
    make_department("Surgery")
    admin = make_user("Samuel Adeyemi", role="admin", stage="attending")
    organizer = make_user("Grace Lindqvist", role="organizer", stage="faculty", interests=["Cardiology"])
    senior = make_user("Tomás Ferreira", stage="attending", open_to_interns=True, interests=["Cardiology"])
    intern = make_user("Maya Okafor", stage="intern", interests=["Cardiology"])
    return World(admin.id, organizer.id, senior.id, intern.id)


def _user(user_id):
    return db.session.get(User, user_id)


def _event(w: World, **kwargs):
    return make_event(_user(w.organizer), title=f"Grand Rounds {next(_n)}", **kwargs)


def _series(w: World):
    event = events.create_event(
        db.session,
        _user(w.organizer),
        events.EventDetails(
            title=f"Journal Club {next(_n)}",
            kind="meeting",
            timezone="America/New_York",
            start_date=NEXT_MONTH,
            start_time=time(7, 30),
            end_time=time(8, 30),
            location="Room 3",
        ),
        Recurrence("weekly", 1, NEXT_MONTH + timedelta(days=21)),
    )
    return event


def _event_id(response) -> int:
    return int(re.search(r"/events/(\d+)", response.headers["Location"]).group(1))


def _pending_request(w: World, accepted: bool = False):
    requester = make_user(stage="intern", interests=["Cardiology"])
    senior = make_user(stage="attending", open_to_interns=True, interests=["Cardiology"])
    request = introductions.request_introduction(db.session, requester, senior.id, "Hello, could we meet?")
    if accepted:
        introductions.answer(db.session, senior, request.id, True)
    return request, requester, senior


def _event_pages(viewer, event_id):
    return [
        (viewer, f"/events/{event_id}"),
        (viewer, "/events"),
        (None, f"/events/{event_id}.ics"),
        (None, "/calendar/events.ics"),
    ]


# --- One entry per POST route --------------------------------------------------------


def case_register(w):
    email = f"new{next(_n)}@hospital.example"
    password = "a quiet ward at dawn 42"

    def shows(response):
        user = db.session.scalar(sa.select(User.id).where(User.email == email))
        return [(user, f"/people/{user}"), (w.admin, "/admin/people"), (user, "/account/export.json")] if user else []

    return Case(
        None,
        "/register",
        "/register",
        valid={"email": [email], "password": [password], "confirm": [password]},
        payloads={"email": None, "password": None, "confirm": None},
        shows=shows,
        accepted_with=200,  # "Check your inbox", whether or not the address had an account
    )


def case_login(w):
    return Case(
        None,
        "/login?next=/events",
        "/login",
        valid={"email": ["maya.okafor.login@hospital.example"], "password": [DEFAULT_PASSWORD]},
        payloads={"email": None, "password": None, "next": st.sampled_from(OFF_SITE + fuzzing.MARKUP)},
    )


def case_logout(w):
    return Case(w.intern, "/", "/logout")


def case_delete_account(w):
    member = make_user(stage="intern")
    make_rsvp(_event(w), member)
    return Case(
        member.id,
        "/account/delete",
        "/account/delete",
        valid={"password": [DEFAULT_PASSWORD], "confirm": ["y"]},
        payloads={"password": None},
        shows=lambda r: [(w.organizer, "/events")],
    )


def case_change_password(w):
    member = make_user(stage="intern")
    new = "a quiet ward at dusk 17"
    return Case(
        member.id,
        "/account/password",
        "/account/password",
        valid={"current": [DEFAULT_PASSWORD], "password": [new], "confirm": [new]},
        payloads={"current": None, "password": None, "confirm": None},
        shows=lambda r: [(member.id, "/account/sessions")],
    )


def case_log_out_everywhere(w):
    member = make_user(stage="intern")
    return Case(
        member.id, "/account/sessions", "/account/sessions/end", shows=lambda r: [(member.id, f"/people/{member.id}")]
    )


def case_remove_person(w):
    member = make_user(stage="intern")
    make_rsvp(_event(w), member)
    page = f"/admin/people/{member.id}/remove"
    return Case(
        w.admin,
        page,
        page,
        valid={"confirm": ["y"]},
        shows=lambda r: [(w.admin, "/admin/people"), (w.organizer, "/events")],
    )


def case_catalogue(w):
    return Case(
        w.admin,
        "/admin/specialties",
        "/admin/specialties",
        valid={"category": ["Medical specialties"]},
        shows=lambda r: [
            (w.admin, "/admin/specialties"),
            (w.intern, "/profile/edit"),
            (w.intern, "/events"),
            (w.organizer, "/events/new"),
            (w.intern, "/people"),
        ],
        echo={"name": (w.admin, "/admin/specialties")},
    )


def case_rename(w):
    entry = Specialty(name=f"Entry {next(_n)}", category="Other")
    db.session.add(entry)
    db.session.commit()
    return Case(
        w.admin,
        "/admin/specialties",
        f"/admin/specialties/{entry.id}",
        shows=lambda r: [(w.admin, "/admin/specialties"), (w.intern, "/profile/edit"), (w.intern, "/events")],
        echo={"name": (w.admin, "/admin/specialties")},
    )


def case_set_active(w):
    entry = Specialty(name=f"Entry {next(_n)}", category="Other")
    db.session.add(entry)
    db.session.commit()
    return Case(
        w.admin,
        "/admin/specialties",
        f"/admin/specialties/{entry.id}/active",
        shows=lambda r: [(w.intern, "/profile/edit")],
    )


def case_retry_mail(w):
    from eventsapp.notifications.mail import OutgoingMail, queue_mail
    from eventsapp.notifications.models import OutboxMail

    queue_mail(db.session, OutgoingMail(to="gone@hospital.example", subject="Moved", body="Room 4"), kind="test")
    mail = db.session.scalars(sa.select(OutboxMail).order_by(OutboxMail.id.desc())).first()
    mail.status, mail.last_error = "failed", "550 No such mailbox"
    db.session.commit()
    return Case(w.admin, "/admin/mail", f"/admin/mail/{mail.id}/retry", shows=lambda r: [(w.admin, "/admin/mail")])


def case_set_role(w):
    member = make_user(stage="intern")
    return Case(
        w.admin,
        f"/admin/people?q={member.name}",
        f"/admin/people/{member.id}/role",
        payloads={"role": None, "back": st.sampled_from(OFF_SITE)},
    )


def case_coordinators(w):
    member = make_user(stage="faculty")
    return Case(
        w.admin,
        "/admin/coordinators",
        "/admin/coordinators",
        valid={"email": [member.email]},
        shows=lambda r: [(w.admin, "/admin/coordinators")],
    )


def case_revoke_coordinator(w):
    from eventsapp.program.models import Coordinator

    member = make_user(stage="faculty")
    db.session.add(Coordinator(user_id=member.id, whole_hospital=True))
    db.session.commit()
    return Case(
        w.admin,
        "/admin/coordinators",
        f"/admin/coordinators/{member.id}/revoke",
        shows=lambda r: [(w.admin, "/admin/coordinators")],
    )


def _quiet_intern():
    intern = make_user(stage="intern")
    intern.created_at = utcnow() - timedelta(days=40)
    db.session.commit()
    return intern


def case_nudge(w):
    intern = _quiet_intern()
    return Case(
        w.admin, "/program/reach", f"/program/reach/{intern.id}/nudge", shows=lambda r: [(w.admin, "/program/reach")]
    )


def case_nudge_all(w):
    """Every intern listed is due a nudge: the nudges of earlier cases are gone."""
    from eventsapp.program.models import Nudge

    db.session.execute(sa.delete(Nudge))
    _quiet_intern()
    return Case(
        w.admin, "/program/reach/nudge-all", "/program/reach/nudge-all", shows=lambda r: [(w.admin, "/program/reach")]
    )


def case_requirement(w):
    _series(w)
    return Case(
        w.admin,
        "/program/attendance",
        "/program/attendance",
        valid={"percent": ["70"]},
        shows=lambda r: [(w.admin, "/program/attendance"), (w.admin, "/program/attendance.csv")],
    )


def case_rotate_feed(w):
    return Case(w.intern, f"/people/{w.intern}", "/calendar/feed", shows=lambda r: [(w.intern, f"/people/{w.intern}")])


def case_approachable(w):
    event = _event(w)
    make_rsvp(event, _user(w.senior))
    return Case(
        w.senior,
        f"/events/{event.id}",
        f"/events/{event.id}/approachable",
        shows=lambda r: [(w.intern, f"/events/{event.id}")],
    )


def case_check_in(w):
    event = _event(w, starts_in=timedelta(minutes=10))
    make_rsvp(event, _user(w.intern))
    return Case(
        w.organizer,
        f"/events/{event.id}/attendees?q=Maya",
        f"/events/{event.id}/check-ins",
        payloads={"user_id": None, "guest_name": FORMULA_FIRST},
        valid={"user_id": []},
        shows=lambda r: [
            (w.organizer, f"/events/{event.id}/attendees"),
            (w.organizer, f"/events/{event.id}/attendees.csv"),
        ],
        echo={"guest_name": (w.organizer, f"/events/{event.id}/attendees")},
        # A member picked from the list is checked in, not the name typed beside it.
        echo_if=lambda sent: not sent.get("user_id"),
    )


def case_write_to_members(w):
    event = _event(w)
    make_rsvp(event, _user(w.intern))
    return Case(
        w.organizer,
        f"/events/{event.id}/attendees",
        f"/events/{event.id}/messages",
        payloads={"subject": fuzzing.any_payload, "body": fuzzing.any_payload},
        shows=lambda r: [(w.organizer, f"/events/{event.id}/attendees"), (w.intern, "/notifications")],
        echo={"subject": (w.organizer, f"/events/{event.id}/attendees")},
    )


def case_cancel(w):
    event = _series(w)
    make_rsvp(event, _user(w.intern))
    return Case(
        w.organizer,
        f"/events/{event.id}/cancel",
        f"/events/{event.id}/cancel",
        shows=lambda r: _event_pages(w.intern, event.id) + [(w.intern, "/notifications")],
    )


def case_scan(w):
    event = _event(w, starts_in=timedelta(minutes=10))
    return Case(
        w.intern,
        f"/events/{event.id}/check-in/{event.checkin_secret}",
        f"/events/{event.id}/check-in/{event.checkin_secret}",
        shows=lambda r: [(w.organizer, f"/events/{event.id}/attendees.csv")],
    )


def case_delete_event(w):
    event = _event(w)
    return Case(w.organizer, f"/events/{event.id}/delete", f"/events/{event.id}/delete")


EVENT_PAYLOADS = {"online_url": URLS, "version": None}


def case_edit_event(w):
    event = _event(w)
    make_rsvp(event, _user(w.intern))
    return Case(
        w.organizer,
        f"/events/{event.id}/edit",
        f"/events/{event.id}/edit",
        payloads=EVENT_PAYLOADS,
        shows=lambda r: _event_pages(w.intern, event.id) + [(w.intern, "/notifications")],
        echo={
            "title": (w.intern, f"/events/{event.id}"),
            "location": (w.intern, f"/events/{event.id}"),
            "description": (w.intern, f"/events/{event.id}"),
        },
    )


def case_new_event(w):
    valid = {
        "start_date": [NEXT_MONTH.isoformat()],
        "start_time": ["07:30"],
        "end_time": ["08:30"],
        "title": ["Cardiology Grand Rounds"],
        "location": ["Auditorium B"],
        "repeat_until": [(NEXT_MONTH + timedelta(days=14)).isoformat()],
    }
    return Case(
        w.organizer,
        "/events/new",
        "/events/new",
        valid=valid,
        payloads={**EVENT_PAYLOADS, **{name: None for name in valid if name not in EVENT_PAYLOADS}},
        shows=lambda r: _event_pages(w.intern, _event_id(r)),
        echo={"title": (w.intern, "{event}"), "location": (w.intern, "{event}"), "description": (w.intern, "{event}")},
    )


def case_rsvp(w):
    event = _event(w, capacity=1)
    return Case(
        w.intern,
        f"/events/{event.id}",
        f"/events/{event.id}/rsvp",
        shows=lambda r: [(w.organizer, f"/events/{event.id}/attendees.csv")],
    )


def case_rsvp_series(w):
    event = _series(w)
    return Case(
        w.intern,
        f"/events/{event.id}",
        f"/series/{event.series_id}/rsvp",
        shows=lambda r: [(w.intern, "/events?scope=mine")],
    )


def _intro_case(action, viewer_is_senior, accepted=False):
    def case(w):
        request, requester, senior = _pending_request(w, accepted)
        viewer = senior if viewer_is_senior else requester
        return Case(
            viewer.id,
            "/introductions",
            f"/introductions/{request.id}/{action}",
            shows=lambda r: [(requester.id, "/introductions"), (senior.id, "/introductions")],
        )

    return case


def case_speed_follow_up(w):
    """Maya sat at Dr Ferreira's table in the one round of a speed-mentoring evening, now under way."""
    event = _event(w, starts_in=timedelta(minutes=-10))
    speed = SpeedSession(
        event_id=event.id,
        rounds=1,
        round_minutes=8,
        break_minutes=0,
        tables=1,
        seats_per_table=1,
        current_round=1,
        round_started_at=utcnow(),
        planned_at=utcnow(),
    )
    db.session.add(speed)
    db.session.flush()
    db.session.add(SpeedSeat(session_id=speed.id, round=1, table_no=1, senior_id=w.senior, intern_id=w.intern))
    db.session.commit()
    page = f"/events/{event.id}/speed/follow-up"
    return Case(w.intern, page, page, shows=lambda r: [(w.intern, page), (w.senior, "/introductions")])


def case_mark_read(w):
    db.session.add(Notification(user_id=w.intern, kind="event_changed", message="Grand Rounds moved"))
    db.session.commit()
    return Case(w.intern, "/notifications", "/notifications/read", shows=lambda r: [(w.intern, "/notifications")])


def case_unsubscribe(w):
    token = unsubscribe.token_for(current_app.config["SECRET_KEY"], w.intern, unsubscribe.UPDATES)
    path = f"/unsubscribe/{token}"
    return Case(None, path, path, shows=lambda r: [(w.intern, "/profile/edit")])


def case_confirm_email(w):
    """A newcomer's link, opened logged out (as from the mail)."""
    user = make_user(verified=False)
    path = f"/account/confirm/{verification.token_for(user)}"
    return Case(
        None,
        path,
        path,
        valid={"password": [DEFAULT_PASSWORD]},
        payloads={"password": None},
        shows=lambda r: [(user.id, "/profile/edit")],
    )


def case_forgot_password(w):
    """Asking for a link to choose a new password, for an address with an account."""
    return Case(
        None,
        "/forgot-password",
        "/forgot-password",
        valid={"email": [_user(w.intern).email]},
        payloads={"email": None},
        accepted_with=200,  # the same answer whether or not the address has an account
    )


def case_reset_password(w):
    """A member's mailed link to choose a new password, opened logged out."""
    user = make_user(stage="intern")
    path = f"/reset-password/{reset.token_for(user)}"
    new = "a quiet ward at noon 23"
    return Case(
        None,
        path,
        path,
        valid={"password": [new], "confirm": [new]},
        payloads={"password": None, "confirm": None},
        shows=lambda r: [(user.id, "/profile/edit")],
    )


def case_resend_confirmation(w):
    """The note on every page of an unconfirmed member, with its button."""
    user = make_user(verified=False)
    return Case(user.id, "/", "/account/confirm/resend", shows=lambda r: [(user.id, "/")])


def case_open_notification(w):
    notification = Notification(user_id=w.intern, kind="event_changed", message="Grand Rounds moved", link="/events")
    db.session.add(notification)
    db.session.commit()
    return Case(
        w.intern,
        "/notifications",
        f"/notifications/{notification.id}/open",
        shows=lambda r: [(w.intern, "/notifications"), (w.intern, "/")],
    )


def case_ask(w):
    requester = make_user(stage="intern", interests=["Cardiology"])
    senior = make_user(stage="attending", open_to_interns=True, interests=["Cardiology"])
    return Case(
        requester.id,
        f"/people/{senior.id}/introduction",
        f"/people/{senior.id}/introduction",
        shows=lambda r: [
            (senior.id, "/introductions"),
            (requester.id, "/introductions"),
            (senior.id, "/notifications"),
        ],
        echo={"message": (senior.id, "/introductions")},
    )


def case_edit_profile(w):
    member = make_user(role="organizer", stage="resident", pgy_year=2, interests=["Cardiology"])
    event = make_event(member, title=f"Rounds {next(_n)}", starts_in=timedelta(minutes=10))
    make_rsvp(event, member)
    return Case(
        member.id,
        "/profile/edit",
        "/profile/edit",
        payloads={"name": FORMULA_FIRST},
        shows=lambda r: [
            (member.id, f"/people/{member.id}"),
            (w.intern, f"/people/{member.id}"),
            (w.admin, "/admin/people"),
            (member.id, f"/events/{event.id}/attendees"),
            (member.id, f"/events/{event.id}/attendees.csv"),
            (None, f"/events/{event.id}.ics"),
            (w.intern, f"/events/{event.id}"),
            (member.id, "/account/export.json"),
        ],
        echo={"name": (w.intern, f"/people/{member.id}"), "bio": (member.id, f"/people/{member.id}")},
    )


def case_did_you_meet(w):
    request, intern, senior = connected_pair()
    return Case(
        intern.id,
        f"/introductions/{request.id}/met",
        f"/introductions/{request.id}/met",
        shows=lambda r: [(intern.id, "/introductions"), (intern.id, "/mentorships"), (senior.id, "/notifications")],
    )


def case_follow_ups(w):
    return Case(
        w.intern,
        "/mentorships",
        "/mentorships/follow-ups",
        shows=lambda r: [(w.intern, "/mentorships"), (w.intern, "/account/export.json")],
    )


def _mentorship_case(action: str, by_intern: bool, echo: str | None = None, echo_to_other: bool = False, **valid):
    def case(w):
        mentorship, intern, senior = mentorship_pair()
        user, other = (intern, senior) if by_intern else (senior, intern)
        page = f"/mentorships/{mentorship.id}"
        path = action
        if "{meeting}" in action:
            details = mentorships.MeetingDetails(date.today() - timedelta(days=1), "coffee")
            meeting = mentorships.log_meeting(db.session, intern, mentorship.id, details, date.today())
            path = action.format(meeting=meeting.id)
        return Case(
            user.id,
            page,
            f"{page}{path}",
            valid={name: [value] for name, value in valid.items()},
            shows=lambda r: [(user.id, page), (other.id, page), (other.id, "/notifications"),
                             (user.id, "/account/export.json"), (other.id, "/mentorships")],
            echo={echo: ((other if echo_to_other else user).id, page)} if echo else {},
        )  # fmt: skip

    return case


def case_invite(w):
    request, intern, senior = connected_pair(intern_name=f"Intern {next(_n)}", senior_name=f"Senior {next(_n)}")
    db.session.execute(sa.delete(Event))  # the form lists the upcoming events: the same one choice each time
    event = make_event(title="Echo Club")
    page = f"/people/interns/{intern.id}/invite"
    return Case(
        senior.id,
        page,
        page,
        valid={"event_id": [str(event.id)]},
        shows=lambda r: [(senior.id, page), (intern.id, "/notifications"), (senior.id, "/people/interns")],
    )


def case_answer_invitation(w):
    request, intern, senior = connected_pair(intern_name=f"Intern {next(_n)}", senior_name=f"Senior {next(_n)}")
    invitation = invitations.invite(db.session, senior, intern.id, make_event(title=f"Echo {next(_n)}").id, "Hi")
    page = f"/invitations/{invitation.id}"
    return Case(
        intern.id,
        page,
        f"{page}/answer",
        shows=lambda r: [(intern.id, page), (senior.id, page), (senior.id, "/notifications")],
    )


def _invited(sent_hours_ago: int = 2):
    """An account a roster import created, invited a while ago; the link's token."""
    from eventsapp.roster.invitations import token_hash
    from eventsapp.roster.models import RosterInvitation

    person = make_user(f"Invited {next(_n)}", email=f"invited{next(_n)}@hospital.example")
    token, sent = f"fuzz-{next(_n)}", utcnow() - timedelta(hours=sent_hours_ago)
    db.session.add(
        RosterInvitation(
            user_id=person.id, token_hash=token_hash(token), invited_at=sent, asked_at=sent, sent_at=sent,
            expires_at=sent + timedelta(days=14), sends=1,
        )
    )  # fmt: skip
    db.session.commit()
    return person, token


def case_roster_import(w):
    from eventsapp.roster.services import store_upload

    n = next(_n)  # a new person each time: each preview has something to import
    data = f"Name,Email,Career stage,Department\r\nNew Intern {n},new{n}@hospital.example,Intern,Surgery\r\n".encode()
    upload = store_upload(db.session, uploader_id=w.admin, filename="roster.csv", data=data, now=utcnow())
    page = f"/roster/imports/{upload.id}"
    return Case(
        w.admin, page, f"{page}/import", shows=lambda r: [(w.admin, "/roster/"), (w.admin, "/roster/people.csv")]
    )


def case_roster_resend(w):
    person, _ = _invited()
    return Case(w.admin, "/roster/", f"/roster/people/{person.id}/resend", shows=lambda r: [(w.admin, "/roster/")])


def case_roster_resend_all(w):
    """One person waiting for a new link: the invitations of earlier cases are gone."""
    from eventsapp.roster.models import RosterInvitation

    db.session.execute(sa.delete(RosterInvitation))
    _invited()
    return Case(w.admin, "/roster/", "/roster/resend-all", shows=lambda r: [(w.admin, "/roster/")])


def case_roster_join(w):
    _, token = _invited()
    page = f"/roster/join/{token}"
    return Case(None, page, page, valid={"password": ["three quiet rivers"], "confirm": ["three quiet rivers"]})


def case_sso_welcome(w):
    """A member the hospital sign-in just made: career stage and department asked."""
    member = make_user(f"Signed In {next(_n)}", stage=None)
    return Case(
        member.id,
        "/login/sso/welcome",
        "/login/sso/welcome",
        valid={"career_stage": ["intern"]},
        shows=lambda r: [(member.id, f"/people/{member.id}")],
    )


def _speed_evening(w: World, *, planned: bool = False, started: bool = False, left: bool = False):
    """An event soon, its intern and senior going, set up as speed mentoring;
    `left`: the intern marked as having left the evening."""
    from eventsapp.speed import departures, planning
    from eventsapp.speed import settings as speed_settings

    event = _event(w, starts_in=timedelta(minutes=10))
    for person in (w.intern, w.senior):
        make_rsvp(event, _user(person))
    organizer, now = _user(w.organizer), utcnow()
    values = speed_settings.Settings(**{**speed_settings.DEFAULTS, "rounds": 2})
    speed = speed_settings.save_settings(db.session, organizer, event.id, values, None, now)
    if planned:
        planning.plan_evening(db.session, organizer, event.id, speed.version, now)
    if started:
        planning.start_next_round(db.session, organizer, event.id, speed.version, now)
    if left:
        departures.mark_left(db.session, organizer, event.id, w.intern, now)
    return event


def _speed_case(action: str, pages=("", "screen", "print"), **evening):
    def case(w):
        event = _speed_evening(w, **evening)
        page = f"/events/{event.id}/speed/"
        return Case(w.organizer, page, f"{page}{action}", shows=lambda r: [(w.organizer, page + p) for p in pages])

    return case


def case_speed_settings(w):
    event = _event(w, starts_in=timedelta(minutes=10))
    page = f"/events/{event.id}/speed/"
    return Case(w.organizer, page, f"{page}settings", shows=lambda r: [(w.organizer, page)])


CASES = {
    "accounts.register": case_register,
    "accounts.login": case_login,
    "accounts.logout": case_logout,
    "accounts.delete": case_delete_account,
    "accounts.change_password": case_change_password,
    "password_reset.forgot": case_forgot_password,
    "password_reset.choose_now": case_reset_password,
    "accounts.log_out_everywhere": case_log_out_everywhere,
    "admin.remove_person": case_remove_person,
    "admin.catalogue": case_catalogue,
    "admin.rename": case_rename,
    "admin.set_active": case_set_active,
    "admin.set_role": case_set_role,
    "admin.coordinators_page": case_coordinators,
    "admin.revoke_coordinator": case_revoke_coordinator,
    "program.attendance": case_requirement,
    "admin.retry_mail": case_retry_mail,
    "program.nudge": case_nudge,
    "program.nudge_all": case_nudge_all,
    "ical.rotate": case_rotate_feed,
    "rsvps.approachable": case_approachable,
    "attendance.check_in": case_check_in,
    "attendance.write_to_members": case_write_to_members,
    "events.cancel": case_cancel,
    "attendance.scan": case_scan,
    "events.delete": case_delete_event,
    "events.edit": case_edit_event,
    "events.new": case_new_event,
    "rsvps.respond": case_rsvp,
    "rsvps.respond_to_series": case_rsvp_series,
    "introductions.accept": _intro_case("accept", viewer_is_senior=True),
    "introductions.decline": _intro_case("decline", viewer_is_senior=True),
    "introductions.withdraw": _intro_case("withdraw", viewer_is_senior=False),
    "introductions.end": _intro_case("end", viewer_is_senior=False, accepted=True),
    "notifications.mark_read": case_mark_read,
    "notifications.open_one": case_open_notification,
    "unsubscribe.stop": case_unsubscribe,
    "accounts.confirm_email_now": case_confirm_email,
    "accounts.resend_confirmation": case_resend_confirmation,
    "introductions.ask": case_ask,
    "profiles.edit": case_edit_profile,
    "mentorships.question": case_did_you_meet,
    "mentorships.goals": _mentorship_case("/goals", True, "goals", echo_to_other=True),
    "mentorships.comment": _mentorship_case("/comment", False, "comment", echo_to_other=True),
    "mentorships.rhythm": _mentorship_case("/rhythm", True),
    "mentorships.log_meeting": _mentorship_case("/meetings", False, "note"),
    "mentorships.note": _mentorship_case("/meetings/{meeting}/note", True, "note"),
    "mentorships.next_meeting": _mentorship_case(
        "/next",
        False,
        "location",
        echo_to_other=True,
        date=(date.today() + timedelta(days=7)).isoformat(),
        time="09:00",
    ),
    "mentorships.close": _mentorship_case("/close", True),
    "mentorships.follow_ups": case_follow_ups,
    "invitations.invite": case_invite,
    "invitations.answer": case_answer_invitation,
    "roster.run_import": case_roster_import,
    "roster.resend": case_roster_resend,
    "roster.resend_all": case_roster_resend_all,
    "roster.join": case_roster_join,
    "sso.welcome": case_sso_welcome,
    "speed.save": case_speed_settings,
    "speed.plan": _speed_case("plan"),
    "speed.start_round": _speed_case("rounds", planned=True),
    "speed.undo_round": _speed_case("rounds/undo", planned=True, started=True),
    "speed.left": _speed_case("left", planned=True),
    "speed.back": _speed_case("back", planned=True, left=True),
    "speed.turn_off": _speed_case("off", pages=("",)),  # (the projector is gone with the evening)
    "speed_people.save_follow_up": case_speed_follow_up,
}
#: Forms that take a file: fuzzed with files of their own (tests/test_roster_fuzz.py).
FILE_FORMS = {"roster.upload"}
#: The hospital sign-in's button, shown only where a provider is set up: fuzzed
#: in tests/test_accounts_sso.py, on an app that has one.
PROVIDER_FORMS = {"sso.start"}


#: Forms with fields a user fills in (the others are buttons, perhaps with a choice).
FORMS_WITH_INPUT = {
    "accounts.register",
    "accounts.login",
    "accounts.delete",
    "accounts.change_password",
    "admin.catalogue",
    "admin.rename",
    "admin.set_role",
    "admin.coordinators_page",
    "attendance.check_in",
    "attendance.write_to_members",
    "events.edit",
    "events.new",
    "introductions.ask",
    "profiles.edit",
    "rsvps.respond",
    "rsvps.respond_to_series",
    "events.cancel",
    "mentorships.goals",
    "mentorships.comment",
    "mentorships.log_meeting",
    "mentorships.note",
    "mentorships.next_meeting",
    "mentorships.close",
    "invitations.invite",
    "roster.join",
    "sso.welcome",
    "speed.save",
}


def test_every_post_route_has_a_fuzz_case(app):
    posting = {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}
    assert posting - CASES.keys() - FILE_FORMS - PROVIDER_FORMS == set(), (
        "add these POST routes to CASES in tests/test_fuzz_forms.py"
    )
    assert CASES.keys() - posting == set(), "these routes no longer exist"


# --- What each response must show ------------------------------------------------


def fetch(app, viewer, url, errors) -> tuple[object, str]:
    client = app.test_client()
    if viewer is not None:
        login_as(client, viewer)
    response = client.get(url)
    assert response.status_code < 500, f"GET {url}: {response.status_code}\n{errors.last()}"
    assert response.status_code == 200, f"GET {url} as {viewer}: {response.status_code}"
    text = ""
    if response.mimetype == "text/calendar":
        check_ics(response.data, url)
    elif response.mimetype == "text/csv":
        text = "\n".join(",".join(row) for row in check_csv(response.data, url))
    elif response.mimetype == "application/json":
        json.loads(response.data)
    else:
        text = assert_safe_html(response.get_data(as_text=True), url)
    return response, text


def post_one(app, errors, case: Case, data) -> None:
    client = app.test_client()
    if case.user is not None:
        login_as(client, case.user)
    page = client.get(case.page)
    assert page.status_code == 200, f"GET {case.page}: {page.status_code}"
    form = form_posting_to(page.get_data(as_text=True), urlsplit(case.action).path)
    pairs = data.draw(submissions(form, case.valid, case.payloads), label="form")
    route = re.sub(r"/\d+|/check-in/[^/]+", "/<id>", urlsplit(case.action).path)
    COVERED["form_fields"].update(f"{route}:{name}" for name in form.fields)

    body = data.draw(bodies(pairs), label="body")

    before = snapshot()
    response = client.post(case.action, data=MultiDict(body.data), content_type=body.content_type)
    STATS["examples"] += 1
    STATS["posted"] += 1
    STATS["multipart"] += body.content_type is not None
    assert response.status_code < 500, f"POST {case.action} {pairs!r:.500}\n{errors.last()}"
    assert_same_site_redirect(response)
    if response.mimetype == "text/html":
        assert_safe_html(response.get_data(as_text=True), f"POST {case.action}")
    if body.files:
        assert response.status_code == 400, f"POST {case.action} with {body.files} file parts: {response.status_code}"
        assert changed_tables(before, snapshot()) == [], f"a file part, yet saved: {pairs!r:.500}"
        STATS["refused"] += 1
        STATS["file_parts"] += 1
        return

    flashes = take_flashes(client)
    answered = response.status_code in (302, 303) or response.status_code == case.accepted_with
    accepted = answered and not any(category == "error" for category, _ in flashes)
    if not accepted:
        assert changed_tables(before, snapshot()) == [], f"refused, yet saved: {pairs!r:.500} {flashes}"
        STATS["refused"] += 1
        return

    STATS["accepted"] += 1
    # The next page shows the flashed message, which may quote what was typed.
    target = response.headers.get("Location", "/login")  # (a page of its own was shown already)
    if urlsplit(target).path not in ("/login",):
        follow = client.get(target)
        assert follow.status_code < 500, errors.last()
        if follow.mimetype == "text/html":
            assert_safe_html(follow.get_data(as_text=True), f"after POST {case.action}")
    for viewer, url in case.shows(response):
        fetch(app, viewer, url, errors)
    sent = MultiDict(pairs)
    for name, (viewer, url) in case.echo.items() if case.echo_if(sent) else ():
        values = sent.getlist(name)
        typed = clean(values[0], multiline=form.fields[name].kind == "textarea") if len(values) == 1 else ""
        if not typed:
            continue
        if url == "{event}":
            url = f"/events/{_event_id(response)}"
        _, text = fetch(app, viewer, url, errors)
        assert squash(typed) in squash(text), f"{name}={typed!r} is not shown on {url}"


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_fuzzed_form_never_fails_leaks_or_half_saves(app, client, endpoint):
    # (`client` makes app.test_client() give clients whose requests each
    # run in an app context of their own, as in production.)
    world = build_world()
    # The login form needs a known account; the others log in by session.
    make_user(email="maya.okafor.login@hospital.example")
    errors = capture_errors(app)
    COVERED["forms"].add(endpoint)
    # A form of buttons only has little to vary: the path and stray fields.
    examples = 20 if endpoint in FORMS_WITH_INPUT else 6

    @settings(FUZZ, max_examples=examples)
    @given(data=st.data())
    def fuzz(data):
        post_one(app, errors, CASES[endpoint](world), data)

    fuzz()


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_a_body_over_the_size_limit_is_refused_and_nothing_saved(app, client, endpoint):
    world = build_world()
    case = CASES[endpoint](world)
    if case.user is not None:
        login_as(client, case.user)
    before = snapshot()
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post(case.action, data={"title": "x" * limit, "name": "y"})
    STATS["oversized"] += 1
    assert response.status_code == 413
    assert changed_tables(before, snapshot()) == []
