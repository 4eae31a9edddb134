"""Every route of the app, who may use it, and how to call it: the table
behind the authorization matrix, the CSRF walk and the header checks.

Each row names an endpoint and a method, builds a URL (and form data) out of
fresh objects in the database, and says what each of seven people gets:

    anonymous · an intern · a senior colleague · an organizer of other events
    · the event's organizer · an admin · a program coordinator

The coordinator also organizes other events: on every route that is not the
program's, they get what the other organizer gets (`row` fills the column in).

The people are made once per row (`World`); whatever a request may change
(the event, the introduction request, the catalogue entry, ...) is made anew
for every person, so that one person's request never decides another's.
`test_every_route_has_a_row` fails when a route is added without a row.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from eventsapp.accounts import reset, verification
from eventsapp.attendance.models import CheckIn
from eventsapp.events import services as events
from eventsapp.events.recurrence import Recurrence
from eventsapp.extensions import db
from eventsapp.ical import services as ical
from eventsapp.introductions.models import IntroRequest, RequestStatus
from eventsapp.mentorships import answers as mentorship_answers
from eventsapp.mentorships import invitations
from eventsapp.mentorships import services as mentorships
from eventsapp.mentorships.models import Mentorship
from eventsapp.notifications import unsubscribe
from eventsapp.notifications.models import Notification, NotificationKind
from eventsapp.program.models import Coordinator
from eventsapp.rsvps import services as rsvps
from eventsapp.speed.models import SpeedDeparture, SpeedSeat, SpeedSession
from eventsapp.timeutil import utcnow
from tests.factories import DEFAULT_PASSWORD, make_department, make_event, make_rsvp, make_user, open_login

ROLES = ("anonymous", "intern", "senior", "other_organizer", "organizer", "admin", "coordinator")
STATE_CHANGING = {"POST", "PUT", "PATCH", "DELETE"}

# What a person gets. LOGIN is a redirect to the login page; GO any other
# redirect without an error message (the action ran, or the page sends them
# on); NO a redirect carrying an error message, and 422 a form the page shows
# again with a message (in both the request was allowed, a rule said no).
OK, GO, LOGIN, BAD, DENY, NONE, NO = "200", "302", "login", "422", "403", "404", "no"
REFUSED = {LOGIN, DENY, NONE}  # must leave the database exactly as it was
RULED_OUT = {NO, BAD}  # allowed to ask, told no: must change nothing either
ALLOWED = {OK, GO}  # a POST answered so must show in the database (see ACTS_WITHOUT_WRITING)

_unique = itertools.count(1)


@dataclass
class World:
    """The seven people of the matrix (anonymous is None)."""

    people: dict
    for_role: dict = field(default_factory=dict)

    @property
    def intern(self):
        return self.people["intern"]

    @property
    def senior(self):
        return self.people["senior"]

    @property
    def organizer(self):
        return self.people["organizer"]

    def event(self, starts_in=timedelta(days=7)):
        return make_event(self.organizer, title=f"Journal Club {next(_unique)}", starts_in=starts_in)

    def series_event(self):
        first = date.today() + timedelta(days=14)
        details = events.EventDetails(
            title=f"Weekly Rounds {next(_unique)}",
            kind="meeting",
            timezone="America/New_York",
            start_date=first,
            start_time=_time("07:30"),
            end_time=_time("08:30"),
            location="Room 2",
        )
        return events.create_event(
            db.session, self.organizer, details, Recurrence("weekly", 1, first + timedelta(days=14))
        )

    def introduction(self, status: str):
        """A request from the intern to the senior (the only open one between them)."""
        db.session.execute(sa.delete(IntroRequest))
        now = utcnow()
        request = IntroRequest(
            requester_id=self.intern.id,
            senior_id=self.senior.id,
            status=status,
            message="I'd like to hear about your research.",
            created_at=now,
            expires_at=now + timedelta(days=14),
            responded_at=now if status != RequestStatus.PENDING else None,
        )
        db.session.add(request)
        db.session.commit()
        return request

    def mentorship(self, *, met: bool = True):
        """The intern's accepted introduction to the senior, and (`met`) the
        mentorship the intern's "we met" made of it."""
        db.session.execute(sa.delete(Mentorship))
        request = self.introduction(RequestStatus.ACCEPTED)
        if not met:
            return request
        return mentorship_answers.answer_met(db.session, self.intern, request.id, "met")


def _time(text: str):
    from datetime import time

    return time.fromisoformat(text)


def build_world() -> World:
    world = World(
        people={
            "anonymous": None,
            "intern": make_user(
                "Ida Intern", email="intern@hospital.example", stage="intern", interests=["Cardiology"]
            ),
            "senior": make_user(
                "Sam Senior",
                email="senior@hospital.example",
                stage="attending",
                open_to_interns=True,
                intro_capacity=3,
                interests=["Cardiology"],
            ),
            "other_organizer": make_user(
                "Olga Other", email="other@hospital.example", role="organizer", stage="faculty"
            ),
            "organizer": make_user(
                "Grace Organizer", email="organizer@hospital.example", role="organizer", stage="faculty"
            ),
            "admin": make_user("Adam Admin", email="admin@hospital.example", role="admin", stage="attending"),
            "coordinator": make_user(
                "Cora Coordinator", email="coordinator@hospital.example", role="organizer", stage="faculty"
            ),
        }
    )
    db.session.add(Coordinator(user_id=world.people["coordinator"].id, granted_at=utcnow(), whole_hospital=True))
    db.session.commit()
    return world


@dataclass(frozen=True)
class Target:
    path: str
    data: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    endpoint: str
    method: str
    prepare: Callable[[World, str], Target]  # (world, role) -> a URL on fresh objects
    expected: dict[str, str]
    variant: str = ""

    @property
    def label(self) -> str:
        return f"{self.method} {self.endpoint}" + (f" ({self.variant})" if self.variant else "")


def row(
    endpoint,
    method,
    prepare,
    anonymous,
    intern,
    senior,
    other_organizer,
    organizer,
    admin,
    variant="",
    coordinator=None,
):
    people = (anonymous, intern, senior, other_organizer, organizer, admin, coordinator or other_organizer)
    expected = dict(zip(ROLES, people, strict=True))
    return Row(endpoint, method, prepare, expected, variant)


def at(path: str, **data) -> Callable[[World, str], Target]:
    return lambda world, role: Target(path, data)


def event_form(title="Cardiology Grand Rounds", **changes) -> dict:
    day = (date.today() + timedelta(days=30)).isoformat()
    data = {
        "title": title,
        "kind": "meeting",
        "timezone": "America/New_York",
        "start_date": day,
        "start_time": "07:30",
        "end_time": "08:30",
        "location": "Auditorium B",
        "repeat": "none",
        "repeat_interval": "1",
    }
    return {**data, **changes}


def profile_form(person) -> dict:
    return {
        "name": person.name,
        "career_stage": person.profile.career_stage or "intern",
        "pgy_year": "",
        "department_id": "",
        "bio": "Here to learn.",
        "intro_capacity": "3",
        "open_to_interns": "y" if person.profile.open_to_interns else "",
        "attendance_visibility": person.profile.attendance_visibility,
        "show_department": "y",
        "show_interests": "y",
        "show_bio": "y",
    }


