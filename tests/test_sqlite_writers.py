"""On SQLite, writers take turns on a file lock beside the database
(`<database>-writers`) before they ask for SQLite's own write lock, so a
waiting writer is woken as soon as the one before it is done
(eventsapp/writerqueue.py; docs/transactions.md)."""

import fcntl
import logging
import os
import threading
import time

import pytest
import sqlalchemy as sa

from eventsapp import transactions, writerqueue
from eventsapp.events.locks import lock_event
from eventsapp.events.models import Event
from eventsapp.extensions import db
from tests.factories import make_event


@pytest.fixture(autouse=True)
def sqlite_only(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the writers' queue is SQLite's")


def writers_file(engine=None) -> str:
    return f"{(engine or db.engine).url.database}-writers"


def turn_is_free() -> bool:
    """Whether a writer could take its turn now (tried, then given back)."""
    fd = os.open(writers_file(), os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)  # (gives it back)
    return True


def took_turn(fd: int) -> bool:
    """Whether the turn, tried on `fd` without waiting, was free (then it is held)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def someone_queues_for_a_turn() -> bool:
    """Whether the kernel lists a writer blocked on the writers' file lock
    (/proc/locks marks a waiter with "->")."""
    found = os.stat(writers_file())
    file_id = f"{os.major(found.st_dev):02x}:{os.minor(found.st_dev):02x}:{found.st_ino}"
    with open("/proc/locks") as locks:
        return any(
            "->" in fields and "FLOCK" in fields and file_id in fields for fields in (line.split() for line in locks)
        )


def until(condition, within: float = 10) -> bool:
    """Whether `condition` comes true within `within` seconds (checked every 10 ms)."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def rename(connection, event_id: int, title: str) -> None:
    connection.execute(sa.update(Event).where(Event.id == event_id).values(title=title))


def in_thread(work):
    done = threading.Event()
    errors = []

    def run():
        try:
            work()
        except Exception as error:  # noqa: BLE001  (reported by the test)
            errors.append(error)
        finally:
            done.set()

    threading.Thread(target=run, daemon=True).start()
    return done, errors


def another_writer(event_id: int, title: str):
    """A writer renaming the event in a thread of its own (its own connection)."""
    engine = db.engine  # (threads have no app context)

    def write():
        with engine.begin() as connection:
            rename(connection, event_id, title)

    return in_thread(write)


@pytest.mark.parametrize("end", ["commit", "rollback", "invalidate"])
def test_a_writer_holds_its_turn_until_its_transaction_ends(session, end):
    event_id = make_event(title="Grand rounds").id
    connection = db.engine.connect()
    connection.execute(sa.select(Event.title))  # reading takes no turn
    assert turn_is_free()
    rename(connection, event_id, "Morning report")
    assert not turn_is_free()
    if end == "invalidate":
        connection.invalidate()  # (the pool closes it, as after an error)
    else:
        getattr(connection, end)()
    assert turn_is_free()
    connection.close()


def test_readers_never_wait_for_a_writer(session):
    event_id = make_event(title="Grand rounds").id
    with db.engine.connect() as writer:
        rename(writer, event_id, "Morning report")
        titles = []
        engine = db.engine  # (threads have no app context)
        done, errors = in_thread(lambda: titles.extend(_read_titles(engine)))
        assert done.wait(10) and not errors
        assert titles == ["Grand rounds"]  # (WAL: the last committed version)
        writer.commit()


def _read_titles(engine):
    with engine.connect() as reader:
        return list(reader.scalars(sa.select(Event.title)))


def test_begin_write_takes_the_turn_for_its_transaction(session):
    event_id = make_event(title="Grand rounds").id
    transactions.begin_write(session)
    assert not turn_is_free()
    lock_event(session, event_id).title = "Morning report"
    session.commit()
    assert turn_is_free()


def test_the_next_writer_queues_for_its_turn_and_goes_when_the_first_is_done(session):
    event_id = make_event(title="Grand rounds").id
    first = db.engine.connect()
    rename(first, event_id, "First")
    done, errors = another_writer(event_id, "Second")
    assert until(someone_queues_for_a_turn)  # woken by the kernel, not polling in SQLite's handler
    assert not done.is_set()
    first.commit()
    first.close()
    assert done.wait(10) and not errors
    session.expire_all()
    assert session.get(Event, event_id).title == "Second"
    assert turn_is_free()


def test_a_writer_that_waited_too_long_still_writes_safely(session, monkeypatch):
    """Past TURN_TIMEOUT_S it leaves the queue and waits in SQLite's busy
    handler instead: still one writer at a time, and the place it left in
    the queue is given up when it comes."""
    monkeypatch.setattr(writerqueue, "TURN_TIMEOUT_S", 0)
    event_id = make_event(title="Grand rounds").id
    first = db.engine.connect()
    rename(first, event_id, "First")
    done, errors = another_writer(event_id, "Second")
    assert until(someone_queues_for_a_turn)  # (the place it leaves at once)
    first.commit()
    first.close()
    assert done.wait(10) and not errors
    session.expire_all()
    assert session.get(Event, event_id).title == "Second"
    assert until(turn_is_free)


def test_writers_still_write_when_the_lock_file_cannot_be_made(tmp_path, caplog):
    engine = sa.create_engine(
        f"sqlite:///{tmp_path / 'other.sqlite'}", connect_args={"factory": writerqueue.WriterQueue}
    )
    transactions.configure_engine(engine)
    os.mkdir(writers_file(engine))  # (a folder where the lock file should be)
    try:
        with caplog.at_level(logging.WARNING), engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE note (text TEXT)")
            connection.exec_driver_sql("INSERT INTO note VALUES ('Morning report')")  # SQLite's own lock alone
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT text FROM note").scalar() == "Morning report"
    finally:
        engine.dispose()
    assert "Writers do not take turns" in caplog.text


def test_a_transaction_under_way_never_waits_for_a_turn(session, monkeypatch):
    """One that gave up its turn and then got SQLite's lock must not wait
    for a turn at its next write: the writer holding the turn would be
    waiting for SQLite's lock, held by this one."""
    monkeypatch.setattr(writerqueue, "TURN_TIMEOUT_S", 0)
    event_id = make_event(title="Grand rounds").id
    engine = db.engine
    first = engine.connect()
    rename(first, event_id, "First")
    wrote_once, go_on = threading.Event(), threading.Event()

    def second_writer():
        with engine.begin() as second:
            rename(second, event_id, "Second")  # gives up its turn, then waits in SQLite's handler
            wrote_once.set()
            assert go_on.wait(10)
            rename(second, event_id, "Second again")

    done, errors = in_thread(second_writer)
    assert until(someone_queues_for_a_turn)
    first.commit()
    first.close()
    assert wrote_once.wait(10)
    monkeypatch.setattr(writerqueue, "TURN_TIMEOUT_S", 60)  # (waiting for a turn now would show)
    other = os.open(writers_file(engine), os.O_RDONLY)
    try:
        # Another writer's turn now: taken as soon as it is free (a turn
        # never given back fails here rather than hanging the test).
        assert until(lambda: took_turn(other))
        go_on.set()
        assert done.wait(10) and not errors
    finally:
        os.close(other)
    session.expire_all()
    assert session.get(Event, event_id).title == "Second again"
