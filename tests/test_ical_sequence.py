"""One SEQUENCE per UID, whatever the file: an event's download, the
member's own feed and the mails' attachments agree, and never go down, so
a calendar never keeps an older copy over a newer one."""

import email
import re
from dataclasses import replace
from datetime import date, time, timedelta
from email import policy
from pathlib import Path

import icalendar

from eventsapp.events import services as events
from eventsapp.events.recurrence import Frequency, Recurrence
from eventsapp.ical import services as ical
from eventsapp.rsvps import services as rsvps
from tests.factories import make_event, make_user
from tests.outbox import deliver_mail


class Mailbox:
    """The mails written to the instance folder (no mail server configured)."""

    def __init__(self, app):
        self.app = app
        self.folder = Path(app.instance_path) / "mail"
        self.seen: set[Path] = set()

    def new(self) -> list[email.message.EmailMessage]:
        deliver_mail(self.app)
        files = set(self.folder.glob("*.eml")) - self.seen if self.folder.exists() else set()
        self.seen |= files
        return [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in sorted(files)]


def sequences(ics: bytes) -> dict[str, set[int]]:
    """Every SEQUENCE each UID carries in the file (overrides included)."""
    found: dict[str, set[int]] = {}
    for vevent in icalendar.Calendar.from_ical(ics).walk("VEVENT"):
        found.setdefault(str(vevent["UID"]), set()).add(int(vevent["SEQUENCE"]))
    return found


class Copies:
    """What one member's calendar has received so far, per UID."""

    def __init__(self, client, feed_path: str, email_address: str):
        self.client, self.feed_path, self.email = client, feed_path, email_address
        self.highest: dict[str, int] = {}

    def take(self, uid: str, kinds: dict[str, bytes]) -> int:
        """The files' SEQUENCEs for `uid`: one number across them all, not
        below any this member received before."""
        seen = {kind: sequences(body).get(uid) for kind, body in kinds.items()}
        numbers = set().union(*(s for s in seen.values() if s))
        assert len(numbers) == 1, seen
        [number] = numbers
        assert number >= self.highest.get(uid, 0), (uid, number, self.highest)
        self.highest[uid] = number
        return number


def attachments_to(mails, address: str) -> list[bytes]:
    return [
        part.get_content().encode() if isinstance(part.get_content(), str) else part.get_content()
        for m in mails
        if m["To"] == address
        for part in m.iter_attachments()
        if part.get_content_type() == "text/calendar"
    ]


def test_download_feed_and_mail_carry_one_sequence_that_never_goes_down(app, session, client):
    outsider = app.test_client()
    organizer = make_user("Dr Organizer", role="organizer", stage="attending")
    event = make_event(organizer, title="Grand Rounds", capacity=1)
    maya, noor = make_user(email="maya@hospital.example"), make_user(email="noor@hospital.example")
    uid = f"event-{event.id}@mentor-rounds.local"
    mailbox = Mailbox(app)
    members = {}
    for user in (maya, noor):
        token = ical.feed_token(ical.create_or_rotate(session, user))
        members[user.email] = Copies(outsider, f"/calendar/{token}.ics", user.email)

    def check(*addresses: str) -> None:
        mails = mailbox.new()
        download = outsider.get(f"/events/{event.id}.ics").data
        for address in addresses:
            copies = members[address]
            kinds = {"download": download, "feed": outsider.get(copies.feed_path).data}
            for n, attached in enumerate(attachments_to(mails, address)):
                kinds[f"mail {n}"] = attached
            assert any(k.startswith("mail") for k in kinds), f"no calendar attached for {address}"
            copies.take(uid, kinds)

    rsvps.respond(session, maya, event.id, "going")
    check("maya@hospital.example")
    rsvps.respond(session, noor, event.id, "going")  # waitlisted
    check("noor@hospital.example")
    rsvps.respond(session, maya, event.id, "maybe")  # noor gets the seat
    check("noor@hospital.example")
    rsvps.respond(session, maya, event.id, "going")  # waitlisted now
    check("maya@hospital.example")
    details = events.details_of(session.get(type(event), event.id))
    events.update_event(
        session,
        organizer,
        event.id,
        replace(details, start_time=time(7, 30), end_time=time(8, 30), location="Room 4"),
        version=None,
    )
    check("maya@hospital.example", "noor@hospital.example")
    events.cancel_event(session, organizer, event.id)
    check("maya@hospital.example", "noor@hospital.example")
    assert b"STATUS:CANCELLED" in outsider.get(members["noor@hospital.example"].feed_path).data


def test_a_series_uid_carries_one_sequence_in_every_feed_and_never_goes_down(app, session, client):
    organizer = make_user("Dr Organizer", role="organizer", stage="attending")
    start = date.today() + timedelta(days=7)
    details = events.EventDetails(
        title="Journal Club",
        kind="meeting",
        timezone="America/New_York",
        all_day=False,
        start_date=start,
        start_time=time(7, 30),
        end_date=start,
        end_time=time(8, 30),
        description="",
        location="Library",
        online_url="",
        department_id=None,
        specialty_ids=[],
        capacity=None,
        rsvp_deadline_date=None,
        rsvp_deadline_time=None,
        co_organizer_ids=[],
    )
    first = events.create_event(
        session, organizer, details, Recurrence(Frequency.WEEKLY, 1, start + timedelta(weeks=5))
    )
    uid = f"series-{first.series_id}@mentor-rounds.local"
    meetings = sorted(first.series.occurrences, key=lambda e: e.starts_at)
    highest = 0

    def check() -> None:
        nonlocal highest
        numbers = set()
        for query in ("", "?kind=meeting"):
            numbers |= sequences(client.get(f"/calendar/events.ics{query}").data)[uid]
        assert len(numbers) == 1, numbers
        assert min(numbers) >= highest
        highest = min(numbers)

    check()
    second = meetings[1]
    events.update_event(
        session, organizer, second.id, replace(events.details_of(second), location="Room 4"), version=None
    )
    check()
    third = meetings[2]
    events.update_event(
        session,
        organizer,
        third.id,
        replace(events.details_of(third), start_time=time(9, 0), end_time=time(10, 0)),
        version=None,
    )
    check()
    events.cancel_event(session, organizer, meetings[3].id)
    check()
    assert re.search(rb"RECURRENCE-ID", client.get("/calendar/events.ics").data)


def test_a_download_after_an_answer_is_never_an_older_copy(session, client):
    event = make_event(title="Grand Rounds")
    maya = make_user(email="maya@hospital.example")
    first = client.get(f"/events/{event.id}.ics")
    assert "max-age=0" in first.headers["Cache-Control"]  # the browser asks again every time
    rsvps.respond(session, maya, event.id, "going", now=event.created_at + timedelta(minutes=5))
    again = client.get(f"/events/{event.id}.ics", headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert again.status_code == 200
    uid = f"event-{event.id}@mentor-rounds.local"
    assert max(sequences(again.data)[uid]) > max(sequences(first.data)[uid])
