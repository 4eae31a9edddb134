"""Did you meet? and the mentorship page the two members share."""

from datetime import date, timedelta

import sqlalchemy as sa

from eventsapp.introductions.models import IntroRequest
from eventsapp.mentorships import answers, services
from eventsapp.mentorships.models import Meeting, MeetingNote, Mentorship, MetAnswer
from eventsapp.notifications.models import Notification
from tests.factories import make_event, make_rsvp, make_user
from tests.fuzzing import login_as
from tests.mentorship_helpers import connected_pair, mentorship_pair


def notices(session, user):
    session.rollback()
    return list(session.scalars(sa.select(Notification.message).where(Notification.user_id == user.id)))


def test_connected_pair_is_asked_did_you_meet_from_the_introductions_page(client, session):
    request, intern, senior = connected_pair()
    login_as(client, intern.id)
    page = client.get("/introductions").get_data(as_text=True)
    assert f"/introductions/{request.id}/met" in page and "Did you meet?" in page
    question = client.get(f"/introductions/{request.id}/met").get_data(as_text=True)
    for label in ("We met", "We have a plan", "Not yet"):
        assert f">{label}</label>" in question


def test_we_met_from_either_side_starts_one_mentorship_and_tells_the_other(client, session):
    request, intern, senior = connected_pair()
    login_as(client, senior.id)
    response = client.post(f"/introductions/{request.id}/met", data={"answer": "met"})
    assert response.status_code == 302 and "/mentorships/" in response.headers["Location"]
    assert "Tomás Ferreira says you met: your mentorship has begun" in notices(session, intern)
    login_as(client, intern.id)
    client.post(f"/introductions/{request.id}/met", data={"answer": "met"})
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Mentorship)) == 1
    assert session.scalar(sa.select(sa.func.count()).select_from(MetAnswer)) == 2
    assert "Your mentorship page" in client.get("/introductions").get_data(as_text=True)


def test_not_yet_and_a_plan_start_nothing_and_keep_one_answer_per_person(client, session):
    request, intern, senior = connected_pair()
    login_as(client, intern.id)
    client.post(f"/introductions/{request.id}/met", data={"answer": "not_yet"})
    client.post(f"/introductions/{request.id}/met", data={"answer": "plan"})
    session.rollback()
    assert session.scalars(sa.select(MetAnswer.answer)).all() == ["plan"]
    assert session.scalar(sa.select(sa.func.count()).select_from(Mentorship)) == 0


def test_a_second_mentorship_for_one_introduction_is_refused_by_the_database(session):
    mentorship, intern, senior = mentorship_pair()
    session.add(Mentorship(intro_request_id=mentorship.intro_request_id, intern_id=intern.id, mentor_id=senior.id))
    try:
        session.flush()
        raised = False
    except sa.exc.IntegrityError:
        raised = True
    session.rollback()
    assert raised


def test_answers_at_once_both_land_on_the_one_mentorship(session):
    request, intern, senior = connected_pair()
    first = answers.answer_met(session, intern, request.id, "met")
    second = answers.answer_met(session, senior, request.id, "met")
    assert first.id == second.id


def test_only_the_two_members_see_a_mentorship_admins_and_organizers_get_404(client, session):
    mentorship, intern, senior = mentorship_pair()
    admin = make_user("Adam Admin", role="admin", stage="attending")
    organizer = make_user("Grace Organizer", role="organizer", stage="faculty")
    for outsider in (admin, organizer):
        login_as(client, outsider.id)
        assert client.get(f"/mentorships/{mentorship.id}").status_code == 404
        assert client.get(f"/introductions/{mentorship.intro_request_id}/met").status_code == 404
        assert client.post(f"/mentorships/{mentorship.id}/goals", data={"goals": "x"}).status_code == 404
    for member in (intern, senior):
        login_as(client, member.id)
        assert client.get(f"/mentorships/{mentorship.id}").status_code == 200


def test_intern_writes_goals_senior_comments_and_each_is_told(client, session):
    mentorship, intern, senior = mentorship_pair()
    login_as(client, intern.id)
    client.post(f"/mentorships/{mentorship.id}/goals", data={"goals": "Learn echo; choose a fellowship."})
    assert "Maya Okafor wrote their goals for your mentorship" in notices(session, senior)
    login_as(client, senior.id)
    assert client.post(f"/mentorships/{mentorship.id}/goals", data={"goals": "mine"}).status_code == 403
    client.post(f"/mentorships/{mentorship.id}/comment", data={"comment": "Start with the echo lab on Fridays."})
    page = client.get(f"/mentorships/{mentorship.id}").get_data(as_text=True)
    assert "Learn echo; choose a fellowship." in page and "Start with the echo lab on Fridays." in page
    assert "Tomás Ferreira commented on your goals" in notices(session, intern)


