"""Notifications in the app, and by email through a real SMTP server."""

import socket

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from eventsapp.notifications.models import Notification
from eventsapp.rsvps import services as rsvps
from tests.factories import make_event, make_rsvp, make_user
from tests.outbox import deliver_mail


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def promote_someone(session, waiting_user):
    event = make_event(capacity=1, title="Mentorship Coffee Hour")
    seated = make_user("Seated")
    make_rsvp(event, seated, "going")
    make_rsvp(event, waiting_user, "waitlisted")
    rsvps.respond(session, seated, event.id, "declined")
    return event


def test_promotion_is_emailed_through_the_smtp_server_by_the_outbox(make_app, smtp):
    controller, inbox = smtp
    app = make_app(
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=controller.port,
        MAIL_DEFAULT_SENDER="Mentor Rounds <rounds@hospital.example>",
    )
    with app.app_context():
        from eventsapp.extensions import db

        waiting = make_user("Maya", email="maya@hospital.example")
        promote_someone(db.session, waiting)
    deliver_mail(app)
    [mail] = inbox.messages
    assert mail.rcpt_tos == ["maya@hospital.example"]
    text = mail.content.decode()
    assert "Subject: You have a place: Mentorship Coffee Hour" in text
    assert "moved from the waitlist to going" in text


def test_a_mail_server_that_is_down_loses_nothing_in_the_app(make_app):
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), MAIL_TIMEOUT=1)
    with app.app_context():
        from eventsapp.extensions import db

        waiting = make_user("Maya")
        promote_someone(db.session, waiting)  # does not raise
        notes = db.session.scalars(sa.select(Notification).where(Notification.user_id == waiting.id)).all()
        assert [n.kind for n in notes] == ["promoted"]
    assert deliver_mail(app).retrying == 1  # kept for a later round


def test_members_who_turned_email_off_get_only_the_in_app_notice(make_app, smtp):
    controller, inbox = smtp
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    with app.app_context():
        from eventsapp.extensions import db

        waiting = make_user("Maya")
        waiting.email_notifications = False
        db.session.commit()
        promote_someone(db.session, waiting)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 1
    deliver_mail(app)
    assert inbox.messages == []


def test_no_mail_is_sent_for_a_change_that_was_rolled_back(make_app, smtp):
    controller, inbox = smtp
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    with app.app_context():
        from eventsapp.extensions import db
        from eventsapp.notifications.services import Message, notify

        user = make_user()
        notify(db.session, [user], Message("promoted", "Subject", "Body"))
        db.session.rollback()
        # The session goes on to commit something else: the dropped mail stays dropped.
        user.name = "Renamed"
        db.session.commit()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0
    deliver_mail(app)
    assert inbox.messages == []


def test_without_a_mail_server_mail_is_written_to_the_instance_folder(make_app, tmp_path):
    app = make_app()
    with app.app_context():
        from eventsapp.extensions import db

        promote_someone(db.session, make_user(email="maya@hospital.example"))
    deliver_mail(app)
    [eml] = list((tmp_path / "instance" / "mail").glob("*.eml"))
    assert "To: maya@hospital.example" in eml.read_text()


def test_notification_list_with_unread_count_in_the_navigation(client, auth, session):
    member = make_user(email="maya@hospital.example")
    promote_someone(session, member)
    auth.login("maya@hospital.example")
    home = client.get("/").get_data(as_text=True)
    assert 'class="count-badge">1<' in home
    page = client.get("/notifications").get_data(as_text=True)
    assert "You have a place: Mentorship Coffee Hour" in page and "Unread" in page
    client.post("/notifications/read")
    assert "count-badge" not in client.get("/").get_data(as_text=True)


def test_nobody_reads_anyone_elses_notifications(client, auth, session):
    promote_someone(session, make_user(email="maya@hospital.example"))
    make_user(email="other@hospital.example")
    auth.login("other@hospital.example")
    assert "Coffee Hour" not in client.get("/notifications").get_data(as_text=True)


def test_turning_email_off_on_the_profile(client, auth, session):
    member = make_user(email="maya@hospital.example", stage="intern")
    auth.login("maya@hospital.example")
    client.post(
        "/profile/edit",
        data={
            "name": "Maya",
            "career_stage": "intern",
            "intro_capacity": "3",
            "attendance_visibility": "members",
            "timezone": "",
        },
    )
    session.rollback()
    assert session.get(type(member), member.id).email_notifications is False


def _attachments(envelope):
    import email
    from email import policy

    message = email.message_from_bytes(envelope.content, policy=policy.default)
    return message, [part for part in message.iter_attachments()]


