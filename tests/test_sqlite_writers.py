"""On SQLite, writers take turns on a file lock beside the database before
they ask for SQLite's own write lock, so a waiting writer is woken as soon as
the one before it is done (transactions.WriterQueue)."""
import fcntl
import os
import threading
import time

import pytest
import sqlalchemy as sa

from eventsapp import transactions
from eventsapp.events.models import Event
from eventsapp.extensions import db
from tests.factories import make_event


@pytest.fixture(autouse=True)
def sqlite_only(app):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the writers' queue is SQLite's")


@pytest.fixture
def waits(monkeypatch):
    """What each wait for a turn returned (True: the turn came)."""
    seen = []
    real = transactions._wait_for_lock

    def spy(fd, timeout):
        seen.append(real(fd, timeout))
        return seen[-1]
    monkeypatch.setattr(transactions, "_wait_for_lock", spy)
    return seen


def turn_is_free() -> bool:
    """Whether a writer could take its turn now (tried, then given back)."""
    fd = os.open(f"{db.engine.url.database}-writers", os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    finally:
        os.close(fd)   # (gives it back)
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
    engine = db.engine   # (threads have no app context)

    def write():
        with engine.begin() as connection:
            rename(connection, event_id, title)
    return in_thread(write)


@pytest.mark.parametrize("end", ["commit", "rollback", "invalidate"])
def test_a_writer_holds_its_turn_until_its_transaction_ends(session, end):
    event_id = make_event(title="Grand rounds").id
    connection = db.engine.connect()
    connection.execute(sa.select(Event.title))   # reading takes no turn
    assert turn_is_free()
    rename(connection, event_id, "Morning report")
    assert not turn_is_free()
    if end == "invalidate":
        connection.invalidate()   # (the pool closes it, as after an error)
    else:
        getattr(connection, end)()
    assert turn_is_free()
    connection.close()


def test_readers_never_wait_for_a_writer(session):
    event_id = make_event(title="Grand rounds").id
    with db.engine.connect() as writer:
        rename(writer, event_id, "Morning report")
        titles = []
        engine = db.engine   # (threads have no app context)
        done, errors = in_thread(lambda: titles.extend(_read_titles(engine)))
        assert done.wait(10) and not errors
        assert titles == ["Grand rounds"]   # (WAL: the last committed version)
        writer.commit()


def _read_titles(engine):
    with engine.connect() as reader:
        return list(reader.scalars(sa.select(Event.title)))


def test_begin_write_takes_the_turn_for_its_transaction(session):
    event_id = make_event(title="Grand rounds").id
    transactions.begin_write(session)
    assert not turn_is_free()
    transactions.lock_event(session, event_id).title = "Morning report"
    session.commit()
    assert turn_is_free()


def test_the_next_writer_goes_when_the_first_is_done(session, waits):
    event_id = make_event(title="Grand rounds").id
    first = db.engine.connect()
    rename(first, event_id, "First")
    done, errors = another_writer(event_id, "Second")
    assert not done.wait(0.5)   # waiting for its turn, not failing
    first.commit()
    first.close()
    assert done.wait(10) and not errors
    assert waits == [True]   # it waited for its turn, not in SQLite's busy handler
    session.expire_all()
    assert session.get(Event, event_id).title == "Second"
    assert turn_is_free()


def test_a_writer_that_waited_too_long_still_writes_safely(session, monkeypatch, waits):
    """Past TURN_TIMEOUT_S it leaves the queue and waits in SQLite's busy
    handler instead: still one writer at a time, and the place it left in
    the queue is given up when it comes."""
    monkeypatch.setattr(transactions, "TURN_TIMEOUT_S", 0.1)
    event_id = make_event(title="Grand rounds").id
    first = db.engine.connect()
    rename(first, event_id, "First")
    done, errors = another_writer(event_id, "Second")
    time.sleep(0.5)   # past its turn's time limit: now in SQLite's wait
    assert not done.is_set()
    first.commit()
    first.close()
    assert done.wait(10) and not errors
    assert waits == [False]
    session.expire_all()
    assert session.get(Event, event_id).title == "Second"
    deadline = time.monotonic() + 10
    while not turn_is_free() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert turn_is_free()


def test_writers_still_write_when_the_lock_file_cannot_be_made(session, tmp_path, caplog):
    event_id = make_event(title="Grand rounds").id
    with db.engine.connect() as connection:
        dbapi_connection = connection.connection.dbapi_connection
        dbapi_connection._let_go()   # (a pooled connection may have the file open already)
        dbapi_connection.lock_path = str(tmp_path / "missing-folder" / "db-writers")
        rename(connection, event_id, "Morning report")   # SQLite's own lock alone
        connection.commit()
    assert "Writers do not take turns" in caplog.text
    session.expire_all()
    assert session.get(Event, event_id).title == "Morning report"


def test_a_transaction_under_way_never_waits_for_a_turn(session, monkeypatch, waits):
    """One that gave up its turn and then got SQLite's lock must not wait
    for a turn at its next write: the writer holding the turn would be
    waiting for SQLite's lock, held by this one."""
    monkeypatch.setattr(transactions, "TURN_TIMEOUT_S", 0.1)
    event_id = make_event(title="Grand rounds").id
    engine = db.engine
    first = engine.connect()
    rename(first, event_id, "First")
    wrote_once, go_on = threading.Event(), threading.Event()

    def second_writer():
        with engine.begin() as second:
            rename(second, event_id, "Second")   # gives up its turn, then waits in SQLite's handler
            wrote_once.set()
            assert go_on.wait(10)
            rename(second, event_id, "Second again")
    done, errors = in_thread(second_writer)
    time.sleep(0.3)
    first.commit()
    first.close()
    assert wrote_once.wait(10)
    other = os.open(f"{engine.url.database}-writers", os.O_RDONLY)
    try:
        fcntl.flock(other, fcntl.LOCK_EX)   # another writer's turn now
        go_on.set()
        assert done.wait(10) and not errors
    finally:
        os.close(other)
    assert waits == [False]   # its second write did not wait behind the other writer
    session.expire_all()
    assert session.get(Event, event_id).title == "Second again"
