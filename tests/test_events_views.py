"""Organizers publish and manage events through the pages."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from eventsapp.events.models import Event, Series
from eventsapp.notifications.models import Notification
from eventsapp.rsvps.models import Rsvp
from tests.factories import make_event, make_rsvp, make_user, specialty
from tests.outbox import tell_members

NEXT_MONTH = date.today() + timedelta(days=30)


@pytest.fixture
def organizer(auth):
    user = make_user("Grace Lindqvist", email="grace@hospital.example", role="organizer", stage="faculty")
    auth.login("grace@hospital.example")
    return user


def form(**changes):
    data = {
        "title": "Cardiology Grand Rounds",
        "kind": "meeting",
        "timezone": "America/New_York",
        "start_date": NEXT_MONTH.isoformat(),
        "start_time": "07:30",
        "end_date": "",
        "end_time": "08:30",
        "location": "Auditorium B",
        "online_url": "",
        "department_id": "",
        "capacity": "",
        "rsvp_deadline_date": "",
        "rsvp_deadline_time": "",
        "description": "",
        "repeat": "none",
        "repeat_interval": "1",
        "repeat_until": "",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def events(session):
    session.rollback()
    return session.scalars(sa.select(Event).order_by(Event.starts_at)).all()


def test_organizer_publishes_an_event_stored_in_utc_and_shown_in_local_time(client, session, organizer):
    cardio = specialty("Cardiology")
    response = client.post(
        "/events/new", data=form(specialty_ids=[str(cardio.id)], capacity="40", description="Bring questions.")
    )
    assert response.status_code == 302
    [event] = events(session)
    assert event.starts_at.hour in (11, 12) and event.starts_at.minute == 30  # 07:30 New York in UTC
    assert event.capacity == 40 and [s.name for s in event.specialties] == ["Cardiology"]
    page = client.get(response.location).get_data(as_text=True)
    assert "Cardiology Grand Rounds" in page and "07:30–08:30" in page and "Bring questions." in page
    assert "0 going of 40 places" in page


def test_members_cannot_create_events(client, auth):
    make_user(email="intern@hospital.example")
    auth.login("intern@hospital.example")
    assert client.get("/events/new").status_code == 403
    assert client.post("/events/new", data=form()).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in_to_create(client):
    response = client.get("/events/new")
    assert response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"title": ""}, "Enter the event&#39;s title."),
        ({"title": "t" * 201}, "at most 200 characters"),
        ({"end_time": "07:00"}, "must end after it starts"),
        ({"end_date": (NEXT_MONTH - timedelta(days=1)).isoformat()}, "must end after it starts"),
        ({"start_date": "31/12/2026"}, "Enter a date like 2026-12-03."),
        ({"start_date": ""}, "Enter the date the event starts."),
        ({"start_time": "25:99"}, "Enter a time like 07:30."),
        ({"timezone": "Mars/Base"}, "Choose a time zone from the list."),
        ({"timezone": "a" * 300}, "Choose a time zone from the list."),
        ({"capacity": "-1"}, "between 1 and 10000"),
        ({"capacity": "0"}, "between 1 and 10000"),
        ({"capacity": "many"}, "Enter a whole number."),
        ({"location": "", "online_url": ""}, "Add a location, an online meeting link, or both."),
        ({"online_url": "javascript:alert(1)"}, "Enter a web address starting with https://"),
        ({"online_url": "https://x.example/" + "a" * 500}, "at most 500 characters"),
        ({"rsvp_deadline_date": (NEXT_MONTH + timedelta(days=1)).isoformat()}, "RSVP deadline must be before"),
        ({"kind": "party"}, "Choose the kind of event."),
        ({"department_id": "99999"}, "Choose a department from the list."),
        ({"specialty_ids": ["abc"]}, "Choose specialties from the list."),
        ({"co_organizer_ids": ["99999"]}, "Choose co-organizers from the list of organizers."),
        ({"description": "d" * 10_001}, "at most 10000 characters"),
        ({"repeat": "weekly", "repeat_until": ""}, "Choose the date of the last meeting."),
        ({"repeat": "weekly", "repeat_until": "2099-01-01"}, "at most 120"),
    ],
)
def test_bad_input_is_explained_and_nothing_is_saved(client, session, organizer, changes, message):
    response = client.post("/events/new", data=form(**changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert events(session) == []


def test_a_weekly_series_makes_one_event_per_meeting(client, session, organizer):
    until = NEXT_MONTH + timedelta(days=21)
    response = client.post("/events/new", data=form(repeat="weekly", repeat_until=until.isoformat()))
    assert response.status_code == 302
    meetings = events(session)
    assert len(meetings) == 4 and len({e.series_id for e in meetings}) == 1
    assert all(e.recurrence_id == e.starts_at for e in meetings)
    series = session.get(Series, meetings[0].series_id)
    assert series.rrule.startswith("FREQ=WEEKLY;BYDAY=")
    assert "Every " in client.get(response.location).get_data(as_text=True)


def test_all_day_conference_over_two_days(client, session, organizer):
    client.post(
        "/events/new",
        data=form(
            kind="conference",
            all_day="y",
            start_time="",
            end_time="",
            end_date=(NEXT_MONTH + timedelta(days=1)).isoformat(),
        ),
    )
    [event] = events(session)
    assert event.all_day and event.ends_at - event.starts_at == timedelta(days=2)


def test_all_day_events_are_held_to_the_longest_event_too(client, session, organizer):
    def all_day(days):
        return form(
            kind="conference",
            all_day="y",
            start_time="",
            end_time="",
            end_date=(NEXT_MONTH + timedelta(days=days - 1)).isoformat(),
        )

    response = client.post("/events/new", data=all_day(32))
    assert response.status_code == 422 and "An event can last at most 31 days." in response.get_data(as_text=True)
    assert events(session) == []
    assert client.post("/events/new", data=all_day(31)).status_code == 302
    [event] = events(session)
    local = ZoneInfo("America/New_York")
    assert event.all_day and event.starts_at.astimezone(local).date() == NEXT_MONTH
    assert event.ends_at.astimezone(local).date() == NEXT_MONTH + timedelta(days=31)  # midnight after the last day


def test_an_all_day_event_saved_longer_before_the_limit_can_still_be_edited(client, session, organizer):
    client.post("/events/new", data=form(kind="conference", all_day="y", start_time="", end_time=""))
    [event] = events(session)
    # As saved before all-day events were held to 31 days: 60 days long.
    last_day = NEXT_MONTH + timedelta(days=59)
    event.ends_at = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=ZoneInfo("America/New_York"))
    session.commit()

    def edit(**changes):
        return client.post(
            f"/events/{event.id}/edit",
            data=form(
                **{
                    "kind": "conference",
                    "all_day": "y",
                    "start_time": "",
                    "end_time": "",
                    "end_date": last_day.isoformat(),
                    "version": str(event.version),
                    **changes,
                }
            ),
        )

    assert edit(title="Residents' Research Month").status_code == 302
    [event] = events(session)
    assert event.title == "Residents' Research Month"
    response = edit(end_date=(last_day + timedelta(days=1)).isoformat())
    assert response.status_code == 422 and "An event can last at most 31 days." in response.get_data(as_text=True)


def test_co_organizers_may_manage_and_other_organizers_may_not(client, auth, session):
    owner = make_user(email="owner@hospital.example", role="organizer")
    helper = make_user(email="helper@hospital.example", role="organizer")
    make_user(email="other@hospital.example", role="organizer")
    event = make_event(owner, co_organizers=[helper])
    auth.login("other@hospital.example")
    for url in (
        f"/events/{event.id}/edit",
        f"/events/{event.id}/attendees",
        f"/events/{event.id}/attendees.csv",
        f"/events/{event.id}/qr",
    ):
        assert client.get(url).status_code == 403, url
    for url in (f"/events/{event.id}/cancel", f"/events/{event.id}/delete", f"/events/{event.id}/check-ins"):
        assert client.post(url).status_code == 403, url
    auth.logout()
    auth.login("helper@hospital.example")
    assert client.get(f"/events/{event.id}/edit").status_code == 200
    assert "Organizer tools" in client.get(f"/events/{event.id}").get_data(as_text=True)


def test_admins_may_manage_any_event(client, auth):
    event = make_event()
    make_user(email="admin@hospital.example", role="admin")
    auth.login("admin@hospital.example")
    assert client.get(f"/events/{event.id}/edit").status_code == 200


def test_editing_the_time_bumps_the_revision_and_tells_those_going(client, session, organizer):
    event = make_event(organizer)
    intern = make_user("Maya")
    make_rsvp(event, intern, "going")
    page = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in page
    response = client.post(
        f"/events/{event.id}/edit",
        data=form(
            title=event.title,
            start_date=NEXT_MONTH.isoformat(),
            start_time="09:00",
            end_time="10:00",
            version="1",
            scope="this",
        ),
    )
    assert response.status_code == 302
    session.rollback()
    changed = session.get(Event, event.id)
    assert changed.revision == 1 and changed.version == 2
    tell_members(client.application)  # (the worker, within a round)
    [note] = session.scalars(sa.select(Notification).where(Notification.user_id == intern.id)).all()
    assert note.kind == "event_changed" and "09:00" in note.message


def same_times(event) -> dict:
    """The event's own start and end as the edit form shows them (the end may
    fall on the next day when the test runs late in the evening)."""
    zone = ZoneInfo("America/New_York")
    start, end = event.starts_at.astimezone(zone), event.ends_at.astimezone(zone)
    return {
        "start_date": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_date": end.date().isoformat(),
        "end_time": end.strftime("%H:%M"),
    }


def test_changing_only_the_capacity_does_not_bump_the_calendar_revision(client, session, organizer):
    event = make_event(organizer, capacity=5)
    data = form(title=event.title, capacity="8", version="1", scope="this")
    data.update(same_times(event))
    client.post(f"/events/{event.id}/edit", data=data)
    session.rollback()
    event = session.get(Event, event.id)
    assert event.capacity == 8 and event.revision == 0 and event.version == 2


def test_raising_capacity_promotes_from_the_waitlist(client, session, organizer):
    event = make_event(organizer, capacity=1)
    seated, waiting = make_user(), make_user()
    make_rsvp(event, seated, "going")
    make_rsvp(event, waiting, "waitlisted")
    data = form(title=event.title, capacity="2", version="1", scope="this")
    data.update(same_times(event))
    client.post(f"/events/{event.id}/edit", data=data)
    session.rollback()
    assert session.scalar(sa.select(Rsvp.state).where(Rsvp.user_id == waiting.id)) == "going"


def test_capacity_below_those_already_going_is_refused(client, session, organizer):
    event = make_event(organizer, capacity=5)
    for _ in range(3):
        make_rsvp(event, make_user(), "going")
    response = client.post(f"/events/{event.id}/edit", data=form(title=event.title, capacity="2", version="1"))
    assert response.status_code == 422
    assert "3 people are already going" in response.get_data(as_text=True)


def test_a_form_from_an_older_version_is_refused_and_nothing_saved(client, session, organizer):
    event = make_event(organizer)
    client.post(f"/events/{event.id}/edit", data=form(title="First edit", version="1"))
    response = client.post(
        f"/events/{event.id}/edit", data=form(title="Stale edit", version="1"), follow_redirects=True
    )
    assert "Someone else changed this event" in response.get_data(as_text=True)
    session.rollback()
    assert session.get(Event, event.id).title == "First edit"


def test_cancelling_keeps_everything_tells_everyone_and_refuses_new_answers(client, auth, session, organizer):
    event = make_event(organizer)
    going = make_user("Going")
    make_rsvp(event, going, "going")
    response = client.post(f"/events/{event.id}/cancel", data={"scope": "this"}, follow_redirects=True)
    assert "The event is cancelled." in response.get_data(as_text=True)
    session.rollback()
    event = session.get(Event, event.id)
    assert event.is_cancelled and event.revision == 1
    assert session.scalar(sa.select(sa.func.count()).select_from(Rsvp)) == 1
    tell_members(client.application)
    assert session.scalar(sa.select(Notification.kind).where(Notification.user_id == going.id)) == "event_cancelled"
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "This event is cancelled." in page
    assert "Cancelled" in client.get("/events").get_data(as_text=True)
    auth.logout()
    make_user(email="late@hospital.example")
    auth.login("late@hospital.example")
    page = client.post(f"/events/{event.id}/rsvp", data={"state": "going"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "cancelled" in page
    assert session.scalar(sa.select(sa.func.count()).select_from(Rsvp)) == 1


def test_an_event_can_be_deleted_only_while_nobody_answered(client, session, organizer):
    quiet, answered = make_event(organizer), make_event(organizer)
    make_rsvp(answered, make_user(), "maybe")
    assert client.post(f"/events/{quiet.id}/delete").status_code == 302
    page = client.post(f"/events/{answered.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "cancel it instead" in page
    assert [e.id for e in events(session)] == [answered.id]


def test_duplicating_fills_the_form_with_the_original(client, organizer):
    event = make_event(organizer, title="Journal Club", capacity=12, location="Library")
    page = client.get(f"/events/new?from={event.id}").get_data(as_text=True)
    assert 'value="Journal Club"' in page and 'value="12"' in page and 'value="Library"' in page
    assert client.get("/events/new?from=99999").status_code == 404


def _series(client, session, weeks=4):
    until = NEXT_MONTH + timedelta(days=7 * (weeks - 1))
    client.post("/events/new", data=form(repeat="weekly", repeat_until=until.isoformat()))
    return events(session)


def _edit_data(event, **changes):
    local = event.starts_at.astimezone(ZoneInfo("America/New_York"))
    data = form(
        title=event.title,
        start_date=local.date().isoformat(),
        start_time="07:30",
        end_time="08:30",
        version=str(event.version),
        scope="this",
    )
    data.update(changes)
    return data


def test_editing_one_meeting_of_a_series_leaves_the_others(client, session, organizer):
    meetings = _series(client, session)
    client.post(f"/events/{meetings[1].id}/edit", data=_edit_data(meetings[1], location="Room 12"))
    after = events(session)
    assert [e.location for e in after] == ["Auditorium B", "Room 12", "Auditorium B", "Auditorium B"]
    assert [e.is_exception for e in after] == [False, True, False, False]
    assert len({e.series_id for e in after}) == 1


def test_editing_this_and_following_splits_the_series(client, session, organizer):
    meetings = _series(client, session)
    response = client.post(
        f"/events/{meetings[2].id}/edit",
        data=_edit_data(meetings[2], start_time="08:00", end_time="09:00", scope="following"),
    )
    assert response.status_code == 302
    after = events(session)
    assert [e.starts_at.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M") for e in after] == [
        "07:30",
        "07:30",
        "08:00",
        "08:00",
    ]
    old, new = session.get(Series, after[0].series_id), session.get(Series, after[2].series_id)
    assert old.id != new.id and after[3].series_id == new.id
    assert old.until < after[2].starts_at.date() and new.starts_at == after[2].starts_at
    assert all(e.recurrence_id == e.starts_at for e in after[2:])


def test_cancelling_this_and_following_meetings(client, session, organizer):
    meetings = _series(client, session)
    client.post(f"/events/{meetings[1].id}/cancel", data={"scope": "following"})
    assert [e.is_cancelled for e in events(session)] == [False, True, True, True]


def test_one_answer_covers_every_upcoming_meeting_of_a_series(client, auth, session, organizer):
    meetings = _series(client, session)
    meetings[0].capacity = 1
    session.commit()
    make_rsvp(meetings[0], make_user(), "going")
    auth.logout()
    intern = make_user(email="intern@hospital.example")
    auth.login("intern@hospital.example")
    page = client.post(
        f"/series/{meetings[0].series_id}/rsvp",
        data={"state": "going", "event_id": meetings[0].id},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "Answered 4 upcoming meetings: going to 3, on the waitlist for 1." in page
    # Each meeting can still be answered on its own.
    client.post(f"/events/{meetings[2].id}/rsvp", data={"state": "declined"})
    session.rollback()
    states = [
        session.scalar(sa.select(Rsvp.state).where(Rsvp.event_id == m.id, Rsvp.user_id == intern.id)) for m in meetings
    ]
    assert states == ["waitlisted", "going", "declined", "going"]


def test_following_edit_refuses_a_capacity_below_any_meetings_attendance(client, session, organizer):
    meetings = _series(client, session)
    for _ in range(3):
        make_rsvp(meetings[3], make_user(), "going")
    response = client.post(
        f"/events/{meetings[1].id}/edit", data=_edit_data(meetings[1], capacity="2", scope="following")
    )
    assert response.status_code == 422 and "3 people are already going" in response.get_data(as_text=True)
    assert all(e.capacity is None for e in events(session))


def test_following_edit_moves_each_meeting_from_where_it_is_now(client, session, organizer):
    meetings = _series(client, session)
    moved_day = (meetings[1].starts_at.astimezone(ZoneInfo("America/New_York")) + timedelta(days=2)).date()
    client.post(
        f"/events/{meetings[1].id}/edit", data=_edit_data(meetings[1], start_date=moved_day.isoformat())
    )  # this one only
    session.rollback()
    moved = session.get(Event, meetings[1].id)
    before = [e.starts_at for e in events(session)]
    client.post(
        f"/events/{moved.id}/edit",
        data=_edit_data(moved, start_date=moved_day.isoformat(), title="Renamed Rounds", scope="following"),
    )
    after = events(session)
    assert [e.starts_at for e in after] == before
    assert [e.title for e in after] == ["Cardiology Grand Rounds"] + ["Renamed Rounds"] * 3


def test_a_co_organizer_of_one_meeting_cannot_change_the_following_ones(client, auth, session, organizer):
    meetings = _series(client, session)
    helper = make_user(email="helper@hospital.example", role="organizer")
    meetings[1].co_organizers = [helper]
    session.commit()
    auth.logout()
    auth.login("helper@hospital.example")
    client.post(f"/events/{meetings[1].id}/cancel", data={"scope": "following"})
    response = client.post(
        f"/events/{meetings[1].id}/edit", data=_edit_data(meetings[1], title="Taken over", scope="following")
    )
    assert response.status_code in (302, 403, 422)
    after = events(session)
    assert [e.is_cancelled for e in after] == [False, False, False, False]
    assert [e.title for e in after].count("Taken over") == 0


def test_monthly_series_cannot_move_all_following_meetings_to_another_day(client, session, organizer):
    client.post("/events/new", data=form(repeat="monthly", repeat_until=(NEXT_MONTH + timedelta(days=100)).isoformat()))
    meetings = events(session)
    next_day = (meetings[1].starts_at.astimezone(ZoneInfo("America/New_York")) + timedelta(days=1)).date()
    response = client.post(
        f"/events/{meetings[1].id}/edit",
        data=_edit_data(meetings[1], start_date=next_day.isoformat(), scope="following"),
    )
    assert response.status_code == 422 and "monthly series" in response.get_data(as_text=True)


def test_a_following_cancellation_tells_each_person_once(client, session, organizer):
    meetings = _series(client, session)
    regular = make_user("Regular")
    for meeting in meetings:
        make_rsvp(meeting, regular, "going")
    client.post(f"/events/{meetings[0].id}/cancel", data={"scope": "following"})
    tell_members(client.application)
    session.rollback()
    [note] = session.scalars(sa.select(Notification).where(Notification.user_id == regular.id)).all()
    assert "4 meetings from" in note.message


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"start_date": "9999-12-31"}, "Enter a date between 1900 and 2200."),
        ({"start_date": "0001-01-01"}, "Enter a date between 1900 and 2200."),
        ({"start_date": "2199-01-01"}, "within 5 years back and 10 years ahead"),
        ({"all_day": "y", "start_time": "", "end_time": "", "start_date": "2200-12-31"}, "10 years ahead"),
    ],
)
def test_dates_nobody_means_are_refused_not_crashed_on(client, session, organizer, changes, message):
    response = client.post("/events/new", data=form(**changes))
    assert response.status_code == 422 and message in response.get_data(as_text=True)


def test_a_mangled_version_field_is_not_a_crash(client, session, organizer):
    event = make_event(organizer)
    response = client.post(f"/events/{event.id}/edit", data=form(title="Edited", version="abc"))
    assert response.status_code in (302, 422)


def test_cancel_asks_first_and_says_how_many_will_be_told(client, session, organizer):
    event = make_event(organizer)
    make_rsvp(event, make_user("Going"), "going")
    make_rsvp(event, make_user("Maybe"), "maybe")
    make_rsvp(event, make_user("Not going"), "declined")
    page = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert f'href="/events/{event.id}/cancel"' in page
    assert f'action="/events/{event.id}/cancel"' not in page  # no one-click cancel
    confirm = client.get(f"/events/{event.id}/cancel")
    text = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "Cancel this event?" in text
    assert "2 people answered and will be told." in text
    assert f'method="post" action="/events/{event.id}/cancel"' in text and "Yes, cancel the event" in text
    assert not session.get(Event, event.id).is_cancelled  # asking changed nothing


def test_cancelling_a_meeting_asks_which_and_counts_each_choice(client, session, organizer):
    meetings = _series(client, session)
    make_rsvp(meetings[1], make_user("Only second"), "going")
    regular = make_user("Regular")
    for meeting in meetings[1:]:
        make_rsvp(meeting, regular, "going")
    text = client.get(f"/events/{meetings[1].id}/cancel").get_data(as_text=True)
    assert "Cancel this meeting?" in text
    assert "This meeting only (2 people told)" in text
    assert "This and the 2 following meetings (2 people told)" in text


def test_delete_asks_first_and_only_while_nobody_answered(client, session, organizer):
    quiet, answered = make_event(organizer), make_event(organizer)
    make_rsvp(answered, make_user(), "maybe")
    assert f'href="/events/{quiet.id}/delete"' in client.get(f"/events/{quiet.id}").get_data(as_text=True)
    text = client.get(f"/events/{quiet.id}/delete").get_data(as_text=True)
    assert "Delete this event?" in text and f'method="post" action="/events/{quiet.id}/delete"' in text
    assert len(events(session)) == 2
    refused = client.get(f"/events/{answered.id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "cancel it instead" in refused


def test_series_page_lists_its_meetings_with_cancelled_ones_marked(client, session, organizer):
    meetings = _series(client, session)
    client.post(f"/events/{meetings[2].id}/cancel", data={"scope": "this"})
    show = client.get(f"/events/{meetings[0].id}").get_data(as_text=True)
    assert f'href="/events/series/{meetings[0].series_id}"' in show
    text = client.get(f"/events/series/{meetings[0].series_id}").get_data(as_text=True)
    links = [text.index(f'href="/events/{m.id}"') for m in meetings]
    assert links == sorted(links)
    assert text.count("Cancelled</span>") == 1
    cancelled_row = text[links[2] : links[3]]
    assert "Cancelled" in cancelled_row
    assert "Every " in text and "4 meetings" in text
    assert client.get("/events/series/999999").status_code == 404


def test_my_events_offers_the_members_own_feed_not_the_public_one(client, auth, session):
    from eventsapp.ical import services as ical

    member = make_user(email="kim@hospital.example")
    auth.login("kim@hospital.example")
    page = client.get("/events?scope=mine").get_data(as_text=True)
    assert "/calendar/events.ics" not in page and 'href="/profile#calendar"' in page
    token = ical.feed_token(ical.create_or_rotate(session, member))
    response = client.get("/events?scope=mine")
    assert f"/calendar/{token}.ics" in response.get_data(as_text=True)
    assert "/calendar/events.ics" not in response.get_data(as_text=True)
    assert "no-store" in response.headers["Cache-Control"]
    assert "/calendar/events.ics" in client.get("/events").get_data(as_text=True)


def test_event_filters_fold_behind_a_filters_control_open_while_filtering(client):
    page = client.get("/events").get_data(as_text=True)
    assert '<details class="filter-panel" ' in page and "<summary>Filters" in page
    assert '<details class="filter-panel" open' not in page
    filtered = client.get("/events?kind=meeting").get_data(as_text=True)
    assert '<details class="filter-panel" open' in filtered


def test_co_organizers_to_choose_from_sort_as_people_expect(client, organizer):
    for name in ("Zoe Adams", "Élodie Côté", "Emma Stone"):
        make_user(name, role="organizer")
    page = client.get("/events/new").get_data(as_text=True)
    positions = [page.index(name) for name in ("Élodie Côté", "Emma Stone", "Zoe Adams")]
    assert positions == sorted(positions)
