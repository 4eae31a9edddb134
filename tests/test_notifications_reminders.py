"""Reminders before events: when they go, to whom, and never twice.

Each run is given its `now`; mail is read from the instance folder, where
it is written when no mail server is configured.
"""

from __future__ import annotations

import email
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email import policy
from threading import Barrier
from zoneinfo import ZoneInfo

import icalendar
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.events.links import EventLinks
from eventsapp.extensions import db
from eventsapp.notifications.models import Notification
from eventsapp.notifications.reminders import due_reminders, send_due_reminders
from tests.factories import make_event, make_rsvp, make_user
from tests.outbox import deliver_mail

LINKS = EventLinks(url_head="https://rounds.example/events/")
HOUR = timedelta(hours=1)


@pytest.fixture
def mailbox(app, tmp_path):
    folder = tmp_path / "instance" / "mail"

    def read() -> list[email.message.EmailMessage]:
        deliver_mail(app)  # (as the worker would, once the reminders are queued)
        files = sorted(folder.glob("*.eml")) if folder.exists() else []
        return [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]

    return read


def run(session, now) -> int:
    return send_due_reminders(session, now, LINKS)


def reminders_of(session, user) -> list[str]:
    session.rollback()
    return list(
        session.scalars(
            sa.select(Notification.message)
            .where(Notification.user_id == user.id, Notification.kind == "reminder")
            .order_by(Notification.id)
        )
    )


def test_by_default_a_member_going_is_reminded_24_hours_before(session, mailbox):
    event = make_event(title="Cardiology Grand Rounds", location="Auditorium B")
    maya = make_user("Maya", email="maya@hospital.example")
    make_rsvp(event, maya, "going")
    assert run(session, event.starts_at - 25 * HOUR) == 0  # not yet
    assert run(session, event.starts_at - 24 * HOUR) == 1
    [notice] = reminders_of(session, maya)
    assert notice.startswith("Reminder: Cardiology Grand Rounds, ")
    note = session.scalar(sa.select(Notification).where(Notification.user_id == maya.id))
    assert note.link == f"/events/{event.id}" and note.event_id == event.id
    [mail] = mailbox()
    assert mail["To"] == "maya@hospital.example" and mail["Subject"] == notice
    body = mail.get_body().get_content()
    assert "starts in 24 hours" in body and "Auditorium B" in body
    assert f"See the event: https://rounds.example/events/{event.id}" in body
    assert "https://rounds.example/profile/edit" in body  # how to change reminders
    [ics] = list(mail.iter_attachments())
    assert ics.get_content_type() == "text/calendar" and ics.get_filename() == f"event-{event.id}.ics"
    [vevent] = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Cardiology Grand Rounds"
    assert vevent.decoded("DTSTART") == event.starts_at


def test_the_reminder_says_when_in_the_members_own_time_zone(session, mailbox):
    event = make_event(timezone_name="America/New_York")
    paris = make_user(timezone="Europe/Paris")
    make_rsvp(event, paris)
    run(session, event.starts_at - 2 * HOUR)
    local = event.starts_at.astimezone(ZoneInfo("Europe/Paris"))
    [notice] = reminders_of(session, paris)
    assert f"{local:%H:%M}" in notice and "(CET)" in notice


@pytest.mark.parametrize(
    "choice, reminded_at",
    [
        ("off", []),
        ("1 hour", ["in 1 hour"]),
        ("24 hours", ["in 24 hours"]),
        ("both", ["in 24 hours", "in 1 hour"]),
    ],
)
def test_each_choice_reminds_at_its_leads(session, mailbox, choice, reminded_at):
    event = make_event()
    member = make_user(event_reminders=choice)
    make_rsvp(event, member)
    for before in (25 * HOUR, 23 * HOUR, 2 * HOUR, 30 * timedelta(minutes=1), timedelta(minutes=1)):
        run(session, event.starts_at - before)
    assert run(session, event.starts_at) == 0  # started: nothing more
    bodies = [m.get_body().get_content() for m in mailbox()]
    assert sorted("in 24 hours" if "in 24 hours" in b else "in 1 hour" for b in bodies) == sorted(reminded_at)
    assert len(reminders_of(session, member)) == len(reminded_at)


