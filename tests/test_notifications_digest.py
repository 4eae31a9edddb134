"""The weekly digest: who gets what, when on their own clock, and never twice.

Each run is given its `now`: the Friday of the present week, so that next
week's events are still ahead and the event pages (which read the clock)
agree. Mail is read from the instance folder, or from a real SMTP server.
"""

from __future__ import annotations

import email
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time, timedelta
from email import policy
from threading import Barrier
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from eventsapp.config import ConfigError
from eventsapp.events.links import EventLinks
from eventsapp.extensions import db
from eventsapp.introductions.models import IntroRequest
from eventsapp.notifications.digest import Schedule, due_members, send_due_digests
from eventsapp.notifications.models import WeeklyDigest
from eventsapp.notifications.unsubscribe import DIGEST, preference_of
from eventsapp.timeutil import utcnow
from tests.factories import make_event, make_rsvp, make_user
from tests.mailserver import MailServer
from tests.outbox import deliver_mail

LINKS = EventLinks(url_head="https://rounds.example/events/")
NEW_YORK = ZoneInfo("America/New_York")  # the tests' APP_TIMEZONE
TOKYO = ZoneInfo("Asia/Tokyo")


def this_monday(zone=NEW_YORK) -> date:
    today = utcnow().astimezone(zone).date()
    return today - timedelta(days=today.weekday())


def local(day: date, hour: int, minute: int = 0, zone=NEW_YORK) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=zone).astimezone(UTC)


FRIDAY = this_monday() + timedelta(days=4)
NEXT_MONDAY = this_monday() + timedelta(days=7)
DIGEST_TIME = local(FRIDAY, 16)


def next_week(day: int, hour: int, minute: int = 0, zone=NEW_YORK) -> datetime:
    return local(NEXT_MONDAY + timedelta(days=day), hour, minute, zone)


def event_at(starts_at: datetime, **fields):
    event = make_event(**{"interests": ["Cardiology"], **fields})
    event.starts_at, event.ends_at = starts_at, starts_at + timedelta(hours=1)
    db.session.commit()
    return event


def intern(name="Maya Okafor", **fields):
    values = {"email": f"{name.split()[0].lower()}@hospital.example", "interests": ["Cardiology"], **fields}
    return make_user(name, **values)


def senior(name, **fields):
    """A senior open to interns, who shares Cardiology (their own digest off,
    unless asked for: the tests read the interns' mail)."""
    values = {"stage": "attending", "open_to_interns": True, "interests": ["Cardiology"], "weekly_digest": False}
    values.update(fields)
    return make_user(name, **values)


def run(session, now=DIGEST_TIME) -> int:
    return send_due_digests(session, now, LINKS, Schedule.from_config(current_app.config))


@pytest.fixture
def mailbox(app, tmp_path):
    folder = tmp_path / "instance" / "mail"

    def read() -> list[email.message.EmailMessage]:
        deliver_mail(app, DIGEST_TIME + timedelta(days=3))
        files = sorted(folder.glob("*.eml")) if folder.exists() else []
        return [email.message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]

    return read


def body(mail) -> str:
    return mail.get_body().get_content()


