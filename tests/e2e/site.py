"""The hospital the browser tests visit, and the real server that serves it.

`seed` fills a fresh database through the factories (in this process);
`Server` then runs the app under gunicorn on a free local port, exactly as
`make serve` would, but with development cookies (plain http) and its own
instance folder, so mail lands in files there.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

from eventsapp import create_app
from eventsapp.accounts.models import Role
from eventsapp.events.models import Event
from eventsapp.extensions import db
from eventsapp.introductions.links import IntroductionLinks
from eventsapp.timeutil import utcnow
from tests.factories import DEFAULT_PASSWORD, make_department, make_rsvp, make_user, specialty

ROOT = Path(__file__).resolve().parents[2]
ZONE = "America/New_York"
PASSWORD = DEFAULT_PASSWORD
#: Each journey runs once with JavaScript and once without; each run has its own people.
VARIANTS = ("js", "nojs")


@dataclass
class Variant:
    """What one run of the journeys needs that no other run touches."""

    intern_name: str
    intern_email: str
    seat_holder_email: str
    seat_holder_name: str
    waitlister_email: str
    waitlister_name: str
    full_event_id: int
    full_event_title: str
    walk_in_name: str
    series_title: str
    # Suggestions and requests (test_journeys_suggest.py): an intern and a
    # senior who share Nephrology and go to the same workshop.
    suggest_intern_email: str = ""
    suggest_senior_name: str = ""
    suggest_event_id: int = 0
    suggest_event_title: str = ""


@dataclass
class Site:
    meeting_id: int
    meeting_title: str
    meeting_starts_at: datetime
    senior_id: int
    senior_name: str
    senior_email: str
    organizer_email: str
    admin_email: str
    intern_email: str
    variants: dict[str, Variant] = field(default_factory=dict)
    #: What the organizer journeys of test_journeys_org.py visit (see _seed_organizer_pages).
    org: dict = field(default_factory=dict)
    #: An intern who has not confirmed their address yet (the note on every page).
    newcomer_email: str = ""


def at_local(days_ahead: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in the hospital's zone, `days_ahead` from today, in UTC."""
    zone = ZoneInfo(ZONE)
    day = datetime.now(zone).date() + timedelta(days=days_ahead)
    return datetime.combine(day, clock(hour, minute), zone).astimezone(ZoneInfo("UTC"))


def add_event(
    organizer,
    title: str,
    kind: str,
    starts_at: datetime,
    *,
    department=None,
    interests: tuple[str, ...] = (),
    capacity: int | None = None,
    location: str = "Heart Center, room 4.12",
) -> Event:
    event = Event(
        title=title,
        kind=kind,
        timezone=ZONE,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=1),
        capacity=capacity,
        location=location,
        organizer=organizer,
        department=department,
        specialties=[specialty(s) for s in interests],
    )
    db.session.add(event)
    db.session.commit()
    return event


def seed(database_url: str, instance_path: str) -> Site:
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": instance_path,
            "SECRET_KEY": secrets.token_hex(32),
            "APP_TIMEZONE": ZONE,
        }
    )
    with app.app_context():
        try:
            return _seed()
        finally:
            db.session.remove()
            db.engine.dispose()


#: The demo's program coordinator (Internal Medicine) and everyone's password, printed in the README.
DEMO_COORDINATOR, DEMO_PASSWORD = "organizer@riverside.example", "welcome-to-rounds"


def seed_demo(database_url: str, instance_path: str) -> None:
    """The demo hospital (`flask seed-demo`), for journeys on demo-like data."""
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": instance_path,
            "SECRET_KEY": secrets.token_hex(32),
            "APP_TIMEZONE": ZONE,
            "APP_ENV": "development",  # the demo's published password is refused in production
        }
    )
    with app.app_context():
        try:
            result = app.test_cli_runner().invoke(args=["seed-demo"])
            assert result.exit_code == 0, (result.output, result.exception)
        finally:
            db.session.remove()
            db.engine.dispose()


