"""One-click unsubscribe (RFC 8058): every mail to a member names, in its
headers and its footer, a signed link that turns off the preference its
kind belongs to, without logging in."""

from __future__ import annotations

import email
import re
from datetime import timedelta
from email import policy

import pytest
import sqlalchemy as sa

from eventsapp.events.links import EventLinks
from eventsapp.extensions import db
from eventsapp.notifications.introduction_notices import Kind as IntroKind
from eventsapp.notifications.mail import OutgoingMail, queue_mail
from eventsapp.notifications.models import NotificationKind, OutboxMail
from eventsapp.notifications.reminders import send_due_reminders
from eventsapp.notifications.services import Message, notify
from eventsapp.profiles.models import EventReminders
from eventsapp.rsvps import services as rsvps
from tests.factories import make_event, make_rsvp, make_user

ONE_CLICK = {"List-Unsubscribe": "One-Click"}
LINKS = EventLinks(url_head="https://rounds.example/events/")
EVENT_KINDS = [k for k in NotificationKind.ALL if k != NotificationKind.REMINDER]
INTRO_KINDS = [IntroKind.REQUESTED, IntroKind.ACCEPTED, IntroKind.DECLINED, IntroKind.EXPIRED, IntroKind.ENDED]


def stored(session, user=None) -> list[email.message.EmailMessage]:
    query = sa.select(OutboxMail.message).order_by(OutboxMail.id)
    if user is not None:
        query = query.where(OutboxMail.user_id == user.id)
    return [email.message_from_bytes(raw, policy=policy.default) for raw in session.scalars(query)]


def link_of(mail) -> str:
    [url] = re.findall(r"<([^>]+)>", mail["List-Unsubscribe"])
    return url


def path_of(url: str) -> str:
    return "/unsubscribe/" + url.rsplit("/unsubscribe/", 1)[1]


@pytest.mark.parametrize("kind", EVENT_KINDS + INTRO_KINDS)
def test_every_notice_mail_carries_the_one_click_unsubscribe_for_event_updates(session, kind):
    maya = make_user("Maya", email="maya@hospital.example")
    notify(session, [maya], Message(kind, "Something happened", "Body"))
    session.commit()
    [mail] = stored(session)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = link_of(mail)
    assert url.startswith("http://localhost/unsubscribe/")  # outside a request: the configured site
    body = mail.get_body().get_content()
    assert (
        f"To stop emails about changes to events you answered, your introductions and mentorships, open: {url}" in body
    )