def test_an_intern_gets_next_weeks_matching_events_in_time_order_with_the_seniors_suggested_there(session, mailbox):
    maya = intern()
    later = event_at(next_week(3, 12), title="Echo Journal Club", location="Library")
    first = event_at(next_week(1, 7, 30), title="Cardiology Grand Rounds", location="Auditorium B")
    event_at(next_week(2, 9), title="Skin Club", interests=["Dermatology"])  # not her interests
    event_at(next_week(2, 10), title="Called Off", status="cancelled")
    event_at(local(FRIDAY, 18), title="This Friday")  # this week: not in next week's digest
    event_at(next_week(7, 9), title="The Week After")
    make_rsvp(first, maya)
    open_, full, hidden, private = (
        senior("Dr Open"),
        senior("Dr Full", intro_capacity=1),
        senior("Dr Hidden", attendance_visibility="organizers"),
        senior("Dr Shy", attendance_visibility="attendees"),
    )
    session.add(
        IntroRequest(
            requester_id=intern("Omar Haddad").id, senior_id=full.id, status="accepted", expires_at=DIGEST_TIME
        )
    )
    session.commit()
    for event in (first, later):
        for person in (open_, full, hidden, private):
            make_rsvp(event, person)
    assert run(session) == 2  # Maya, and Omar, who also likes Cardiology
    mail = next(m for m in mailbox() if m["To"] == "maya@hospital.example")
    assert mail["Subject"] == f"Next week for you: 2 events, Mon {NEXT_MONDAY.day} {NEXT_MONDAY:%b} – " + (
        f"Sun {(NEXT_MONDAY + timedelta(days=6)).day} {NEXT_MONDAY + timedelta(days=6):%b}"
    )
    text = body(mail)
    assert text.index("Cardiology Grand Rounds") < text.index("Echo Journal Club")
    for absent in ("Skin Club", "Called Off", "This Friday", "The Week After", "Dr Full", "Dr Hidden"):
        assert absent not in text
    rounds = text[text.index("Cardiology Grand Rounds") : text.index("Echo Journal Club")]
    assert ", 07:30–08:30 (E" in rounds and "Auditorium B" in rounds and "You're going." in rounds
    # Going herself, she sees who shows it to those going; at the other event she does not.
    assert "Senior colleagues suggested for you who are going: Dr Open (Attending) and Dr Shy (Attending)." in rounds
    assert f"https://rounds.example/events/{first.id}" in rounds
    club = text[text.index("Echo Journal Club") :]
    assert "suggested for you who are going: Dr Open (Attending)." in club and "Dr Shy" not in club
    assert f"https://rounds.example/events/{later.id}" in club
    assert "your profile lists your interests (Cardiology)" in text and "https://rounds.example/profile/edit" in text
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "To stop emails about the weekly digest, open: https://rounds.example/unsubscribe/" in text


def test_the_seniors_named_are_those_each_event_page_suggests_to_that_member(client, auth, session, mailbox):
    maya, omar = intern(), intern("Omar Haddad", stage="resident", pgy_year=3)
    rounds = event_at(next_week(1, 8), title="Heart Rounds")
    make_rsvp(rounds, omar)
    people = {
        "Dr Asked": senior("Dr Asked", intro_capacity=1),
        "Dr Declined": senior("Dr Declined"),
        "Dr Connected": senior("Dr Connected"),
        "Dr Fellow": senior("Dr Fellow", stage="fellow"),
        "Dr Resident": senior("Dr Resident", stage="resident", pgy_year=4),
        "Dr Shy": senior("Dr Shy", attendance_visibility="attendees"),
        "Dr Closed": senior("Dr Closed", open_to_interns=False),
    }
    for person in people.values():
        make_rsvp(rounds, person)
    now = DIGEST_TIME
    session.add_all(
        [
            # Full, but Maya's request waits for their answer: still suggested, as on the page.
            IntroRequest(requester_id=maya.id, senior_id=people["Dr Asked"].id, expires_at=now + timedelta(days=9)),
            IntroRequest(requester_id=omar.id, senior_id=people["Dr Asked"].id, status="accepted", expires_at=now),
            IntroRequest(
                requester_id=maya.id,
                senior_id=people["Dr Declined"].id,
                status="declined",
                responded_at=now - timedelta(days=3),
                expires_at=now,
            ),
            IntroRequest(requester_id=maya.id, senior_id=people["Dr Connected"].id, status="accepted", expires_at=now),
        ]
    )
    session.commit()
    assert run(session) == 2
    named = {}
    for mail in mailbox():
        line = next(li for li in body(mail).splitlines() if li.startswith("Senior colleagues suggested"))
        named[mail["To"]] = set(re.findall(r"(Dr \w+)", line))
    for member in (maya, omar):
        auth.login(member.email)
        page = client.get(f"/events/{rounds.id}?meet=all").get_data(as_text=True)
        section = page[page.index("Who to meet here") : page.index("Who's going")]
        assert named[member.email] == set(re.findall(r">(Dr \w+)</a>", section)), member.name
        auth.logout()
    assert named["maya@hospital.example"] == {"Dr Asked", "Dr Fellow", "Dr Resident"}
    assert named["omar@hospital.example"] == {"Dr Declined", "Dr Connected", "Dr Fellow", "Dr Shy"}


