"""The race barrier of the concurrency proof's control run (eventsapp/racecheck.py):
it holds contenders until all have read, and when it fails, the request
fails rather than write on a count nobody vouched for."""
import os
import shutil
import socket
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from eventsapp.racecheck import RaceBarrierBroken, race_window
from tests.test_concurrency_proof import RaceBarrier


@pytest.fixture
def short_folder():
    """A folder for a socket (its path must fit in about 100 bytes)."""
    folder = tempfile.mkdtemp(prefix="race-")
    yield folder
    shutil.rmtree(folder)


def held_at(app, path):
    """Run race_window() in a request-like app context of `app` with the barrier at `path`."""
    app.config.update(TEST_UNSAFE_NO_LOCKS=True, TEST_RACE_BARRIER=path)
    with app.app_context():
        race_window()


def test_every_contender_goes_on_once_all_have_reached_the_barrier(make_app):
    app, barrier = make_app(), RaceBarrier(parties=3)
    try:
        with ThreadPoolExecutor(3) as pool:
            results = [f.result() for f in [pool.submit(held_at, app, barrier.path) for _ in range(3)]]
    finally:
        barrier.close()
    assert results == [None, None, None] and barrier.arrived == 3


def test_a_barrier_that_closes_before_all_arrived_fails_the_request(make_app, short_folder):
    app, path = make_app(), os.path.join(short_folder, "barrier")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    closer = threading.Thread(target=lambda: listener.accept()[0].close())
    closer.start()
    try:
        with pytest.raises(RaceBarrierBroken, match="closed before every contender had read"):
            held_at(app, path)
    finally:
        closer.join()
        listener.close()


def test_a_missing_barrier_fails_the_request(make_app, tmp_path):
    with pytest.raises(RaceBarrierBroken, match="failed"):
        held_at(make_app(), str(tmp_path / "no-barrier"))


def test_with_locking_on_nothing_waits_at_the_barrier(make_app):
    app, barrier = make_app(), RaceBarrier(parties=1)
    app.config["TEST_RACE_BARRIER"] = barrier.path   # (config.py refuses this pairing; set behind its back)
    try:
        with app.app_context():
            race_window()
    finally:
        barrier.close()
    assert barrier.arrived == 0
