"""Importing a class roster, as the coordinator and the invited people see it:
the preview saves nothing, the import creates and updates, a second upload
changes nothing, invitations are mailed, accepted once, expire and are sent again."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from eventsapp import worker
from eventsapp.accounts.models import User
from eventsapp.extensions import db
from eventsapp.notifications.models import OutboxMail
from eventsapp.roster.models import RosterImport, RosterInvitation
from tests.factories import make_department, make_user
from tests.security_routes import log_in
from tests.test_program_pages import make_coordinator

NOW = datetime(2026, 7, 1, 14, 0, tzinfo=UTC)
ROSTER = (
    "Name;E-mail;Career stage;PGY;Department;Interests\r\n"
    "Ana Lima;Ana.Lima@Hospital.example;Intern;1;Surgery;Cardiology\r\n"
    "=Bo Berg;bo@hospital.example;Resident;PGY-2;Surgery;Oncology|Cardiology\r\n"
    "Zoë Cole;zoe@hospital.example;Wizard;;Surgery;\r\n"
).encode("cp1252")


class Clock:
    def __init__(self, monkeypatch):
        self.now = NOW
        for module in ("eventsapp.web.roster",):
            monkeypatch.setattr(f"{module}.utcnow", lambda: self.now)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


@pytest.fixture
def surgery(app):
    return make_department("Surgery")


@pytest.fixture
def coordinator(client, surgery):
    person = make_coordinator(make_user("Cora Coordinator", stage="faculty"))
    log_in(client, person)
    return person


def upload(client, data: bytes = ROSTER, name: str = "interns.csv"):
    return client.post("/roster/imports", data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def accounts_and_mail() -> dict:
    """Every row of the tables an import may write, but the uploads themselves."""
    with db.engine.connect() as conn:
        return {
            name: sorted(map(tuple, conn.execute(sa.select(db.metadata.tables[name])).all()))
            for name in ("user", "profile", "profile_specialty", "roster_invitation", "outbox_mail")
        }


def run_worker(app, now: datetime) -> int:
    """The worker's round of invitations, at `now`: how many it mailed."""
    return worker.run_round(app, now, [job for job in worker.JOBS if job.name == "send-roster-invitations"])[
        "send-roster-invitations"
    ]


def invitation_links() -> list[str]:
    bodies = db.session.scalars(sa.select(OutboxMail.message).where(OutboxMail.kind == "roster_invitation"))
    return [re.search(rb"/roster/join/([\w-]+)", body).group(1).decode() for body in bodies]


def test_the_preview_lists_each_row_and_saves_no_account(client, coordinator, clock):
    response = upload(client)
    assert response.status_code == 302
    page = client.get(response.location).get_data(as_text=True)
    assert "Nothing has been saved yet" in page and "Windows-1252" in page
    assert "<strong>2</strong> new accounts" in page and "<strong>1</strong> with errors" in page
    assert "Career stage “Wizard” is not one of" in page and "=Bo Berg" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
    assert not invitation_links()


def test_importing_creates_the_accounts_and_mails_each_a_link_and_a_second_upload_changes_nothing(
    client, coordinator, clock, app
):
    preview = upload(client).location
    response = client.post(preview + "/import", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Imported: 2 new (their invitations go out by email in the next minutes), 0 updated," in page
    assert "0 unchanged, 1 left out with errors." in page
    bo = db.session.scalar(sa.select(User).where(User.email == "bo@hospital.example"))
    assert bo.name == "=Bo Berg" and bo.profile.stage_label == "Resident (PGY-2)"
    assert sorted(s.name for s in bo.profile.specialties) == ["Cardiology", "Oncology"]
    assert "Invitation being sent" in page and "Ana Lima" in page
    assert run_worker(app, NOW) == 2 and len(invitation_links()) == 2
    assert "Invited, not joined yet" in client.get("/roster/").get_data(as_text=True)

    before = accounts_and_mail()
    again = client.get(upload(client).location).get_data(as_text=True)
    assert "<strong>2</strong> unchanged" in again and "Importing this file would change nothing" in again
    client.post(upload(client).location + "/import")
    assert run_worker(app, NOW) == 0
    assert accounts_and_mail() == before  # no account, profile, invitation or mail changed


def test_an_update_says_what_changes_and_keeps_what_the_file_leaves_empty(client, coordinator, clock, surgery):
    ana = make_user(
        "Ana Lima", email="ana.lima@hospital.example", stage="intern", department=surgery, interests=["Oncology"]
    )
    page = client.get(
        upload(client, b"Name,Email,Career stage,PGY\r\nAna Lima,ana.lima@hospital.example,Resident,3\r\n").location
    )
    assert "Career stage: Intern → Resident (PGY-3)" in page.get_data(as_text=True)
    client.post(
        upload(client, b"Name,Email,Career stage,PGY\r\nAna Lima,ana.lima@hospital.example,Resident,3\r\n").location
        + "/import"
    )
    db.session.expire_all()
    assert ana.profile.pgy_year == 3 and ana.profile.department == surgery
    assert [s.name for s in ana.profile.specialties] == ["Oncology"]
    assert not invitation_links()  # an existing account is not invited


def test_a_file_that_cannot_be_read_is_refused_with_its_reason(client, coordinator):
    page = client.post(
        "/roster/imports", data={"file": (io.BytesIO(b"\x00\x01binary"), "photo.png")}, follow_redirects=True
    ).get_data(as_text=True)
    assert "This is not a CSV text file" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RosterImport)) == 0


