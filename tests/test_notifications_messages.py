"""Organizers writing to those going, or to the waitlist, from the attendee
sheet: who receives it, what the mail says, the record, the daily limit
(also with two organizers sending at once), and bad input saving nothing.
Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL."""

from __future__ import annotations

import email
from datetime import timedelta
from email import policy
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from eventsapp.accounts.models import User
from eventsapp.events.links import EventLinks
from eventsapp.notifications import messages
from eventsapp.notifications.models import EventMessage, Notification, OutboxMail
from eventsapp.timeutil import utcnow
from tests.factories import make_event, make_rsvp, make_user
from tests.outbox import deliver_mail
from tests.test_rsvps_concurrency import run_at_once

UTC = ZoneInfo("UTC")


@pytest.fixture
def organizer(auth):
    user = make_user("Grace Lindqvist", email="grace@hospital.example", role="organizer")
    auth.login("grace@hospital.example")
    return user


@pytest.fixture
def event_with_answers(organizer):
    event = make_event(organizer, title="Cardiology Grand Rounds", capacity=2)
    going = [make_user("Ana Going", email="ana@hospital.example"), make_user("Ben Going", email="ben@hospital.example")]
    for user in going:
        make_rsvp(event, user, "going")
    waiting = make_user("Wen Waiting", email="wen@hospital.example")
    make_rsvp(event, waiting, "waitlisted")
    make_rsvp(event, make_user("May Maybe", email="may@hospital.example"), "maybe")
    return event


def counts(session) -> tuple[int, int, int]:
    session.rollback()
    return tuple(
        session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (EventMessage, OutboxMail, Notification)
    )


def delivered(app) -> list[email.message.EmailMessage]:
    deliver_mail(app)
    folder = Path(app.instance_path) / "mail"
    return [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in sorted(folder.glob("*.eml"))]


def post(client, event, **data):
    form = {"audience": "going", "subject": "Room change", "body": "We meet in Room 4 instead.", **data}
    return client.post(f"/events/{event.id}/messages", data=form)


def test_those_going_each_get_one_mail_with_replies_going_to_the_organizer(app, client, event_with_answers):
    response = post(client, event_with_answers)
    assert response.status_code == 302
    mails = delivered(app)
    assert sorted(m["To"] for m in mails) == ["ana@hospital.example", "ben@hospital.example"]
    for mail in mails:
        assert mail["Reply-To"] == "grace@hospital.example"
        assert mail["Subject"] == "Room change"
        body = mail.get_content()
        assert body.startswith("We meet in Room 4 instead.")
        assert "Grace Lindqvist" in body and "Cardiology Grand Rounds" in body
        assert f"/events/{event_with_answers.id}" in body


def test_the_waitlist_alone_receives_a_message_to_the_waitlist(app, client, session, event_with_answers):
    post(client, event_with_answers, audience="waitlisted", subject="A seat may free up")
    assert [m["To"] for m in delivered(app)] == ["wen@hospital.example"]
    session.rollback()
    notices = session.scalars(sa.select(Notification)).all()
    assert [n.user_id for n in notices] == [session.scalar(sa.select(User.id).where(User.name == "Wen Waiting"))]
    assert "A seat may free up" in notices[0].message


