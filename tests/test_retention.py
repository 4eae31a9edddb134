"""Retention of attendee-level data (docs/retention.md): events that ended
more than ATTENDEE_DATA_RETENTION_YEARS ago lose their answers, check-ins,
invitations, reminder records and speed-mentoring seats and answers, and
keep the counts their pages show."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from eventsapp import retention, worker
from eventsapp.accounts.models import User
from eventsapp.attendance import organizing
from eventsapp.attendance.models import CheckIn, CheckInMethod
from eventsapp.attendance.services import attendee_sheet
from eventsapp.audit.models import Action, AuditEntry
from eventsapp.events.cancelling import has_responses
from eventsapp.events.models import EventStatus, KeptAttendance
from eventsapp.extensions import db
from eventsapp.mentorships.models import Invitation
from eventsapp.notifications.models import EventMessage, EventReminder
from eventsapp.program.coordinators import Scope
from eventsapp.program.introducing_events import by_event
from eventsapp.program.organized import organized_figures
from eventsapp.rsvps.models import Rsvp
from eventsapp.speed.models import SpeedDeparture, SpeedFollowUp, SpeedSession
from eventsapp.timeutil import utcnow
from tests.factories import make_event, make_rsvp, make_user
from tests.speed_seats import make_speed_session, seat

NOW = utcnow().replace(second=0, microsecond=0)
YEARS = 2
CUTOFF = retention.cutoff(NOW, YEARS)
JOB = next(j for j in worker.all_jobs() if j.name == "purge-attendee-data")


def past_event(organizer, title: str, ends_at, **fields):
    event = make_event(organizer, title=title, **fields)
    event.starts_at, event.ends_at = ends_at - timedelta(hours=1), ends_at
    db.session.commit()
    return event


def fill(event, senior):
    """Three going (two came), a maybe, a declined, two waiting, a member
    who walked in, a guest, an invitation and a reminder sent."""
    going = [make_user(f"{event.title} going {n}") for n in range(3)]
    for person in going:
        make_rsvp(event, person)
    make_rsvp(event, make_user(f"{event.title} maybe"), "maybe")
    make_rsvp(event, make_user(f"{event.title} declined"), "declined")
    for n in range(2):
        make_rsvp(event, make_user(f"{event.title} waiting {n}"), "waitlisted")
    walked_in = make_user(f"{event.title} walk-in")
    for person in (going[0], going[1], walked_in):
        db.session.add(CheckIn(event_id=event.id, user_id=person.id, method=CheckInMethod.ORGANIZER))
    db.session.add(CheckIn(event_id=event.id, guest_name="A visiting student", method=CheckInMethod.ORGANIZER))
    db.session.add(Invitation(event_id=event.id, senior_id=senior.id, intern_id=going[2].id))
    db.session.add(
        EventReminder(
            user_id=going[0].id, event_id=event.id, starts_at=event.starts_at, lead_minutes=60, sent_at=event.starts_at
        )
    )
    event.waitlist_peak = 3
    db.session.commit()


def rows_of(event_id: int) -> dict[str, int]:
    return {
        name: db.session.scalar(
            sa.select(sa.func.count()).select_from(model).where(retention.belonging_to(model, [event_id]))
        )
        for name, model in retention.ROWS.items()
    }


def world(app, years=YEARS, *, edge_at=CUTOFF):
    app.config["ATTENDEE_DATA_RETENTION_YEARS"] = years
    organizer = make_user("Olga Organizer", email="olga@hospital.example", role="organizer", stage="faculty")
    senior = make_user("Sam Senior", stage="attending")
    old = past_event(organizer, "Old grand rounds", CUTOFF - timedelta(minutes=1), capacity=3)
    edge = past_event(organizer, "Edge grand rounds", edge_at)  # ended exactly N years ago: not more
    recent = past_event(organizer, "Recent grand rounds", NOW - timedelta(days=30))
    for event in (old, edge, recent):
        fill(event, senior)
    db.session.add(
        EventMessage(
            event_id=old.id,
            sender_id=organizer.id,
            audience="going",
            subject="Slides",
            body="Here",
            recipients=3,
            sent_at=old.ends_at,
        )
    )
    db.session.commit()
    return organizer, old, edge, recent


def figures(organizer, event):
    """What the pages show of the event: the organizer's attendance figures, their Past tab, the
    attendee sheet and the program's events that make introductions."""
    start = event.starts_at - timedelta(days=1)
    (group,) = organized_figures(
        db.session, viewer_id=organizer.id, start=start, end=event.starts_at + timedelta(seconds=1), now=NOW
    )
    (meeting,) = group.meetings
    past = organizing.organized_events(db.session, organizer.id, NOW, scope=organizing.PAST, per_page=50)
    (row,) = [r for r in past.items if r.event.id == event.id]
    sheet = attendee_sheet(db.session, event)
    (ranked,) = [y for y in by_event(db.session, Scope(None), start=start, now=NOW, limit=None) if y.id == event.id]
    return (
        (ranked.going, ranked.show_rate, ranked.meetings),
        (meeting.going, meeting.checked_in, meeting.came, meeting.guests, meeting.show_rate, meeting.waitlist_peak),
        (row.going, row.waitlisted, row.checked_in),
        (sheet.going, sheet.waitlisted, sheet.maybe, sheet.checked_in, sheet.show_rate),
    )


