"""The migrations build exactly the schema the models describe."""

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from eventsapp.extensions import db
from tests.conftest import PostgresDatabases


def test_migrations_create_the_schema_the_models_describe(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_migrations_create_every_check_constraint_the_models_declare(app):
    # compare_metadata does not look at CHECK constraints; compare their names.
    inspector = sa.inspect(db.engine)
    for table in db.metadata.sorted_tables:
        declared = {c.name for c in table.constraints if isinstance(c, sa.CheckConstraint)}
        found = {c["name"] for c in inspector.get_check_constraints(table.name)}
        assert declared <= found, table.name


def test_every_revision_id_fits_the_version_table():
    """alembic_version holds 32 characters: on PostgreSQL a longer id fails
    the upgrade after its changes ran (SQLite does not check)."""
    from pathlib import Path

    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory(str(Path(__file__).parent.parent / "migrations"))
    too_long = [r.revision for r in scripts.walk_revisions() if len(r.revision) > 32]
    assert too_long == []


def test_fresh_database_offers_the_curated_specialty_list(app, session):
    from eventsapp.profiles.models import Specialty

    names = set(session.scalars(sa.select(Specialty.name).where(Specialty.is_active)))
    assert len(names) >= 40
    assert {
        "Cardiology",
        "Pediatric cardiology",
        "Clinical research",
        "Medical education",
        "Global health",
        "Quality improvement and patient safety",
    } <= names


@pytest.fixture
def empty_database_url(databases, tmp_path):
    """A database with no tables at all, on the back end under test."""
    if isinstance(databases, PostgresDatabases):
        name = f"{databases.base}_empty"
        databases.recreate(name)
        url = databases.admin_url.set(database=name).render_as_string(hide_password=False)
        yield url
        databases.release(url)
    else:
        yield f"sqlite:///{tmp_path / 'old.sqlite'}"


def test_upgrading_a_database_that_holds_data_keeps_every_row(make_app, empty_database_url):
    """Each migration on top of real rows: nothing lost, nothing unlinked.
    (SQLite batch migrations copy tables; with foreign keys enforced, the
    copy's DROP TABLE would run ON DELETE actions on the child rows.)"""
    from flask_migrate import downgrade, upgrade

    app = make_app(SQLALCHEMY_DATABASE_URI=empty_database_url)
    with app.app_context():
        upgrade(revision="aee78e9c7ddc")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    'INSERT INTO "user" (id, email, name, password_hash, role, created_at) VALUES '
                    "(1, 'a@h.example', 'Ana', 'x', 'organizer', '2026-01-01'),"
                    " (2, 'b@h.example', 'Bo', 'x', 'member', '2026-01-01')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO profile (user_id, career_stage, bio, open_to_interns, intro_capacity, show_department,"
                    " show_interests, show_bio, updated_at) VALUES (1, 'attending', 'Hi', true, 3, true, true, true,"
                    " '2026-01-01'), (2, 'intern', '', false, 3, true, true, true, '2026-01-01')"
                )
            )
            conn.execute(sa.text("INSERT INTO profile_specialty (profile_id, specialty_id) VALUES (1, 1), (2, 2)"))
        upgrade(revision="0002_events")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO series (id, frequency, interval, until, timezone, starts_at, all_day, created_at)"
                    " VALUES (1, 'weekly', 1, '2027-01-01', 'America/New_York', '2026-12-01 12:30:00', false,"
                    " '2026-11-01')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO event (id, title, kind, timezone, starts_at, ends_at, organizer_id, series_id,"
                    " recurrence_id, checkin_secret, created_at, updated_at) VALUES (1, 'Rounds', 'meeting',"
                    " 'America/New_York', '2026-12-01 12:30:00', '2026-12-01 13:30:00', 1, 1, '2026-12-01 12:30:00',"
                    " 's', '2026-11-01', '2026-11-01')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO rsvp (event_id, user_id, state, created_at, updated_at)"
                    " VALUES (1, 2, 'going', '2026-11-02', '2026-11-02')"
                )
            )
        upgrade(revision="0034_kept_speed_pairs")
        with db.engine.begin() as conn:  # seats whose reason named what the intern looks for
            conn.execute(
                sa.text(
                    "INSERT INTO speed_session (id, event_id, rounds, round_minutes, break_minutes, tables,"
                    " seats_per_table, created_at, updated_at) VALUES (1, 1, 2, 8, 2, 1, 1, '2026-11-01', '2026-11-01')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO speed_seat (session_id, round, table_no, senior_id, intern_id, score, reason) VALUES"
                    " (1, 1, 1, 1, 2, 1.0, 'You share Cardiology; offers career advice'),"
                    " (1, 2, 1, 2, 1, 1.0, 'Offers networking')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO speed_follow_up (session_id, from_id, to_id, again, created_at, updated_at)"
                    " VALUES (1, 1, 2, true, '2026-12-01', '2026-12-02')"
                )
            )
        upgrade()
        with db.engine.connect() as conn:
            reasons = conn.execute(sa.text("SELECT reason FROM speed_seat ORDER BY round")).scalars().all()
            told = conn.execute(sa.text("SELECT told_at FROM speed_follow_up")).scalar()
        assert reasons == ["You share Cardiology", "No shared interests listed: a chance to hear about another field"]
        assert str(told).startswith("2026-12-02")  # a yes already given was told when given
        with db.engine.connect() as conn:
            counts = {
                t: conn.execute(sa.text(f'SELECT count(*) FROM "{t}"')).scalar()
                for t in ("user", "profile", "profile_specialty", "series", "event", "rsvp")
            }
            links = conn.execute(
                sa.text("SELECT e.series_id, e.organizer_id, r.user_id FROM event e JOIN rsvp r ON r.event_id = e.id")
            ).one()
            keys = conn.execute(sa.text('SELECT name_key FROM "user" ORDER BY id')).scalars().all()
            series = conn.execute(sa.text("SELECT starts_at, wall_start FROM series")).one()
            reminders = conn.execute(sa.text("SELECT event_reminders FROM profile ORDER BY user_id")).scalars().all()
            digests = conn.execute(sa.text("SELECT weekly_digest FROM profile ORDER BY user_id")).scalars().all()
            requests = conn.execute(sa.text("SELECT request_reminders FROM profile ORDER BY user_id")).scalars().all()
            help_chosen = conn.execute(sa.text("SELECT sum(help_asked + help_offered) FROM profile")).scalar()
            peak = conn.execute(sa.text("SELECT waitlist_peak, waitlist_peak_complete FROM event")).one()
            verified = conn.execute(sa.text('SELECT email_verified_at, created_at FROM "user" ORDER BY id')).all()
        assert "ix_event_series_status_starts_at" in {i["name"] for i in sa.inspect(db.engine).get_indexes("event")}
        assert counts == {"user": 2, "profile": 2, "profile_specialty": 2, "series": 1, "event": 1, "rsvp": 1}
        assert tuple(links) == (1, 1, 2)
        assert keys == ["ana", "bo"]  # existing names get their sort key
        # An existing series keeps its start and reads its rule from it.
        assert str(series.starts_at).startswith("2026-12-01 12:30") and series.wall_start is None
        assert reminders == ["24 hours", "24 hours"]  # existing members get the default
        assert [bool(d) for d in digests] == [True, True]  # and the weekly digest
        assert [bool(r) for r in requests] == [True, True]  # and are reminded of waiting requests
        assert help_chosen == 0  # existing members have chosen no kinds of help: they rank as before
        # An event answered before peaks were kept: its waitlist now, counted from then on.
        assert (peak.waitlist_peak, bool(peak.waitlist_peak_complete)) == (0, False)
        # Accounts from before addresses were confirmed count as confirmed since they began: nobody is locked out.
        assert [row.email_verified_at is not None and row.email_verified_at == row.created_at for row in verified] == [
            True,
            True,
        ]
        downgrade(revision="0019_profile_help")  # every later migration goes back, the latest first
        with db.engine.connect() as conn:
            assert conn.execute(sa.text("SELECT series_id FROM event")).scalar() == 1
            assert conn.execute(sa.text("SELECT count(*) FROM profile")).scalar() == 2
        inspector = sa.inspect(db.engine)
        assert not {
            "audit_entry",
            "coordinator",
            "event_invitation",
            "mentorship",
            "met_answer",
            "program_nudge",
            "roster_import",
            "roster_invitation",
            "user_session",
            "user_identity",
        } & set(inspector.get_table_names())
        assert "help_offered" in {c["name"] for c in inspector.get_columns("profile")}  # the step before stays
        assert "ck_profile_intro_capacity_range" in {c["name"] for c in inspector.get_check_constraints("profile")}
        assert "required_percent" not in {c["name"] for c in inspector.get_columns("series")}
        assert "email_verified_at" not in {c["name"] for c in inspector.get_columns("user")}
        assert not {"waitlist_peak", "waitlist_peak_complete"} & {c["name"] for c in inspector.get_columns("event")}
        assert "ix_event_series_status_starts_at" not in {i["name"] for i in inspector.get_indexes("event")}
        assert "ix_intro_request_created_at" not in {i["name"] for i in inspector.get_indexes("intro_request")}