def _seed() -> Site:
    cardiology = make_department("Cardiology")
    surgery = make_department("Surgery")
    make_department("Pediatrics")
    organizer = make_user(
        "Grace Lindqvist",
        email="organizer@riverside.example",
        role=Role.ORGANIZER,
        stage="faculty",
        department=cardiology,
    )
    admin = make_user("Samuel Adeyemi", email="admin@riverside.example", role=Role.ADMIN, stage="attending")
    senior = make_user(
        "Tomás Ferreira",
        email="senior@riverside.example",
        stage="attending",
        department=cardiology,
        interests=["Cardiology", "Medical education"],
        open_to_interns=True,
        intro_capacity=5,
        bio="Heart failure clinic; happy to talk about fellowship applications.",
    )
    # A senior who shares the interest and goes to the meeting but never
    # offered to meet interns: suggestions must leave them out.
    reserved = make_user(
        "Helen Brandt",
        email="reserved@riverside.example",
        stage="attending",
        department=cardiology,
        interests=["Cardiology"],
    )
    intern = make_user(
        "Maya Okafor", email="intern@riverside.example", stage="intern", department=cardiology, interests=["Cardiology"]
    )

    meeting_start = at_local(5, 7, 30)
    meeting = add_event(
        organizer,
        "Cardiology Department Meeting",
        "meeting",
        meeting_start,
        department=cardiology,
        interests=("Cardiology",),
    )
    # Near misses for the filters: each differs from the meeting in one way.
    add_event(
        organizer,
        "Surgery Department Meeting",
        "meeting",
        at_local(5, 8),
        department=surgery,
        interests=("General surgery",),
        location="Surgical wing, seminar room",
    )
    add_event(
        organizer,
        "Cardiology Research Conference",
        "conference",
        at_local(9, 9),
        department=cardiology,
        interests=("Cardiology",),
        location="Main auditorium",
    )
    add_event(
        organizer,
        "Cardiology Summer Social",
        "social",
        at_local(12, 18),
        department=cardiology,
        interests=("Cardiology",),
        location="Rooftop terrace",
    )
    make_rsvp(meeting, senior)
    make_rsvp(meeting, reserved)

    site = Site(
        meeting_id=meeting.id,
        meeting_title=meeting.title,
        meeting_starts_at=meeting_start,
        senior_id=senior.id,
        senior_name=senior.name,
        senior_email=senior.email,
        organizer_email=organizer.email,
        admin_email=admin.email,
        intern_email=intern.email,
    )
    people = {
        "js": ("Noor Haddad", "Priya Raman", "Leo Martins", "Sam Walker", "Heart Failure Huddle"),
        "nojs": ("Jonah Berg", "Ines Duarte", "Kofi Mensah", "Ada Walsh", "Arrhythmia Huddle"),
    }
    for n, variant in enumerate(VARIANTS):
        intern_name, holder_name, waiter_name, walk_in_name, series_title = people[variant]
        holder = make_user(holder_name, email=f"seat-{variant}@riverside.example", stage="intern")
        waiter = make_user(waiter_name, email=f"waiting-{variant}@riverside.example", stage="intern")
        make_user(walk_in_name, email=f"walkin-{variant}@riverside.example", stage="intern")
        full = add_event(
            organizer,
            f"Airway Skills Lab {n + 1}",
            "meeting",
            at_local(3 + n, 14),
            department=surgery,
            capacity=1,
            location="Simulation centre",
        )
        make_rsvp(full, holder)
        site.variants[variant] = Variant(
            intern_name=intern_name,
            intern_email=f"new-intern-{variant}@riverside.example",
            seat_holder_email=holder.email,
            seat_holder_name=holder.name,
            waitlister_email=waiter.email,
            waitlister_name=waiter.name,
            full_event_id=full.id,
            full_event_title=full.title,
            walk_in_name=walk_in_name,
            series_title=series_title,
        )
        _seed_suggestions(site.variants[variant], n, organizer)
    site.org = _seed_organizer_pages(organizer, admin)
    site.org["mentorship_id"] = _seed_mentorship(senior)
    site.org["connected"] = {variant: _seed_connection(variant) for variant in VARIANTS}
    site.org["asking"] = {variant: _seed_asking(variant, n, organizer) for n, variant in enumerate(VARIANTS)}
    site.org["speed"] = _seed_speed_evening()
    site.newcomer_email = make_user(
        "Nia Newcomer", email="newcomer@hospital.example", stage="intern", verified=False
    ).email
    return site


def _seed_asking(variant: str, n: int, organizer) -> dict:
    """An intern waiting for a senior's answer, both in Dermatology (no other
    journey's) and going to the same workshop, for the senior's side."""
    from eventsapp.introductions import services as introductions

    intern = make_user(
        f"Iris Novak {variant}", email=f"asking-intern-{variant}@riverside.example", stage="intern",
        interests=["Dermatology"],
    )  # fmt: skip
    senior = make_user(
        f"Hana Sato {variant}", email=f"asked-senior-{variant}@riverside.example", stage="attending",
        open_to_interns=True, interests=["Dermatology"],
    )  # fmt: skip
    workshop = add_event(organizer, f"Skin Biopsy Workshop {n + 1}", "meeting", at_local(9 + n, 16))
    for person in (intern, senior):
        make_rsvp(workshop, person)
    introductions.request_introduction(db.session, intern, senior.id, "Could you tell me about dermatology?")
    return {"intern": intern.email, "intern_name": intern.name, "senior": senior.email, "event": workshop.title}