def test_only_events_ended_more_than_the_retention_ago_lose_their_attendee_rows(app):
    organizer, old, edge, recent = world(app)
    upcoming = make_event(organizer, title="Upcoming grand rounds")
    fill(upcoming, make_user("Another senior", stage="attending"))
    assert worker.run_job(app, JOB, now=NOW) == 1
    db.session.expire_all()
    none = {"speed_seats": 0, "speed_answers": 0, "speed_departures": 0}
    assert rows_of(old.id) == {"answers": 0, "check_ins": 0, "invitations": 0, "reminders_sent": 0, **none}
    for event in (edge, recent, upcoming):
        assert rows_of(event.id) == {"answers": 7, "check_ins": 4, "invitations": 1, "reminders_sent": 1, **none}
    assert db.session.get(KeptAttendance, edge.id) is None and db.session.get(KeptAttendance, recent.id) is None
    # Not attendance: the organizer's message to those going stays, and so does the event.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(EventMessage)) == 1
    assert db.session.get(type(old), old.id).waitlist_peak == 3


def test_the_old_event_keeps_its_counts(app):
    _, old, _, _ = world(app)
    worker.run_job(app, JOB, now=NOW)
    kept = db.session.get(KeptAttendance, old.id)
    assert (kept.going, kept.waitlisted, kept.maybe, kept.declined) == (3, 2, 1, 1)
    assert (kept.checked_in, kept.guests, kept.came) == (3, 1, 2)


def speed_evening(event, interns, seniors):
    """Two rounds held: each intern met each senior; one answer each way about the first pair."""
    speed = make_speed_session(event, rounds=2, quality_total=12.0, quality_greedy=10.0, quality_top_two=0.5)
    for number in (1, 2):
        for table, senior in enumerate(seniors, start=1):
            seat(speed, number, table, senior, interns[(number + table) % 2])
    for who, whom in ((interns[0], seniors[0]), (seniors[0], interns[0])):
        db.session.add(SpeedFollowUp(session_id=speed.id, from_id=who.id, to_id=whom.id, again=True))
    db.session.add(SpeedDeparture(session_id=speed.id, user_id=interns[1].id, left_at=event.ends_at))
    db.session.commit()
    return speed


