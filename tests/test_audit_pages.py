"""Admins read the audit log: each audited admin action leaves one entry
with who, what and from which address; others cannot see the log."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from eventsapp.audit import services
from eventsapp.audit.models import Action, AuditEntry
from eventsapp.extensions import db
from eventsapp.timeutil import utcnow
from tests.a11y import problems
from tests.factories import DEFAULT_PASSWORD, make_event, make_rsvp, make_user
from tests.test_query_counts import counting

ADDRESS = "192.0.2.44"


@pytest.fixture
def admin(client, auth):
    user = make_user("Sam Admin", email="admin@hospital.example", role="admin", stage="attending")
    client.environ_base["REMOTE_ADDR"] = ADDRESS
    auth.login("admin@hospital.example")
    return user


def entries(session, *, sign_ins: bool = False) -> list[AuditEntry]:
    """What the requests committed; but for the sign-in of a new device
    each test's login is, unless asked."""
    session.rollback()
    query = sa.select(AuditEntry).order_by(AuditEntry.id)
    if not sign_ins:
        query = query.where(AuditEntry.action != Action.NEW_DEVICE)
    return list(session.scalars(query))


def test_a_role_change_is_recorded_with_who_and_from_where(client, session, admin):
    chief = make_user("Chief Resident", email="chief@hospital.example")
    client.post(f"/admin/people/{chief.id}/role", data={"role": "organizer"})
    [entry] = entries(session)
    assert (entry.action, entry.actor_id, entry.address) == (Action.ROLE_CHANGED, admin.id, ADDRESS)
    assert (entry.subject, entry.detail) == (f"Chief Resident (#{chief.id})", "now organizer")


def test_a_refused_role_change_records_nothing(client, session, admin):
    other_admin = make_user(email="boss@hospital.example", role="admin")
    client.post(f"/admin/people/{other_admin.id}/role", data={"role": "member"})
    assert entries(session) == []


def test_removing_an_account_is_recorded_and_outlives_it(client, session, admin):
    person_id = make_user("Pat Lee", email="pat@hospital.example").id
    client.post(f"/admin/people/{person_id}/remove", data={"confirm": "y"})
    [entry] = entries(session)
    assert (entry.action, entry.subject, entry.address) == (Action.ACCOUNT_DELETED, f"Pat Lee (#{person_id})", ADDRESS)


def test_granting_and_revoking_a_coordinator_are_recorded(client, session, admin):
    cora = make_user("Cora Ward", email="cora@hospital.example")
    client.post("/admin/coordinators", data={"email": "cora@hospital.example"})
    client.post(f"/admin/coordinators/{cora.id}/revoke")
    assert [e.action for e in entries(session)] == [Action.COORDINATOR_GRANTED, Action.COORDINATOR_REVOKED]


@pytest.mark.parametrize("role", ["member", "organizer"])
def test_only_admins_see_the_log(client, auth, role):
    make_user(email="someone@hospital.example", role=role)
    auth.login("someone@hospital.example")
    assert client.get("/admin/audit/").status_code == 403
    assert client.get("/admin/audit/audit.csv").status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get("/admin/audit/")
    assert response.status_code == 302 and "/login" in response.location


def add(session, actor, *, days_ago=0, action=Action.ROLE_CHANGED, subject="Maya Okafor (#12)"):
    at = utcnow() - timedelta(days=days_ago)
    services.record(session, actor=actor, action=action, subject=subject, address="10.1.2.3", at=at)
    session.commit()


def test_the_page_filters_by_action_and_person(client, session, admin):
    add(session, admin, subject="Maya Okafor (#12)")
    add(session, admin, action=Action.ACCOUNT_DELETED, subject="Pat Lee (#3)")
    page = client.get("/admin/audit/?action=account_deleted").get_data(as_text=True)
    assert "Pat Lee (#3)" in page and "Maya Okafor" not in page
    page = client.get("/admin/audit/?person=maya").get_data(as_text=True)
    assert "Maya Okafor (#12)" in page and "Pat Lee" not in page
    assert 'for="audit-person"' in page and "10.1.2.3" in page


def test_the_date_filter_counts_whole_days(app, client, session, admin):
    add(session, admin, days_ago=10, subject="Long ago (#1)")
    add(session, admin, subject="Today (#2)")
    # The page's days are the hospital's: just after midnight UTC it is still yesterday there.
    today = utcnow().astimezone(ZoneInfo(app.config["APP_TIMEZONE"])).date().isoformat()
    page = client.get(f"/admin/audit/?from={today}&to={today}").get_data(as_text=True)
    assert "Today (#2)" in page and "Long ago" not in page
    assert "Long ago (#1)" in client.get("/admin/audit/?from=not-a-date").get_data(as_text=True)