def _seed_speed_evening() -> dict:
    """A speed-mentoring evening under way, its last round started (an hour
    long, so it lasts the run) and the follow-up answered in part, so each
    of its pages has something to show. Vascular surgery is no other journey's;
    the evening has an organizer of its own, so that the shared organizer's
    list of events (which other journeys page through) stays as they expect."""
    from eventsapp.speed import followups, planning, settings
    from eventsapp.speed.links import PageLink

    organizer = make_user("Vera Lindahl", email="speed-organizer@riverside.example", role="organizer", stage="faculty")
    now = utcnow().replace(microsecond=0)
    event = add_event(organizer, "Vascular Speed Mentoring", "meeting", now - timedelta(minutes=5), location="Atrium")
    event.ends_at = now + timedelta(hours=3)
    interests = ["Vascular surgery"]
    interns = [
        make_user(name, email=f"speed-{n}@riverside.example", stage="intern", interests=interests)
        for n, name in enumerate(("Aisha Bello", "Marco Ricci"))
    ]
    seniors = [
        make_user(name, email=f"speed-senior-{n}@riverside.example", stage="attending", interests=interests,
                  open_to_interns=True)
        for n, name in enumerate(("Beatriz Lobo", "Felix Amari"))
    ]  # fmt: skip
    for person in (*interns, *seniors):
        make_rsvp(event, person)
    speed = settings.save_settings(db.session, organizer, event.id, settings.Settings(2, 60, 0, 2, 1), None, now)
    planning.plan_evening(db.session, organizer, event.id, speed.version, now)
    for _ in range(2):
        planning.start_next_round(db.session, organizer, event.id, speed.version, now)
    page = PageLink(f"/events/{event.id}/speed/follow-up", f"http://localhost/events/{event.id}/speed/follow-up")
    links = followups.Links(IntroductionLinks("/introductions", "http://localhost/introductions"), page)
    everyone = {s.id for s in seniors}
    followups.save_answers(db.session, interns[0], event.id, everyone, now, links)
    followups.save_answers(db.session, seniors[0], event.id, {interns[0].id}, now, links)
    return {"id": event.id, "intern": interns[0].email, "senior": seniors[0].email, "organizer": organizer.email}


def _seed_connection(variant: str) -> dict:
    """An intern and a senior who share an interest no other journey uses,
    for the mentorship journey (the intern asks for the introduction)."""
    interest = {"js": "Rheumatology", "nojs": "Endocrinology"}[variant]
    intern = make_user(
        f"Lena Park {variant}", email=f"met-intern-{variant}@riverside.example", stage="intern", interests=[interest]
    )
    senior = make_user(
        f"Omar Haddad {variant}", email=f"met-senior-{variant}@riverside.example", stage="attending",
        open_to_interns=True, interests=[interest],
    )  # fmt: skip
    return {"intern": intern.email, "intern_name": intern.name, "senior": senior.email, "senior_name": senior.name}


def _seed_mentorship(senior) -> int:
    """An intern the senior mentors (the intern's "we met" after an
    accepted introduction), for the mentorship pages."""
    from eventsapp.introductions import services as introductions
    from eventsapp.mentorships import answers

    mentee = make_user("Rui Costa", email="mentee@riverside.example", stage="intern", interests=["Cardiology"])
    request = introductions.request_introduction(db.session, mentee, senior.id, "Could we talk about fellowships?")
    introductions.answer(db.session, senior, request.id, True)
    return answers.answer_met(db.session, mentee, request.id, "met").id