def test_rsvp_confirmation_and_promotion_emails_carry_the_event_as_ics(make_app, smtp):
    import icalendar

    controller, inbox = smtp
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    with app.app_context():
        from eventsapp.extensions import db

        event = make_event(capacity=1, title="Mentorship Coffee Hour")
        first, second = make_user(email="first@hospital.example"), make_user(email="second@hospital.example")
        rsvps.respond(db.session, first, event.id, "going")
        rsvps.respond(db.session, second, event.id, "going")  # waitlisted
        rsvps.respond(db.session, first, event.id, "declined")  # second is promoted
        event_id = event.id
    deliver_mail(app)
    subjects = [(m.rcpt_tos[0], _attachments(m)[0]["Subject"]) for m in inbox.messages]
    assert subjects == [
        ("first@hospital.example", "You're going: Mentorship Coffee Hour"),
        ("second@hospital.example", "On the waitlist: Mentorship Coffee Hour"),
        ("second@hospital.example", "You have a place: Mentorship Coffee Hour, " + subjects[2][1].split(", ", 1)[1]),
    ]
    for envelope in (inbox.messages[0], inbox.messages[2]):
        _, [ics] = _attachments(envelope)
        assert ics.get_content_type() == "text/calendar" and ics.get_filename() == f"event-{event_id}.ics"
        vevent = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
        assert str(vevent["SUMMARY"]) == "Mentorship Coffee Hour"


def test_the_waitlist_email_attaches_a_tentative_event(make_app, smtp):
    import icalendar

    controller, inbox = smtp
    app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    with app.app_context():
        from eventsapp.extensions import db

        event = make_event(capacity=1, title="Coffee Hour")
        rsvps.respond(db.session, make_user(email="a@hospital.example"), event.id, "going")
        rsvps.respond(db.session, make_user(email="b@hospital.example"), event.id, "going")
    deliver_mail(app)
    _, [ics] = _attachments(inbox.messages[1])
    vevent = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert str(vevent["STATUS"]) == "TENTATIVE" and str(vevent["SUMMARY"]) == "Coffee Hour (waitlist)"


def _notice(session, user, message="Cardiology Grand Rounds moved to Room 4", link="/events"):
    notification = Notification(user_id=user.id, kind="event_changed", message=message, link=link)
    session.add(notification)
    session.commit()
    return notification.id


def _read_at(session, notification_id):
    session.rollback()  # see what requests committed
    return session.get(Notification, notification_id).read_at


def test_opening_a_notification_marks_it_read_and_follows_its_link(client, auth, session):
    member = make_user(email="maya@hospital.example")
    opened, other = _notice(session, member, link="/events/7"), _notice(session, member, "A place opened up")
    auth.login("maya@hospital.example")
    page = client.get("/notifications").get_data(as_text=True)
    # Each notification opens through a small POST form (no JavaScript needed): its link is the button.
    assert f'<form method="post" action="/notifications/{opened}/open"' in page
    assert 'class="count-badge">2<' in page
    response = client.post(f"/notifications/{opened}/open")
    assert response.status_code == 302 and response.location == "/events/7"
    assert _read_at(session, opened) is not None and _read_at(session, other) is None
    assert 'class="count-badge">1<' in client.get("/notifications").get_data(as_text=True)


def test_looking_at_notifications_reads_nothing_by_itself(client, auth, session):
    member = make_user(email="maya@hospital.example")
    notification = _notice(session, member)
    auth.login("maya@hospital.example")
    for url in ("/notifications", "/"):
        assert "Cardiology Grand Rounds moved to Room 4" in client.get(url).get_data(as_text=True)
    assert _read_at(session, notification) is None


def test_a_notification_without_a_link_is_marked_read_on_its_own(client, auth, session):
    member = make_user(email="maya@hospital.example")
    notification = _notice(session, member, "Your request expired", link="")
    auth.login("maya@hospital.example")
    assert "Mark as read" in client.get("/notifications").get_data(as_text=True)
    response = client.post(f"/notifications/{notification}/open")
    assert response.location == "/notifications" and _read_at(session, notification) is not None


def test_a_link_that_leaves_the_site_is_never_followed(client, auth, session):
    member = make_user(email="maya@hospital.example")
    notification = _notice(session, member, link="//elsewhere.example/phish")
    auth.login("maya@hospital.example")
    assert client.post(f"/notifications/{notification}/open").location == "/notifications"


def test_nobody_opens_anyone_elses_notification(client, auth, session):
    owner = make_user(email="maya@hospital.example")
    notification = _notice(session, owner)
    make_user(email="other@hospital.example")
    auth.login("other@hospital.example")
    assert client.post(f"/notifications/{notification}/open").status_code == 404
    assert _read_at(session, notification) is None
