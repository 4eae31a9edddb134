"""A request that only read ends its transaction with COMMIT on PostgreSQL,
so psycopg keeps the statements it prepared (a rollback makes it drop
them all); anything that wrote, or might have, still rolls back."""

import pytest
import sqlalchemy as sa

from eventsapp.events.models import Event
from eventsapp.extensions import db
from eventsapp.transactions import end_read_only_transaction
from tests.factories import make_event


def on_postgresql() -> bool:
    return db.engine.dialect.name == "postgresql"


def test_page_views_keep_the_statements_postgresql_prepared(client, session):
    make_event(title="Grand rounds")
    used, endings = set(), []
    listeners = [
        ("checkout", lambda dbapi_connection, record, proxy: used.add(dbapi_connection)),
        ("commit", lambda connection: endings.append("commit")),
        ("rollback", lambda connection: endings.append("rollback")),
    ]
    for name, listener in listeners:
        sa.event.listen(db.engine, name, listener)
    try:
        for _ in range(7):  # psycopg prepares a statement from its sixth run on a connection
            assert "Grand rounds" in client.get("/events").get_data(as_text=True)
    finally:
        for name, listener in listeners:
            sa.event.remove(db.engine, name, listener)
    if not on_postgresql():
        assert "commit" not in endings  # SQLite: as before, nothing to keep
        return
    assert endings and set(endings) == {"commit"}
    prepared = 0
    for dbapi_connection in used:  # (idle in the pool now)
        prepared += dbapi_connection.execute("SELECT count(*) FROM pg_prepared_statements").fetchone()[0]
        dbapi_connection.commit()
    assert prepared > 0


def test_a_transaction_that_wrote_is_not_committed(session):
    event = make_event(title="Grand rounds")
    session.execute(sa.update(Event).where(Event.id == event.id).values(title="Changed"))
    end_read_only_transaction(session)
    session.rollback()
    assert session.scalar(sa.select(Event.title).where(Event.id == event.id)) == "Grand rounds"


def test_unsaved_changes_are_neither_flushed_nor_committed(session):
    event_id = make_event(title="Grand rounds").id
    session.expire_all()
    session.get(Event, event_id).title = "Changed"
    end_read_only_transaction(session)
    session.rollback()
    assert session.scalar(sa.select(Event.title).where(Event.id == event_id)) == "Grand rounds"


def test_a_failed_transaction_is_left_to_roll_back(session):
    make_event(title="Grand rounds")
    session.scalar(sa.select(Event.id))
    with pytest.raises(sa.exc.DBAPIError):
        session.execute(sa.text("SELECT no_such_column FROM event"))
    end_read_only_transaction(session)  # neither commits nor raises
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Event)) == 1
