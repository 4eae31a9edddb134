"""When the database goes away the app says so plainly, and comes back by itself."""

import contextlib
import os
import subprocess

import pytest

# Stops and restarts the PostgreSQL cluster.
pytestmark = pytest.mark.postgres

needs_cluster = pytest.mark.skipif(
    not os.environ.get("PGTEST_CTL"), reason="needs the throwaway PostgreSQL cluster of .ci/with-postgres.sh"
)


def pg_ctl(*args):
    command = [os.environ["PGTEST_CTL"], "-D", os.environ["PGTEST_DATA"], "-w", *args]
    if os.environ.get("PGTEST_AS"):
        command = ["runuser", "-u", os.environ["PGTEST_AS"], "--"] + command
    subprocess.run(command, check=True, capture_output=True, timeout=60)


@needs_cluster
def test_an_unreachable_database_is_a_503_and_the_app_recovers_by_itself(client, databases):
    from tests.factories import make_event

    event_id = make_event(title="Grand Rounds").id
    url = f"/events/{event_id}"
    assert client.get(url).status_code == 200
    pg_ctl("-m", "fast", "stop")
    try:
        down = client.get(url)
        assert down.status_code == 503 and down.headers["Retry-After"] == "5"
        text = down.get_data(as_text=True)
        assert "briefly unavailable" in text and "Traceback" not in text
    finally:
        pg_ctl("-l", os.environ["PGTEST_LOG"], "-o", os.environ["PGTEST_OPTIONS"], "start")
        # The test's own connections died with the server too: let them go.
        from eventsapp.extensions import db

        with contextlib.suppress(Exception):  # the connection is gone, as expected
            db.session.rollback()
        db.session.remove()
        db.engine.dispose()
        databases.admin.dispose()
    back = client.get(url)
    assert back.status_code == 200 and "Grand Rounds" in back.get_data(as_text=True)
