"""SQLite writers take turns on a file lock beside the database before they
ask for SQLite's write lock: the kernel wakes the next writer as soon as
the one before it is done, where SQLite's own wait polls (sleeping up to
100 ms between tries). The turns only order writers; SQLite's lock still
decides. Measured, and why: see docs/transactions.md.
"""

from __future__ import annotations

import fcntl
import logging
import os
import sqlite3
import threading

import sqlalchemy as sa

#: How long a writer waits for its turn before it leaves the queue and
#: waits in SQLite's busy handler instead.
TURN_TIMEOUT_S = 5.0

log = logging.getLogger(__name__)


class WriterQueue(sqlite3.Connection):
    """A SQLite connection whose transactions that write take a turn
    (`take_turn`, called by the hook that `install` adds) before the
    statement that begins them, and give it back once they end through
    commit(), rollback() or close(). The kernel releases it if the process
    dies."""

    lock_path: str | None = None
    _fd: int | None = None
    _pid: int | None = None  # (a forked process opens the file again: a lock of its own)
    _turn = False

    def take_turn(self, timeout: float) -> None:
        if self._turn or self.lock_path is None:
            return
        if self._fd is not None and self._pid != os.getpid():
            # (Inherited: the same open file as the parent's, so the same
            # lock. Closing this copy leaves the parent's lock alone.)
            self._let_go()
        if self._fd is None and not self._open():
            return
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if not _wait_for_lock(self._fd, timeout):
                # No turn: this transaction goes on to SQLite's wait; the
                # next one opens the file again.
                self._let_go()
                return
        self._turn = True

    def _open(self) -> bool:
        try:
            self._fd = os.open(self.lock_path, os.O_RDONLY | os.O_CREAT, 0o644)
        except OSError as error:  # (a file of another user, a read-only folder...): SQLite's wait alone
            log.warning("Writers do not take turns on %s: %s", self.lock_path, error)
            self.lock_path = None
            return False
        self._pid = os.getpid()
        return True

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

    def __del__(self) -> None:  # (a pool dropped without closing its connections)
        self._let_go()

    def _let_go(self) -> None:
        self._turn = False
        if self._fd is not None:
            fd, self._fd = self._fd, None
            os.close(fd)  # (releases the lock)


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


def install(engine: sa.Engine) -> None:
    """Writers of this engine's file database take turns, on `<file>-writers`,
    if its connections are WriterQueues (config.engine_options)."""
    if engine.url.database in (None, "", ":memory:") or engine.url.query.get("uri"):
        return

    @sa.event.listens_for(engine, "connect")
    def _name_the_lock(dbapi_connection, _record):
        if isinstance(dbapi_connection, WriterQueue):
            dbapi_connection.lock_path = f"{engine.url.database}-writers"

    @sa.event.listens_for(engine, "before_cursor_execute")
    def _take_turns(connection, _cursor, statement, _parameters, _context, _executemany):
        # Before the statement that begins a transaction that writes: BEGIN
        # IMMEDIATE, or the first write (pysqlite begins just before it).
        # Never within one: it may hold SQLite's lock already, and waiting
        # for a turn then would make the next writer wait for it in turn.
        dbapi_connection = connection.connection.dbapi_connection
        if (
            isinstance(dbapi_connection, WriterQueue)
            and not dbapi_connection.in_transaction
            and not _reads_only(statement)
        ):
            dbapi_connection.take_turn(TURN_TIMEOUT_S)


def _reads_only(statement: str) -> bool:
    """A SELECT, PRAGMA or EXPLAIN (a PRAGMA can set something, but none of
    those the app runs is part of a transaction that writes)."""
    return statement.lstrip(" \t\n(")[:7].upper().startswith(("SELECT", "PRAGMA", "EXPLAIN"))
