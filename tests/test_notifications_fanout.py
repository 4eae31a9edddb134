"""An event's change or cancellation is stored by the organizer's request
and told to its members by the worker: once each, whatever happens between
(a rollback, two workers, a worker killed mid-way, an account deleted)."""

from __future__ import annotations

import email
import json
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import date, timedelta
from email import policy
from pathlib import Path
from threading import Barrier

import icalendar
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.accounts.privacy import delete_account
from eventsapp.events import recurrence
from eventsapp.events import services as events
from eventsapp.events.editing import Scope
from eventsapp.events.signals import events_cancelled
from eventsapp.extensions import db
from eventsapp.notifications.fanout import expand_pending
from eventsapp.notifications.models import EventFanout, Notification, OutboxMail
from eventsapp.rsvps import services as rsvps
from eventsapp.timeutil import utcnow
from tests.factories import DEFAULT_PASSWORD, make_event, make_rsvp, make_user
from tests.outbox import deliver_mail, tell_members


def notices(session, user_id: int) -> list[str]:
    session.rollback()  # (read what the worker committed)
    return list(
        session.scalars(
            sa.select(Notification.message).where(Notification.user_id == user_id).order_by(Notification.id)
        )
    )


def waiting(session) -> int:
    session.rollback()
    return session.scalar(sa.select(sa.func.count()).select_from(EventFanout))


def queued_to(session, user_id: int) -> int:
    session.rollback()
    return session.scalar(sa.select(sa.func.count()).select_from(OutboxMail).where(OutboxMail.user_id == user_id))


def mails(app) -> list[email.message.EmailMessage]:
    deliver_mail(app)
    folder = Path(app.instance_path) / "mail"
    files = sorted(folder.glob("*.eml")) if folder.exists() else []
    return [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]


@pytest.fixture
def organizer():
    return make_user("Grace Lindqvist", role="organizer", stage="faculty")


def test_the_request_stores_the_cancellation_and_the_worker_tells_each_member_once(app, session, organizer):
    event = make_event(organizer, title="Grand Rounds")
    members = [make_user(email=f"intern{n}@hospital.example") for n in range(3)]
    for member in members:
        make_rsvp(event, member)
    events.cancel_event(session, organizer, event.id)
    assert waiting(session) == 1  # one row for the meeting, however many answered
    assert all(notices(session, m.id) == [] for m in members)
    assert tell_members(app) == 3
    assert all(len(notices(session, m.id)) == 1 for m in members)
    assert waiting(session) == 0
    assert tell_members(app) == 0  # told once: another round finds nothing
    cancelled = [m for m in mails(app) if m["Subject"].startswith("Cancelled: Grand Rounds")]
    assert sorted(m["To"] for m in cancelled) == sorted(m.email for m in members)


def test_a_cancellation_that_rolls_back_leaves_nothing_to_tell(app, session, organizer):
    event = make_event(organizer)
    member = make_user()
    make_rsvp(event, member)

    def fail(_session, **_):
        raise RuntimeError("the change fails after it was announced")

    with events_cancelled.connected_to(fail), pytest.raises(RuntimeError):
        events.cancel_event(session, organizer, event.id)
    session.rollback()
    assert waiting(session) == 0
    assert tell_members(app) == 0
    assert notices(session, member.id) == [] and mails(app) == []


def test_two_workers_at_once_tell_each_member_once(app, session, organizer):
    meetings = [make_event(organizer, title=f"Rounds {n}") for n in range(4)]
    members = [make_user(email=f"member{n}@hospital.example") for n in range(5)]
    for meeting in meetings:
        for member in members:
            make_rsvp(meeting, member)
        events.cancel_event(session, organizer, meeting.id)  # four requests: four batches
    now, barrier = utcnow(), Barrier(2, timeout=30)

    def worker(_):
        barrier.wait()
        with app.app_context(), Session(db.engine) as own:
            return expand_pending(own, now)

    with ThreadPoolExecutor(2) as pool:
        told = list(pool.map(worker, range(2)))
    assert sum(told) == 20
    assert waiting(session) == 0
    for member in members:
        told_of = notices(session, member.id)
        assert sorted(text.split(" (")[0] for text in told_of) == [f"Cancelled: Rounds {n}" for n in range(4)]
        assert queued_to(session, member.id) == 4


