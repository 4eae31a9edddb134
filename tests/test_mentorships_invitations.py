"""A senior invites a connected intern to an event; the intern answers from
the notice, and going is their ordinary answer to the event."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventsapp.errors import DomainError, NotFound
from eventsapp.extensions import db
from eventsapp.introductions import services as introductions
from eventsapp.mentorships import invitations
from eventsapp.mentorships.links import InvitationLinks
from eventsapp.mentorships.models import Invitation
from eventsapp.notifications.models import Notification, OutboxMail
from eventsapp.rsvps.models import Rsvp
from tests.factories import make_event, make_rsvp, make_user
from tests.fuzzing import login_as
from tests.mentorship_helpers import connected_pair, mentorship_pair

LINKS = InvitationLinks("/invitations/", "https://rounds.example/invitations/")


def notices(user):
    db.session.rollback()
    return list(db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)))


def count(model):
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_invited_intern_gets_a_notice_and_a_mail_with_the_event_who_invites_and_a_full_link(session):
    request, intern, senior = connected_pair()
    event = make_event(title="Echo Workshop")
    invitation = invitations.invite(session, senior, intern.id, event.id, "Come and say hello", links=LINKS)
    (notice,) = [n for n in notices(intern) if n.kind == "intro_invitation"]
    assert notice.message == "Tomás Ferreira invites you to Echo Workshop"
    assert notice.link == f"/invitations/{invitation.id}" and notice.event_id == event.id
    mail = session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == "intro_invitation")).one()
    text = mail.message.decode()
    assert mail.to_address == intern.email and "Come and say hello" in text
    assert f"https://rounds.example/invitations/{invitation.id}" in text
    assert "/unsubscribe/" in text  # the "updates" preference governs it


def test_an_intern_with_mail_turned_off_still_gets_the_notice_but_no_mail(session):
    request, intern, senior = connected_pair()
    intern.email_notifications = False
    session.commit()
    invitations.invite(session, senior, intern.id, make_event().id, "", links=LINKS)
    assert [n.kind for n in notices(intern)].count("intro_invitation") == 1
    assert session.scalar(sa.select(sa.func.count()).where(OutboxMail.kind == "intro_invitation")) == 0


def test_a_mentor_may_invite_their_intern(session):
    mentorship, intern, senior = mentorship_pair()
    invitation = invitations.invite(session, senior, intern.id, make_event().id, "", links=LINKS)
    assert invitation.state == "sent"


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("cancelled", "was cancelled"),
        ("past", "is over"),
        ("started", "has started"),
        ("missing", "Choose one of the upcoming events"),
    ],
)
def test_an_event_that_takes_no_answers_is_refused_and_nothing_is_saved(session, case, message):
    request, intern, senior = connected_pair()
    event = {
        "cancelled": lambda: make_event(status="cancelled"),
        "past": lambda: make_event(starts_in=timedelta(days=-2)),
        "started": lambda: make_event(starts_in=timedelta(minutes=-10)),
        "missing": lambda: None,
    }[case]()
    with pytest.raises(DomainError, match=message):
        invitations.invite(session, senior, intern.id, event.id if event else 2147483647, "", links=LINKS)
    assert count(Invitation) == 0
    assert not [n for n in notices(intern) if n.kind == "intro_invitation"]


def test_only_connected_interns_can_be_invited(session):
    senior = make_user("Tomás Ferreira", stage="attending", open_to_interns=True)
    stranger = make_user("Ida Intern", stage="intern")
    with pytest.raises(DomainError, match="only colleagues you are connected with"):
        invitations.invite(session, senior, stranger.id, make_event().id, "", links=LINKS)
    request, intern, other_senior = connected_pair(intern_name="Ana", senior_name="Bo")
    introductions.end_connection(session, intern, request.id)
    with pytest.raises(DomainError, match="connected with"):
        invitations.invite(session, other_senior, intern.id, make_event().id, "", links=LINKS)
    assert count(Invitation) == 0


def test_inviting_twice_to_one_event_is_refused_clearly(session):
    request, intern, senior = connected_pair()
    event = make_event(title="Echo Workshop")
    invitations.invite(session, senior, intern.id, event.id, "", links=LINKS)
    with pytest.raises(DomainError, match="You already invited Maya Okafor to Echo Workshop"):
        invitations.invite(session, senior, intern.id, event.id, "", links=LINKS)
    assert count(Invitation) == 1


def test_a_long_note_is_refused(session):
    request, intern, senior = connected_pair()
    with pytest.raises(DomainError, match="under 300"):
        invitations.invite(session, senior, intern.id, make_event().id, "x" * 301, links=LINKS)
    assert count(Invitation) == 0


def test_going_is_the_ordinary_rsvp_and_the_senior_is_told(session):
    request, intern, senior = connected_pair()
    event = make_event(title="Echo Workshop")
    invitation = invitations.invite(session, senior, intern.id, event.id, "", links=LINKS)
    answered = invitations.answer(session, intern, invitation.id, True, links=LINKS)
    assert answered.state == "going" and answered.answered_at is not None
    rsvp = session.scalars(sa.select(Rsvp).where(Rsvp.user_id == intern.id)).one()
    assert rsvp.state == "going" and rsvp.event_id == event.id
    assert "Maya Okafor is going to Echo Workshop" in [n.message for n in notices(senior)]


def test_going_to_a_full_event_puts_the_intern_on_the_waitlist(client, session):
    request, intern, senior = connected_pair()
    event = make_event(title="Echo Workshop", capacity=1)
    make_rsvp(event, make_user())
    invitation = invitations.invite(session, senior, intern.id, event.id, "", links=LINKS)
    invitations.answer(session, intern, invitation.id, True, links=LINKS)
    assert session.scalars(sa.select(Rsvp.state).where(Rsvp.user_id == intern.id)).one() == "waitlisted"
    told = [n.message for n in notices(senior) if n.kind == "intro_invitation_answer"]
    assert told == ["Maya Okafor would like to go to Echo Workshop"]
    login_as(client, intern.id)
    assert "you are on the waitlist" in client.get(f"/invitations/{invitation.id}").get_data(as_text=True)


def test_not_going_leaves_the_events_answers_alone_and_tells_the_senior(session):
    request, intern, senior = connected_pair()
    event = make_event(title="Echo Workshop")
    invitation = invitations.invite(session, senior, intern.id, event.id, "", links=LINKS)
    assert invitations.answer(session, intern, invitation.id, False, links=LINKS).state == "not_going"
    assert count(Rsvp) == 0
    assert "Maya Okafor can't make it to Echo Workshop" in [n.message for n in notices(senior)]


def test_answering_twice_is_refused_and_changes_nothing(session):
    request, intern, senior = connected_pair()
    invitation = invitations.invite(session, senior, intern.id, make_event().id, "", links=LINKS)
    invitations.answer(session, intern, invitation.id, False, links=LINKS)
    with pytest.raises(DomainError, match="already answered"):
        invitations.answer(session, intern, invitation.id, True, links=LINKS)
    assert count(Rsvp) == 0
    assert session.get(Invitation, invitation.id).state == "not_going"


def test_an_invitation_to_a_cancelled_event_can_no_longer_be_answered(session):
    request, intern, senior = connected_pair()
    event = make_event()
    invitation = invitations.invite(session, senior, intern.id, event.id, "", links=LINKS)
    event.status = "cancelled"
    session.commit()
    with pytest.raises(DomainError, match="cancelled"):
        invitations.answer(session, intern, invitation.id, True, links=LINKS)
    assert count(Rsvp) == 0 and session.get(Invitation, invitation.id).state == "sent"


def test_someone_elses_invitation_does_not_exist_for_them(session):
    request, intern, senior = connected_pair()
    invitation = invitations.invite(session, senior, intern.id, make_event().id, "", links=LINKS)
    for outsider in (make_user(), senior):  # the senior reads it but cannot answer for the intern
        with pytest.raises(NotFound):
            invitations.answer(session, outsider, invitation.id, True, links=LINKS)
    with pytest.raises(NotFound):
        invitations.invitation_for(session, make_user().id, invitation.id)
    assert session.get(Invitation, invitation.id).state == "sent"


def test_deleting_the_event_or_an_account_removes_its_invitations(session):
    request, intern, senior = connected_pair()
    event = make_event()
    invitations.invite(session, senior, intern.id, event.id, "", links=LINKS)
    session.delete(event)
    session.commit()
    assert count(Invitation) == 0
    invitations.invite(session, senior, intern.id, make_event().id, "", links=LINKS)
    session.execute(sa.delete(type(intern)).where(type(intern).id == intern.id))
    session.commit()
    assert count(Invitation) == 0


def test_the_intern_answers_going_from_the_notice(client, session):
    request, intern, senior = connected_pair()
    event = make_event(title="Echo Workshop")
    login_as(client, senior.id)
    page = client.get(f"/people/interns/{intern.id}/invite").get_data(as_text=True)
    assert "Echo Workshop" in page and 'name="note"' in page
    sent = client.post(f"/people/interns/{intern.id}/invite", data={"event_id": event.id, "note": "See you there"})
    assert sent.status_code == 302
    invitation = session.scalars(sa.select(Invitation)).one()
    login_as(client, intern.id)
    notice = client.get("/notifications").get_data(as_text=True)
    assert "Tomás Ferreira invites you to Echo Workshop" in notice
    page = client.get(f"/invitations/{invitation.id}").get_data(as_text=True)
    assert "See you there" in page and 'value="going"' in page
    assert client.post(f"/invitations/{invitation.id}/answer", data={"answer": "going"}).status_code == 302
    assert "Your answer: Going" in client.get(f"/invitations/{invitation.id}").get_data(as_text=True)
    again = client.post(f"/invitations/{invitation.id}/answer", data={"answer": "not_going"})
    assert again.status_code == 422 and "already answered" in again.get_data(as_text=True)


def test_a_past_event_posted_to_the_form_is_refused_with_the_form_kept(client, session):
    request, intern, senior = connected_pair()
    past = make_event(title="Old Rounds", starts_in=timedelta(days=-3))
    login_as(client, senior.id)
    response = client.post(f"/people/interns/{intern.id}/invite", data={"event_id": past.id, "note": "Kept note"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "This event is over" in page and "Kept note" in page
    assert count(Invitation) == 0


def test_invitation_links_are_on_the_connections_list_and_the_mentorship_page(client, session):
    mentorship, intern, senior = mentorship_pair()
    login_as(client, senior.id)
    assert f"/people/interns/{intern.id}/invite" in client.get("/introductions").get_data(as_text=True)
    assert f"/people/interns/{intern.id}/invite" in client.get(f"/mentorships/{mentorship.id}").get_data(as_text=True)
    login_as(client, intern.id)
    assert "/invite" not in client.get(f"/mentorships/{mentorship.id}").get_data(as_text=True)


def test_both_downloads_hold_the_invitation(client, session):
    request, intern, senior = connected_pair()
    invitations.invite(session, senior, intern.id, make_event(title="Echo Workshop").id, "Come along", links=LINKS)
    for user, role, other in ((senior, "sent", "Maya Okafor"), (intern, "received", "Tomás Ferreira")):
        login_as(client, user.id)
        (held,) = client.get("/account/export.json").get_json()["mentorships"]["event_invitations"]
        assert (held["role"], held["with"], held["event"], held["note"]) == (role, other, "Echo Workshop", "Come along")
