"""The race barrier that the concurrency proof's control run injects
(tests/race_app.py): it holds contenders until all have read, and when it
fails, the request fails rather than write on a count nobody vouched for."""

import os
import shutil
import socket
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from eventsapp.rsvps import services
from tests.factories import make_event, make_rsvp, make_user
from tests.race_app import RaceBarrierBroken, held_after_counting, wait_at_barrier
from tests.test_concurrency_proof import RaceBarrier


@pytest.fixture
def short_folder():
    """A folder for a socket (its path must fit in about 100 bytes)."""
    folder = tempfile.mkdtemp(prefix="race-")
    yield folder
    shutil.rmtree(folder)


def test_every_contender_goes_on_once_all_have_reached_the_barrier():
    barrier = RaceBarrier(parties=3)
    try:
        with ThreadPoolExecutor(3) as pool:
            results = [f.result() for f in [pool.submit(wait_at_barrier, barrier.path) for _ in range(3)]]
    finally:
        barrier.close()
    assert results == [None, None, None] and barrier.arrived == 3


def test_a_barrier_that_closes_before_all_arrived_fails_the_request(short_folder):
    path = os.path.join(short_folder, "barrier")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(1)
    closer = threading.Thread(target=lambda: listener.accept()[0].close())
    closer.start()
    try:
        with pytest.raises(RaceBarrierBroken, match="closed before every contender had read"):
            wait_at_barrier(path)
    finally:
        closer.join()
        listener.close()


def test_a_missing_barrier_fails_the_request(tmp_path):
    with pytest.raises(RaceBarrierBroken, match="failed"):
        wait_at_barrier(str(tmp_path / "no-barrier"))


def test_the_held_count_is_the_one_read_before_the_barrier(session):
    event = make_event(capacity=5)
    make_rsvp(event, make_user())
    barrier = RaceBarrier(parties=1)
    try:
        going = held_after_counting(services.going_count, barrier.path)(session, event.id)
    finally:
        barrier.close()
    assert going == 1 and barrier.arrived == 1
