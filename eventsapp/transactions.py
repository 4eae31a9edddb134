"""How writes that must not race are serialised, on SQLite and PostgreSQL.

A service that reads a count and writes because of it runs as
`begin_write(session)`, `lock_event(session, event_id)` (events/locks.py), read, decide,
write, `session.commit()`: on PostgreSQL the event's row lock, on SQLite
BEGIN IMMEDIATE (its writers taking turns first: writerqueue.py), so one
request at a time acts on an event's counts. See docs/transactions.md.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, lazyload, scoped_session

from eventsapp import writerqueue

LOCK_TIMEOUT_MS = 5000
#: How much of a SQLite database file each connection reads through a
#: memory map rather than with one read() per page (docs/transactions.md).
SQLITE_MMAP_BYTES = 256 * 1024 * 1024
_IMMEDIATE = "eventsapp_begin_immediate"
#: Set on a connection (its info) once its transaction ran anything but a read.
_WROTE = "eventsapp_wrote"


def configure_engine(engine: sa.Engine) -> None:
    """Per-connection settings and the hooks the locking needs."""
    if engine.dialect.name == "postgresql":
        _configure_postgresql(engine)
    elif engine.dialect.name == "sqlite":
        _configure_sqlite(engine)


def _configure_postgresql(engine: sa.Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _no_jit(dbapi_connection, _record):
        # Every query here is short: compiling one to machine code cost
        # more than it saved (docs/transactions.md).
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET jit = off")
        dbapi_connection.commit()

    # Which transactions only read (see end_read_only_transaction).
    @sa.event.listens_for(engine, "before_cursor_execute")
    def _note_writes(connection, _cursor, statement, _parameters, _context, _executemany):
        if not _reads_only(statement):
            connection.info[_WROTE] = True

    @sa.event.listens_for(engine, "commit")
    @sa.event.listens_for(engine, "rollback")
    def _forget_writes(connection):
        connection.info.pop(_WROTE, None)

    @sa.event.listens_for(engine, "checkin")
    def _back_in_pool(_dbapi_connection, record):
        record.info.pop(_WROTE, None)  # (the pool rolled back whatever was left)


def _configure_sqlite(engine: sa.Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        # SQLite enforces foreign keys only when asked, per connection.
        cursor.execute("PRAGMA foreign_keys=ON")
        # SQLite's own wait for another writer's lock (after the turn), up to 15 s.
        cursor.execute(f"PRAGMA busy_timeout={LOCK_TIMEOUT_MS * 3}")
        if engine.url.database not in (None, "", ":memory:"):
            # WAL: readers go on while one request writes; with WAL a commit
            # need not wait for the disk (docs/transactions.md).
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
        cursor.close()

    writerqueue.install(engine)

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        if connection.get_execution_options().get(_IMMEDIATE):
            # pysqlite sees the open transaction and adds no BEGIN of its own;
            # its commit() and rollback() end this one.
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _reads_only(statement: str) -> bool:
    """A SELECT (row locks included) or a setting for the transaction."""
    return statement.lstrip(" \t\n(")[:9].upper().startswith(("SELECT", "SET LOCAL", "SHOW"))


def end_read_only_transaction(session: Session) -> None:
    """End a request's transaction that only read with COMMIT rather than
    ROLLBACK, so that psycopg keeps the statements it prepared (see
    docs/transactions.md). One that wrote, holds unsaved changes, or
    failed is left to the usual rollback.
    """
    if isinstance(session, scoped_session):
        session = session()
    if (
        not session.in_transaction()
        or not session.is_active
        or session.new
        or session.dirty
        or session.deleted
        or session.get_bind().dialect.driver != "psycopg"
    ):
        return
    try:
        connection = session.connection()
        if connection.info.get(_WROTE):
            return
        import psycopg

        dbapi_connection = connection.connection.dbapi_connection
        if dbapi_connection is None or dbapi_connection.info.transaction_status != psycopg.pq.TransactionStatus.INTRANS:
            return
        session.commit()
    except sa.exc.SQLAlchemyError:
        session.rollback()  # (whatever went wrong: the usual end, and the pool replaces a broken connection)


def init_app(app) -> None:
    from eventsapp.extensions import db

    @app.teardown_request
    def _end_read_only(error):
        # (Runs before Flask-SQLAlchemy's teardown, which removes the session.)
        if error is None and db.session.registry.has():
            end_read_only_transaction(db.session())


def begin_write(session: Session) -> None:
    """Start a new transaction that is going to write.

    Ends the read-only transaction a request may have open (loading the
    current user starts one), then begins one that holds the write lock
    from its start on SQLite.
    """
    if isinstance(session, scoped_session):
        session = session()
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("begin_write() called with unsaved changes in the session")
    if session.in_transaction():
        session.rollback()
    connection = session.connection(execution_options={_IMMEDIATE: True})
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_MS}ms'")


def locked(statement, model):
    """The statement, locking only `model`'s rows until commit (no eager
    joins: PostgreSQL cannot lock the nullable side of an outer join), and
    refreshing what the session holds of them."""
    return statement.options(lazyload("*")).execution_options(populate_existing=True).with_for_update(of=model)
