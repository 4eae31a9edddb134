"""`make run` (scripts/run-with-worker.sh) starts the web server and the
worker together: Ctrl-C or SIGTERM stops both, and when either ends the
other is stopped and the script says which one ended. Stand-ins take the
place of `flask run` and `flask worker`, so that the script alone is tested."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "run-with-worker.sh"
STAND_IN = """
import os, signal, sys
role = sys.argv[1]  # "worker" or "run"
def say(line):  # one write: the two stand-ins share the pipe
    os.write(1, f"{line}\\n".encode())
if role == "worker" and os.environ.get("WORKER_FAILS"):
    say("worker cannot start")
    sys.exit(3)
def stop(signum, frame):
    say(f"{role} stopped by {signal.Signals(signum).name}")
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
say(f"{role} ready")
signal.pause()
"""


def start(tmp_path, **env) -> subprocess.Popen:
    stand_in = tmp_path / "flask_stand_in.py"
    stand_in.write_text(STAND_IN)
    return subprocess.Popen(
        ["bash", str(SCRIPT), sys.executable, str(stand_in)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group, as a terminal gives it
        env={**os.environ, **env},
    )


def until_both_ready(process) -> list[str]:
    # (A safety net, never reached when all is well: a script that hangs is
    # killed with its stand-ins, which ends the output and fails the test.)
    watchdog = threading.Timer(60, os.killpg, (process.pid, signal.SIGKILL))
    watchdog.start()
    lines = []
    try:
        while not {"worker ready", "run ready"} <= set(lines):
            line = process.stdout.readline()
            assert line, f"the script ended early: {lines}"
            lines.append(line.strip())
    finally:
        watchdog.cancel()
    return lines


def finish(process) -> list[str]:
    output, _ = process.communicate(timeout=60)  # (a safety net; it ends at once)
    return output.splitlines()


def test_ctrl_c_stops_the_web_server_and_the_worker(tmp_path):
    process = start(tmp_path)
    until_both_ready(process)
    os.killpg(process.pid, signal.SIGINT)  # as a terminal does: the whole group
    lines = finish(process)
    assert any(line.startswith("worker stopped by") for line in lines)
    assert any(line.startswith("run stopped by") for line in lines)
    assert not any("run-with-worker:" in line for line in lines)  # a stop asked for, not a failure


def test_sigterm_to_the_script_stops_both(tmp_path):
    process = start(tmp_path)
    until_both_ready(process)
    process.send_signal(signal.SIGTERM)  # kill, or a process manager
    lines = finish(process)
    assert process.returncode == 143
    assert "worker stopped by SIGTERM" in lines and "run stopped by SIGTERM" in lines


def test_a_worker_that_dies_at_start_stops_the_web_server_and_says_so(tmp_path):
    process = start(tmp_path, WORKER_FAILS="1")
    lines = finish(process)
    assert process.returncode == 3
    assert "worker cannot start" in lines and "run stopped by SIGTERM" in lines
    assert any("the worker stopped (exit status 3); stopping the web server too" in line for line in lines)
