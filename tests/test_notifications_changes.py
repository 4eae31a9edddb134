"""Change notices say what changed, old and new, and carry the event as
the member's calendar should now show it."""

import email
from dataclasses import replace
from datetime import UTC, datetime, time
from email import policy
from pathlib import Path

import icalendar
import sqlalchemy as sa

from eventsapp.events import services as events
from eventsapp.events.changes import what_changed
from eventsapp.notifications.models import Notification
from eventsapp.rsvps import services as rsvps
from eventsapp.timeutil import utcnow
from tests.factories import make_event, make_user
from tests.outbox import deliver_mail, tell_members

NOW = datetime(2026, 11, 20, 12, tzinfo=UTC)


def fields(start_hour: int, location: str, **extra) -> dict:
    starts_at = datetime(2026, 12, 1, start_hour, 30, tzinfo=UTC)
    return {
        "title": "Grand Rounds",
        "starts_at": starts_at,
        "ends_at": starts_at.replace(hour=start_hour + 1),
        "all_day": False,
        "timezone": "Europe/London",
        "location": location,
        "online_url": "",
        **extra,
    }


def test_a_change_names_the_old_and_new_time_and_place():
    before = fields(7, "Room 4")
    after = fields(
        8, "Auditorium B", starts_at=datetime(2026, 12, 2, 8, tzinfo=UTC), ends_at=datetime(2026, 12, 2, 9, tzinfo=UTC)
    )
    assert [str(c) for c in what_changed(before, after, NOW)] == [
        "Time: Tue 1 Dec, 07:30–08:30 (GMT) → Wed 2 Dec, 08:00–09:00 (GMT)",
        "Place: Room 4 → Auditorium B",
    ]


def test_only_what_changed_is_named():
    before = fields(7, "Room 4")
    assert [str(c) for c in what_changed(before, fields(7, "Room 5"), NOW)] == ["Place: Room 4 → Room 5"]
    assert what_changed(before, fields(7, "Room 4"), NOW) == []
    linked = what_changed(before, fields(7, "Room 4", online_url="https://meet.example/x"), NOW)
    assert [str(c) for c in linked] == ["Online link: none → https://meet.example/x"]


def mails(app) -> list[email.message.EmailMessage]:
    deliver_mail(app)
    folder = Path(app.instance_path) / "mail"
    return [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in folder.glob("*.eml")]


def test_members_are_told_what_changed_in_the_app_and_by_mail(app, session):
    organizer = make_user(role="organizer", stage="attending")
    event = make_event(organizer, title="Grand Rounds", location="Room 4", timezone_name="Europe/London")
    # Noon on a winter day to come, whenever the test runs: moved to 07:30,
    # it stays on its day and in GMT.
    event.starts_at = datetime(utcnow().year + 1, 1, 15, 12, tzinfo=UTC)
    event.ends_at = event.starts_at.replace(hour=13)
    session.commit()
    maya = make_user(email="maya@hospital.example")
    rsvps.respond(session, maya, event.id, "going")
    old_time = events.details_of(event)
    events.update_event(
        session,
        organizer,
        event.id,
        replace(old_time, start_time=time(7, 30), end_time=time(8, 30), location="Auditorium B"),
        version=None,
    )
    assert session.scalars(sa.select(Notification).where(Notification.user_id == maya.id)).all() == []
    tell_members(app)  # (the worker, within a round)
    [notice] = session.scalars(sa.select(Notification).where(Notification.user_id == maya.id))
    assert "Place: Room 4 → Auditorium B" in notice.message
    assert "Time: " in notice.message and "07:30–08:30 (GMT)" in notice.message.split("→")[1]
    [mail] = [m for m in mails(app) if m["Subject"].startswith("Changed")]
    body = mail.get_body().get_content()
    assert "Place: Room 4 → Auditorium B" in body
    [ics] = list(mail.iter_attachments())
    vevent = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert str(vevent["LOCATION"]) == "Auditorium B"


def test_a_cancellation_mail_attaches_the_cancelled_event(app, session):
    organizer = make_user(role="organizer", stage="attending")
    event = make_event(organizer, title="Grand Rounds")
    rsvps.respond(session, make_user(email="maya@hospital.example"), event.id, "going")
    events.cancel_event(session, organizer, event.id)
    [mail] = [m for m in mails(app) if m["Subject"].startswith("Cancelled")]
    [ics] = list(mail.iter_attachments())
    vevent = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert str(vevent["STATUS"]) == "CANCELLED" and str(vevent["UID"]).startswith(f"event-{event.id}@")