KILLED_WORKER = """
import json, sys, threading
from eventsapp import create_app
from eventsapp.extensions import db
from eventsapp.notifications.fanout import expand_pending
from eventsapp.notifications.signals import unread_changed
from eventsapp.timeutil import utcnow

app = create_app(json.loads(sys.argv[1]))


@unread_changed.connect
def hold(user_id, **_):
    # The notices and mails are written, not yet committed: say so, and wait to be killed.
    print("expanding", flush=True)
    threading.Event().wait()


with app.app_context():
    expand_pending(db.session, utcnow())
"""


def test_a_worker_killed_mid_expansion_leaves_it_whole_for_the_next(make_app, database_url):
    from tests.conftest import BASE_CONFIG

    app = make_app()
    with app.app_context():
        event = make_event(make_user(role="organizer", stage="faculty"), title="Grand Rounds")
        members = [make_user().id for _ in range(3)]
        for member in members:
            make_rsvp(event, db.session.get(User, member))
        events.cancel_event(db.session, event.organizer, event.id)
        config = {**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": app.instance_path}
        db.session.remove()
    with subprocess.Popen(
        [sys.executable, "-c", KILLED_WORKER, json.dumps(config)],
        cwd=Path(__file__).resolve().parent.parent,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as worker:
        try:
            first_line = worker.stdout.readline()  # (returns at "expanding", or when the worker dies)
        finally:
            worker.kill()  # SIGKILL, as kill -9
        output = first_line + worker.stdout.read()
    assert first_line == "expanding\n", output
    with app.app_context():
        assert waiting(db.session) == 1  # nothing of the killed expansion was kept ...
        assert all(notices(db.session, m) == [] and queued_to(db.session, m) == 0 for m in members)
        db.session.remove()
    assert tell_members(app) == 3  # ... and the next worker tells everyone, once
    with app.app_context():
        assert all(len(notices(db.session, m)) == 1 and queued_to(db.session, m) == 1 for m in members)
        assert waiting(db.session) == 0
        db.session.remove()


def test_a_member_who_deleted_their_account_in_between_is_not_written_to(app, session, organizer):
    event = make_event(organizer)
    staying, leaving = make_user(email="stays@hospital.example"), make_user(email="leaves@hospital.example")
    make_rsvp(event, staying)
    make_rsvp(event, leaving)
    events.cancel_event(session, organizer, event.id)
    delete_account(session, leaving, DEFAULT_PASSWORD)
    assert tell_members(app) == 1
    assert [m["To"] for m in mails(app)] == ["stays@hospital.example"]


def test_a_member_who_answers_after_a_change_is_not_told_of_it(app, session, organizer):
    event = make_event(organizer, location="Room 4")
    before, after = make_user(), make_user()
    make_rsvp(event, before)
    events.update_event(
        session, organizer, event.id, replace(events.details_of(event), location="Room 5"), version=None
    )
    rsvps.respond(session, after, event.id, "going")  # (the page showed Room 5)
    assert tell_members(app) == 1
    assert notices(session, before.id) == ["Changed: Cardiology Grand Rounds — Place: Room 4 → Room 5"]
    assert notices(session, after.id) == []


def test_two_changes_before_the_worker_runs_each_tell_their_own_old_and_new(app, session, organizer):
    event = make_event(organizer, title="Grand Rounds", location="Room 4")
    member = make_user()
    make_rsvp(event, member)
    for room in ("Room 5", "Room 6"):
        events.update_event(
            session, organizer, event.id, replace(events.details_of(event), location=room), version=None
        )
    tell_members(app)
    assert notices(session, member.id) == [
        "Changed: Grand Rounds — Place: Room 4 → Room 5",
        "Changed: Grand Rounds — Place: Room 5 → Room 6",
    ]
    bodies = [m.get_body().get_content() for m in mails(app) if m["Subject"].startswith("Changed")]
    first = next(b for b in bodies if "Room 4 → Room 5" in b)
    assert "Grand Rounds\n" in first and "\nRoom 5\n" in first  # as the event read after that change


def test_a_series_cancellation_tells_each_member_once_of_all_their_meetings(app, session, organizer):
    start = date.today() + timedelta(days=14)
    made = events.details_of(make_event(organizer))
    # Moved as a whole: made late in the evening, the event may end after midnight.
    end = start + (made.end_date - made.start_date)
    details = replace(made, title="Journal Club", start_date=start, end_date=end)
    first = events.create_event(
        session, organizer, details, recurrence.Recurrence("weekly", 1, start + timedelta(weeks=3))
    )
    meetings = first.series.occurrences
    assert len(meetings) == 4
    regular, once = make_user(email="regular@hospital.example"), make_user(email="once@hospital.example")
    for meeting in meetings:
        make_rsvp(meeting, regular)
    make_rsvp(meetings[2], once)
    events.cancel_event(session, organizer, first.id, scope=Scope.FOLLOWING)
    assert waiting(session) == 4  # one row per meeting, one batch
    assert tell_members(app) == 2
    [for_regular] = notices(session, regular.id)
    assert for_regular.startswith("Cancelled: Journal Club, 4 meetings from")
    assert notices(session, once.id)[0].startswith("Cancelled: Journal Club (")
    [mail] = [m for m in mails(app) if m["To"] == "regular@hospital.example"]
    [ics] = list(mail.iter_attachments())
    vevents = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert len(vevents) == 4 and {str(v["STATUS"]) for v in vevents} == {"CANCELLED"}


def test_telling_members_runs_the_same_statements_for_3_or_30_members(app, session, organizer):
    def statements_for(n_members: int) -> int:
        event = make_event(organizer, title=f"Rounds for {n_members}")
        for _ in range(n_members):
            make_rsvp(event, make_user())
        events.cancel_event(session, organizer, event.id)
        seen = []

        def count(_conn, _cursor, statement, *_):
            seen.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert tell_members(app) == n_members
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        return len(seen)

    assert statements_for(3) == statements_for(30)


@pytest.fixture
def broken_and_fine(session, organizer, monkeypatch):
    """Two cancellations told to one member; telling "Broken" fails until
    `mend()` is called."""
    from eventsapp.notifications import event_notices

    member = make_user()
    for title in ("Broken", "Fine"):
        event = make_event(organizer, title=title)
        make_rsvp(event, member)
        events.cancel_event(session, organizer, event.id)
    tell = event_notices.tell_members

    def fail_for_broken(session, meetings, *args):
        if meetings[0].title == "Broken":
            raise ValueError("cannot be told")
        return tell(session, meetings, *args)

    monkeypatch.setattr(event_notices, "tell_members", fail_for_broken)
    return member, lambda: monkeypatch.setattr(event_notices, "tell_members", tell)


def test_a_change_that_cannot_be_told_yet_is_told_later_and_the_others_go_on(app, session, broken_and_fine, caplog):
    member, mend = broken_and_fine
    now = utcnow()
    assert tell_members(app, now) == 1  # the other change is told all the same
    assert [text.split(" (")[0] for text in notices(session, member.id)] == ["Cancelled: Fine"]
    assert "cannot be told" in caplog.text
    mend()
    assert tell_members(app, now + timedelta(seconds=30)) == 0  # tried again a minute later
    assert tell_members(app, now + timedelta(minutes=1)) == 1
    assert sorted(text.split(" (")[0] for text in notices(session, member.id)) == [
        "Cancelled: Broken",
        "Cancelled: Fine",
    ]
    assert waiting(session) == 0


def test_a_change_that_keeps_failing_is_set_aside_with_its_error(app, session, broken_and_fine):
    from eventsapp.notifications.fanout import MAX_ATTEMPTS

    member, mend = broken_and_fine
    later = utcnow()
    for _ in range(MAX_ATTEMPTS):
        tell_members(app, later)
        later += timedelta(hours=1)
    mend()
    assert tell_members(app, later + timedelta(days=1)) == 0  # no longer tried
    [kept] = session.scalars(sa.select(EventFanout)).all()
    assert kept.attempts == MAX_ATTEMPTS and kept.last_error == "ValueError: cannot be told"
    assert [text.split(" (")[0] for text in notices(session, member.id)] == ["Cancelled: Fine"]
