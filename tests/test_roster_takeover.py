"""A roster cannot hand an account to the wrong person: a coordinator limited
to departments touches no account outside them (nor shows it), no roster
rewrites an admin or a coordinator, and an address registered but never
confirmed goes to its owner by invitation, not to whoever registered it."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from eventsapp import worker
from eventsapp.accounts.models import User
from eventsapp.extensions import db
from eventsapp.notifications.models import OutboxMail
from eventsapp.roster import planning, services
from eventsapp.roster.models import RosterInvitation
from tests import security_routes
from tests.factories import make_department, make_user
from tests.test_program_pages import make_coordinator
from tests.test_roster_pages import accounts_and_mail

NOW = datetime(2026, 7, 1, 14, 0, tzinfo=UTC)
CLAIMED = "new.intern@hospital.example"
CLAIMANTS_PASSWORD = "attackers-password-1"


def roster(*lines: str) -> bytes:
    return ("Name,Email,Career stage,Department\r\n" + "\r\n".join(lines)).encode()


def planned_for(uploader, data: bytes, allowed):
    upload = services.store_upload(db.session, uploader_id=uploader.id, filename="r.csv", data=data, now=NOW)
    return upload, services.preview(db.session, upload, allowed)


def imported(uploader, data: bytes, allowed=None):
    upload, _ = planned_for(uploader, data, allowed)
    return services.run_import(db.session, upload, actor_id=uploader.id, allowed=allowed, now=NOW)


def account(email: str) -> tuple:
    """What a roster could change of an account, and its role."""
    db.session.expire_all()
    user = db.session.scalar(sa.select(User).where(User.email == email))
    return user.name, user.role, user.profile.career_stage, user.profile.department_id


@pytest.fixture
def surgery(app):
    return make_department("Surgery")


@pytest.fixture
def surgeon_coordinator(surgery):
    return make_coordinator(make_user("Cora Coordinator", stage="faculty"), surgery)


def test_a_limited_coordinator_cannot_rewrite_an_admin_without_a_department(surgeon_coordinator, surgery):
    make_user("Adam Admin", email="admin@hospital.example", role="admin", stage="attending")
    before = account("admin@hospital.example")
    allowed = frozenset({surgery.id})
    _, shown = planned_for(surgeon_coordinator, roster("Eve Owned,admin@hospital.example,Intern,Surgery"), allowed)
    assert [p.errors for p in shown.planned] == [(planning.OUTSIDE,)]
    done = imported(surgeon_coordinator, roster("Eve Owned,admin@hospital.example,Intern,Surgery"), allowed)
    assert (done.updated, done.skipped) == (0, 1)
    assert account("admin@hospital.example") == before == ("Adam Admin", "admin", "attending", None)


def test_a_limited_coordinators_preview_shows_nothing_of_an_account_outside_their_departments(
    client, surgeon_coordinator
):
    pediatrics = make_department("Pediatrics")
    make_user("Quentin Nodept", email="nodept@hospital.example", stage="fellow")
    make_user("Rhoda Elsewhere", email="elsewhere@hospital.example", stage="fellow", department=pediatrics)
    security_routes.log_in(client, surgeon_coordinator)
    data = roster("Eve Owned,nodept@hospital.example,Intern,Surgery", "Eve Too,elsewhere@hospital.example,Intern,")
    response = client.post(
        "/roster/imports", data={"file": (io.BytesIO(data), "r.csv")}, content_type="multipart/form-data"
    )
    page = client.get(response.location).get_data(as_text=True)
    assert page.count("an account outside your departments; an admin can import it") == 2
    assert "<strong>2</strong> with errors" in page
    for their_own in ("Quentin", "Nodept", "Rhoda", "Fellow", "Pediatrics"):
        assert their_own not in page


def test_no_roster_renames_an_admin_or_a_coordinator_not_even_an_admins(app, surgery):
    admin = make_user("Adam Admin", role="admin", stage="attending", department=surgery)
    make_user("Ada Other", email="other.admin@hospital.example", role="admin", stage="attending", department=surgery)
    make_coordinator(make_user("Cora Coord", email="cora@hospital.example", stage="faculty", department=surgery))
    before = [account("other.admin@hospital.example"), account("cora@hospital.example")]
    data = roster("Eve Owned,other.admin@hospital.example,Intern,Surgery", "Eve Too,cora@hospital.example,Intern,")
    _, shown = planned_for(admin, data, None)
    assert [p.errors for p in shown.planned] == [(planning.MANAGES_OWN,)] * 2
    assert imported(admin, data).updated == 0
    assert [account("other.admin@hospital.example"), account("cora@hospital.example")] == before


def test_an_invited_person_imported_again_keeps_their_one_invitation(app, surgery):
    admin = make_user("Adam Admin", role="admin", stage="attending")
    imported(admin, roster("Ana Lima,ana@hospital.example,Intern,Surgery"))
    first = db.session.scalar(sa.select(RosterInvitation))
    first_import, asked = first.import_id, first.asked_at
    done = imported(admin, roster("Ana Lima,ana@hospital.example,Fellow,Surgery"))
    assert (done.created, done.updated, done.claims) == (0, 1, 0)
    db.session.expire_all()
    (invitation,) = db.session.scalars(sa.select(RosterInvitation)).all()
    assert (invitation.import_id, invitation.asked_at) == (first_import, asked)


def _upload(client, data: bytes) -> str:
    response = client.post(
        "/roster/imports", data={"file": (io.BytesIO(data), "r.csv")}, content_type="multipart/form-data"
    )
    return response.location


def _logs_in(client, password: str) -> bool:
    response = client.post("/login", data={"email": CLAIMED, "password": password})
    return response.status_code == 302 and "/login" not in response.location


def test_an_unconfirmed_claim_on_an_imported_address_ends_and_its_owner_is_invited(app, client, surgery, monkeypatch):
    monkeypatch.setattr("eventsapp.web.roster.utcnow", lambda: NOW)
    make_user("Mallory", email=CLAIMED, password=CLAIMANTS_PASSWORD, verified=False, stage="attending")
    claimant = app.test_client()
    assert _logs_in(claimant, CLAIMANTS_PASSWORD)
    security_routes.log_in(client, make_coordinator(make_user("Cora Coordinator", stage="faculty")))
    data = roster(f"Nina Newcomer,{CLAIMED},Intern,Surgery")

    page = client.get(_upload(client, data)).get_data(as_text=True)
    assert "of which <strong>1</strong> held by an unconfirmed account" in page
    assert "An unconfirmed account holds this address: its password will be removed and the person invited" in page
    assert "Update and invite" in page
    done = client.post(_upload(client, data) + "/import", follow_redirects=True).get_data(as_text=True)
    assert "1 updated (1 of them held by an unconfirmed account, now invited instead)" in done
    assert "Nina Newcomer" in done and "Invitation being sent" in done

    assert claimant.get("/account/sessions").status_code == 302  # their login has ended
    assert not _logs_in(app.test_client(), CLAIMANTS_PASSWORD)
    assert account(CLAIMED)[::2] == ("Nina Newcomer", "intern")
    ran = worker.run_round(app, NOW, [job for job in worker.JOBS if job.name == "send-roster-invitations"])
    assert ran["send-roster-invitations"] == 1
    mail = db.session.scalar(sa.select(OutboxMail).where(OutboxMail.kind == "roster_invitation"))
    assert mail.to_address == CLAIMED

    before = accounts_and_mail()
    again = client.get(_upload(client, data)).get_data(as_text=True)
    assert "<strong>1</strong> unchanged" in again and "unconfirmed account" not in again
    client.post(_upload(client, data) + "/import")
    assert worker.run_round(app, NOW, [j for j in worker.JOBS if j.name == "send-roster-invitations"]) == {
        "send-roster-invitations": 0
    }
    assert accounts_and_mail() == before  # no account, invitation or mail changed


def test_an_import_takes_an_unconfirmed_claim_in_its_one_transaction_and_the_worker_mails_the_owner(app, surgery):
    from eventsapp.accounts import passwords
    from eventsapp.accounts.models import UserSession
    from eventsapp.accounts.sessions import open_session
    from eventsapp.ical import services as calendars
    from eventsapp.roster import invitations

    admin = make_user("Adam Admin", role="admin", stage="attending")
    claimant = make_user("Mallory", email=CLAIMED, password=CLAIMANTS_PASSWORD, verified=False)
    feed = calendars.feed_token(calendars.create_or_rotate(db.session, claimant))
    open_session(db.session, claimant.id, now=NOW, lifetime=timedelta(hours=1), remembered=False, user_agent="")
    db.session.commit()
    done = imported(admin, roster(f"Nina Newcomer,{CLAIMED},Intern,Surgery", "Ana Lima,ana@hospital.example,Intern,"))
    assert (done.created, done.updated, done.claims) == (1, 1, 1)
    db.session.expire_all()
    assert not passwords.verify_password(claimant.password_hash, CLAIMANTS_PASSWORD)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UserSession)) == 0
    assert calendars.owner_of(db.session, feed) is None
    assert invitations.send_waiting(db.session, NOW, "https://rounds.example/roster/join/") == 2
    mailed = set(db.session.scalars(sa.select(OutboxMail.to_address)))
    assert mailed == {CLAIMED, "ana@hospital.example"}


def test_a_limited_coordinator_takes_back_an_unconfirmed_self_registration_without_showing_it(
    surgeon_coordinator, surgery
):
    """An incoming intern's address, registered without a department and never
    confirmed, is nobody's yet: the coordinator's roster takes it back as an
    admin's would, and shows nothing the registrant typed."""
    make_user("Mallory Typed", email=CLAIMED, password=CLAIMANTS_PASSWORD, verified=False, stage="attending")
    pediatrics = make_department("Pediatrics")
    make_user("Pia Elsewhere", email="pia@hospital.example", verified=False, stage="fellow", department=pediatrics)
    allowed = frozenset({surgery.id})
    data = roster(f"Nina Newcomer,{CLAIMED},Intern,Surgery", "Pia Ours,pia@hospital.example,Intern,Surgery")
    _, shown = planned_for(surgeon_coordinator, data, allowed)
    assert [(p.changes, p.errors) for p in shown.planned] == [((planning.ENDS_CLAIM,), ()), ((), (planning.OUTSIDE,))]
    _, shown = planned_for(surgeon_coordinator, roster(f"Nina Again,{CLAIMED},Intern,"), allowed)
    assert [p.errors for p in shown.planned] == [
        ("Give the department: you can import people of your departments only.",)
    ]
    done = imported(surgeon_coordinator, roster(f"Nina Newcomer,{CLAIMED},Intern,Surgery"), allowed)
    assert (done.updated, done.claims) == (1, 1)
    assert account(CLAIMED) == ("Nina Newcomer", "member", "intern", surgery.id)
    assert not _logs_in_here(CLAIMANTS_PASSWORD)
    assert account("pia@hospital.example")[0] == "Pia Elsewhere"


def _logs_in_here(password: str) -> bool:
    from flask import current_app

    return _logs_in(current_app.test_client(), password)
