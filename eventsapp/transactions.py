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

On SQLite, a transaction that writes first takes its turn on a file lock
beside the database (`WriterQueue`), then asks for SQLite's. SQLite's own
wait polls, sleeping 1, 2, 5, 10, 15... up to 100 ms between tries, so under
load a writer could sleep long after the lock came free (the RSVP POST's
p95 51-122 ms, and up to a second, with 8 in flight); the kernel wakes a
writer waiting on the file lock as soon as it is released (not strictly in
order of arrival). The turns only order writers: SQLite's lock still
decides, so a writer that gave up waiting for its turn (TURN_TIMEOUT_S), or
one from a tool that does not take turns, is still serialised.
"""
from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading

import sqlalchemy as sa
from sqlalchemy.orm import Session, lazyload, scoped_session

LOCK_TIMEOUT_MS = 5000
#: How long a SQLite writer waits for its turn (WriterQueue) before it
#: leaves the queue and waits in SQLite's busy handler instead.
TURN_TIMEOUT_S = LOCK_TIMEOUT_MS / 1000
#: How much of a SQLite database file each connection reads through a
#: memory map rather than with one read() per page into its page cache
#: (SQLite's cache is 2 MB per connection, less than People to meet reads).
SQLITE_MMAP_BYTES = 256 * 1024 * 1024
_IMMEDIATE = "eventsapp_begin_immediate"
#: Set on a connection (its info) once its transaction ran anything but a read.
_WROTE = "eventsapp_wrote"
#: The model whose rows lock_event() locks; the events domain names it
#: (`locked_by_event`), so that this module imports no domain.
_event_model: list[type] = []

log = logging.getLogger(__name__)


def locked_by_event(model: type) -> type:
    """Class decorator: the model lock_event() and lock_events() lock."""
    _event_model[:] = [model]
    return model


class WriterQueue(sqlite3.Connection):
    """A SQLite connection whose transactions that write take turns on a
    file lock (flock) before they ask for the database's write lock: see
    the module's docstring. The turn is taken before the statement that
    begins such a transaction (`take_turn`, called by configure_engine's
    hook) and given back once it has ended through commit(), rollback() or
    close() (not `with connection:` or executescript(), which end it
    inside the driver: nothing here uses them). The kernel releases it if
    the process dies."""

    lock_path: str | None = None
    _fd: int | None = None
    _pid: int | None = None   # (a forked process opens the file again: a lock of its own)
    _turn = False

    def take_turn(self, timeout: float) -> None:
        if self._turn or self.lock_path is None:
            return
        if self._fd is not None and self._pid != os.getpid():
            # (Inherited: the same open file as the parent's, so the same
            # lock. Closing this copy leaves the parent's lock alone.)
            fd, self._fd = self._fd, None
            os.close(fd)
        if self._fd is None:
            try:
                self._fd = os.open(self.lock_path, os.O_RDONLY | os.O_CREAT, 0o644)
            except OSError as error:   # (a file of another user, a read-only folder...): SQLite's wait alone
                log.warning("Writers do not take turns on %s: %s", self.lock_path, error)
                self.lock_path = None
                return
            self._pid = os.getpid()
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not _wait_for_lock(self._fd, timeout):
                # No turn (see _wait_for_lock): this transaction goes on to
                # SQLite's wait; the next one opens the file again.
                fd, self._fd = self._fd, None
                os.close(fd)
                return
        self._turn = True

    def _give_back(self) -> None:
        # Not while the transaction is still open (a commit that failed):
        # the rollback that follows gives it back.
        if self._turn and not self.in_transaction:
            self._turn = False
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._give_back()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._give_back()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._let_go()

    def __del__(self) -> None:   # (a pool dropped without closing its connections)
        self._let_go()

    def _let_go(self) -> None:
        self._turn = False
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)   # (releases the lock)


def _wait_for_lock(fd: int, timeout: float) -> bool:
    """Wait up to `timeout` seconds for the file lock on `fd`, woken by the
    kernel when it is released. A blocking flock cannot time out, so it
    waits in a thread of its own, on a duplicate of the descriptor (the
    same open file, so the same lock). If the time runs out, the caller
    closes its descriptor: the lock, when that thread gets it, goes with
    the duplicate it then closes."""
    waiting = os.dup(fd)
    got = threading.Event()

    def wait() -> None:
        try:
            fcntl.flock(waiting, fcntl.LOCK_EX)
            got.set()
        finally:
            os.close(waiting)

    threading.Thread(target=wait, name="sqlite-writer-turn", daemon=True).start()
    return got.wait(timeout)


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
            # Pages read from the file's map cost no system call and no
            # copy, and the OS keeps them once for every worker process.
            # Whenever another connection has committed, a connection
            # empties its cache (and maps the file afresh, in one call):
            # without the map, it then reads every page again, one read()
            # each. (Pages written since the last checkpoint are read from
            # the WAL file either way.)
            cursor.execute(f"PRAGMA mmap_size={SQLITE_MMAP_BYTES}")
            if isinstance(dbapi_connection, WriterQueue) and not engine.url.query.get("uri"):
                dbapi_connection.lock_path = f"{engine.url.database}-writers"
        cursor.close()

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _take_turns(connection, _cursor, statement, _parameters, _context, _executemany):
        # Before the statement that begins a transaction that writes: BEGIN
        # IMMEDIATE, or the first write (pysqlite begins just before it).
        # Never within one: it may hold SQLite's lock already, and waiting
        # for a turn then would make the next writer wait for it in turn.
        dbapi_connection = connection.connection.dbapi_connection
        if (isinstance(dbapi_connection, WriterQueue) and not dbapi_connection.in_transaction
                and not _sqlite_reads_only(statement)):
            dbapi_connection.take_turn(TURN_TIMEOUT_S)

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        if connection.get_execution_options().get(_IMMEDIATE):
            # pysqlite sees the open transaction and adds no BEGIN of its own;
            # its commit() and rollback() end this one.
            connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_reads_only(statement: str) -> bool:
    """A SELECT, PRAGMA or EXPLAIN (a PRAGMA can set something, but none of
    those the app runs is part of a transaction that writes)."""
    return statement.lstrip(" \t\n(")[:7].upper().startswith(("SELECT", "PRAGMA", "EXPLAIN"))


def _reads_only(statement: str) -> bool:
    """A SELECT (row locks included) or a setting for the transaction."""
    return statement.lstrip(" \t\n(")[:9].upper().startswith(("SELECT", "SET LOCAL", "SHOW"))


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
    connection = session.connection(execution_options={_IMMEDIATE: True})
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT_MS}ms'")


def _locked(statement, model):
    """Lock only the event rows (no eager joins: PostgreSQL cannot lock the
    nullable side of an outer join), and refresh what the session holds."""
    return (statement.options(lazyload("*")).execution_options(populate_existing=True)
            .with_for_update(of=model))


def _event() -> type:
    if not _event_model:
        raise RuntimeError("No model is marked @locked_by_event (import the events models first).")
    return _event_model[0]


def lock_event(session: Session, event_id: int):
    """The event, locked against concurrent changes until commit, or None."""
    event = _event()
    return session.scalar(_locked(sa.select(event).where(event.id == event_id), event))


def lock_events(session: Session, event_ids: list[int]) -> list:
    """Several events locked in id order, so two requests never deadlock."""
    event = _event()
    return list(session.scalars(_locked(
        sa.select(event).where(event.id.in_(event_ids)).order_by(event.id), event)))
