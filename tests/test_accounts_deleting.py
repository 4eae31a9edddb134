"""What deleting an account sets off in the other domains: the waitlist
moves on and the person seated is told; check-ins stay without a name."""

from datetime import timedelta

import sqlalchemy as sa

from eventsapp.attendance.models import CheckIn
from eventsapp.notifications.models import Notification
from tests.factories import make_event, make_rsvp, make_user


def delete_my_account(client, auth, email: str):
    auth.login(email)
    return client.post("/account/delete", data={"password": "correct horse battery", "confirm": "y"})


def test_the_place_given_up_goes_to_the_first_in_line_who_is_told(client, auth, session):
    event = make_event(capacity=1, title="Coffee Hour")
    leaving = make_user(email="leaving@hospital.example")
    make_rsvp(event, leaving, "going")
    waiting = make_user()
    make_rsvp(event, waiting, "waitlisted")
    assert delete_my_account(client, auth, "leaving@hospital.example").status_code == 302
    session.rollback()
    [(kind, message, link)] = session.execute(
        sa.select(Notification.kind, Notification.message, Notification.link).where(Notification.user_id == waiting.id)
    ).all()
    assert kind == "promoted" and message.startswith("You have a place: Coffee Hour")
    assert link == f"/events/{event.id}"


def test_check_ins_stay_without_the_name_of_who_came_or_who_checked_them_in(client, auth, session):
    past = make_event(title="Past", starts_in=-timedelta(days=3))
    leaving = make_user(email="leaving@hospital.example", role="organizer")
    guest, other = make_user(), make_user()
    session.add_all(
        [
            CheckIn(event_id=past.id, user_id=leaving.id, method="qr"),
            CheckIn(event_id=past.id, user_id=guest.id, method="organizer", checked_in_by_id=leaving.id),
        ]
    )
    session.add(CheckIn(event_id=past.id, user_id=other.id, method="qr"))
    session.commit()
    delete_my_account(client, auth, "leaving@hospital.example")
    session.rollback()
    rows = session.execute(
        sa.select(CheckIn.user_id, CheckIn.guest_name, CheckIn.checked_in_by_id).order_by(CheckIn.id)
    ).all()
    assert rows == [(None, None, None), (guest.id, None, None), (other.id, None, None)]