def _event(path: str, **data):
    def prepare(world, role):
        event = world.event()
        return Target(path.format(e=event), data)

    return prepare


def _event_going(path: str, **data):
    def prepare(world, role):
        event = world.event()
        make_rsvp(event, world.intern, "going")  # someone to write to
        return Target(path.format(e=event), data)

    return prepare


def _event_soon(path: str, **data):
    def prepare(world, role):
        event = world.event(starts_in=timedelta(minutes=10))  # check-in is open
        return Target(path.format(e=event), data)

    return prepare


def _speed(path: str, *, planned: bool = False, started: bool = False, left: bool = False, **data):
    """An event soon, run as speed mentoring, the intern and the senior going;
    `planned`: with its first round's seat; `started`: round 1 under way;
    `left`: the intern marked as having left. The form carries the page's
    version, and the intern's id for the buttons that name a participant."""

    def prepare(world, role):
        event = world.event(starts_in=timedelta(minutes=10))
        for person in (world.intern, world.senior):
            make_rsvp(event, person, "going")
        speed = SpeedSession(event_id=event.id, rounds=2, round_minutes=8, break_minutes=2, tables=2, seats_per_table=2)
        db.session.add(speed)
        db.session.flush()
        if planned:
            db.session.add(
                SpeedSeat(
                    session_id=speed.id,
                    round=1,
                    table_no=1,
                    senior_id=world.senior.id,
                    intern_id=world.intern.id,
                    reason="You share Cardiology",
                )
            )
            speed.planned_at, speed.version = utcnow(), 1
        if started:
            speed.current_round, speed.round_started_at = 1, utcnow()
        if left:
            db.session.add(SpeedDeparture(session_id=speed.id, user_id=world.intern.id, left_at=utcnow()))
        data.setdefault("user_id", str(world.intern.id))
        return Target(path.format(e=event), {"version": str(speed.version), **data})

    return prepare


SPEED_SETTINGS = {"rounds": "3", "round_minutes": "8", "break_minutes": "2", "tables": "4", "seats_per_table": "2"}


def _going(world, role):
    """An event the person has answered 'going' to: the ribbon is for those who
    will be there. (Anonymous: the senior has, so a refusal has something to leave alone.)"""
    event = world.event()
    rsvps.respond(db.session, world.people[role] or world.senior, event.id, "going")
    return Target(f"/events/{event.id}/approachable", {"approachable": "1"})


def _unread(world, role):
    """An unread notification for the person (for anonymous, the intern's, to be left unread)."""
    person = world.people[role] or world.intern
    db.session.add(
        Notification(user_id=person.id, kind=NotificationKind.PROMOTED, message="A seat opened for you at Journal Club")
    )
    return Target("/notifications/read")


def _notification(mine: bool):
    """An unread notification with a link: the person's own, or another member's
    (for anonymous, the intern's either way, to be left unread)."""

    def prepare(world, role):
        person = world.people[role] or world.intern
        owner = person if mine else (world.senior if person is world.intern else world.intern)
        notification = Notification(
            user_id=owner.id,
            kind=NotificationKind.PROMOTED,
            message="A seat opened for you at Journal Club",
            link="/events",
        )
        db.session.add(notification)
        db.session.flush()
        return Target(f"/notifications/{notification.id}/open")

    return prepare


def _edit(world, role):
    event = world.event()
    return Target(
        f"/events/{event.id}/edit", event_form(title="Renamed Journal Club", version=str(event.version), scope="this")
    )


def _duplicate(world, role):
    return Target(f"/events/new?from={world.event().id}")


def _series_page(world, role):
    return Target(f"/events/series/{world.series_event().series_id}")


def _series_chart(world, role):
    return Target(f"/events/analytics/series/{world.series_event().series_id}.svg")


def _series(world, role):
    event = world.series_event()
    return Target(f"/series/{event.series_id}/rsvp", {"state": "going", "event_id": str(event.id)})


def _introduction(status: str, action: str):
    def prepare(world, role):
        return Target(f"/introductions/{world.introduction(status).id}/{action}")

    return prepare


def _ask(world, role):
    db.session.execute(sa.delete(IntroRequest))
    db.session.commit()
    return Target(f"/people/{world.senior.id}/introduction", {"message": "May I shadow you in clinic?"})


def _mentorship(action: str = "", **data):
    def prepare(world, role):
        return Target(f"/mentorships/{world.mentorship().id}{action}", data)

    return prepare


def _question(world, role):
    return Target(f"/introductions/{world.mentorship(met=False).id}/met", {"answer": "met"})


def _meeting_note(world, role):
    mentorship = world.mentorship()
    details = mentorships.MeetingDetails(date.today() - timedelta(days=1), "coffee")
    meeting = mentorships.log_meeting(db.session, world.intern, mentorship.id, details, date.today())
    return Target(f"/mentorships/{mentorship.id}/meetings/{meeting.id}/note", {"note": "Ask about night shifts"})


def _invite(world, role):
    """The senior's connection with the intern, and an upcoming event to invite them to."""
    world.introduction(RequestStatus.ACCEPTED)
    return Target(f"/people/interns/{world.intern.id}/invite", {"event_id": str(world.event().id), "note": "Join me"})


def _invitation(path: str, **data):
    def prepare(world, role):
        world.introduction(RequestStatus.ACCEPTED)
        invitation = invitations.invite(db.session, world.senior, world.intern.id, world.event().id, "")
        return Target(path.format(i=invitation), data)

    return prepare


def _next_meeting_file(world, role):
    mentorship = world.mentorship()
    mentorships.set_next_meeting(db.session, world.intern, mentorship.id, utcnow() + timedelta(days=7), "UTC", "")
    return Target(f"/mentorships/{mentorship.id}/next.ics")


def _feed(world, role):
    return Target(f"/calendar/{ical.feed_token(ical.create_or_rotate(db.session, world.intern))}.ics")


def _old_feed(world, role):
    old = ical.feed_token(ical.create_or_rotate(db.session, world.intern))
    ical.create_or_rotate(db.session, world.intern)
    return Target(f"/calendar/{old}.ics")


def _unsubscribe(**data):
    """The intern's link to stop event mail, with the mail on again for each person."""

    def build(world, role):
        world.intern.email_notifications = True
        db.session.commit()
        token = unsubscribe.token_for(current_app.config["SECRET_KEY"], world.intern.id, unsubscribe.UPDATES)
        return Target(f"/unsubscribe/{token}", data)

    return build


def _profile_edit(world, role):
    person = world.people[role]
    return Target("/profile/edit", profile_form(person) if person else profile_form(world.intern))


def _department(path: str, **data):
    def prepare(world, role):
        department = make_department(f"Ward {next(_unique)}")
        return Target(path.format(d=department), data)

    return prepare


def _new_department(world, role):
    return Target("/admin/departments", {"name": f"Radiology {next(_unique)}"})


