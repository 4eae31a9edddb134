"""The organizer's speed-mentoring pages: settings and plan, rounds, the
projector at fixed moments, and the printed schedule."""

import re
from datetime import timedelta

import pytest

from eventsapp.extensions import db
from tests.factories import make_event, make_rsvp, make_user
from tests.test_speed_services import NOW, Evening

pytestmark = pytest.mark.usefixtures("app")


@pytest.fixture
def evening(monkeypatch):
    monkeypatch.setattr("eventsapp.web.speed.utcnow", lambda: NOW)
    evening = Evening(interns=3, seniors=2)
    evening.organizer.email = "grace@hospital.example"
    db.session.commit()
    return evening


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def version(client, evening) -> str:
    return re.search(r'name="version" value="(\d+)"', client.get(f"/events/{evening.event.id}/speed/").text).group(1)


def test_organizer_turns_on_plans_and_sees_the_schedule_with_quality(client, auth, evening):
    auth.login("grace@hospital.example")
    url = f"/events/{evening.event.id}/speed/"
    assert "Speed mentoring" in client.get(f"/events/{evening.event.id}").text
    page = client.get(url)
    assert "not a speed-mentoring evening yet" in text(page) and 'id="rounds"' in page.text
    form = {"rounds": "2", "round_minutes": "8", "break_minutes": "2", "tables": "4", "seats_per_table": "2"}
    done = client.post(f"{url}settings", data=form, follow_redirects=True)
    assert "Settings saved" in text(done) and "Plan the evening" in text(done)
    planned = client.post(f"{url}plan", data={"version": version(client, evening)}, follow_redirects=True)
    shown = text(planned)
    assert "Planned every round: 6 seats." in shown
    assert re.search(
        r"The evening's total score \d+ vs \d+ for a simple first-come plan of the same rounds; "
        r"\d+% of the interns present meet at least two of their top three",
        shown,
    )
    assert "Dr Senior 0" in shown and "Intern 2" in shown
    assert "Both are interested in Cardiology" in shown and "career advice" not in shown
    assert "Start round 1" in shown and "Re-plan the rounds to come" in shown


def test_bad_settings_keep_what_was_typed_with_a_message(client, auth, evening):
    auth.login("grace@hospital.example")
    form = {"rounds": "2", "round_minutes": "90", "break_minutes": "x", "tables": "4", "seats_per_table": "2"}
    response = client.post(f"/events/{evening.event.id}/speed/settings", data=form)
    assert response.status_code == 422
    assert "Choose from 2 to 60." in text(response) and "Enter a whole number." in text(response)
    assert 'value="90"' in response.text and evening.speed is None


def test_no_seniors_and_more_rounds_than_seniors_are_said_on_the_page(client, auth, monkeypatch):
    monkeypatch.setattr("eventsapp.web.speed.utcnow", lambda: NOW)
    lonely = Evening(interns=2, seniors=0)
    lonely.organizer.email = "grace@hospital.example"
    db.session.commit()
    lonely.set_up(rounds=3)
    auth.login("grace@hospital.example")
    url = f"/events/{lonely.event.id}/speed/"
    shown = text(client.post(f"{url}plan", data={"version": "0"}, follow_redirects=True))
    assert "No senior colleague is present yet: check them in, or wait for one to say they are going." in shown
    lonely.join("Dr Only", "attending", open_to_interns=True)
    shown = text(client.post(f"{url}plan", data={"version": "0"}, follow_redirects=True))
    assert "With 1 senior present, each intern can meet at most 1: each sits out at least 2 of the 3 rounds" in shown


def test_a_second_organizer_replanning_with_an_old_page_sees_the_current_plan(client, auth, evening):
    evening.set_up()
    auth.login("grace@hospital.example")
    seen = version(client, evening)
    evening.plan()  # the co-organizer, a moment before
    response = client.post(f"/events/{evening.event.id}/speed/plan", data={"version": seen}, follow_redirects=True)
    assert "Someone else re-planned this evening a moment ago; here is the current plan." in text(response)
    assert evening.speed.version == int(seen) + 1


def test_starting_a_round_shows_it_under_way(client, auth, evening):
    evening.set_up()
    evening.plan()
    auth.login("grace@hospital.example")
    done = client.post(
        f"/events/{evening.event.id}/speed/rounds", data={"version": version(client, evening)}, follow_redirects=True
    )
    assert "Round 1 has started." in text(done) and "Round 1 of 2 · 8 min left" in text(done)
    assert "Start round 2" in text(done)