def _seed_organizer_pages(organizer, admin) -> dict:
    """Events at each stage of check-in, a series with a cancelled meeting,
    and one event per journey variant to cancel and one to delete."""
    from eventsapp.events.models import EventStatus, Series

    now = utcnow().replace(second=0, microsecond=0)
    door = add_event(organizer, "Door Check-in Drill", "meeting", now + timedelta(minutes=10), location="Lobby")
    names = ("Zoe Adams", "Élodie Côté", "Emma Stone", "Bartholomew Fitzgerald-Kowalczyk", "Eli Brandt")
    for name in names:
        email = name.lower().replace(" ", ".").replace("é", "e").replace("ô", "o") + ".long-address@riverside.example"
        make_rsvp(door, make_user(name, email=email, stage="resident", pgy_year=2))
    later = add_event(organizer, "Next Week Journal Club", "meeting", at_local(7, 7))
    make_rsvp(later, make_user("Nadia Khan", email="nadia@riverside.example"))
    ended = add_event(organizer, "Yesterday's Rounds", "meeting", now - timedelta(days=1))
    series = Series(
        frequency="weekly",
        interval=1,
        until=(now + timedelta(days=30)).date(),
        timezone=ZONE,
        starts_at=now + timedelta(days=2),
    )
    db.session.add(series)
    db.session.flush()
    meetings = [
        add_event(organizer, "Echo Teaching Round", "meeting", now + timedelta(days=2 + 7 * i), location="Echo lab")
        for i in range(4)
    ]
    for meeting in meetings:
        meeting.series_id, meeting.recurrence_id = series.id, meeting.starts_at
    meetings[1].status, meetings[1].cancelled_at = EventStatus.CANCELLED, now
    # Unread notices: the navigation's widest case is an admin's, with its count badge.
    from eventsapp.notifications.models import Notification, NotificationKind

    for n in range(12):
        db.session.add(
            Notification(
                user_id=admin.id, kind=NotificationKind.EVENT_CHANGED, message=f"Changed: Echo Teaching Round ({n})"
            )
        )
    db.session.commit()
    to_cancel, to_delete = {}, {}
    for variant in VARIANTS:
        event = add_event(organizer, f"Cancelled Lunch Talk {variant}", "social", at_local(10, 12))
        for n in range(2):
            make_rsvp(event, make_user(f"Lunch Guest {variant} {n}", email=f"lunch-{variant}-{n}@riverside.example"))
        to_cancel[variant] = event.id
        to_delete[variant] = add_event(organizer, f"Unanswered Workshop {variant}", "meeting", at_local(11, 9)).id
    return {
        "door_id": door.id,
        "later_id": later.id,
        "later_opens": later.starts_at - timedelta(minutes=30),
        "ended_id": ended.id,
        "series_id": series.id,
        "meeting_ids": [m.id for m in meetings],
        "to_cancel": to_cancel,
        "to_delete": to_delete,
        "admin_email": admin.email,
    }


def _seed_suggestions(variant: Variant, n: int, organizer) -> None:
    """An intern and a senior who share an interest no other journey uses,
    both going to a workshop of their own."""
    intern = make_user(
        ("Lena Vogt", "Tariq Hassan")[n],
        email=f"suggest-intern-{n}@riverside.example",
        stage="intern",
        interests=["Nephrology"],
    )
    senior = make_user(
        ("Rania Aziz", "Omar Lund")[n],
        email=f"suggest-senior-{n}@riverside.example",
        stage="attending",
        interests=["Nephrology"],
        open_to_interns=True,
        intro_capacity=2,
    )
    workshop = add_event(
        organizer,
        f"Dialysis Access Workshop {n + 1}",
        "meeting",
        at_local(6 + n, 12),
        interests=("Nephrology",),
        location="Renal unit, seminar room",
    )
    make_rsvp(workshop, intern)
    make_rsvp(workshop, senior)
    variant.suggest_intern_email, variant.suggest_senior_name = intern.email, senior.name
    variant.suggest_event_id, variant.suggest_event_title = workshop.id, workshop.title


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The real app under gunicorn (2 workers) on a free port."""

    def __init__(self, database_url: str, instance_path: Path, log_path: Path, settings: dict | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url  # for journeys that add people of their own
        self.instance_path = instance_path
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_hex(32),
            "APP_ENV": "development",
            "APP_TIMEZONE": ZONE,
            **(settings or {}),
        }
        for name in ("MAIL_SERVER", "PROXIES"):  # mail goes to files in the instance folder
            env.pop(name, None)
        factory = f"eventsapp:create_app({{'INSTANCE_PATH': {str(instance_path)!r}}})"
        self.env, self.factory = env, factory
        self.log = open(log_path, "w")  # noqa: SIM115  # the server writes to it until it is stopped
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "--workers",
                "2",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                "60",
                "--no-control-socket",
                factory,
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise

    def run_worker_once(self) -> str:
        """One round of the worker's jobs (`flask worker --once`, as cron
        runs it): mail queued by the site is delivered to the instance folder."""
        done = subprocess.run(
            [sys.executable, "-m", "flask", "--app", self.factory, "worker", "--once"],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        return done.stdout

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}; see {self.log.name}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer within 30 s; see {self.log.name}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
