"""The command-line tools: demo hospital and first admin."""

import sqlalchemy as sa

from eventsapp.accounts.models import User
from eventsapp.profiles.models import Profile
from tests.factories import make_user


def count(session, model):
    session.rollback()  # end the read transaction: see what requests committed
    return session.scalar(sa.select(sa.func.count()).select_from(model))


def test_seed_demo_creates_a_believable_hospital_and_prints_the_logins(runner, session):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "intern@riverside.example" in result.output
    assert "senior@riverside.example" in result.output
    assert "organizer@riverside.example" in result.output
    assert "welcome-to-rounds" in result.output
    assert count(session, User) >= 80
    stages = set(session.scalars(sa.select(Profile.career_stage)))
    assert stages == {"student", "intern", "resident", "fellow", "attending", "faculty"}
    organizers = session.scalars(sa.select(User).where(User.role == "organizer")).all()
    assert len(organizers) >= 3


def test_seed_demo_twice_adds_nothing_the_second_time(runner, session):
    runner.invoke(args=["seed-demo"])
    people = count(session, User)
    result = runner.invoke(args=["seed-demo"])
    assert "The demo hospital is already in this database: nothing to add." in result.output
    assert "0 " not in result.output and "added" not in result.output
    assert "intern@riverside.example" in result.output  # the logins are still shown
    assert count(session, User) == people


def test_seed_demo_names_only_what_it_added(runner, session):
    result = runner.invoke(args=["seed-demo"])
    summary = result.output.splitlines()[0]
    assert summary.startswith("Demo hospital: ") and summary.endswith(" added.")
    assert "people" in summary and "events" in summary and " 0 " not in summary


def test_seed_demo_if_empty_leaves_a_real_hospital_alone(runner, session):
    make_user()
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "not seeded" in result.output
    assert count(session, User) == 1


def test_demo_logins_work_and_home_page_names_them(runner, client, auth):
    assert "intern@riverside.example" not in client.get("/").get_data(as_text=True)
    runner.invoke(args=["seed-demo"])
    home = client.get("/").get_data(as_text=True)
    for email in ("intern@riverside.example", "senior@riverside.example", "organizer@riverside.example"):
        assert email in home
    response = auth.login("senior@riverside.example", "welcome-to-rounds")
    assert response.status_code == 302


def test_seed_demo_refuses_a_production_installation_unless_forced(make_app, session):
    app = make_app(APP_ENV="production", SERVER_NAME="localhost")
    with app.app_context():  # the command runs in the current app context
        result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code != 0 and "production" in result.output
    assert count(session, User) == 0


def test_production_home_page_never_lists_demo_passwords(make_app, runner):
    runner.invoke(args=["seed-demo"])
    page = make_app(APP_ENV="production", SERVER_NAME="localhost").test_client().get("/").get_data(as_text=True)
    assert "welcome-to-rounds" not in page and "admin@riverside.example" not in page


def test_make_admin_bootstraps_the_first_admin(runner, session):
    user = make_user(email="chief@hospital.example")
    result = runner.invoke(args=["make-admin", "Chief@Hospital.example"])
    assert result.exit_code == 0 and "is now an admin" in result.output
    session.rollback()  # end the read transaction: see what requests committed
    assert session.get(User, user.id).role == "admin"


def test_make_admin_with_an_unknown_email_fails_clearly(runner):
    result = runner.invoke(args=["make-admin", "nobody@hospital.example"])
    assert result.exit_code != 0
    assert "No account" in result.output


def test_backup_writes_a_consistent_copy_while_the_app_is_writing(runner, session, tmp_path):
    import sqlite3

    from eventsapp.extensions import db

    if db.engine.url.get_backend_name() != "sqlite":
        result = runner.invoke(args=["backup", str(tmp_path / "copy.sqlite")])
        assert result.exit_code != 0 and "pg_dump" in result.output
        return
    runner.invoke(args=["seed-demo"])
    writer = sqlite3.connect(db.engine.url.database)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("UPDATE user SET name = 'Half-way' WHERE id = 1")  # not committed
    result = runner.invoke(args=["backup", str(tmp_path / "copy.sqlite")])
    writer.rollback()
    writer.close()
    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(tmp_path / "copy.sqlite")
    assert copy.execute("SELECT count(*) FROM user").fetchone()[0] == count(session, User)
    assert copy.execute("SELECT name FROM user WHERE id = 1").fetchone()[0] != "Half-way"
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    again = runner.invoke(args=["backup", str(tmp_path / "copy.sqlite")])
    assert again.exit_code != 0 and "already exists" in again.output