def test_a_goal_of_100000_characters_is_refused_with_the_form_and_nothing_saved(client, session):
    mentorship, intern, senior = mentorship_pair()
    login_as(client, intern.id)
    response = client.post(f"/mentorships/{mentorship.id}/goals", data={"goals": "a" * 100_000})
    assert response.status_code == 422
    assert "Keep it to at most 4,000 characters." in response.get_data(as_text=True)
    session.rollback()
    assert session.get(Mentorship, mentorship.id).goals == ""


def test_meeting_dates_in_the_future_or_years_back_are_refused(client, session):
    mentorship, intern, senior = mentorship_pair()
    login_as(client, senior.id)
    for day, message in (
        (date.today() + timedelta(days=3), "That date is still to come"),
        (date.today() - timedelta(days=3 * 365), "That is more than a year ago"),
    ):
        response = client.post(
            f"/mentorships/{mentorship.id}/meetings", data={"met_on": day.isoformat(), "place": "coffee"}
        )
        assert response.status_code == 422 and message in response.get_data(as_text=True)
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 0


def test_a_private_note_is_seen_by_its_author_only(client, session):
    mentorship, intern, senior = mentorship_pair()
    admin = make_user("Adam Admin", role="admin", stage="attending")
    login_as(client, senior.id)
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    response = client.post(
        f"/mentorships/{mentorship.id}/meetings",
        data={"met_on": yesterday, "place": "coffee", "note": "She worries about night shifts."},
    )
    assert response.status_code == 302
    assert "She worries about night shifts." in client.get(f"/mentorships/{mentorship.id}").get_data(as_text=True)
    assert any("logged your meeting" in n for n in notices(session, intern))
    assert not any("night shifts" in n for n in notices(session, intern))
    login_as(client, intern.id)
    page = client.get(f"/mentorships/{mentorship.id}").get_data(as_text=True)
    assert "Over coffee" in page and "night shifts" not in page
    assert "night shifts" not in client.get("/account/export.json").get_data(as_text=True)
    login_as(client, admin.id)
    assert client.get(f"/mentorships/{mentorship.id}").status_code == 404


def test_a_meeting_at_an_event_both_were_going_to(client, session):
    mentorship, intern, senior = mentorship_pair()
    event = make_event(make_user(role="organizer", stage="faculty"), title="Cardiology Grand Rounds",
                       starts_in=-timedelta(days=2))  # fmt: skip
    make_rsvp(event, intern)
    login_as(client, intern.id)
    page = client.get(f"/mentorships/{mentorship.id}").get_data(as_text=True)
    assert "Cardiology Grand Rounds" in page
    day = (date.today() - timedelta(days=2)).isoformat()
    client.post(
        f"/mentorships/{mentorship.id}/meetings", data={"met_on": day, "place": "event", "event_id": str(event.id)}
    )
    session.rollback()
    assert session.scalar(sa.select(Meeting.event_id)) == event.id


def test_closing_tells_the_other_with_the_thank_you_and_an_old_link_gets_a_clear_message(client, session):
    mentorship, intern, senior = mentorship_pair()
    login_as(client, intern.id)
    client.post(f"/mentorships/{mentorship.id}/close", data={"reason": "goals_met", "thank_you": "Thank you!"})
    assert "Maya Okafor closed your mentorship" in notices(session, senior)
    session.rollback()
    assert session.get(IntroRequest, mentorship.intro_request_id).status == "ended"
    login_as(client, senior.id)
    response = client.post(f"/introductions/{mentorship.intro_request_id}/met", data={"answer": "met"})
    assert response.status_code == 422 and "This mentorship was closed on" in response.get_data(as_text=True)
    response = client.post(f"/mentorships/{mentorship.id}/rhythm", data={"rhythm": "quarterly"})
    assert response.status_code == 422 and "This mentorship was closed on" in response.get_data(as_text=True)
    session.rollback()
    assert session.get(Mentorship, mentorship.id).rhythm == "monthly"


def test_ending_the_connection_closes_the_mentorship(session):
    from eventsapp.introductions import services as introductions

    mentorship, intern, senior = mentorship_pair()
    introductions.end_connection(session, senior, mentorship.intro_request_id)
    session.rollback()
    assert session.get(Mentorship, mentorship.id).status == "closed"


