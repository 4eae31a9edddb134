"""How writes that must not race are serialised, on SQLite and PostgreSQL.

Capacity is the rule that must hold under concurrent requests from several
server processes: two members taking the last seat at the same moment must
not both get it. Every service that reads a count and writes because of it
(RSVP, withdrawal, capacity change, check-in) runs as

    begin_write(session)          # a fresh transaction that will write
    event = lock_event(session, event_id)
    ... read counts, decide, write ...
    session.commit()

- PostgreSQL: `lock_event` takes a row lock on the event (SELECT ... FOR
  UPDATE), so transactions touching the same event run one after another,
  each seeing the previous one's committed rows (READ COMMITTED re-reads after
  the lock). A `lock_timeout` bounds the wait; the app answers 503 with
  Retry-After when it runs out (see pages.py), never 500.
- SQLite: SQLAlchemy silently drops FOR UPDATE, so the lock comes from the
  transaction itself: `begin_write` starts it with BEGIN IMMEDIATE, which
  takes the database's write lock before the first read. Other writers wait
  up to the busy timeout; readers carry on (WAL). Everywhere else pysqlite
  keeps its default: reads run outside a transaction and it begins one just
  before the first INSERT/UPDATE/DELETE, so a plain read-then-write never
  holds a stale snapshot that would make the write fail with "database is
  locked" (what a deferred BEGIN before the reads would do under WAL).

The unique index on (event, person) backs this up: even a bug in the
locking could not create a second RSVP row for the same person.
"""
from __future__ import annotations

import time

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session, lazyload, scoped_session

LOCK_TIMEOUT_MS = 5000
_IMMEDIATE = "eventsapp_begin_immediate"
#: Set on a connection (its info) once its transaction ran anything but a read.
_WROTE = "eventsapp_wrote"


def configure_engine(engine: sa.Engine) -> None:
    if engine.dialect.name == "postgresql":
        @sa.event.listens_for(engine, "connect")
        def _no_jit(dbapi_connection, _record):
            # Every query here is short: compiling one to machine code (what
            # PostgreSQL's JIT does past an estimated cost) took 23 of the
            # 34 ms of the suggestions' heaviest query, and saved nothing.
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
            record.info.pop(_WROTE, None)   # (the pool rolled back whatever was left)
        return
    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        # SQLite enforces foreign keys only when asked, per connection.
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={LOCK_TIMEOUT_MS * 3}")
        if engine.url.database not in (None, "", ":memory:"):
            # Readers go on while one request writes.
            cursor.execute("PRAGMA journal_mode=WAL")
            # With WAL, a commit need not wait for the disk (SQLite's advice
            # for WAL): a crash of the app loses nothing; one of the machine
            # or a power cut can lose the last commits, never consistency.
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        if connection.get_execution_options().get(_IMMEDIATE):
            # pysqlite sees the open transaction and adds no BEGIN of its own;
            # its commit() and rollback() end this one.
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _reads_only(statement: str) -> bool:
    """A SELECT (row locks included) or a setting for the transaction."""
    return statement.lstrip(" \t\n(").upper().startswith(("SELECT", "SET LOCAL", "SHOW"))


def end_read_only_transaction(session: Session) -> None:
    """End a request's transaction that only read with COMMIT rather than
    ROLLBACK (the same for a transaction that wrote nothing).

    psycopg forgets the statements it prepared on a connection at every
    rollback, and every request ended with one, so PostgreSQL planned each
    query afresh: a third to a half of its CPU time per page (the event
    page: 9.6 -> 4.4 ms with the plans kept). A transaction that wrote, or
    holds unsaved changes, or failed, is left to the usual rollback.
    """
    if isinstance(session, scoped_session):
        session = session()
    if (not session.in_transaction() or not session.is_active
            or session.new or session.dirty or session.deleted
            or session.get_bind().dialect.driver != "psycopg"):
        return
    try:
        connection = session.connection()
        if connection.info.get(_WROTE):
            return
        import psycopg

        dbapi_connection = connection.connection.dbapi_connection
        if (dbapi_connection is None
                or dbapi_connection.info.transaction_status != psycopg.pq.TransactionStatus.INTRANS):
            return
        session.commit()
    except sa.exc.SQLAlchemyError:
        session.rollback()   # (whatever went wrong: the usual end, and the pool replaces a broken connection)


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
    if unsafe_without_locks():
        session.connection()  # the race the concurrency proof must be able to see
        return
    connection = session.connection(execution_options={_IMMEDIATE: True})
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_MS}ms'")


def unsafe_without_locks() -> bool:
    """A test-only switch (TEST_UNSAFE_NO_LOCKS, refused in production) that
    turns the locking off, so the concurrency proof can show it would
    catch an oversold event."""
    return has_app_context() and bool(current_app.config.get("TEST_UNSAFE_NO_LOCKS"))


def race_window() -> None:
    """With TEST_RACE_DELAY (test-only), wait between reading a count and
    writing because of it: widens any race for the proof's control run."""
    delay = current_app.config.get("TEST_RACE_DELAY") if has_app_context() else None
    if delay:
        time.sleep(float(delay))


def _locking(statement, model):
    """Lock only the event rows (no eager joins: PostgreSQL cannot lock the
    nullable side of an outer join), and refresh what the session holds."""
    statement = statement.options(lazyload("*")).execution_options(populate_existing=True)
    return statement if unsafe_without_locks() else statement.with_for_update(of=model)


def lock_event(session: Session, event_id: int):
    """The event, locked against concurrent changes until commit, or None."""
    from eventsapp.events.models import Event

    return session.scalar(_locking(sa.select(Event).where(Event.id == event_id), Event))


def lock_events(session: Session, event_ids: list[int]) -> list:
    """Several events locked in id order, so two requests never deadlock."""
    from eventsapp.events.models import Event

    return list(session.scalars(_locking(
        sa.select(Event).where(Event.id.in_(event_ids)).order_by(Event.id), Event)))