def test_a_late_run_with_both_leads_sends_only_the_1_hour_reminder(session, mailbox):
    event = make_event()
    make_rsvp(event, make_user(event_reminders="both"))
    assert run(session, event.starts_at - 50 * timedelta(minutes=1)) == 1
    assert run(session, event.starts_at - 40 * timedelta(minutes=1)) == 0
    [mail] = mailbox()
    assert "starts in 1 hour" in mail.get_body().get_content()


def test_a_reminder_whose_moment_passed_long_ago_is_not_sent_after_the_start(session, mailbox):
    event = make_event()
    make_rsvp(event, make_user(event_reminders="24 hours"))
    assert run(session, event.starts_at + timedelta(minutes=5)) == 0  # the run was down until after the start
    assert mailbox() == []


def test_a_member_who_answered_after_the_moment_gets_only_the_later_reminder(session, mailbox):
    event = make_event()
    late = make_user(event_reminders="both")
    make_rsvp(event, late, updated_at=event.starts_at - 3 * HOUR)  # their confirmation just told them
    assert run(session, event.starts_at - 2 * HOUR) == 0
    assert run(session, event.starts_at - 30 * timedelta(minutes=1)) == 1
    assert "starts in 1 hour" in mailbox()[0].get_body().get_content()


def test_waitlisted_members_are_reminded_with_their_place_in_line(session, mailbox):
    event = make_event(capacity=1, title="Coffee Hour")
    make_rsvp(event, make_user())
    waiting = [make_user(f"Waiting {n}") for n in range(3)]
    for user in waiting:  # in this order in line
        make_rsvp(event, user, "waitlisted")
    assert run(session, event.starts_at - 23 * HOUR) == 4
    [third] = reminders_of(session, waiting[2])
    assert third.endswith("you are 3rd on the waitlist")
    [first] = reminders_of(session, waiting[0])
    assert first.endswith("you are 1st on the waitlist")
    mail = next(m for m in mailbox() if m["To"] == waiting[2].email)
    body = mail.get_body().get_content()
    assert "You are 3rd on the waitlist; you will be told if a place frees up." in body
    [ics] = list(mail.iter_attachments())
    assert str(icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]["STATUS"]) == "TENTATIVE"


@pytest.mark.parametrize("answer", ["declined", "maybe"])
def test_members_not_going_or_maybe_get_no_reminder(session, mailbox, answer):
    event = make_event()
    make_rsvp(event, make_user(), answer)
    assert run(session, event.starts_at - 23 * HOUR) == 0
    assert mailbox() == []


def test_a_cancelled_event_sends_no_reminder(session, mailbox):
    event = make_event(status="cancelled")
    make_rsvp(event, make_user())
    assert run(session, event.starts_at - 23 * HOUR) == 0
    assert mailbox() == []


def test_running_twice_reminds_once(session, mailbox):
    event = make_event()
    member = make_user()
    make_rsvp(event, member)
    assert run(session, event.starts_at - 23 * HOUR) == 1
    assert run(session, event.starts_at - 23 * HOUR) == 0
    assert run(session, event.starts_at - 22 * HOUR) == 0
    assert len(reminders_of(session, member)) == 1 and len(mailbox()) == 1


def test_a_new_start_time_arms_the_reminder_again(session, mailbox):
    event = make_event()
    member = make_user()
    make_rsvp(event, member)
    assert run(session, event.starts_at - 23 * HOUR) == 1
    event.starts_at, event.ends_at = event.starts_at + 48 * HOUR, event.ends_at + 48 * HOUR
    session.commit()
    assert run(session, event.starts_at - 23 * HOUR) == 1
    assert run(session, event.starts_at - 22 * HOUR) == 0
    assert len(reminders_of(session, member)) == 2