def test_deleting_an_account_removes_its_notes_and_tells_the_other(client, session):
    mentorship, intern, senior = mentorship_pair()
    meeting = services.log_meeting(
        session, intern, mentorship.id, services.MeetingDetails(date.today(), "video", note="Mine"), date.today()
    )
    services.save_note(session, senior, mentorship.id, meeting.id, "His")
    from eventsapp.accounts.privacy import delete_account
    from tests.factories import DEFAULT_PASSWORD

    delete_account(session, session.get(type(intern), intern.id), DEFAULT_PASSWORD)
    session.rollback()
    assert session.scalars(sa.select(MeetingNote.text)).all() == ["His"]
    kept = session.get(Mentorship, mentorship.id)
    assert kept.status == "closed" and kept.intern_id is None
    said = notices(session, senior)
    assert "Maya Okafor has left Mentor Rounds" in said
    assert sum("left Mentor Rounds" in n for n in said) == 1
    login_as(client, senior.id)
    assert "A former member" in client.get(f"/mentorships/{mentorship.id}").get_data(as_text=True)


def test_every_control_on_the_mentorship_page_has_its_own_visible_label(client, session):
    import re
    from collections import Counter

    mentorship, intern, senior = mentorship_pair()
    services.log_meeting(
        session, intern, mentorship.id, services.MeetingDetails(date.today(), "video"), date.today()
    )  # fmt: skip
    for member in (intern, senior):
        login_as(client, member.id)
        page = client.get(f"/mentorships/{mentorship.id}").get_data(as_text=True)
        ids = Counter(re.findall(r'\sid="([^"]+)"', page))
        assert [i for i, n in ids.items() if n > 1] == []
        controls = re.findall(r'<(?:input|select|textarea)\b(?![^>]*type="hidden")[^>]*\sid="([^"]+)"', page)
        labelled = set(re.findall(r'<label for="([^"]+)"', page))
        assert controls and set(controls) <= labelled


def test_the_home_page_lists_active_mentorships_with_their_next_meeting_and_not_closed_ones(client, session):
    mentorship, intern, senior = mentorship_pair()
    login_as(client, intern.id)
    client.post(
        f"/mentorships/{mentorship.id}/next",
        data={"date": (date.today() + timedelta(days=9)).isoformat(), "time": "12:30", "location": "Coffee"},
    )
    home = client.get("/").get_data(as_text=True)
    assert "Your mentorships" in home and "Tomás Ferreira" in home and "Your mentor · next meeting" in home
    login_as(client, senior.id)
    assert "You mentor them · next meeting" in client.get("/").get_data(as_text=True)
    services.close(session, senior, mentorship.id, "goals_met")
    assert "Your mentorships" not in client.get("/").get_data(as_text=True)


def test_a_mentorship_notice_opens_its_page_and_its_mail_names_the_full_address(client, session):
    from eventsapp.notifications.models import OutboxMail

    request, intern, senior = connected_pair()
    login_as(client, senior.id)
    client.post(f"/introductions/{request.id}/met", data={"answer": "met"})
    mentorship = session.scalar(sa.select(Mentorship))
    notice = session.scalar(
        sa.select(Notification).where(Notification.user_id == intern.id, Notification.kind == "mentorship_started")
    )
    login_as(client, intern.id)
    opened = client.post(f"/notifications/{notice.id}/open")
    assert opened.headers["Location"].endswith(f"/mentorships/{mentorship.id}")
    mail = _parsed(session.scalar(sa.select(OutboxMail).where(OutboxMail.kind == "mentorship_started")))
    assert f"Your mentorship page: http://localhost/mentorships/{mentorship.id}" in mail.get_content()
    assert "/unsubscribe/" in mail["List-Unsubscribe"]


def test_an_account_deleted_mails_the_other_member_a_full_link(client, session):
    from eventsapp.notifications.models import OutboxMail
    from tests.factories import DEFAULT_PASSWORD

    mentorship, intern, senior = mentorship_pair()
    login_as(client, senior.id)
    client.post("/account/delete", data={"password": DEFAULT_PASSWORD, "confirm": "y"})
    session.rollback()
    (mail,) = session.scalars(sa.select(OutboxMail).where(OutboxMail.kind == "mentorship_closed")).all()
    assert f"Your mentorship page: http://localhost/mentorships/{mentorship.id}" in _parsed(mail).get_content()


def _parsed(row):
    import email
    from email import policy

    return email.message_from_bytes(row.message, policy=policy.default)