def test_a_coordinator_limited_to_a_department_imports_only_its_people(client, clock, surgery):
    medicine = make_department("Internal Medicine")
    log_in(client, make_coordinator(make_user("Dora", stage="faculty"), medicine))
    page = client.get(upload(client).location).get_data(as_text=True)
    assert "You can import people of your departments only, not of Surgery" in page
    assert "<strong>0</strong> new accounts" in page


def _invite_one(client, app):
    client.post(upload(client).location + "/import")
    run_worker(app, NOW)
    return invitation_links()[0]


def test_the_invitation_sets_a_password_signs_in_and_works_once(client, coordinator, clock, app):
    token = _invite_one(client, app)
    client.post("/logout")
    page = client.get(f"/roster/join/{token}")
    assert page.status_code == 200 and "Choose a password" in page.get_data(as_text=True)
    short = client.post(f"/roster/join/{token}", data={"password": "short", "confirm": "short"})
    assert short.status_code == 422 and "Use at least 10 characters" in short.get_data(as_text=True)
    done = client.post(
        f"/roster/join/{token}", data={"password": "three quiet rivers", "confirm": "three quiet rivers"}
    )
    assert done.status_code == 302 and done.location.endswith("/profile/edit")
    assert "Welcome" in client.get("/profile/edit", follow_redirects=True).get_data(as_text=True)
    export = client.get("/account/export.json").get_json()
    assert export["invitation"]["accepted_at"] and token not in str(export)
    used = client.get(f"/roster/join/{token}")
    assert used.status_code == 410 and "used already" in used.get_data(as_text=True)
    assert db.session.scalar(sa.select(RosterInvitation.accepted_at).where(RosterInvitation.accepted_at.is_not(None)))


def test_an_invitation_expires_after_14_days_and_a_resend_makes_a_new_link(client, coordinator, clock, app):
    old = _invite_one(client, app)
    clock.now = NOW + timedelta(days=14)
    assert client.get(f"/roster/join/{old}").status_code == 410
    page = client.get("/roster/?status=expired").get_data(as_text=True)
    assert "Link expired" in page
    page = client.post("/roster/resend-all", follow_redirects=True).get_data(as_text=True)
    assert "A new invitation goes out to 2 people." in page
    assert client.get(f"/roster/join/{old}").status_code == 404  # the old link is void at once
    assert run_worker(app, clock.now) == 2
    new = invitation_links()[2:]
    assert len(new) == 2 and all(client.get(f"/roster/join/{t}").status_code == 200 for t in new)
    page = client.post("/roster/resend-all", follow_redirects=True).get_data(as_text=True)
    assert "2 had one less than an hour ago" in page
    assert run_worker(app, clock.now) == 0 and len(invitation_links()) == 4


def test_the_roster_list_downloads_as_csv_with_formulas_neutralised(client, coordinator, clock, app):
    _invite_one(client, app)
    body = client.get("/roster/people.csv").get_data(as_text=True)
    assert body.splitlines()[0].startswith("Name,Email,Department,Status")
    assert '\'=Bo Berg,bo@hospital.example,Surgery,"Invited, not joined yet"' in body


def test_the_example_file_in_the_docs_previews_without_an_error(client, coordinator, clock):
    for name in ("Internal Medicine", "Pediatrics"):
        make_department(name)
    example = (Path(__file__).resolve().parent.parent / "docs" / "roster-example.csv").read_bytes()
    page = client.get(upload(client, example).location).get_data(as_text=True)
    assert "<strong>4</strong> new accounts" in page and "<strong>0</strong> with errors" in page


def test_the_roster_pages_have_labelled_controls_and_ordered_headings(client, coordinator, clock, app):
    from tests.a11y import problems

    token = _invite_one(client, app)
    pages = ["/roster/", upload(client).location]
    for url in pages:
        assert problems(client.get(url).get_data(as_text=True)) == [], url
    client.post("/logout")
    for url in (f"/roster/join/{token}", "/roster/join/no-such-token"):
        assert problems(client.get(url).get_data(as_text=True)) == [], url


def test_an_upload_left_for_a_day_expires_with_a_message(client, coordinator, clock):
    preview = upload(client).location
    clock.now = NOW + timedelta(days=1)
    page = client.post(preview + "/import", follow_redirects=True).get_data(as_text=True)
    assert "This upload has expired; upload the file again." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1