def _speed_held(path: str, *, last_round_started: bool = False, meet_again: bool = False):
    """A speed-mentoring evening where the intern sat at the senior's table
    in round 1 of 1 (under way when `last_round_started`, so the follow-up
    is open); `meet_again` posts a yes about both of them (one's own id is
    no one met)."""

    def prepare(world, role):
        event = world.event(starts_in=timedelta(minutes=-10))
        speed = SpeedSession(event_id=event.id, rounds=1, round_minutes=8, break_minutes=2, tables=1, seats_per_table=2)
        if last_round_started:
            speed.current_round, speed.round_started_at = 1, utcnow()
        speed.planned_at = utcnow()
        db.session.add(speed)
        db.session.flush()
        db.session.add(
            SpeedSeat(
                session_id=speed.id,
                round=1,
                table_no=1,
                senior_id=world.senior.id,
                intern_id=world.intern.id,
                reason="You share Cardiology",
            )
        )
        db.session.commit()
        data = {"again": [str(world.intern.id), str(world.senior.id)]} if meet_again else {}
        return Target(path.format(e=event), data)

    return prepare


def _rename(world, role):
    department = make_department(f"Ward {next(_unique)}")
    return Target(f"/admin/departments/{department.id}", {"name": f"Renamed ward {next(_unique)}"})


def _set_role(world, role):
    return Target(f"/admin/people/{make_user().id}/role", {"role": "organizer"})


def _grant(world, role):
    """Coordinator rights for a new member, limited to a new department."""
    person = make_user(email=f"new{next(_unique)}@hospital.example")
    department = make_department(f"Ward {next(_unique)}")
    return Target("/admin/coordinators", {"email": person.email, "department_ids": str(department.id)})


def _requirement(world, role):
    return Target("/program/attendance", {"series_id": str(world.series_event().series_id), "percent": "70"})


def _certificate(world, role):
    """An event the intern was checked in at: their certificate, nobody else's."""
    event = world.event(starts_in=timedelta(days=-1))
    db.session.add(CheckIn(event_id=event.id, user_id=world.intern.id, method="organizer"))
    db.session.commit()
    return Target(f"/attendance/{event.id}/certificate.pdf")


def _revoke(world, role):
    person = make_user()
    db.session.add(Coordinator(user_id=person.id, granted_at=utcnow()))
    return Target(f"/admin/coordinators/{person.id}/revoke")


def _quiet_intern(world, role):
    """A new intern, registered 40 days ago with no request: one to reach."""
    intern = make_user(f"Quiet Intern {next(_unique)}")
    intern.created_at = utcnow() - timedelta(days=40)
    db.session.commit()
    return intern


def _nudge(world, role):
    return Target(f"/program/reach/{_quiet_intern(world, role).id}/nudge")


def _nudge_all(world, role):
    _quiet_intern(world, role)
    return Target("/program/reach/nudge-all")


def _failed_mail(world, role):
    from eventsapp.notifications.mail import OutgoingMail, queue_mail
    from eventsapp.notifications.models import MailStatus, OutboxMail

    queue_mail(db.session, OutgoingMail(to="gone@hospital.example", subject="Moved", body="Room 4"), kind="test")
    mail = db.session.scalars(sa.select(OutboxMail).order_by(OutboxMail.id.desc())).first()
    mail.status, mail.last_error = MailStatus.FAILED, "550 No such mailbox"
    db.session.commit()
    return Target(f"/admin/mail/{mail.id}/retry")


def _remove(world, role):
    return Target(f"/admin/people/{make_user().id}/remove", {"confirm": "y"})


NEW_PASSWORD = "a brand new passphrase"


def _register(world, role):
    n = next(_unique)
    return Target(
        "/register",
        {
            "name": "New Person",
            "email": f"new{n}@hospital.example",
            "password": "a long new password",
            "confirm": "a long new password",
        },
    )


def _confirm_link(world, role):
    """The intern's link to confirm their address, with the address unconfirmed again for each person."""
    world.intern.email_verified_at = None
    db.session.commit()
    # Logged out, the account's password comes with the button (the intern's own browser needs none).
    return Target(f"/account/confirm/{verification.token_for(world.intern)}", {"password": DEFAULT_PASSWORD})


def _unconfirmed(world, role):
    """The person's own address unconfirmed (for anonymous, the intern's, to be left alone)."""
    (world.people[role] or world.intern).email_verified_at = None
    db.session.commit()
    return Target("/account/confirm/resend")


def _forgot(world, role):
    """A request for a link to choose a new password, for an address with an account: a mail goes."""
    return Target("/forgot-password", {"email": world.intern.email})


def _reset_link(world, role):
    """A fresh account's link to choose a new password (used, it would not work for the next person)."""
    token = reset.token_for(make_user(email=f"forgot{next(_unique)}@hospital.example"))
    return Target(f"/reset-password/{token}", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})


class Upload(io.BytesIO):
    """A file for the one form that takes one, read afresh by each request
    the CSRF walk sends (the test client reads a file to its end, and closes it)."""

    def read(self, size=-1):
        chunk = super().read(size)
        if not chunk:
            self.seek(0)
        return chunk

    def close(self):
        """The test client closes what it sent; this one is sent again."""
        self.seek(0)


ROSTER_CSV = b"Name,Email,Career stage\r\nNew Intern,new.intern@hospital.example,Intern\r\n"


def _roster_upload(world, role):
    return Target("/roster/imports", {"file": (Upload(ROSTER_CSV), "roster.csv")})


def _roster_preview(action: str = "", *, mine: bool = True):
    """A roster uploaded by the person (by the admin for those who may not upload, or `mine` False)."""

    def prepare(world, role):
        from eventsapp.roster.services import store_upload

        if mine:
            uploader = world.people[role if role in ("admin", "coordinator") else "admin"]
        else:
            uploader = world.people["coordinator" if role == "admin" else "admin"]
        upload = store_upload(db.session, uploader_id=uploader.id, filename="roster.csv", data=ROSTER_CSV, now=utcnow())
        return Target(f"/roster/imports/{upload.id}{action}")

    return prepare


def _roster_invitation(*, accepted: bool = False):
    """An account a roster import created, invited two hours ago: its user and the link's token."""
    from eventsapp.roster.invitations import token_hash
    from eventsapp.roster.models import RosterInvitation

    person = make_user(f"Invited {next(_unique)}", email=f"invited{next(_unique)}@hospital.example")
    token, sent = f"token-{next(_unique)}-{person.id}", utcnow() - timedelta(hours=2)
    db.session.add(
        RosterInvitation(
            user_id=person.id,
            token_hash=token_hash(token),
            invited_at=sent,
            asked_at=sent,
            sent_at=sent,
            expires_at=sent + timedelta(days=14),
            accepted_at=sent if accepted else None,
            sends=1,
        )
    )
    db.session.commit()
    return person, token


def _resend(world, role):
    person, _ = _roster_invitation()
    return Target(f"/roster/people/{person.id}/resend")


def _resend_all(world, role):
    _roster_invitation()
    return Target("/roster/resend-all")