def test_the_rsvp_confirmation_links_on_the_site_the_member_used(session):
    event = make_event(title="Journal Club")
    maya = make_user("Maya", email="maya@hospital.example")
    rsvps.respond(session, maya, event.id, "going", links=LINKS)
    [mail] = stored(session, maya)
    assert link_of(mail).startswith("https://rounds.example/unsubscribe/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_a_reminder_carries_the_unsubscribe_for_reminders(session):
    event = make_event(title="Grand Rounds")
    maya = make_user("Maya", email="maya@hospital.example")
    make_rsvp(event, maya, "going")
    assert send_due_reminders(session, event.starts_at - timedelta(hours=24), LINKS) == 1
    [mail] = stored(session, maya)
    url = link_of(mail)
    assert url.startswith("https://rounds.example/unsubscribe/")
    assert f"To stop emails about event reminders, open: {url}" in mail.get_body().get_content()


def test_mail_to_no_member_has_no_unsubscribe(session):
    queue_mail(session, OutgoingMail(to="someone@hospital.example", subject="Hi", body="Hello"), kind="test")
    session.commit()
    [mail] = stored(session)
    assert mail["List-Unsubscribe"] is None and mail["List-Unsubscribe-Post"] is None
    assert "unsubscribe" not in mail.get_body().get_content()


def _unsubscribe_link(session, user, kind=NotificationKind.EVENT_CHANGED) -> str:
    notify(session, [user], Message(kind, "Something happened", "Body"))
    session.commit()
    return path_of(link_of(stored(session, user)[-1]))


def test_one_click_without_login_stops_event_mail_and_the_next_is_not_queued(client, session):
    maya = make_user("Maya", email="maya@hospital.example")
    path = _unsubscribe_link(session, maya)
    response = client.post(path, data=ONE_CLICK)
    assert response.status_code == 200
    assert "No more emails about changes to events you answered" in response.get_data(as_text=True)
    session.expire_all()
    assert maya.email_notifications is False and maya.profile.event_reminders == EventReminders.DEFAULT
    assert client.post(path, data=ONE_CLICK).status_code == 200  # twice is harmless
    event = make_event(title="Journal Club")
    before = len(stored(session, maya))
    rsvps.respond(session, maya, event.id, "going")
    assert len(stored(session, maya)) == before


def test_one_click_stops_reminders_alone(client, session):
    event = make_event(title="Grand Rounds")
    maya = make_user("Maya", email="maya@hospital.example")
    make_rsvp(event, maya, "going")
    path = _unsubscribe_link(session, maya, NotificationKind.REMINDER)
    assert client.post(path, data=ONE_CLICK).status_code == 200
    session.expire_all()
    assert maya.profile.event_reminders == EventReminders.OFF and maya.email_notifications is True
    assert send_due_reminders(session, event.starts_at - timedelta(hours=24), LINKS) == 0


def test_opening_the_link_asks_first_and_changes_nothing(client, session):
    maya = make_user("Maya", email="maya@hospital.example")
    path = _unsubscribe_link(session, maya)
    page = client.get(path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Stop emails about changes to events you answered, your introductions and mentorships?" in text
    assert "your profile" in text and 'method="post"' in text
    session.expire_all()
    assert maya.email_notifications is True


def test_the_page_button_turns_it_off(client, session):
    maya = make_user("Maya", email="maya@hospital.example")
    path = _unsubscribe_link(session, maya)
    response = client.post(path, follow_redirects=True)
    assert response.request.path == path
    text = response.get_data(as_text=True)
    assert "You will not be emailed about changes to events you answered" in text and "already off" in text
    session.expire_all()
    assert maya.email_notifications is False


def test_forged_cut_or_altered_links_open_nothing(client, session):
    maya = make_user("Maya", email="maya@hospital.example")
    omar = make_user("Omar", email="omar@hospital.example")
    path = _unsubscribe_link(session, maya)
    token = path.rsplit("/", 1)[1]
    payload, signature = token.split(".")
    other = _unsubscribe_link(session, omar, NotificationKind.REMINDER).rsplit("/", 1)[1]
    forged = [
        "not-a-token",
        token[:-3],
        f"{other.split('.')[0]}.{signature}",  # another member's, other kind, this signature
        f"{payload}.{other.split('.')[1]}",
        f"{payload}x.{signature}",
    ]
    for bad in forged:
        assert client.get(f"/unsubscribe/{bad}").status_code == 404, bad
        assert client.post(f"/unsubscribe/{bad}", data=ONE_CLICK).status_code == 404, bad
    session.expire_all()
    assert maya.email_notifications is True and omar.profile.event_reminders == EventReminders.DEFAULT


def test_a_link_from_another_secret_key_opens_nothing(make_app, client, session):
    maya = make_user("Maya", email="maya@hospital.example")
    path = _unsubscribe_link(session, maya)
    other = make_app(SECRET_KEY="another-secret-key-for-this-test-only-0123456789")
    assert other.test_client().post(path, data=ONE_CLICK).status_code == 404


def test_the_link_keeps_working_after_the_member_changes_address(client, session):
    maya = make_user("Maya", email="maya@hospital.example")
    path = _unsubscribe_link(session, maya)
    maya.email = "maya.new@hospital.example"
    session.commit()
    assert client.post(path, data=ONE_CLICK).status_code == 200
    session.expire_all()
    assert maya.email_notifications is False


def test_one_click_needs_no_form_token_but_the_page_form_does(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        maya = make_user("Maya", email="maya@hospital.example")
        path = _unsubscribe_link(db.session, maya)
        client = app.test_client()
        assert client.post(path).status_code == 400  # the page's form without its token
        db.session.expire_all()
        assert maya.email_notifications is True
        assert client.post(path, data=ONE_CLICK).status_code == 200
        db.session.expire_all()
        assert maya.email_notifications is False


def test_the_page_says_what_stays_in_the_app(client, session):
    maya = make_user("Maya", email="maya@hospital.example")
    updates = client.get(_unsubscribe_link(session, maya)).get_data(as_text=True)
    assert "You will still see them in the app" in updates
    reminders = client.get(_unsubscribe_link(session, maya, NotificationKind.REMINDER)).get_data(as_text=True)
    assert "This turns event reminders off, in the app as well." in reminders
    assert "still see them" not in reminders
