"""What an organizer's change sets off beyond the event itself: seats for
the waitlist, notices and mail that lead back to the event, and no deleting
an event somebody came to."""

import email
from email import policy
from pathlib import Path

import pytest
import sqlalchemy as sa

from eventsapp.attendance.models import CheckIn
from eventsapp.events import cancelling, signals
from eventsapp.events.models import Event
from eventsapp.notifications.models import Notification
from eventsapp.rsvps.models import Rsvp
from tests.factories import make_event, make_rsvp, make_user
from tests.outbox import deliver_mail
from tests.test_events_views import form, same_times


@pytest.fixture
def organizer(auth):
    user = make_user("Grace Lindqvist", email="grace@hospital.example", role="organizer", stage="faculty")
    auth.login("grace@hospital.example")
    return user


def mails_to(app, address: str) -> list[email.message.EmailMessage]:
    deliver_mail(app)
    found = [
        email.message_from_bytes(f.read_bytes(), policy=policy.default)
        for f in (Path(app.instance_path) / "mail").glob("*.eml")
    ]
    return [m for m in found if m["To"] == address]


def test_growing_capacity_seats_the_first_in_line_and_tells_only_them(client, session, organizer):
    event = make_event(organizer, capacity=1)
    make_rsvp(event, make_user(), "going")
    first, second = make_user("First"), make_user("Second")
    make_rsvp(event, first, "waitlisted")
    make_rsvp(event, second, "waitlisted")
    data = form(title=event.title, capacity="2", version="1", scope="this")
    data.update(same_times(event))
    assert client.post(f"/events/{event.id}/edit", data=data).status_code == 302
    session.rollback()
    states = dict(session.execute(sa.select(Rsvp.user_id, Rsvp.state).where(Rsvp.event_id == event.id)).all())
    assert states[first.id] == "going" and states[second.id] == "waitlisted"
    told = session.execute(sa.select(Notification.user_id, Notification.kind, Notification.link)).all()
    assert told == [(first.id, "promoted", f"/events/{event.id}")]


def test_mail_about_a_cancellation_links_the_event_with_the_sites_address(app, client, session, organizer):
    event = make_event(organizer, title="Grand Rounds")
    going = make_user(email="maya@hospital.example")
    make_rsvp(event, going, "going")
    client.post(f"/events/{event.id}/cancel", data={"scope": "this"})
    [mail] = mails_to(app, "maya@hospital.example")
    assert f"See the event: http://localhost/events/{event.id}\n" in mail.get_body().get_content()
    session.rollback()
    assert session.scalar(sa.select(Notification.link).where(Notification.user_id == going.id)) == f"/events/{event.id}"


def test_mail_confirming_a_place_links_the_event_with_the_sites_address(app, client, auth, session):
    event = make_event(title="Grand Rounds")
    make_user(email="maya@hospital.example")
    auth.login("maya@hospital.example")
    client.post(f"/events/{event.id}/rsvp", data={"state": "going"})
    [mail] = mails_to(app, "maya@hospital.example")
    assert mail["Subject"] == "You're going: Grand Rounds"
    assert f"See the event: http://localhost/events/{event.id}\n" in mail.get_body().get_content()


def test_an_event_somebody_walked_in_to_cannot_be_deleted(client, session, organizer):
    event = make_event(organizer)
    session.add(CheckIn(event_id=event.id, guest_name="A walk-in", method="organizer"))
    session.commit()
    page = client.post(f"/events/{event.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "cancel it instead" in page
    session.rollback()
    assert session.get(Event, event.id) is not None


def test_an_event_is_not_deleted_on_a_question_nobody_heard(session, organizer):
    """Whether anyone answered is asked of the domains above; with nobody
    listening, the delete fails rather than taking the answers with it."""
    event = make_event(organizer)
    make_rsvp(event, make_user("Maya Okafor"), "going")
    with signals.checking_responses.muted(), pytest.raises(RuntimeError, match="Nothing answers"):
        cancelling.delete_event(session, organizer, event.id)
    session.rollback()
    assert session.get(Event, event.id) is not None
    assert session.scalar(sa.select(sa.func.count()).select_from(Rsvp).where(Rsvp.event_id == event.id)) == 1


def test_mail_sent_outside_a_request_links_the_configured_site_in_its_text_and_calendar_file(
    app, session, organizer, monkeypatch
):
    monkeypatch.setitem(app.config, "SERVER_NAME", "rounds.example.org")
    monkeypatch.setitem(app.config, "PREFERRED_URL_SCHEME", "https")
    event = make_event(organizer, title="Grand Rounds")
    make_rsvp(event, make_user(email="maya@hospital.example"), "going")
    cancelling.cancel_event(session, organizer, event.id)
    [mail] = mails_to(app, "maya@hospital.example")
    url = f"https://rounds.example.org/events/{event.id}"
    assert f"See the event: {url}\n" in mail.get_body().get_content()
    [ics] = [part.get_content() for part in mail.iter_attachments() if part.get_content_type() == "text/calendar"]
    assert f"URL:{url}\r\n" in ics.replace("\r\n ", "")