def test_others_may_not_see_or_act(client, auth, evening):
    evening.set_up()
    make_user("Olga Other", email="other@hospital.example", role="organizer", stage="faculty")
    auth.login(evening.interns[0].email)
    for path in ("/", "/screen", "/print"):
        assert client.get(f"/events/{evening.event.id}/speed{path}").status_code == 403
    auth.logout()
    auth.login("other@hospital.example")
    assert client.post(f"/events/{evening.event.id}/speed/plan", data={"version": "0"}).status_code == 403
    assert evening.speed.planned_at is None
    assert client.get(f"/events/{evening.event.id + 99}/speed/").status_code == 404


def screen_at(client, evening, monkeypatch, moment) -> str:
    monkeypatch.setattr("eventsapp.web.speed.utcnow", lambda: moment)
    response = client.get(f"/events/{evening.event.id}/speed/screen")
    assert response.status_code == 200
    assert '<meta http-equiv="refresh" content="20">' in response.text and "js/speed.js" in response.text
    return response.text


def test_projector_shows_round_time_left_break_and_end(client, auth, evening, monkeypatch):
    evening.set_up(rounds=2, round_minutes=8, break_minutes=2)
    evening.event.timezone = "UTC"
    db.session.commit()
    evening.plan()
    auth.login("grace@hospital.example")
    before = text_of(screen_at(client, evening, monkeypatch, NOW))
    assert "Round 1 of 2 starts soon" in before and "Not started yet" in before and "Dr Senior 0" in before
    evening.start(NOW)
    during = screen_at(client, evening, monkeypatch, NOW + timedelta(minutes=2))
    assert "Round 1 of 2 6 min left" in text_of(during) and 'data-seconds-left="360"' in during
    pause = text_of(screen_at(client, evening, monkeypatch, NOW + timedelta(minutes=9)))
    assert f"Break: next round at {(NOW + timedelta(minutes=10)):%H:%M}" in pause and "Next: round 2 of 2" in pause
    evening.start(NOW + timedelta(minutes=10))
    over = text_of(screen_at(client, evening, monkeypatch, NOW + timedelta(minutes=19)))
    assert "All 2 rounds are over" in over and "Dr Senior" not in over


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_print_page_lists_each_table_and_each_person(client, auth, evening):
    evening.set_up(rounds=2)
    evening.plan()
    auth.login("grace@hospital.example")
    response = client.get(f"/events/{evening.event.id}/speed/print")
    shown = text(response)
    assert "Per table" in shown and "Table 1" in shown and "Table 2" in shown
    assert "Per person" in shown and "Intern 0" in shown and "Dr Senior 1" in shown
    assert response.text.count('class="speed-print-sheet"') == 2 + 5  # 2 tables, 5 people


def test_pages_never_write(client, auth, evening):
    evening.set_up()
    evening.plan()
    auth.login("grace@hospital.example")
    before = (evening.speed.version, len(evening.seats()))
    for path in ("/", "/screen", "/print"):
        assert client.get(f"/events/{evening.event.id}/speed{path}").status_code == 200
    assert (evening.speed.version, len(evening.seats())) == before


def test_projector_needs_a_speed_session(client, auth):
    organizer = make_user("Grace", email="grace@hospital.example", role="organizer", stage="faculty")
    event = make_event(organizer)
    make_rsvp(event, make_user())
    auth.login("grace@hospital.example")
    assert client.get(f"/events/{event.id}/speed/screen").status_code == 404
    assert client.get(f"/events/{event.id}/speed/").status_code == 200


def test_pages_pass_the_structural_accessibility_check(client, auth, evening):
    from tests.a11y import problems

    evening.set_up()
    evening.plan()
    evening.start()
    auth.login("grace@hospital.example")
    for path in ("/", "/screen", "/print"):
        assert problems(client.get(f"/events/{evening.event.id}/speed{path}").text) == [], path


def test_a_late_arrival_is_listed_as_not_seated_until_the_re_plan(client, auth, evening):
    evening.set_up(rounds=2)
    evening.plan()
    evening.join("Late Intern", "intern")
    auth.login("grace@hospital.example")
    url = f"/events/{evening.event.id}/speed/"
    shown = text(client.get(url))
    assert "Late Intern: Not in the plan yet (arrived, or came back, after it was made): re-plan to seat them." in shown
    client.post(f"{url}plan", data={"version": version(client, evening)})
    assert "Late Intern: Not in the plan yet" not in text(client.get(url))