def test_nothing_goes_before_the_moment_a_late_run_catches_up_that_week_and_none_after_it(session, mailbox):
    maya = intern()
    event_at(next_week(1, 8))
    assert run(session, DIGEST_TIME - timedelta(minutes=1)) == 0
    assert run(session, local(NEXT_MONDAY - timedelta(days=1), 23, 30)) == 1  # Sunday night: still that week
    late = intern("Omar Haddad")
    assert run(session, local(NEXT_MONDAY, 0, 30)) == 0  # the week it covers has begun
    assert [m["To"] for m in mailbox()] == [maya.email]
    assert late.profile.weekly_digest


def test_running_twice_sends_once_and_a_week_with_nothing_is_recorded_and_not_worked_out_again(session, mailbox):
    maya, idle = intern(), intern("Idle Person", interests=["Dermatology"])
    event_at(next_week(1, 8))
    assert run(session) == 1
    assert run(session) == 0
    assert run(session, DIGEST_TIME + timedelta(hours=5)) == 0
    session.rollback()
    weeks = dict(session.execute(sa.select(WeeklyDigest.user_id, WeeklyDigest.events)).tuples().all())
    assert weeks == {maya.id: 1, idle.id: 0}
    assert due_members(session, DIGEST_TIME + timedelta(hours=1), Schedule.from_config(current_app.config)) == []
    assert [m["To"] for m in mailbox()] == [maya.email]
    # The next week is a new key; weeks long past are forgotten.
    event_at(next_week(8, 8))
    assert run(session, DIGEST_TIME + timedelta(days=7)) == 1
    assert run(session, DIGEST_TIME + timedelta(weeks=10)) == 0
    session.rollback()
    assert set(session.scalars(sa.select(WeeklyDigest.week))) == {NEXT_MONDAY + timedelta(weeks=10)}


def test_two_workers_at_once_send_each_digest_once(app, session, mailbox):
    members = [intern(f"Member {n}", email=f"member{n}@hospital.example") for n in range(6)]
    event_at(next_week(1, 8))
    barrier = Barrier(2, timeout=30)

    def worker(_):
        barrier.wait()
        with app.app_context(), Session(db.engine) as own:
            return send_due_digests(own, DIGEST_TIME, LINKS, Schedule.from_config(app.config))

    with ThreadPoolExecutor(2) as pool:
        sent = list(pool.map(worker, range(2)))
    assert sum(sent) == 6
    assert sorted(m["To"] for m in mailbox()) == sorted(m.email for m in members)


def test_each_member_gets_it_on_their_own_clock_for_their_own_week(session, mailbox):
    york, tokyo = intern("York Member"), intern("Tokyo Member", timezone="Asia/Tokyo")
    event_at(next_week(6, 20), title="Sunday Evening in New York")  # Monday morning in Tokyo: the week after
    event_at(next_week(0, 8, zone=TOKYO), title="Monday Morning in Tokyo")  # Sunday evening in New York
    tokyo_friday = local(this_monday(TOKYO) + timedelta(days=4), 16, zone=TOKYO)
    assert run(session, tokyo_friday) == 1  # 02:00 on Friday in New York: not yet there
    assert run(session, local(this_monday(TOKYO) + timedelta(days=4), 16)) == 1
    mails = {m["To"]: body(m) for m in mailbox()}
    assert "Monday Morning in Tokyo" in mails[tokyo.email] and "Sunday Evening" not in mails[tokyo.email]
    assert "Sunday Evening in New York" in mails[york.email] and "Monday Morning" not in mails[york.email]
    assert "08:00–09:00 (JST)" in mails[tokyo.email]


def test_off_on_the_profile_or_through_the_mails_one_click_link_and_no_digest_comes(client, session, mailbox):
    maya, omar = intern(), intern("Omar Haddad", weekly_digest=False)
    event_at(next_week(1, 8))
    event_at(next_week(8, 8))
    assert run(session) == 1
    [mail] = mailbox()
    assert mail["To"] == maya.email and omar.email not in [m["To"] for m in mailbox()]
    [url] = re.findall(r"<([^>]+)>", mail["List-Unsubscribe"])
    path = "/unsubscribe/" + url.rsplit("/unsubscribe/", 1)[1]
    asked = client.get(path).get_data(as_text=True)
    assert "Stop emails about the weekly digest?" in asked and "Only this weekly email stops" in asked
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "No more emails about the weekly digest" in response.get_data(as_text=True)
    session.expire_all()
    assert maya.profile.weekly_digest is False and maya.email_notifications is True
    assert run(session, DIGEST_TIME + timedelta(days=7)) == 0
    assert len(mailbox()) == 1