def test_the_page_runs_as_many_queries_for_sixty_entries_as_for_one(client, session, admin):
    add(session, admin)
    with counting(db.engine) as few:
        assert client.get("/admin/audit/").status_code == 200
    for _ in range(60):
        add(session, admin)
    with counting(db.engine) as many:
        page = client.get("/admin/audit/").get_data(as_text=True)
    assert len(many) == len(few)
    assert 'rel="next"' in page and client.get("/admin/audit/?page=2").status_code == 200


def test_the_csv_holds_the_filtered_entries_and_the_download_is_recorded(client, session, admin):
    add(session, admin, subject="Maya Okafor (#12)")
    add(session, admin, action=Action.ACCOUNT_DELETED, subject="Pat Lee (#3)")
    response = client.get("/admin/audit/audit.csv?action=account_deleted")
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    assert "Pat Lee (#3)" in body and "Maya Okafor" not in body
    download = entries(session)[-1]
    assert (download.action, download.actor_id, download.address) == (Action.EXPORT, admin.id, ADDRESS)
    assert download.detail == "1 rows; action=account_deleted"


def test_a_sign_in_from_a_new_device_is_recorded_once(client, auth, session):
    make_user("Maya Okafor", email="maya@hospital.example")
    client.environ_base.update(
        {"REMOTE_ADDR": ADDRESS, "HTTP_USER_AGENT": "Mozilla/5.0 (Windows NT 10.0) Firefox/120.0"}
    )
    auth.login("maya@hospital.example")
    auth.logout()
    auth.login("maya@hospital.example")  # (the same browser, known now)
    [entry] = entries(session, sign_ins=True)
    assert (entry.action, entry.address, entry.detail) == (Action.NEW_DEVICE, ADDRESS, "Firefox on Windows")
    assert entry.actor_label == "Maya Okafor <maya@hospital.example>"


def test_a_members_own_data_export_is_recorded_without_its_contents(client, auth, session):
    make_user("Maya Okafor", email="maya@hospital.example")
    auth.login("maya@hospital.example")
    assert client.get("/account/export.json").status_code == 200
    entry = entries(session)[-1]
    assert (entry.action, entry.detail) == (Action.EXPORT, "personal data (JSON)")


def test_looking_up_people_records_the_search_once_per_page(client, session, admin):
    for i in range(3):
        make_user(f"Person {i}", email=f"p{i}@hospital.example")
    assert "p2@hospital.example" in client.get("/admin/people?q=p").get_data(as_text=True)
    [entry] = entries(session)
    assert (entry.action, entry.detail, entry.address) == (
        Action.PEOPLE_LOOKUP,
        "search 'p', role any, page 1",
        ADDRESS,
    )


def test_a_member_deleting_their_own_account_is_recorded_under_their_old_name(client, auth, session):
    make_user("Maya Okafor", email="maya@hospital.example")
    auth.login("maya@hospital.example")
    client.post("/account/delete", data={"password": DEFAULT_PASSWORD, "confirm": "y"})
    [entry] = entries(session)
    assert (entry.action, entry.actor_id, entry.detail) == (Action.ACCOUNT_DELETED, None, "deleted by its owner")
    assert entry.actor_label == "Maya Okafor <maya@hospital.example>"


@pytest.fixture
def organizer(client, auth):
    user = make_user("Grace Hopper", email="grace@hospital.example", role="organizer")
    client.environ_base["REMOTE_ADDR"] = ADDRESS
    auth.login("grace@hospital.example")
    return user


def test_a_check_in_by_the_organizer_is_recorded(client, session, organizer):
    event = make_event(organizer, starts_in=-timedelta(hours=1))
    member = make_user("Came")
    make_rsvp(event, member, "going")
    client.post(f"/events/{event.id}/check-ins", data={"user_id": member.id})
    [entry] = entries(session)
    assert (entry.action, entry.actor_id, entry.subject) == (Action.CHECK_IN, organizer.id, f"event #{event.id}")
    assert entry.detail == f"checked in member #{member.id}"


def test_a_message_to_those_going_is_recorded_without_its_words(client, session, organizer):
    event = make_event(organizer)
    make_rsvp(event, make_user("Going One"), "going")
    form = {"audience": "going", "subject": "Room change", "body": "We meet in Room 4 instead."}
    assert client.post(f"/events/{event.id}/messages", data=form).status_code == 302
    [entry] = entries(session)
    assert (entry.action, entry.detail, entry.address) == (Action.GROUP_MESSAGE, "to 1 person (going)", ADDRESS)
    assert "Room" not in entry.subject + entry.detail


def test_the_page_has_a_visible_label_for_every_filter_and_headings_in_order(client, session, admin):
    add(session, admin)
    for url in ("/admin/audit/", "/admin/audit/?action=export&person=x&from=2026-01-01&to=2026-12-31"):
        assert problems(client.get(url).get_data(as_text=True)) == [], url