def _join(*, accepted: bool = False, **data):
    def prepare(world, role):
        _, token = _roster_invitation(accepted=accepted)
        return Target(f"/roster/join/{token}", data)

    return prepare


# The matrix: what the product promises. Reading across a row: anonymous,
# intern, senior, an organizer of other events, the event's organizer, admin.
# fmt: off
MATRIX: list[Row] = [
    #   endpoint                    method  target                                     anon   intern senior other  organizer admin
    row("main.home",                "GET",  at("/"),                                   OK,    OK,    OK,    OK,    OK,    OK),
    # Accounts: forms for visitors; members are sent on. Each member's data is their own.
    row("accounts.login",           "GET",  at("/login"),                              OK,    GO,    GO,    GO,    GO,    GO),
    row("accounts.login",           "POST", at("/login", email="intern@hospital.example", password=DEFAULT_PASSWORD),
                                                                                       GO,    GO,    GO,    GO,    GO,    GO),
    row("accounts.register",        "GET",  at("/register"),                           OK,    GO,    GO,    GO,    GO,    GO),
    # Registering ends on "Check your inbox" (200) whether or not the address had an account.
    row("accounts.register",        "POST", _register,                                 OK,    GO,    GO,    GO,    GO,    GO),
    row("accounts.logout",          "POST", at("/logout"),                             LOGIN, GO,    GO,    GO,    GO,    GO),
    row("accounts.export",          "GET",  at("/account/export.json"),                LOGIN, OK,    OK,    OK,    OK,    OK),
    row("accounts.delete",          "GET",  at("/account/delete"),                     LOGIN, OK,    OK,    OK,    OK,    OK),
    # The only admin may not delete their account (someone must grant roles).
    row("accounts.delete",          "POST", at("/account/delete", password=DEFAULT_PASSWORD, confirm="y"),
                                                                                       LOGIN, GO,    GO,    GO,    GO,    BAD),
    # Each member's logins are their own; a new password ends the others.
    row("accounts.signed_in",       "GET",  at("/account/sessions"),                   LOGIN, OK,    OK,    OK,    OK,    OK),
    row("accounts.log_out_everywhere", "POST", at("/account/sessions/end"),            LOGIN, GO,    GO,    GO,    GO,    GO),
    row("accounts.change_password", "GET",  at("/account/password"),                   LOGIN, OK,    OK,    OK,    OK,    OK),
    row("accounts.change_password", "POST", at("/account/password", current=DEFAULT_PASSWORD, password=NEW_PASSWORD,
                                               confirm=NEW_PASSWORD),                  LOGIN, GO,    GO,    GO,    GO,    GO),
    row("accounts.change_password", "POST", at("/account/password", current="not the password", password=NEW_PASSWORD,
                                               confirm=NEW_PASSWORD),                  LOGIN, BAD,   BAD,   BAD,   BAD,   BAD,
        variant="wrong current password"),
    # Confirming an address: the mailed link alone decides, logged out too; nobody confirms it for
    # someone else's account while logged in as themselves. A new link: for one's own address.
    row("accounts.confirm_email",   "GET",  _confirm_link,                             OK,    OK,    DENY,  DENY,  DENY,  DENY),
    row("accounts.confirm_email_now", "POST", _confirm_link,                           GO,    GO,    DENY,  DENY,  DENY,  DENY),
    row("accounts.confirm_email",   "GET",  at("/account/confirm/WzEsImFiYyJd.forged"),
                                                                                       NONE,  NONE,  NONE,  NONE,  NONE,  NONE,
        variant="forged token"),
    row("accounts.confirm_email_now", "POST", at("/account/confirm/WzEsImFiYyJd.forged"),
                                                                                       NONE,  NONE,  NONE,  NONE,  NONE,  NONE,
        variant="forged token"),
    row("accounts.resend_confirmation", "POST", _unconfirmed,                          LOGIN, GO,    GO,    GO,    GO,    GO),
    # A forgotten password: the same answer for any address; the link alone decides whose password
    # it sets, and signs that account in (whoever was signed in here is logged out).
    row("password_reset.forgot",    "GET",  at("/forgot-password"),                    OK,    GO,    GO,    GO,    GO,    GO),
    row("password_reset.forgot",    "POST", _forgot,                                   OK,    GO,    GO,    GO,    GO,    GO),
    row("password_reset.choose",    "GET",  _reset_link,                               OK,    OK,    OK,    OK,    OK,    OK),
    row("password_reset.choose_now", "POST", _reset_link,                              GO,    GO,    GO,    GO,    GO,    GO),
    row("password_reset.choose",    "GET",  at("/reset-password/WzEsImFiYyJd.forged"),
                                                                                       NONE,  NONE,  NONE,  NONE,  NONE,  NONE,
        variant="forged token"),
    row("password_reset.choose_now", "POST", at("/reset-password/WzEsImFiYyJd.forged", password=NEW_PASSWORD,
                                                confirm=NEW_PASSWORD),                 NONE,  NONE,  NONE,  NONE,  NONE,  NONE,
        variant="forged token"),
    # The hospital sign-in, where OIDC_ISSUER is unset, as here (tests/test_accounts_sso.py signs in
    # through a real provider): visitors are told so on the login page, members sent on; no callback.
    # A first sign-in's questions, for members who have not answered them.
    row("sso.start",                "POST", at("/login/sso"),                          LOGIN, GO,    GO,    GO,    GO,    GO),
    row("sso.callback",             "GET",  at("/login/sso/callback?code=c&state=s"),  NONE,  NONE,  NONE,  NONE,  NONE,  NONE),
    row("sso.welcome",              "GET",  at("/login/sso/welcome"),                  LOGIN, GO,    GO,    GO,    GO,    GO),
    row("sso.welcome",              "POST", at("/login/sso/welcome", career_stage="fellow"),
                                                                                       LOGIN, GO,    GO,    GO,    GO,    GO),
    # Profiles: members see each other (with each one's privacy choices); each edits their own.
    row("profiles.mine",            "GET",  at("/profile"),                            LOGIN, GO,    GO,    GO,    GO,    GO),
    row("profiles.show",            "GET",  lambda w, r: Target(f"/people/{w.senior.id}"),
                                                                                       LOGIN, OK,    OK,    OK,    OK,    OK),
    row("profiles.edit",            "GET",  at("/profile/edit"),                       LOGIN, OK,    OK,    OK,    OK,    OK),
    row("profiles.edit",            "POST", _profile_edit,                             LOGIN, GO,    GO,    GO,    GO,    GO),
    # Admin pages: admins only.
    row("admin.index",              "GET",  at("/admin/"),                             LOGIN, DENY,  DENY,  DENY,  DENY,  GO),
    row("admin.people",             "GET",  at("/admin/people"),                       LOGIN, DENY,  DENY,  DENY,  DENY,  OK),
    row("admin.set_role",           "POST", _set_role,                                 LOGIN, DENY,  DENY,  DENY,  DENY,  GO),
    row("admin.remove_person",      "GET",  _remove,                                   LOGIN, DENY,  DENY,  DENY,  DENY,  OK),
    row("admin.remove_person",      "POST", _remove,                                   LOGIN, DENY,  DENY,  DENY,  DENY,  GO),
    row("admin.remove_person",      "POST", lambda w, r: Target(f"/admin/people/{w.people['admin'].id}/remove",
                                                                {"confirm": "y"}),     LOGIN, DENY,  DENY,  DENY,  DENY,  BAD,
        variant="an admin"),
    row("admin.remove_person",      "GET",  at("/admin/people/999999/remove"),         LOGIN, DENY,  DENY,  DENY,  DENY,  NONE,
        variant="no such person"),
    row("audit.index",              "GET",  at("/admin/audit/"),                       LOGIN, DENY,  DENY,  DENY,  DENY,  OK),
    row("audit.download",           "GET",  at("/admin/audit/audit.csv"),              LOGIN, DENY,  DENY,  DENY,  DENY,  OK),
    row("admin.mail",               "GET",  at("/admin/mail"),                         LOGIN, DENY,  DENY,  DENY,  DENY,  OK),
    row("admin.retry_mail",         "POST", _failed_mail,                              LOGIN, DENY,  DENY,  DENY,  DENY,  GO),
    row("admin.catalogue",          "GET",  at("/admin/specialties"),                  LOGIN, DENY,  DENY,  DENY,  DENY,  OK),
    row("admin.catalogue",          "POST", _new_department,                           LOGIN, DENY,  DENY,  DENY,  DENY,  GO),
    row("admin.catalogue",          "GET",  at("/admin/no-such-list"),                 LOGIN, DENY,  DENY,  DENY,  DENY,  NONE,
        variant="unknown list"),
    row("admin.coordinators_page",  "GET",  at("/admin/coordinators"),                LOGIN, DENY,  DENY,  DENY,  DENY,  OK),
    row("admin.coordinators_page",  "POST", _grant,                                    LOGIN, DENY,  DENY,  DENY,  DENY,  GO),
    row("admin.revoke_coordinator", "POST", _revoke,                                   LOGIN, DENY,  DENY,  DENY,  DENY,  GO),
    # The program: coordinators and admins; organizers of events only as coordinators.
    row("program.index",            "GET",  at("/program/"),                           LOGIN, DENY,  DENY,  DENY,  DENY,  OK,
        coordinator=OK),
    row("program.weeks_csv",        "GET",  at("/program/weeks.csv"),                  LOGIN, DENY,  DENY,  DENY,  DENY,  OK,
        coordinator=OK),
    row("program.weeks_svg",        "GET",  at("/program/weeks.svg"),                  LOGIN, DENY,  DENY,  DENY,  DENY,  OK,
        coordinator=OK),
    row("program.funnel_svg",       "GET",  at("/program/funnel.svg"),                 LOGIN, DENY,  DENY,  DENY,  DENY,  OK,
        coordinator=OK),
    row("program.funnel_csv",       "GET",  at("/program/funnel.csv"),                 LOGIN, DENY,  DENY,  DENY,  DENY,  OK,
        coordinator=OK),
    row("program.demand_svg",       "GET",  at("/program/demand.svg"),                 LOGIN, DENY,  DENY,  DENY,  DENY,  OK,
        coordinator=OK),
    row("program.events_svg",       "GET",  at("/program/events.svg?size=phone"),      LOGIN, DENY,  DENY,  DENY,  DENY,  OK,
        coordinator=OK),
    row("program.attendance_svg",   "GET",  at("/program/attendance.svg"),             LOGIN, DENY,  DENY,  DENY,  DENY,  OK,
        coordinator=OK),
    row("program.reach",            "GET",  at("/program/reach"),                      LOGIN, DENY,  DENY,  DENY,  DENY,  OK,
        coordinator=OK),
    row("program.reach_csv",        "GET",  at("/program/reach.csv"),                  LOGIN, DENY,  DENY,  DENY,  DENY,  OK,
        coordinator=OK),
    row("program.unmet_demand",     "GET",  at("/program/demand"),                     LOGIN, DENY,  DENY,  DENY,  DENY,  OK,
        coordinator=OK),
    row("program.demand_csv",       "GET",  at("/program/demand.csv"),                 LOGIN, DENY,  DENY,  DENY,  DENY,  OK,
        coordinator=OK),
    row("program.events",           "GET",  at("/program/events"),                     LOGIN, DENY,  DENY,  DENY,  DENY,  OK,
        coordinator=OK),
    row("program.events_csv",       "GET",  at("/program/events.csv"),                 LOGIN, DENY,  DENY,  DENY,  DENY,  OK,
        coordinator=OK),
    row("program.events_csv",       "GET",  at("/program/series.csv"),                 LOGIN, DENY,  DENY,  DENY,  DENY,  OK,
        coordinator=OK, variant="series"),
    row("program.nudge",            "POST", _nudge,                                    LOGIN, DENY,  DENY,  DENY,  DENY,  GO,
        coordinator=GO),
    row("program.nudge_all",        "GET",  at("/program/reach/nudge-all"),            LOGIN, DENY,  DENY,  DENY,  DENY,  OK,
        coordinator=OK),
    row("program.nudge_all",        "POST", _nudge_all,                                LOGIN, DENY,  DENY,  DENY,  DENY,  GO,
        coordinator=GO),
    row("program.attendance",       "GET",  at("/program/attendance"),                 LOGIN, DENY,  DENY,  DENY,  DENY,  OK,
        coordinator=OK),
    row("program.attendance",       "POST", _requirement,                              LOGIN, DENY,  DENY,  DENY,  DENY,  GO,
        coordinator=GO),
    row("program.attendance_csv",   "GET",  at("/program/attendance.csv"),             LOGIN, DENY,  DENY,  DENY,  DENY,  OK,
        coordinator=OK),
    # Class rosters: coordinators and admins upload, preview and import (each their own upload),
    # follow and resend invitations; the invitation's link is for whoever holds it.
    row("roster.index",             "GET",  at("/roster/"),                            LOGIN, DENY,  DENY,  DENY,  DENY,  OK,
        coordinator=OK),
    row("roster.people_csv",        "GET",  at("/roster/people.csv"),                  LOGIN, DENY,  DENY,  DENY,  DENY,  OK,
        coordinator=OK),
    row("roster.upload",            "POST", _roster_upload,                            LOGIN, DENY,  DENY,  DENY,  DENY,  GO,
        coordinator=GO),
    row("roster.preview",           "GET",  _roster_preview(),                         LOGIN, DENY,  DENY,  DENY,  DENY,  OK,
        coordinator=OK),
    row("roster.preview",           "GET",  _roster_preview(mine=False),               LOGIN, DENY,  DENY,  DENY,  DENY,  NONE,
        coordinator=NONE, variant="another's upload"),
    row("roster.run_import",        "POST", _roster_preview("/import"),                LOGIN, DENY,  DENY,  DENY,  DENY,  GO,
        coordinator=GO),
    row("roster.run_import",        "POST", _roster_preview("/import", mine=False),    LOGIN, DENY,  DENY,  DENY,  DENY,  NONE,
        coordinator=NONE, variant="another's upload"),
    row("roster.resend",            "POST", _resend,                                   LOGIN, DENY,  DENY,  DENY,  DENY,  GO,
        coordinator=GO),
    row("roster.resend_all",        "POST", _resend_all,                               LOGIN, DENY,  DENY,  DENY,  DENY,  GO,
        coordinator=GO),
    row("roster.join",              "GET",  _join(),                                   OK,    OK,    OK,    OK,    OK,    OK,
        coordinator=OK),
    row("roster.join",              "POST", _join(password="three quiet rivers", confirm="three quiet rivers"),
                                                                                       GO,    GO,    GO,    GO,    GO,    GO,
        coordinator=GO),
    row("roster.join",              "GET",  _join(accepted=True),                      "410", "410", "410", "410", "410", "410",
        coordinator="410", variant="used link"),
    row("roster.join",              "POST", _join(accepted=True, password="three quiet rivers", confirm="three quiet rivers"),
                                                                                       "410", "410", "410", "410", "410", "410",
        coordinator="410", variant="used link"),
    # Attendance records: each member's own; a certificate only for an event they were checked in at.
    row("records.mine",             "GET",  at("/attendance/"),                        LOGIN, OK,    OK,    OK,    OK,    OK),
    row("records.certificate_pdf",  "GET",  _certificate,                              LOGIN, OK,    NONE,  NONE,  NONE,  NONE),
    row("admin.rename",             "POST", _rename,                                   LOGIN, DENY,  DENY,  DENY,  DENY,  GO),
    row("admin.set_active",         "POST", _department("/admin/departments/{d.id}/active", active="0"),
                                                                                       LOGIN, DENY,  DENY,  DENY,  DENY,  GO),
    # Events: everyone reads; organizers create; only the event's organizers (and admins) manage it.
    row("events.index",             "GET",  at("/events"),                             OK,    OK,    OK,    OK,    OK,    OK),
    row("events.show",              "GET",  _event("/events/{e.id}"),                  OK,    OK,    OK,    OK,    OK,    OK),
    row("events.show",              "GET",  at("/events/2147483647"),                  NONE,  NONE,  NONE,  NONE,  NONE,  NONE,
        variant="no such event"),
    row("events.new",               "GET",  at("/events/new"),                         LOGIN, DENY,  DENY,  OK,    OK,    OK),
    row("events.new",               "POST", at("/events/new", **event_form()),         LOGIN, DENY,  DENY,  GO,    GO,    GO),
    row("events.new",               "GET",  _duplicate,                                LOGIN, DENY,  DENY,  NONE,  OK,    OK,
        variant="duplicate another's event"),
    row("events.edit",              "GET",  _event("/events/{e.id}/edit"),             LOGIN, DENY,  DENY,  DENY,  OK,    OK),
    row("events.edit",              "POST", _edit,                                     LOGIN, DENY,  DENY,  DENY,  GO,    GO),
    row("events.cancel",            "POST", _event("/events/{e.id}/cancel", scope="this"),
                                                                                       LOGIN, DENY,  DENY,  DENY,  GO,    GO),
    row("events.delete",            "POST", _event("/events/{e.id}/delete"),           LOGIN, DENY,  DENY,  DENY,  GO,    GO),
    # Cancelling and deleting ask first, on a page of their own.
    row("events.confirm_cancel",    "GET",  _event("/events/{e.id}/cancel"),           LOGIN, DENY,  DENY,  DENY,  OK,    OK),
    row("events.confirm_delete",    "GET",  _event("/events/{e.id}/delete"),           LOGIN, DENY,  DENY,  DENY,  OK,    OK),
    # A series' meetings are as public as the meetings themselves.
    row("events.series",            "GET",  _series_page,                              OK,    OK,    OK,    OK,    OK,    OK),
    row("events.series",            "GET",  at("/events/series/2147483647"),           NONE,  NONE,  NONE,  NONE,  NONE,  NONE,
        variant="no such series"),
    # Each organizer's own events (admins organize too).
    row("attendance.organized",     "GET",  at("/events/organizing"),                  LOGIN, DENY,  DENY,  OK,    OK,    OK),
    # Their events' attendance: organizers see their own (admins every event); a series' chart, its organizers.
    row("analytics.index",          "GET",  at("/events/analytics"),                   LOGIN, DENY,  DENY,  OK,    OK,    OK),
    row("analytics.figures_csv",    "GET",  at("/events/analytics.csv"),               LOGIN, DENY,  DENY,  OK,    OK,    OK),
    row("analytics.series_svg",     "GET",  _series_chart,                             LOGIN, DENY,  DENY,  DENY,  OK,    OK),
    row("analytics.series_svg",     "GET",  at("/events/analytics/series/2147483647.svg"),
                                                                                       LOGIN, DENY,  DENY,  NONE,  NONE,  NONE,
        variant="no such series"),
    # Speed mentoring, the participants' side: each one's evening and whom they'd meet again (those
    # seated, going or checked in; anyone else is told they are not taking part); the results, organizers'.
    row("speed_people.me",          "GET",  _speed_held("/events/{e.id}/speed/me"),         LOGIN, OK,    OK,    DENY,  DENY,  DENY),
    row("speed_people.me",          "GET",  at("/events/2147483647/speed/me"),         LOGIN, NONE,  NONE,  NONE,  NONE,  NONE,
        variant="no such evening"),
    row("speed_people.follow_up",   "GET",  _speed_held("/events/{e.id}/speed/follow-up", last_round_started=True),
                                                                                       LOGIN, OK,    OK,    DENY,  DENY,  DENY),
    row("speed_people.follow_up",   "GET",  _speed_held("/events/{e.id}/speed/follow-up"), LOGIN, OK,    OK,    OK,    OK,    OK,
        variant="not open yet"),
    row("speed_people.save_follow_up", "POST",
        _speed_held("/events/{e.id}/speed/follow-up", last_round_started=True, meet_again=True),
                                                                                       LOGIN, GO,    GO,    DENY,  DENY,  DENY),
    row("speed_people.save_follow_up", "POST", _speed_held("/events/{e.id}/speed/follow-up", meet_again=True),
                                                                                       LOGIN, NO,    NO,    NO,    NO,    NO,
        variant="not open yet"),
    row("speed_people.results_page", "GET", _speed_held("/events/{e.id}/speed/results", last_round_started=True),
                                                                                       LOGIN, DENY,  DENY,  DENY,  OK,    OK),
    # Check-in and the attendee list: the event's organizers only; the QR link for members at the venue.
    row("attendance.sheet",         "GET",  _event("/events/{e.id}/attendees"),        LOGIN, DENY,  DENY,  DENY,  OK,    OK),
    row("attendance.export",        "GET",  _event("/events/{e.id}/attendees.csv"),    LOGIN, DENY,  DENY,  DENY,  OK,    OK),
    row("attendance.qr_page",       "GET",  _event("/events/{e.id}/qr"),               LOGIN, DENY,  DENY,  DENY,  OK,    OK),
    row("attendance.check_in",      "POST", _event_soon("/events/{e.id}/check-ins", guest_name="Walk-in Guest"),
                                                                                       LOGIN, DENY,  DENY,  DENY,  GO,    GO),
    row("attendance.write_to_members", "POST",
        _event_going("/events/{e.id}/messages", audience="going", subject="Room change", body="Room 4 instead."),
                                                                                       LOGIN, DENY,  DENY,  DENY,  GO,    GO),
    row("attendance.scan",          "GET",  _event_soon("/events/{e.id}/check-in/{e.checkin_secret}"),
                                                                                       LOGIN, OK,    OK,    OK,    OK,    OK),
    row("attendance.scan",          "POST", _event_soon("/events/{e.id}/check-in/{e.checkin_secret}"),
                                                                                       LOGIN, GO,    GO,    GO,    GO,    GO),
    row("attendance.scan",          "GET",  _event("/events/{e.id}/check-in/not-the-secret"),
                                                                                       LOGIN, NONE,  NONE,  NONE,  NONE,  NONE,
        variant="wrong secret"),
    # Speed mentoring: the event's organizers only.
    row("speed.page",               "GET",  _event("/events/{e.id}/speed/"),          LOGIN, DENY,  DENY,  DENY,  OK,    OK),
    row("speed.screen",             "GET",  _speed("/events/{e.id}/speed/screen", planned=True),
                                                                                       LOGIN, DENY,  DENY,  DENY,  OK,    OK),
    row("speed.screen",             "GET",  _event("/events/{e.id}/speed/screen"),    LOGIN, DENY,  DENY,  DENY,  NONE,  NONE,
        variant="not a speed-mentoring evening"),
    row("speed.printable",          "GET",  _speed("/events/{e.id}/speed/print", planned=True),
                                                                                       LOGIN, DENY,  DENY,  DENY,  OK,    OK),
    row("speed.save",               "POST", _event("/events/{e.id}/speed/settings", **SPEED_SETTINGS),
                                                                                       LOGIN, DENY,  DENY,  DENY,  GO,    GO),
    row("speed.plan",               "POST", _speed("/events/{e.id}/speed/plan"),      LOGIN, DENY,  DENY,  DENY,  GO,    GO),
    row("speed.plan",               "POST", _speed("/events/{e.id}/speed/plan", version="7"),
                                                                                       LOGIN, DENY,  DENY,  DENY,  NO,    NO,
        variant="someone else acted first"),
    row("speed.start_round",        "POST", _speed("/events/{e.id}/speed/rounds", planned=True),
                                                                                       LOGIN, DENY,  DENY,  DENY,  GO,    GO),
    row("speed.undo_round",         "POST", _speed("/events/{e.id}/speed/rounds/undo", planned=True, started=True),
                                                                                       LOGIN, DENY,  DENY,  DENY,  GO,    GO),
    row("speed.left",               "POST", _speed("/events/{e.id}/speed/left"),      LOGIN, DENY,  DENY,  DENY,  GO,    GO),
    row("speed.back",               "POST", _speed("/events/{e.id}/speed/back", left=True),
                                                                                       LOGIN, DENY,  DENY,  DENY,  GO,    GO),
    row("speed.turn_off",           "POST", _speed("/events/{e.id}/speed/off"),       LOGIN, DENY,  DENY,  DENY,  GO,    GO),
    # Answers: any member, for themselves.
    row("rsvps.respond",            "POST", _event("/events/{e.id}/rsvp", state="going"),
                                                                                       LOGIN, GO,    GO,    GO,    GO,    GO),
    row("rsvps.respond_to_series",  "POST", _series,                                   LOGIN, GO,    GO,    GO,    GO,    GO),
    # The ribbon is for residents and seniors; interns are the ones who approach.
    row("rsvps.approachable",       "POST", _going,                                    LOGIN, NO,    GO,    GO,    GO,    GO),
    # Calendars: public files for all; a private feed opens by its secret token alone (calendar
    # apps cannot log in), and a replaced token opens nothing, for anyone.
    row("ical.event_file",          "GET",  _event("/events/{e.id}.ics"),              OK,    OK,    OK,    OK,    OK,    OK),
    row("ical.public_feed",         "GET",  at("/calendar/events.ics"),                OK,    OK,    OK,    OK,    OK,    OK),
    row("ical.personal_feed",       "GET",  _feed,                                     OK,    OK,    OK,    OK,    OK,    OK),
    row("ical.personal_feed",       "GET",  _old_feed,                                 NONE,  NONE,  NONE,  NONE,  NONE,  NONE,
        variant="replaced token"),
    row("ical.rotate",              "POST", at("/calendar/feed"),                      LOGIN, GO,    GO,    GO,    GO,    GO),
    # Unsubscribing from a mail's link: the signed token alone decides, for anyone (mail
    # clients post RFC 8058's one-click body without logging in); a forged token opens nothing.
    row("unsubscribe.confirm",      "GET",  _unsubscribe(),                            OK,    OK,    OK,    OK,    OK,    OK),
    row("unsubscribe.stop",         "POST", _unsubscribe(),                            GO,    GO,    GO,    GO,    GO,    GO),
    row("unsubscribe.stop",         "POST", _unsubscribe(**{"List-Unsubscribe": "One-Click"}),
                                                                                       OK,    OK,    OK,    OK,    OK,    OK,
        variant="one-click"),
    row("unsubscribe.confirm",      "GET",  at("/unsubscribe/WzEsInVwZGF0ZXMiXQ.forged"),
                                                                                       NONE,  NONE,  NONE,  NONE,  NONE,  NONE,
        variant="forged token"),
    row("unsubscribe.stop",         "POST", at("/unsubscribe/WzEsInVwZGF0ZXMiXQ.forged"),
                                                                                       NONE,  NONE,  NONE,  NONE,  NONE,  NONE,
        variant="forged token"),
    # Introductions: the request from the intern to the senior. Only the senior answers it, only
    # the intern withdraws it, only the two of them end the connection; nobody else, admins included.
    row("introductions.people",     "GET",  at("/people"),                             LOGIN, OK,    OK,    OK,    OK,    OK),
    row("introductions.where",      "GET",  at("/people/where"),                       LOGIN, OK,    OK,    OK,    OK,    OK),
    row("introductions.index",      "GET",  at("/introductions"),                      LOGIN, OK,    OK,    OK,    OK,    OK),
    # Asking the senior: nobody asks themselves; colleagues as senior as they are get "not available".
    row("introductions.ask",        "GET",  _ask,                                      LOGIN, OK,    NONE,  OK,    OK,    OK),
    row("introductions.ask",        "POST", _ask,                                      LOGIN, GO,    NONE,  BAD,   BAD,   BAD),
    row("introductions.accept",     "POST", _introduction("pending", "accept"),        LOGIN, DENY,  GO,    DENY,  DENY,  DENY),
    row("introductions.decline",    "POST", _introduction("pending", "decline"),       LOGIN, DENY,  GO,    DENY,  DENY,  DENY),
    row("introductions.withdraw",   "POST", _introduction("pending", "withdraw"),      LOGIN, GO,    DENY,  DENY,  DENY,  DENY),
    row("introductions.end",        "POST", _introduction("accepted", "end"),          LOGIN, GO,    GO,    DENY,  DENY,  DENY),
    # Mentorships: its two members only; to anyone else (admins too) it does not exist.
    row("mentorships.index",        "GET",  at("/mentorships"),                        LOGIN, OK,    OK,    OK,    OK,    OK),
    row("mentorships.follow_ups",   "POST", at("/mentorships/follow-ups", wanted="quiet"),
                                                                                       LOGIN, GO,    GO,    GO,    GO,    GO),
    row("mentorships.question",     "GET",  _question,                                 LOGIN, OK,    OK,    NONE,  NONE,  NONE),
    row("mentorships.question",     "POST", _question,                                 LOGIN, GO,    GO,    NONE,  NONE,  NONE),
    row("mentorships.show",         "GET",  _mentorship(),                             LOGIN, OK,    OK,    NONE,  NONE,  NONE),
    row("mentorships.goals",        "POST", _mentorship("/goals", goals="Choose a fellowship"),
                                                                                       LOGIN, GO,    DENY,  NONE,  NONE,  NONE),
    row("mentorships.comment",      "POST", _mentorship("/comment", comment="Start with echo"),
                                                                                       LOGIN, DENY,  GO,    NONE,  NONE,  NONE),
    row("mentorships.rhythm",       "POST", _mentorship("/rhythm", rhythm="quarterly"),
                                                                                       LOGIN, GO,    GO,    NONE,  NONE,  NONE),
    row("mentorships.log_meeting",  "POST", _mentorship("/meetings", met_on=(date.today() - timedelta(days=1)).isoformat(),
                                                        place="coffee"),               LOGIN, GO,    GO,    NONE,  NONE,  NONE),
    row("mentorships.note",         "POST", _meeting_note,                             LOGIN, GO,    GO,    NONE,  NONE,  NONE),
    row("mentorships.next_meeting", "POST", _mentorship("/next", date=(date.today() + timedelta(days=7)).isoformat(),
                                                        time="09:00"),                 LOGIN, GO,    GO,    NONE,  NONE,  NONE),
    row("mentorships.close",        "POST", _mentorship("/close", reason="goals_met"), LOGIN, GO,    GO,    NONE,  NONE,  NONE),
    row("mentorships.next_meeting_file", "GET", _next_meeting_file,                    LOGIN, OK,    OK,    NONE,  NONE,  NONE),
    # The senior's side: interns who would like to meet them (a page for everyone, explaining whom
    # it is for); inviting a connected intern to an event; the invitation, for its two people only,
    # answered by the intern alone. Nobody invites themselves; the unconnected are told why not.
    row("invitations.interns",      "GET",  at("/people/interns"),                     LOGIN, OK,    OK,    OK,    OK,    OK),
    row("invitations.invite",       "GET",  _invite,                                   LOGIN, NONE,  OK,    OK,    OK,    OK),
    row("invitations.invite",       "POST", _invite,                                   LOGIN, NONE,  GO,    BAD,   BAD,   BAD),
    row("invitations.show",         "GET",  _invitation("/invitations/{i.id}"),        LOGIN, OK,    OK,    NONE,  NONE,  NONE),
    row("invitations.answer",       "POST", _invitation("/invitations/{i.id}/answer", answer="going"),
                                                                                       LOGIN, GO,    NONE,  NONE,  NONE,  NONE),
    # Notifications: each member's own.
    row("notifications.index",      "GET",  at("/notifications"),                      LOGIN, OK,    OK,    OK,    OK,    OK),
    row("notifications.mark_read",  "POST", _unread,                                   LOGIN, GO,    GO,    GO,    GO,    GO),
    row("notifications.open_one",   "POST", _notification(mine=True),                  LOGIN, GO,    GO,    GO,    GO,    GO),
    row("notifications.open_one",   "POST", _notification(mine=False),                 LOGIN, NONE,  NONE,  NONE,  NONE,  NONE,
        variant="another member's"),
]
# fmt: on