def test_the_page_tells_where_participants_follow_their_rounds_then_links_the_results(client, auth, evening):
    evening.set_up()
    evening.plan()
    auth.login("grace@hospital.example")
    url = f"/events/{evening.event.id}/speed/"
    before = client.get(url)
    assert f"http://localhost/events/{evening.event.id}/speed/me" in text(before)
    assert f'href="/events/{evening.event.id}/speed/results"' not in before.text
    evening.start()
    after = client.get(url)
    assert f'href="/events/{evening.event.id}/speed/results"' in after.text
    assert "speed/me" not in after.text
    assert "Pairs who met" in text(client.get(f"/events/{evening.event.id}/speed/results"))


BUTTONS = ("Plan the evening", "Re-plan", "Start round", "Undo", "Left the evening", "Save settings", "Turn speed")


def test_after_the_end_the_page_says_the_evening_is_over_and_offers_no_button(client, auth, evening, monkeypatch):
    from tests.a11y import problems

    evening.set_up(rounds=2)
    evening.plan()
    evening.start()
    later = evening.event.ends_at + timedelta(minutes=1)
    monkeypatch.setattr("eventsapp.web.speed.utcnow", lambda: later)
    auth.login("grace@hospital.example")
    url = f"/events/{evening.event.id}/speed/"
    response = client.get(url)
    shown = text(response)
    assert "This evening is over: 1 of 2 rounds were held." in shown and problems(response.text) == []
    assert f'href="/events/{evening.event.id}/speed/results">See the results</a>' in response.text
    assert [b for b in BUTTONS if b in shown] == [] and "under way" not in shown
    assert "Round 1 held" in shown and "Round 2 not held" in shown
    refused = client.post(
        f"{url}rounds", data={"version": str(evening.speed.version), "round": "2"}, follow_redirects=True
    )
    assert "This evening has ended: its rounds are kept as they were held." in text(refused)
    assert evening.speed.current_round == 1


def test_a_cancelled_evening_says_so_on_every_page_without_a_button(client, auth, evening):
    from eventsapp.events.models import EventStatus
    from tests.a11y import problems

    evening.set_up(rounds=2)
    evening.plan()
    evening.event.status = EventStatus.CANCELLED
    db.session.commit()
    auth.login("grace@hospital.example")
    for path in ("/", "/screen", "/print"):
        response = client.get(f"/events/{evening.event.id}/speed{path}")
        shown = text(response)
        assert "This evening was cancelled." in shown and problems(response.text) == [], path
        assert [b for b in BUTTONS if b in shown] == [] and "starts soon" not in shown, path


def test_a_double_clicked_start_says_the_round_is_under_way(client, auth, evening):
    evening.set_up(rounds=2)
    evening.plan()
    auth.login("grace@hospital.example")
    url, seen = f"/events/{evening.event.id}/speed/rounds", version(client, evening)
    client.post(url, data={"version": seen, "round": "1"})
    again = text(client.post(url, data={"version": seen, "round": "1"}, follow_redirects=True))
    assert "Round 1 is under way." in again and "Someone else" not in again
    assert evening.speed.current_round == 1
    assert "saving keeps the rounds held and the round under way, and re-plans the rounds still to come" in again
    assert "once you re-plan them" not in again


def test_a_start_after_someone_else_re_planned_is_still_refused_as_stale(client, auth, evening):
    evening.set_up(rounds=2)
    evening.plan()
    auth.login("grace@hospital.example")
    seen = version(client, evening)
    evening.plan()  # another organizer re-planned meanwhile
    shown = text(
        client.post(
            f"/events/{evening.event.id}/speed/rounds", data={"version": seen, "round": "1"}, follow_redirects=True
        )
    )
    assert "Someone else started a round a moment ago" in shown and evening.speed.current_round == 0


def test_after_the_retention_purge_the_pages_say_how_many_pairs_met(client, auth, evening, monkeypatch):
    import sqlalchemy as sa

    from eventsapp.events.models import KeptAttendance
    from eventsapp.speed.models import SpeedSeat

    evening.set_up(rounds=2)
    evening.plan()
    later = evening.event.ends_at + timedelta(days=800)
    db.session.execute(sa.delete(SpeedSeat))
    db.session.add(KeptAttendance(event_id=evening.event.id, going=5, speed_pairs=4, purged_at=later))
    db.session.commit()
    monkeypatch.setattr("eventsapp.web.speed.utcnow", lambda: later)
    auth.login("grace@hospital.example")
    said = "The attendee records of this evening were removed after the retention period; 4 pairs met."
    for path in ("/", "/print"):
        shown = text(client.get(f"/events/{evening.event.id}/speed{path}"))
        assert said in shown, path
        assert "Nobody is checked in yet" not in shown and "No schedule yet" not in shown, path