def test_deleted_accounts_and_events_send_nothing_and_others_still_get_theirs(session, mailbox):
    kept, gone = make_event(title="Kept"), make_event(title="Gone")
    stays, leaves = make_user(email="stays@hospital.example"), make_user()
    for event in (kept, gone):
        make_rsvp(event, stays)
        make_rsvp(event, leaves)
    session.delete(leaves)
    session.delete(gone)
    session.commit()
    assert run(session, kept.starts_at - 23 * HOUR) == 1
    assert [m["To"] for m in mailbox()] == ["stays@hospital.example"]


def test_members_with_email_off_get_the_notice_alone(session, mailbox):
    event = make_event()
    member = make_user()
    member.email_notifications = False
    make_rsvp(event, member)
    assert run(session, event.starts_at - 23 * HOUR) == 1
    assert len(reminders_of(session, member)) == 1 and mailbox() == []


def test_two_runs_at_once_send_each_reminder_once(app, session, mailbox):
    """Two workers, each with its own session and connection, released together."""
    event = make_event()
    members = [make_user() for _ in range(5)]
    for member in members:
        make_rsvp(event, member)
    now = event.starts_at - 23 * HOUR
    barrier = Barrier(2, timeout=30)

    def worker(_):
        barrier.wait()
        with app.app_context(), Session(db.engine) as own:
            return send_due_reminders(own, now, LINKS)

    with ThreadPoolExecutor(2) as pool:
        sent = list(pool.map(worker, range(2)))
    assert sum(sent) == 5
    assert sorted(m["To"] for m in mailbox()) == sorted(m.email for m in members)
    assert all(len(reminders_of(session, m)) == 1 for m in members)


def test_reading_the_due_reminders_takes_the_same_queries_for_one_event_or_many(session):
    def statements_for(n_events):
        events = [make_event(title=f"Rounds {n_events}-{n}", interests=["Cardiology"]) for n in range(n_events)]
        for event in events:
            make_rsvp(event, make_user())
            make_rsvp(event, make_user(), "waitlisted")
        now = events[0].starts_at - 23 * HOUR
        seen = []

        def count(_conn, _cursor, statement, *_):
            seen.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            due = due_reminders(session, now)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        session.rollback()
        return len(due), len(seen)

    assert statements_for(1) == (2, 4)
    assert statements_for(6)[1] == 4


def test_the_command_sends_the_reminders_due_now(app, runner, mailbox):
    event = make_event(starts_in=timedelta(hours=20))
    make_rsvp(event, make_user(), updated_at=event.starts_at - 48 * HOUR)
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0 and "Reminders sent: 1." in result.output
    assert "http://localhost/events/" in mailbox()[0].get_body().get_content()
    assert runner.invoke(args=["send-reminders"]).output.strip() == "Reminders sent: 0."


def test_an_account_deleted_while_the_run_is_under_way_is_skipped_and_the_run_goes_on(session, mailbox, caplog):
    """The member's account disappears between reading the due reminders and
    claiming theirs (as another request could delete it on PostgreSQL): that
    claim fails, is skipped, and the others are sent."""
    event = make_event()
    doomed, other = make_user(email="doomed@hospital.example"), make_user(email="other@hospital.example")
    make_rsvp(event, doomed)
    make_rsvp(event, other)
    doomed_id, deleted = doomed.id, []

    def delete_before_the_claim(conn, _cursor, statement, parameters, *_):
        if deleted or not statement.startswith("INSERT INTO event_reminder"):
            return
        user_id = parameters["user_id"] if isinstance(parameters, dict) else parameters[0]
        if user_id == doomed_id:
            deleted.append(user_id)
            conn.execute(sa.text('DELETE FROM "user" WHERE id = :id'), {"id": doomed_id})

    sa.event.listen(db.engine, "before_cursor_execute", delete_before_the_claim)
    try:
        assert run(session, event.starts_at - 23 * HOUR) == 1
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", delete_before_the_claim)
    assert deleted == [doomed_id]
    assert f"for user {doomed_id} skipped" in caplog.text
    assert [m["To"] for m in mailbox()] == ["other@hospital.example"]
