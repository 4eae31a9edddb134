"""One show rate wherever an event's attendance is counted: its attendee
sheet, its organizer's figures and the program's events agree, never pass
100%, and keep a member who came and then deleted their account."""

from __future__ import annotations

from datetime import timedelta

from eventsapp.accounts.privacy import delete_account
from eventsapp.attendance.models import CheckIn, CheckInMethod
from eventsapp.attendance.services import attendee_sheet
from eventsapp.extensions import db
from eventsapp.program.coordinators import Scope
from eventsapp.program.introducing_events import by_event
from eventsapp.program.organized import organized_figures
from eventsapp.timeutil import utcnow
from tests.factories import DEFAULT_PASSWORD, make_event, make_rsvp, make_user

DAY = timedelta(days=1)


def _check_in(event, user=None, guest=None):
    db.session.add(
        CheckIn(event_id=event.id, user_id=user.id if user else None, guest_name=guest, method=CheckInMethod.ORGANIZER)
    )


def test_every_page_counts_of_those_going_who_came(app):
    organizer = make_user("Olga", role="organizer", stage="faculty")
    event = make_event(organizer, title="Journal club", starts_in=-2 * DAY)
    came, stayed_away, gone = (make_user(name) for name in ("Ann", "Bob", "Dee"))
    walked_in = make_user("Cat")  # came without answering
    for person in (came, stayed_away, gone):
        make_rsvp(event, person)
    for person in (came, walked_in, gone):
        _check_in(event, person)
    _check_in(event, guest="A visitor")
    db.session.commit()
    delete_account(db.session, gone, DEFAULT_PASSWORD)  # her answer and check-in stay, without a name
    db.session.commit()

    now = utcnow()
    sheet = attendee_sheet(db.session, event)
    (group,) = organized_figures(db.session, viewer_id=organizer.id, start=now - 30 * DAY, end=now + DAY, now=now)
    (meeting,) = group.meetings
    (ranked,) = by_event(db.session, Scope(None), start=now - 30 * DAY, now=now, limit=None)
    # Going: Ann, Bob and Dee's kept answer; of them Ann and Dee came: 2 of 3.
    assert sheet.show_rate == meeting.show_rate == ranked.show_rate == 67
    assert meeting.checked_in == 3 and meeting.guests == 1  # Cat counts as checked in, not as going
