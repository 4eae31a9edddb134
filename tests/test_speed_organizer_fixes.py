"""The organizer's controls over an evening under way: someone leaving,
a round started by mistake or too early, settings changed mid-evening,
and what the page then says about the rounds to come."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError
from eventsapp.extensions import db
from eventsapp.speed import departures, planning, settings
from eventsapp.speed.models import SpeedDeparture
from eventsapp.speed.participants import present
from eventsapp.speed.schedule import overview
from tests.test_speed_services import NOW, Evening

pytestmark = pytest.mark.usefixtures("app")


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def version(client, evening) -> str:
    return re.search(r'name="version" value="(\d+)"', client.get(f"/events/{evening.event.id}/speed/").text).group(1)


@pytest.fixture
def evening(monkeypatch):
    monkeypatch.setattr("eventsapp.web.speed.utcnow", lambda: NOW)
    evening = Evening(interns=3, seniors=2)
    evening.organizer.email = "grace@hospital.example"
    db.session.commit()
    return evening


def hosts(evening, number):
    return {s.senior_id for s in evening.seats(number)}


def test_a_senior_who_leaves_mid_evening_is_left_out_of_the_rounds_to_come(evening):
    evening.set_up(rounds=3, tables=5, seats_per_table=3)
    for person in (*evening.interns, *evening.seniors):
        evening.check_in(person)
    evening.plan()
    evening.start()
    before = {n: sorted((s.senior_id, s.intern_id) for s in evening.seats(n)) for n in (1,)}
    gone = evening.seniors[0]
    assert departures.mark_left(db.session, evening.organizer, evening.event.id, gone.id, NOW) == gone.name
    assert gone.id not in present(db.session, evening.event.id).names
    evening.plan(NOW + timedelta(minutes=3))
    assert sorted((s.senior_id, s.intern_id) for s in evening.seats(1)) == before[1]  # the round under way stays
    assert gone.id not in hosts(evening, 2) | hosts(evening, 3)
    departures.mark_back(db.session, evening.organizer, evening.event.id, gone.id, NOW)
    assert gone.id in present(db.session, evening.event.id).names


def test_only_someone_present_can_be_marked_as_gone_and_only_once(evening):
    evening.set_up()
    stranger = db.session.scalar(sa.select(User).where(User.id == evening.organizer.id))
    with pytest.raises(DomainError, match="not among the participants present"):
        departures.mark_left(db.session, evening.organizer, evening.event.id, stranger.id, NOW)
    departures.mark_left(db.session, evening.organizer, evening.event.id, evening.interns[0].id, NOW)
    with pytest.raises(DomainError, match="not among the participants present"):
        departures.mark_left(db.session, evening.organizer, evening.event.id, evening.interns[0].id, NOW)
    with pytest.raises(DomainError, match="not marked as gone"):
        departures.mark_back(db.session, evening.organizer, evening.event.id, evening.interns[1].id, NOW)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SpeedDeparture)) == 1


def test_the_organizer_marks_someone_gone_and_back_on_the_page(client, auth, evening):
    evening.set_up(rounds=2)
    evening.plan()
    auth.login("grace@hospital.example")
    url = f"/events/{evening.event.id}/speed/"
    gone = evening.seniors[1]
    page = client.get(url)
    assert "Left the evening" in text(page) and f'name="user_id" value="{gone.id}"' in page.text
    done = text(client.post(f"{url}left", data={"user_id": str(gone.id)}, follow_redirects=True))
    assert f"{gone.name} has left the evening: re-plan to leave them out of the rounds to come." in done
    assert re.search(rf"Left the evening {gone.name} · left at \d\d:\d\d Back", done)
    assert f"{gone.name} not present now" in done  # still at a table in the plan, until the re-plan
    replanned = text(client.post(f"{url}plan", data={"version": version(client, evening)}, follow_redirects=True))
    assert f"{gone.name} not present now" not in replanned and "Planned every round" in replanned
    back = text(client.post(f"{url}back", data={"user_id": str(gone.id)}, follow_redirects=True))
    assert f"{gone.name} is back: re-plan to seat them in the rounds to come." in back
    assert "· left at" not in back


def test_round_one_cannot_start_more_than_an_hour_before_the_evening(evening):
    evening.set_up()
    evening.event.timezone = "UTC"
    db.session.commit()
    evening.plan()
    early = evening.event.starts_at - timedelta(minutes=61)
    earliest = (evening.event.starts_at - timedelta(hours=1)).strftime("%H:%M")
    with pytest.raises(DomainError, match=f"Rounds can be started from {earliest}, an hour before the evening."):
        evening.start(early)
    assert evening.speed.current_round == 0
    evening.start(early + timedelta(minutes=1))
    assert evening.speed.current_round == 1


def test_no_round_starts_after_the_event_has_ended(evening):
    evening.set_up()
    evening.plan()
    with pytest.raises(DomainError, match="This evening has ended: its rounds are kept as they were held."):
        evening.start(evening.event.ends_at + timedelta(minutes=1))
    assert evening.speed.current_round == 0


def test_a_round_started_by_mistake_is_undone_back_to_the_round_before(evening):
    evening.set_up(rounds=3)
    evening.plan()
    evening.start(NOW)
    evening.start(NOW + timedelta(minutes=10))
    evening.start(NOW + timedelta(minutes=20))
    seen = evening.speed.version
    assert planning.undo_start(db.session, evening.organizer, evening.event.id, seen, NOW + timedelta(minutes=21)) == 3
    speed = evening.speed
    assert (speed.current_round, speed.round_started_at, speed.version) == (2, NOW + timedelta(minutes=10), seen + 1)
    with pytest.raises(DomainError, match="Only the last start can be undone: round 2 stays."):
        planning.undo_start(db.session, evening.organizer, evening.event.id, speed.version, NOW)
    evening.start(NOW + timedelta(minutes=22))
    with pytest.raises(settings.Stale, match="Someone else started a round a moment ago"):
        planning.undo_start(db.session, evening.organizer, evening.event.id, seen, NOW)
    assert evening.speed.current_round == 3


def test_undoing_round_one_leaves_the_evening_not_started(client, auth, evening):
    evening.set_up()
    evening.plan()
    evening.start()
    auth.login("grace@hospital.example")
    url = f"/events/{evening.event.id}/speed/"
    assert "Undo: round 1 was started by mistake" in text(client.get(url))
    done = text(client.post(f"{url}rounds/undo", data={"version": version(client, evening)}, follow_redirects=True))
    assert "The start of round 1 is undone." in done and "Start round 1" in done and "Undo:" not in done
    assert (evening.speed.current_round, evening.speed.round_started_at) == (0, None)


def test_settings_saved_mid_evening_re_plan_the_rounds_to_come(client, auth, evening):
    evening.set_up(rounds=2, tables=5, seats_per_table=2)
    evening.plan()
    evening.start()
    round_one = sorted((s.senior_id, s.intern_id) for s in evening.seats(1))
    auth.login("grace@hospital.example")
    form = {"rounds": "3", "round_minutes": "8", "break_minutes": "2", "tables": "1", "seats_per_table": "1"}
    form["version"] = version(client, evening)
    done = text(client.post(f"/events/{evening.event.id}/speed/settings", data=form, follow_redirects=True))
    assert "Settings saved, and the rounds to come re-planned with them. Planned rounds 2 on: 2 seats." in done
    assert "1 table of 1 seat seats at most 1 intern a round: 2 will sit out each round" in done
    assert sorted((s.senior_id, s.intern_id) for s in evening.seats(1)) == round_one  # under way: unchanged
    for number in (2, 3):  # one table, one seat, at once; the new round 3 planned too
        assert len(evening.seats(number)) == 1


def test_settings_saved_when_nobody_can_be_planned_say_why(evening):
    evening.set_up()
    evening.plan()
    for senior in evening.seniors:
        departures.mark_left(db.session, evening.organizer, evening.event.id, senior.id, NOW)
    values = settings.Settings(**{**settings.DEFAULTS, "rounds": 3, "tables": 5, "seats_per_table": 2})
    saved = planning.change_settings(
        db.session, evening.organizer, evening.event.id, values, evening.speed.version, NOW
    )
    assert saved.replanned is None and saved.not_replanned.startswith("No senior colleague is present yet")
    assert evening.speed.rounds == 3


def test_a_plan_computed_before_someone_else_acted_is_not_written(evening, monkeypatch):
    """The plan is computed before the lock; a round started meanwhile makes it stale."""
    evening.set_up(rounds=3)
    evening.plan()
    seen, before = evening.speed.version, len(evening.seats())
    real_draft = planning.draft

    def draft_then_someone_starts_a_round(*args):
        made = real_draft(*args)
        planning.start_next_round(db.session, evening.organizer, evening.event.id, seen, NOW)
        return made

    monkeypatch.setattr(planning, "draft", draft_then_someone_starts_a_round)
    with pytest.raises(settings.Stale, match="Someone else re-planned this evening a moment ago"):
        planning.plan_evening(db.session, evening.organizer, evening.event.id, seen, NOW)
    assert evening.speed.current_round == 1 and len(evening.seats()) == before


def test_tables_fewer_than_seniors_warn_by_seats_not_by_empty_rounds(evening):
    more = Evening(interns=5, seniors=4)
    more.set_up(rounds=3, tables=2, seats_per_table=2)
    result = more.plan()
    assert result.notes == ("2 tables of 2 seats seat at most 4 interns a round: 1 will sit out each round",)


def test_rounds_held_explain_nothing_and_rounds_to_come_tell_the_truth():
    full = Evening(interns=3, seniors=1)
    full.set_up(rounds=2, tables=1, seats_per_table=2)
    full.plan()
    full.start()
    seated = full.seats(1)[0].intern_id
    db.session.delete(db.session.get(User, seated))  # an account deleted mid-evening: its seats go
    db.session.commit()
    full.join("Late Intern", "intern")
    rounds = overview(db.session, full.event.id, NOW).rounds
    assert rounds[0].unseated == []  # under way: its table shows who sat, nothing is guessed
    assert ("Late Intern", "Not in the plan yet (arrived, or came back, after it was made): re-plan to seat them.") in (
        rounds[1].unseated
    )


def test_the_organizer_page_gives_every_time_in_the_events_zone(client, auth, evening, monkeypatch):
    monkeypatch.setattr("eventsapp.web.pages.page_zone", lambda: "Asia/Tokyo", raising=False)
    evening.event.timezone = "America/New_York"
    db.session.commit()
    evening.set_up()
    evening.plan()
    auth.login("grace@hospital.example")
    shown = text(client.get(f"/events/{evening.event.id}/speed/"))
    from zoneinfo import ZoneInfo

    local = NOW.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M")
    start = evening.event.starts_at.astimezone(ZoneInfo("America/New_York")).strftime("%H:%M")
    assert f"at {local} from those going" in shown
    assert start in shown and ("EST" in shown or "EDT" in shown)
