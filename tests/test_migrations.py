"""The migrations build exactly the schema the models describe."""
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from eventsapp.extensions import db


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


def test_fresh_database_offers_the_curated_specialty_list(app, session):
    from eventsapp.profiles.models import Specialty

    names = set(session.scalars(sa.select(Specialty.name).where(Specialty.is_active)))
    assert len(names) >= 40
    assert {"Cardiology", "Pediatric cardiology", "Clinical research", "Medical education",
            "Global health", "Quality improvement and patient safety"} <= names