def test_speed_seats_and_answers_go_with_the_rest_and_the_pairs_who_met_are_kept(app, client, auth):
    organizer, old, _, recent = world(app)
    interns = [make_user(f"Intern {n}", stage="intern") for n in range(2)]
    seniors = [make_user(f"Dr {n}", stage="attending", open_to_interns=True) for n in range(2)]
    kept_speed, recent_speed = speed_evening(old, interns, seniors), speed_evening(recent, interns, seniors)
    done = retention.purge(db.session, NOW, YEARS)
    assert (done.speed_seats, done.speed_answers, done.speed_departures) == (4, 2, 1)
    assert "4 speed-mentoring seats, 2 meet-again answers" in done.summary()
    db.session.expire_all()
    assert (rows_of(old.id)["speed_seats"], rows_of(old.id)["speed_answers"]) == (0, 0)
    assert (rows_of(recent.id)["speed_seats"], rows_of(recent.id)["speed_answers"]) == (4, 2)
    assert (rows_of(old.id)["speed_departures"], rows_of(recent.id)["speed_departures"]) == (0, 1)
    # The settings and the quality figures name nobody: they stay, and so does the count of pairs who met.
    speed = db.session.get(SpeedSession, kept_speed.id)
    assert (speed.rounds, speed.quality_total, speed.quality_top_two) == (2, 12.0, 0.5)
    assert db.session.get(KeptAttendance, old.id).speed_pairs == 4 and recent_speed.id
    auth.login("olga@hospital.example")
    page = client.get(f"/events/{old.id}/speed/results").get_data(as_text=True)
    assert "removed after the retention period" in page and "<dd>4</dd>" in page
    # Only the figures kept are shown: nothing that the purge made untrue.
    for untrue in ("Answered whom to meet again", "No mutual match yet", "No intern has asked", "One-sided"):
        assert untrue not in page


def test_organizers_see_the_same_figures_of_the_old_event_after_the_purge(app):
    organizer, old, _, _ = world(app)
    before = figures(organizer, old)
    assert before[1] == (3, 3, 2, 1, 67, 3)  # a sanity check of the fixture
    worker.run_job(app, JOB, now=NOW)
    db.session.expire_all()
    assert figures(organizer, old) == before
    assert attendee_sheet(db.session, old).rows == []


def test_the_event_page_and_sheet_say_the_names_were_removed_and_keep_the_counts(app, client, auth):
    _, old, _, _ = world(app)
    auth.login("olga@hospital.example")
    before = client.get(f"/events/{old.id}").get_data(as_text=True)
    assert "3 going of 3 places · 2 on the waitlist · 1 maybe" in before
    worker.run_job(app, JOB, now=NOW)
    page = client.get(f"/events/{old.id}").get_data(as_text=True)
    assert "3 going of 3 places · 2 on the waitlist · 1 maybe" in page
    assert "removed 2 years after the event" in page
    assert "Delete (nobody has answered)" not in page
    sheet = client.get(f"/events/{old.id}/attendees").get_data(as_text=True)
    assert "removed 2 years after the event" in sheet
    assert "Old grand rounds going 0" not in sheet


def test_an_event_that_kept_counts_cannot_be_deleted_as_if_nobody_had_answered(app):
    _, old, _, _ = world(app)
    worker.run_job(app, JOB, now=NOW)
    assert has_responses(db.session, old.id)


def test_running_again_removes_nothing_and_counts_nothing_twice(app):
    _, old, _, _ = world(app)
    assert worker.run_job(app, JOB, now=NOW) == 1
    assert worker.run_job(app, JOB, now=NOW) == 0
    assert db.session.get(KeptAttendance, old.id).going == 3


def test_a_check_in_recorded_after_the_purge_is_added_to_the_kept_counts(app):
    _, old, _, _ = world(app)
    worker.run_job(app, JOB, now=NOW)
    db.session.add(CheckIn(event_id=old.id, guest_name="From the paper list", method=CheckInMethod.ORGANIZER))
    db.session.commit()
    assert worker.run_job(app, JOB, now=NOW) == 1
    db.session.expire_all()
    kept = db.session.get(KeptAttendance, old.id)
    assert (kept.guests, kept.going, rows_of(old.id)["check_ins"]) == (2, 3, 0)


def test_each_removal_is_recorded_in_the_audit_log_with_its_counts(app):
    world(app)
    worker.run_job(app, JOB, now=NOW)
    worker.run_job(app, JOB, now=NOW)  # nothing due: nothing recorded
    (entry,) = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == Action.ATTENDEE_DATA_REMOVED))
    assert entry.actor_label == "Retention of attendee data"
    assert entry.subject == f"1 event that ended before {CUTOFF:%Y-%m-%d}"
    assert entry.detail == "7 answers, 4 check-ins, 1 invitations, 1 reminder records"