def test_a_member_who_stopped_event_mail_sees_the_message_in_the_app_only(app, client, session, event_with_answers):
    ana = session.scalar(sa.select(User).where(User.email == "ana@hospital.example"))
    ana.email_notifications = False
    session.commit()
    post(client, event_with_answers)
    mails = delivered(app)
    assert [m["To"] for m in mails] == ["ben@hospital.example"]
    assert mails[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    session.rollback()
    notices = session.scalars(sa.select(Notification.user_id)).all()
    assert ana.id in notices


def test_the_sheet_lists_the_message_with_its_sender_and_audience(client, event_with_answers):
    post(client, event_with_answers, subject="Slides are online")
    page = client.get(f"/events/{event_with_answers.id}/attendees").get_data(as_text=True)
    history = page[page.index("Messages sent") :]
    assert "Slides are online" in history and "by Grace Lindqvist" in history and "to going (2 people)" in history


def test_the_form_says_how_many_will_receive_it(client, event_with_answers):
    page = client.get(f"/events/{event_with_answers.id}/attendees").get_data(as_text=True)
    assert "Going (2 people will receive it)" in page
    assert "Waitlisted (1 person will receive it)" in page


def test_an_organizer_going_to_their_own_event_is_not_sent_their_message(app, client, organizer, event_with_answers):
    make_rsvp(event_with_answers, organizer, "going")
    post(client, event_with_answers)
    assert "grace@hospital.example" not in [m["To"] for m in delivered(app)]


def test_a_fourth_message_in_a_day_is_refused_with_when_the_next_can_go(client, session, event_with_answers):
    for n in range(3):
        assert post(client, event_with_answers, subject=f"Note {n}").status_code == 302
    response = post(client, event_with_answers, subject="One too many")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "You have sent 3 messages about this event today; the next can go at" in page
    assert "One too many" in page  # the form keeps what was typed
    assert counts(session)[0] == 3


def test_the_limit_counts_a_rolling_day(app, session, organizer, event_with_answers):
    send = lambda now: messages.send_message(  # noqa: E731
        session,
        organizer,
        event_with_answers.id,
        messages.Draft("going", "Note", "Text"),
        links=EventLinks(),
        now=now,
        limit=3,
        zone=UTC,
    )
    start = utcnow().replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(days=2)
    for minutes in (0, 5, 10):
        send(start + timedelta(minutes=minutes))
    with pytest.raises(messages.DailyLimitReached, match="the next can go at 10:00"):
        send(start + timedelta(hours=23, minutes=59))
    send(start + timedelta(hours=24, minutes=1))
    assert counts(session)[0] == 4


def test_two_organizers_sending_at_once_cannot_pass_the_limit(app, session, organizer, event_with_answers):
    co_organizer = make_user("Olu Cohost", role="organizer")
    event_with_answers.co_organizers.append(co_organizer)
    session.commit()
    event_id, senders = event_with_answers.id, [organizer.id, co_organizer.id] * 3

    def send(own_session, sender_id):
        try:
            messages.send_message(
                own_session,
                own_session.get(User, sender_id),
                event_id,
                messages.Draft("going", "At once", "Text"),
                links=EventLinks(),
                now=utcnow(),
                limit=3,
                zone=UTC,
            )
        except messages.DailyLimitReached:
            return "refused"
        return "sent"

    outcomes = run_at_once(app, [(lambda s, u=u: send(s, u)) for u in senders])
    assert sorted(outcomes) == ["refused"] * 3 + ["sent"] * 3
    assert counts(session)[0] == 3


@pytest.mark.parametrize(
    ("data", "says"),
    [
        ({"subject": ""}, "Write a subject."),
        ({"subject": "   "}, "Write a subject."),
        ({"body": ""}, "Write the message."),
        ({"subject": "x" * 151}, "Keep the subject to 150 characters"),
        ({"body": "x" * 5001}, "Keep the message to 5,000 characters"),
        ({"audience": "everyone"}, "Choose who receives the message"),
        ({"audience": "maybe"}, "Choose who receives the message"),
        ({"subject": "Hello\r\nBcc: all@hospital.example"}, "The subject must fit on one line."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_saves_nothing(client, session, event_with_answers, data, says):
    response = post(client, event_with_answers, **data)
    assert response.status_code == 422
    assert says in response.get_data(as_text=True)
    assert counts(session) == (0, 0, 0)


def test_an_empty_audience_is_told_and_nothing_is_saved(client, session, organizer):
    event = make_event(organizer)
    response = post(client, event, audience="waitlisted")
    assert response.status_code == 422
    assert "Nobody is waitlisted: the message was not sent." in response.get_data(as_text=True)
    assert counts(session) == (0, 0, 0)


def test_a_send_that_rolls_back_leaves_no_mail_and_no_record(app, session, organizer, event_with_answers, monkeypatch):
    queued = []

    def queue_then_fail(session, mail, **kwargs):
        if queued:
            raise RuntimeError("the database went away")
        queued.append(real_queue_mail(session, mail, **kwargs))

    real_queue_mail = messages.queue_mail
    monkeypatch.setattr(messages, "queue_mail", queue_then_fail)
    with pytest.raises(RuntimeError):
        messages.send_message(
            session,
            organizer,
            event_with_answers.id,
            messages.Draft("going", "Lost", "Text"),
            links=EventLinks(),
            now=utcnow(),
            limit=3,
            zone=UTC,
        )
    assert queued == [True]  # one mail was queued before the failure...
    assert counts(session) == (0, 0, 0)  # ...and went with the rest


def test_a_cancelled_events_organizer_can_still_write_to_those_who_were_going(app, client, session, event_with_answers):
    event_with_answers.status = "cancelled"
    session.commit()
    assert post(client, event_with_answers, subject="Moved to next week").status_code == 302
    assert len(delivered(app)) == 2


def test_other_people_cannot_write_to_an_events_members(client, auth, session, event_with_answers):
    make_user("Olga Other", email="olga@hospital.example", role="organizer")
    make_user("Ida Intern", email="ida@hospital.example")
    for address, status in (("olga@hospital.example", 403), ("ida@hospital.example", 403)):
        auth.logout()
        auth.login(address)
        assert post(client, event_with_answers).status_code == status
    auth.logout()
    assert post(client, event_with_answers).status_code == 302  # to the login page
    assert counts(session) == (0, 0, 0)


def test_a_member_who_deleted_their_account_is_not_written_to(app, client, auth, session, event_with_answers):
    auth.logout()
    auth.login("ben@hospital.example")
    client.post("/account/delete", data={"password": "correct horse battery", "confirm": "y"})
    auth.login("grace@hospital.example")
    post(client, event_with_answers)
    # Ben is gone; Wen, first in line, took his seat and is going now.
    assert sorted(m["To"] for m in delivered(app) if m["Subject"] == "Room change") == [
        "ana@hospital.example",
        "wen@hospital.example",
    ]


def test_a_message_stays_listed_when_its_writer_deletes_their_account(client, auth, session, organizer):
    event = make_event(organizer)
    co_organizer = make_user("Olu Cohost", email="olu@hospital.example", role="organizer")
    event.co_organizers.append(co_organizer)
    make_rsvp(event, make_user("Ana Going"), "going")
    session.commit()
    auth.logout()
    auth.login("olu@hospital.example")
    post(client, event, subject="From Olu")
    client.post("/account/delete", data={"password": "correct horse battery", "confirm": "y"})
    auth.login("grace@hospital.example")
    page = client.get(f"/events/{event.id}/attendees").get_data(as_text=True)
    assert "From Olu" in page and "by a deleted account" in page


def test_direction_and_control_characters_leave_the_subject_as_they_leave_all_typed_text(
    app, client, event_with_answers
):
    # An isolate pair or an override would make the mail's subject read
    # otherwise than the sheet shows it; nobody means to type them.
    post(client, event_with_answers, subject="Slides \u2066online\u2069 \u202enow", body="See\r\nyou\u202e there")
    page = client.get(f"/events/{event_with_answers.id}/attendees").get_data(as_text=True)
    assert "<strong>Slides online now</strong>" in page
    mails = delivered(app)
    assert {m["Subject"] for m in mails} == {"Slides online now"}
    assert "See\nyou there" in mails[0].get_content()