# Allowed POSTs that rightly leave every table as it was. Any other cell of MATRIX a
# POST answers with 200 or a plain redirect must show its action in the database.
ACTS_WITHOUT_WRITING = {
    # A member who is already signed in is sent on before the form is read.
    (endpoint, role): "sign-in/up when already signed in"
    for endpoint in ("accounts.login", "accounts.register", "sso.start", "password_reset.forgot")
    for role in ROLES
    if role != "anonymous"
} | {
    # Their career stage is known: the first sign-in's questions are behind them.
    ("sso.welcome", role): "first details already given"
    for role in ROLES
    if role != "anonymous"
}

EXCLUDED_ENDPOINTS = {"static"}  # files from static/, the same for everyone


def app_routes(app) -> set[tuple[str, str]]:
    """(endpoint, method) for every route the app has, HEAD and OPTIONS aside."""
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in EXCLUDED_ENDPOINTS
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def log_in(client, person) -> None:
    """Sign the client in as `person` without the (deliberately slow) password check."""
    with client.session_transaction() as session:
        session.clear()
        if person is not None:
            session["_user_id"] = open_login(person.id)
            session["_fresh"] = True


def fingerprint() -> str:
    """A digest of every row of every table: equal before and after means nothing changed."""
    digest = hashlib.sha256()
    with db.engine.connect() as conn:
        quote = conn.dialect.identifier_preparer.quote
        for table in db.metadata.sorted_tables:
            # Unordered is fine: with nothing written, a table reads back in the same order.
            rows = conn.exec_driver_sql(f"SELECT * FROM {quote(table.name)}").fetchall()
            digest.update(f"{table.name}:{rows!r}".encode())
    return digest.hexdigest()