def test_a_senior_gets_the_events_too_and_events_declined_are_left_out(session, mailbox):
    chief = senior("Dr Chief", stage="faculty", email="chief@hospital.example", weekly_digest=True)
    declined, kept = event_at(next_week(1, 8), title="Not For Me"), event_at(next_week(2, 8), title="Ward Teaching")
    make_rsvp(declined, chief, "declined")
    make_rsvp(kept, senior("Dr Other"))
    assert run(session) == 1
    [mail] = mailbox()
    assert "Ward Teaching" in body(mail) and "Not For Me" not in body(mail)
    assert "Senior colleagues suggested" not in body(mail)  # nobody is further along than faculty
    assert preference_of("weekly_digest") == DIGEST


def test_no_interests_no_zone_and_an_account_deleted_mid_run_are_skipped_and_the_others_get_theirs(
    session, mailbox, caplog
):
    event_at(next_week(1, 8))
    make_user("No Interests", email="none@hospital.example")
    zoneless = intern("Zoneless Member", timezone=None)
    doomed, other = intern("Doomed Member"), intern("Other Member")
    doomed_id, deleted = doomed.id, []

    def delete_before_the_claim(conn, _cursor, statement, parameters, *_):
        """As another transaction would, just before this one claims (each
        claim that fails is undone with its savepoint, the deletion too)."""
        values = parameters.values() if isinstance(parameters, dict) else parameters
        if statement.startswith("INSERT INTO weekly_digest") and doomed_id in values:
            deleted.append(doomed_id)
            conn.execute(sa.text('DELETE FROM "user" WHERE id = :id'), {"id": doomed_id})

    sa.event.listen(db.engine, "before_cursor_execute", delete_before_the_claim)
    try:
        assert run(session) == 2
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", delete_before_the_claim)
    assert doomed_id in deleted and doomed_id > 1  # (not the count of events in its row)
    assert f"for user {doomed_id} skipped" in caplog.text
    assert sorted(m["To"] for m in mailbox()) == sorted([zoneless.email, other.email])


def test_the_digest_reaches_a_real_mail_server(make_app):
    server = MailServer().start()
    try:
        app = make_app(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port, MAIL_TIMEOUT=5)
        with app.app_context():
            intern()
            event_at(next_week(1, 8), title="Cardiology Grand Rounds")
            assert send_due_digests(db.session, DIGEST_TIME, LINKS, Schedule.from_config(app.config)) == 1
            db.session.remove()
        assert deliver_mail(app, DIGEST_TIME).sent == 1
        [envelope] = server.received
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        assert envelope.rcpt_tos == ["maya@hospital.example"] and "Cardiology Grand Rounds" in body(message)
        assert message["List-Unsubscribe"].startswith("<https://rounds.example/unsubscribe/")
    finally:
        server.stop()


def test_a_run_reads_the_same_number_of_statements_for_two_members_or_twenty(session):
    def statements_for(n_members: int, week: int) -> int:
        for n in range(n_members):
            # (Each call's members and events share an interest of their own.)
            topic = ["Cardiology", "Dermatology"][week]
            member = intern(f"Member {week}-{n}", email=f"m{week}-{n}@hospital.example", interests=[topic])
            event = event_at(next_week(7 * week + 1, 8 + n % 8), interests=[topic])
            make_rsvp(event, member)
            make_rsvp(event, senior(f"Dr {week}-{n}"))
        seen = []

        def count(_conn, _cursor, statement, *_):
            seen.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert run(session, DIGEST_TIME + timedelta(days=7 * week)) == n_members
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
        # (Besides one row of the outbox per mail.)
        return len([s for s in seen if not s.startswith("INSERT INTO outbox_mail")])

    assert statements_for(2, 0) == statements_for(20, 1)


def test_the_worker_runs_the_digest_and_a_bad_schedule_stops_the_app(app, make_app):
    from eventsapp import worker

    assert "send-digests" in [job.name for job in worker.all_jobs()]
    for bad in ({"DIGEST_DAY": "Caturday"}, {"DIGEST_HOUR": 24}):
        with pytest.raises(ConfigError, match="DIGEST_"):
            make_app(**bad)