def test_a_retention_of_zero_removes_nothing(app):
    _, old, _, _ = world(app, years=0)
    assert worker.run_job(app, JOB, now=NOW + timedelta(days=365 * 50)) == 0
    assert rows_of(old.id)["answers"] == 7
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KeptAttendance)) == 0


def test_purging_goes_a_batch_at_a_time_until_every_due_event_is_done(app):
    organizer, _, _, _ = world(app)
    cancelled = past_event(organizer, "Cancelled long ago", CUTOFF - timedelta(days=40), status=EventStatus.CANCELLED)
    make_rsvp(cancelled, make_user("Cancelled going"))
    first = retention.purge_batch(db.session, CUTOFF, NOW, batch=1)
    assert first.events == 1
    rest = retention.purge(db.session, NOW, YEARS)
    assert (rest.events, rest.answers) == (1, 1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Rsvp).where(Rsvp.event_id == cancelled.id)) == 0


def test_the_command_reports_a_dry_run_and_then_removes(app, runner):
    # (The command reads the clock: the "edge" event ends well inside the window.)
    _, old, _, _ = world(app, edge_at=NOW - timedelta(days=365))
    dry = runner.invoke(args=["purge-attendee-data", "--dry-run"])
    assert "Would remove the attendee data of 1 event: 7 answers, 4 check-ins, 1 invitations" in dry.output
    assert rows_of(old.id)["answers"] == 7
    done = runner.invoke(args=["purge-attendee-data"])
    assert "Removed the attendee data of 1 event: 7 answers, 4 check-ins" in done.output
    assert rows_of(old.id)["answers"] == 0
    again = runner.invoke(args=["purge-attendee-data"])
    assert "Removed the attendee data of 0 events" in again.output


def test_the_command_says_nothing_is_removed_when_retention_is_off(app, runner):
    world(app, years=0)
    result = runner.invoke(args=["purge-attendee-data"])
    assert "nothing removed" in result.output


def test_a_certificate_of_an_event_whose_records_were_removed_says_so(app, client, auth):
    _, old, _, _ = world(app)
    went = db.session.scalar(sa.select(CheckIn.user_id).where(CheckIn.event_id == old.id, CheckIn.user_id.is_not(None)))
    email = db.session.get(User, went).email
    worker.run_job(app, JOB, now=NOW)
    auth.login(email)
    response = client.get(f"/attendance/{old.id}/certificate.pdf")
    assert response.status_code == 404
    assert "removed after the hospital&#39;s retention period" in response.get_data(as_text=True)


def test_a_members_record_says_how_long_attendance_is_kept(app, client, auth):
    app.config["ATTENDEE_DATA_RETENTION_YEARS"] = 3
    make_user("Maya", email="maya@hospital.example")
    auth.login("maya@hospital.example")
    assert "keeps attendance records for 3 years" in client.get("/attendance/").get_data(as_text=True)


def test_the_cutoff_of_29_february_is_the_28th():
    leap = NOW.replace(year=2028, month=2, day=29)
    assert retention.cutoff(leap, 1) == leap.replace(year=2027, day=28)


def test_a_member_checked_in_after_the_purge_counts_as_checked_in_but_not_as_going_who_came(app):
    _, old, _, _ = world(app)
    worker.run_job(app, JOB, now=NOW)
    before = db.session.get(KeptAttendance, old.id)
    going, checked_in, came = before.going, before.checked_in, before.came
    shown = attendee_sheet(db.session, old)
    late = make_user("Lou Late", stage="intern")
    db.session.add(CheckIn(event_id=old.id, user_id=late.id, method=CheckInMethod.ORGANIZER))
    db.session.commit()
    assert worker.run_job(app, JOB, now=NOW) == 1
    db.session.expire_all()
    kept = db.session.get(KeptAttendance, old.id)
    # Their answer was removed: whether they were going cannot be known, so the show rate stays.
    assert (kept.going, kept.checked_in, kept.came) == (going, checked_in + 1, came)
    sheet = attendee_sheet(db.session, old)
    assert (sheet.checked_in, sheet.going, sheet.show_rate) == (shown.checked_in + 1, going, shown.show_rate)