def outcome(response, client=None) -> str:
    """The response in the matrix's terms. With the client, a redirect whose
    message (waiting in the session for the next page) is an error is NO."""
    if response.status_code == 302:
        if response.location.split("?")[0].endswith("/login"):
            return LOGIN
        if client is not None:
            with client.session_transaction() as session:
                if any(category == "error" for category, _ in session.get("_flashes", [])):
                    return NO
        return GO
    return str(response.status_code)


CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token_from_page(client, person) -> str:
    """The token a page gives this person (the logout form for members, the login form for visitors)."""
    page = client.get("/" if person is not None else "/login").get_data(as_text=True)
    return CSRF_FIELD.search(page).group(1)


COVERAGE = Path(__file__).resolve().parent.parent / "test-artifacts" / "coverage" / "security.txt"
_COVERAGE_ORDER = ("CSRF walk:", "Authorization matrix:", "Headers:")


def record_coverage(line: str) -> None:
    """Write or replace this line (by its first words) in test-artifacts/coverage/security.txt."""
    COVERAGE.parent.mkdir(parents=True, exist_ok=True)
    key = next(prefix for prefix in _COVERAGE_ORDER if line.startswith(prefix))
    lines = COVERAGE.read_text().splitlines() if COVERAGE.exists() else []
    kept = {next((p for p in _COVERAGE_ORDER if old.startswith(p)), None): old for old in lines}
    kept[key] = line
    COVERAGE.write_text("".join(kept[p] + "\n" for p in _COVERAGE_ORDER if kept.get(p)))
