"""The roster's rules without the pages: importing once, the scope of a
limited coordinator, the invitation mail, and the roster page's queries."""

from __future__ import annotations

from datetime import UTC, datetime
from email import message_from_bytes
from email.policy import default

import pytest
import sqlalchemy as sa
from flask import url_for

from eventsapp.extensions import db
from eventsapp.notifications.models import OutboxMail
from eventsapp.profiles.models import Department
from eventsapp.roster import invitations, listing, services
from eventsapp.roster.models import RosterInvitation
from tests.factories import make_department, make_user
from tests.security_routes import log_in
from tests.test_program_pages import make_coordinator
from tests.test_query_counts import queries_for

NOW = datetime(2026, 7, 1, 14, 0, tzinfo=UTC)
LINK = "https://rounds.example/roster/join/"


def roster(*lines: str) -> bytes:
    return ("Name,Email,Career stage,Department\r\n" + "\r\n".join(lines)).encode()


def imported(admin, data: bytes, allowed=None):
    upload = services.store_upload(db.session, uploader_id=admin.id, filename="r.csv", data=data, now=NOW)
    return upload, services.run_import(db.session, upload, actor_id=admin.id, allowed=allowed, now=NOW)


@pytest.fixture
def admin(app):
    make_department("Surgery")
    make_department("Pediatrics")
    return make_user("Adam Admin", role="admin", stage="attending")


def test_pressing_import_twice_imports_once(admin):
    upload, done = imported(admin, roster("Ana,ana@hospital.example,Intern,Surgery"))
    assert done.created == 1
    with pytest.raises(services.ImportGone, match="imported already"):
        services.run_import(db.session, upload, actor_id=admin.id, allowed=None, now=NOW)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RosterInvitation)) == 1


def test_the_invitation_mail_names_the_person_and_carries_a_link_valid_14_days(admin):
    imported(admin, roster("Ana Lima,ana@hospital.example,Intern,Surgery"))
    assert invitations.send_waiting(db.session, NOW, LINK) == 1
    mail = db.session.scalar(sa.select(OutboxMail))
    body = message_from_bytes(mail.message, policy=default).get_content()
    assert mail.to_address == "ana@hospital.example" and "Hello Ana Lima" in body
    assert LINK in body and "until 15 July 2026" in body
    assert "unsubscribe" not in body.lower()  # the way in is not a mail one opts out of


def test_the_workers_link_is_the_invitation_pages_address(app):
    with app.test_request_context():
        assert url_for("roster.join", token="abc") == f"/{invitations.JOIN_PATH}abc"


def test_a_limited_coordinator_sees_and_resends_only_their_departments_people(admin):
    imported(admin, roster("Ana,ana@hospital.example,Intern,Surgery", "Pia,pia@hospital.example,Intern,Pediatrics"))
    surgery = db.session.scalar(sa.select(Department.id).where(Department.name == "Surgery"))
    people, total = listing.entries(db.session, frozenset({surgery}), now=NOW)
    assert [p.name for p in people] == ["Ana"] and total == 1
    later = NOW.replace(hour=16)
    pia = next(p for p in listing.entries(db.session, None, now=NOW)[0] if p.name == "Pia")
    assert invitations.resend(
        db.session, user_ids=[pia.user_id], allowed=frozenset({surgery}), sent_by_id=admin.id, now=later
    ) == (0, 0)


def test_the_roster_page_runs_as_many_queries_for_50_people_as_for_5(client, admin):
    coordinator = make_coordinator(make_user("Cora", stage="faculty"))
    log_in(client, coordinator)
    imported(admin, roster(*[f"P{i},p{i}@hospital.example,Intern,Surgery" for i in range(5)]))
    few = queries_for(client, "/roster/")
    imported(admin, roster(*[f"Q{i},q{i}@hospital.example,Intern,Surgery" for i in range(45)]))
    assert queries_for(client, "/roster/") == few


def test_an_address_registered_while_the_import_runs_keeps_nothing_and_the_import_can_be_pressed_again(
    admin, monkeypatch
):
    upload = services.store_upload(
        db.session, uploader_id=admin.id, filename="r.csv", data=roster("Ana,ana@hospital.example,Intern,Surgery"),
        now=NOW,
    )  # fmt: skip
    make_user("Ana Self", email="ana@hospital.example")
    # The registration lands between the import's look-up and its insert.
    monkeypatch.setattr(services, "load_members", lambda session, rows: {})
    with pytest.raises(services.DomainError, match="press Import again"):
        services.run_import(db.session, upload, actor_id=admin.id, allowed=None, now=NOW)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RosterInvitation)) == 0
    monkeypatch.undo()
    done = services.run_import(db.session, upload, actor_id=admin.id, allowed=None, now=NOW)
    assert (done.created, done.updated) == (0, 1)


def _mailed_token(to: str) -> str:
    mail = db.session.scalar(sa.select(OutboxMail).where(OutboxMail.to_address == to))
    body = message_from_bytes(mail.message, policy=default).get_content()
    return body.split(LINK, 1)[1].split()[0]


def test_choosing_a_password_through_the_link_confirms_the_address(admin):
    imported(admin, roster("Ana Lima,ana@hospital.example,Intern,Surgery"))
    invitations.send_waiting(db.session, NOW, LINK)
    ana = invitations.accept(db.session, _mailed_token("ana@hospital.example"), password="a-good-password-7", now=NOW)
    assert ana.email_verified_at == NOW


def test_signing_in_with_the_hospital_account_counts_as_joining(admin):
    from eventsapp.accounts import sso

    imported(admin, roster("Ana Lima,ana@hospital.example,Intern,Surgery"))
    invitations.send_waiting(db.session, NOW, LINK)
    token = _mailed_token("ana@hospital.example")
    claims = {"sub": "s-1", "email": "ana@hospital.example", "email_verified": True}
    sso.identify(db.session, sso.claims_from("https://login.example.org/riverside", claims))
    invitation = db.session.scalar(sa.select(RosterInvitation))
    assert invitation.accepted_at is not None
    with pytest.raises(invitations.InvitationUsed):  # the mailed link is spent
        invitations.open_invitation(db.session, token, NOW)
