"""Times that a daylight-saving change skips or repeats are shown to the
organizer before anything is saved."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from tests.test_events_views import events, form, organizer  # noqa: F401  (fixture)

NEW_YORK = ZoneInfo("America/New_York")


def next_change(forward: bool) -> date:
    """The next day New York's clocks go forward (or back)."""
    day = date.today() + timedelta(days=2)
    while True:
        before = datetime.combine(day, time(0), tzinfo=NEW_YORK).utcoffset()
        after = datetime.combine(day, time(12), tzinfo=NEW_YORK).utcoffset()
        if (after > before) if forward else (after < before):
            return day
        day += timedelta(days=1)


def test_weekly_series_with_a_meeting_in_the_spring_gap_is_not_a_server_error(client, session, organizer):
    gap = next_change(forward=True)
    response = client.post(
        "/events/new",
        data=form(
            start_date=(gap - timedelta(days=7)).isoformat(),
            start_time="02:30",
            end_time="03:15",
            repeat="weekly",
            repeat_until=(gap + timedelta(days=7)).isoformat(),
        ),
    )
    assert response.status_code == 422
    assert events(session) == []
    page = response.get_data(as_text=True)
    day = gap.strftime("%A ") + str(gap.day) + gap.strftime(" %B %Y")
    assert f"02:30 does not exist on {day} in New York (clocks go forward): it would be 03:30–04:15." in page
    assert "Confirm times and publish" in page


def confirmation(page: str) -> str:
    marker = 'name="confirmed_times" type="hidden" value="'
    return page.split(marker, 1)[1].split('"', 1)[0]


def test_organizer_confirms_the_shifted_meeting_and_the_series_keeps_its_time_elsewhere(client, session, organizer):
    gap = next_change(forward=True)
    data = form(
        start_date=(gap - timedelta(days=7)).isoformat(),
        start_time="02:30",
        end_time="03:15",
        repeat="weekly",
        repeat_until=(gap + timedelta(days=7)).isoformat(),
    )
    first = client.post("/events/new", data=data)
    response = client.post("/events/new", data=data | {"confirmed_times": confirmation(first.get_data(as_text=True))})
    assert response.status_code == 302
    local = [(e.starts_at.astimezone(NEW_YORK), e.ends_at.astimezone(NEW_YORK)) for e in events(session)]
    assert [f"{s:%H:%M}–{e:%H:%M}" for s, e in local] == ["02:30–03:15", "03:30–04:15", "02:30–03:15"]
    assert local[1][0].date() == gap


def test_single_event_in_the_gap_is_shown_before_saving_and_saved_when_confirmed(client, session, organizer):
    gap = next_change(forward=True)
    data = form(start_date=gap.isoformat(), start_time="02:30", end_time="03:30")
    response = client.post("/events/new", data=data)
    assert response.status_code == 422 and events(session) == []
    page = response.get_data(as_text=True)
    assert "02:30 does not exist on" in page and "it would be 03:30–04:30." in page
    saved = client.post("/events/new", data=data | {"confirmed_times": confirmation(page)})
    assert saved.status_code == 302
    [event] = events(session)
    assert f"{event.starts_at.astimezone(NEW_YORK):%H:%M}" == "03:30"


def test_a_confirmation_for_one_time_does_not_carry_over_to_another(client, session, organizer):
    gap = next_change(forward=True)
    data = form(start_date=gap.isoformat(), start_time="02:30", end_time="03:30")
    token = confirmation(client.post("/events/new", data=data).get_data(as_text=True))
    response = client.post("/events/new", data=data | {"start_time": "02:15", "confirmed_times": token})
    assert response.status_code == 422 and events(session) == []
    assert "02:15 does not exist on" in response.get_data(as_text=True)


def test_an_end_time_in_the_gap_is_shown_too(client, session, organizer):
    gap = next_change(forward=True)
    response = client.post("/events/new", data=form(start_date=gap.isoformat(), start_time="01:30", end_time="02:30"))
    assert response.status_code == 422
    assert "02:30 does not exist on" in response.get_data(as_text=True)
    assert "it would be 01:30–03:30." in response.get_data(as_text=True)


def test_a_time_that_happens_twice_is_the_first_one_once_confirmed(client, session, organizer):
    back = next_change(forward=False)
    data = form(start_date=back.isoformat(), start_time="01:30", end_time="02:30")
    response = client.post("/events/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "01:30 happens twice on" in page and "it would be the first 01:30 (EDT, UTC−4), 01:30–02:30." in page
    client.post("/events/new", data=data | {"confirmed_times": confirmation(page)})
    [event] = events(session)
    assert event.ends_at - event.starts_at == timedelta(hours=2)  # 01:30 EDT to 02:30 EST


def test_times_away_from_the_change_need_no_confirmation(client, session, organizer):
    gap = next_change(forward=True)
    response = client.post("/events/new", data=form(start_date=gap.isoformat(), start_time="07:30", end_time="08:30"))
    assert response.status_code == 302


def test_editing_the_following_meetings_into_the_gap_asks_first(client, session, organizer):
    gap = next_change(forward=True)
    client.post(
        "/events/new",
        data=form(
            start_date=(gap - timedelta(days=7)).isoformat(),
            start_time="07:30",
            end_time="08:15",
            repeat="weekly",
            repeat_until=(gap + timedelta(days=7)).isoformat(),
        ),
    )
    first = events(session)[0]
    edit = form(
        start_date=(gap - timedelta(days=7)).isoformat(),
        start_time="02:30",
        end_time="03:15",
        scope="following",
        version=str(first.version),
    )
    response = client.post(f"/events/{first.id}/edit", data=edit)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "it would be 03:30–04:15." in page and "Confirm times and save" in page
    assert f"{events(session)[1].starts_at.astimezone(NEW_YORK):%H:%M}" == "07:30"
    saved = client.post(f"/events/{first.id}/edit", data=edit | {"confirmed_times": confirmation(page)})
    assert saved.status_code == 302
    assert [f"{e.starts_at.astimezone(NEW_YORK):%H:%M}" for e in events(session)] == ["02:30", "03:30", "02:30"]
