"""The worker: the jobs that run on a schedule, outside any request.

Each job is a `Job(name, interval, run)`, where `run(session, now)` does one
idempotent pass and returns how much it did. Several workers may run at
once: every job claims its rows itself (the outbox leases each mail,
expiry updates only requests still pending, later jobs insert their mail
with a dedupe key), so a job that runs twice for one period does nothing
twice. `flask --app app worker` loops; `--once` runs each job once (cron).
See docs/background.md.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
from flask import Flask, current_app
from sqlalchemy.orm import Session

from eventsapp.events.links import EventLinks
from eventsapp.extensions import db
from eventsapp.introductions.services import expire_stale
from eventsapp.mentorships import followups
from eventsapp.mentorships.links import MentorshipLinks
from eventsapp.notifications.outbox import deliver_due, purge_old
from eventsapp.notifications.reminders import send_due_reminders
from eventsapp.timeutil import utcnow

log = logging.getLogger(__name__)
#: At most this many batches of mail per round: a long queue drains in
#: one round, and the other jobs still get their turn.
MAIL_BATCHES_PER_ROUND = 20
MAIL_BATCH = 50


@dataclass(frozen=True)
class Job:
    name: str
    #: Between two runs in one worker; None: every round (WORKER_INTERVAL_SECONDS).
    interval: timedelta | None
    run: Callable[[Session, datetime], int]


#: The scheduled jobs, in the order a round runs them; delivering mail comes
#: after them all (all_jobs), so that what they queue goes out in the same round.
JOBS: list[Job] = []


def register(job: Job) -> Job:
    """Add a job to every worker's schedule (names are unique)."""
    if any(existing.name == job.name for existing in all_jobs()):
        raise ValueError(f"A job named {job.name!r} is registered already")
    JOBS.append(job)
    return job


def deliver_mail(session: Session, now: datetime) -> int:
    handled = 0
    for _ in range(MAIL_BATCHES_PER_ROUND):
        counts = deliver_due(session, now, batch=MAIL_BATCH)
        handled += counts.handled
        if counts.handled < MAIL_BATCH:
            break
    return handled


def expire_introductions(session: Session, now: datetime) -> int:
    return expire_stale(session, now)


def send_reminders(session: Session, now: datetime) -> int:
    return send_due_reminders(session, now, EventLinks.on_site(current_app.config))


def _mentorship_links() -> MentorshipLinks:
    """Full addresses on the configured site, for mail sent outside a request."""
    config = current_app.config
    site = f"{config.get('PREFERRED_URL_SCHEME') or 'http'}://{config.get('SERVER_NAME') or 'localhost'}"
    return MentorshipLinks(f"{site}/mentorships/", f"{site}/introductions/")


def ask_did_you_meet(session: Session, now: datetime) -> int:
    return followups.ask_did_you_meet(session, now, _mentorship_links())


def nudge_mentorships(session: Session, now: datetime) -> int:
    return followups.nudge_quiet_pairs(session, now, _mentorship_links())


DELIVER_MAIL = Job("deliver-mail", None, deliver_mail)


def all_jobs() -> list[Job]:
    return [*JOBS, DELIVER_MAIL]


register(Job("expire-introductions", timedelta(minutes=5), expire_introductions))
register(Job("send-reminders", timedelta(minutes=1), send_reminders))
register(Job("purge-old-mail", timedelta(hours=1), purge_old))
register(Job("ask-did-you-meet", timedelta(hours=1), ask_did_you_meet))
register(Job("nudge-mentorships", timedelta(hours=1), nudge_mentorships))


def run_job(app: Flask, job: Job, now: datetime | None = None) -> int | None:
    """One pass of the job in its own app context and session; a crash is
    logged and returns None, and the worker goes on."""
    with app.app_context():
        try:
            done = job.run(db.session, now or utcnow())
        except Exception:
            log.exception("Job %s failed; it runs again at its next turn", job.name)
            db.session.rollback()
            return None
        finally:
            db.session.remove()
    log.log(logging.INFO if done else logging.DEBUG, "Job %s: %d done", job.name, done)
    return done


def run_round(app: Flask, now: datetime | None = None, jobs: list[Job] | None = None) -> dict[str, int | None]:
    """Every job once, in order; what each did (None: it crashed)."""
    return {job.name: run_job(app, job, now) for job in (all_jobs() if jobs is None else jobs)}


def run_forever(app: Flask, stop: threading.Event) -> None:
    """Run each job when its interval has passed, until `stop` is set; a
    job under way is finished first."""
    tick = float(app.config["WORKER_INTERVAL_SECONDS"])
    last_run: dict[str, float] = {}
    while not stop.is_set():
        for job in all_jobs():
            if stop.is_set():
                break
            interval = job.interval.total_seconds() if job.interval else tick
            if time.monotonic() - last_run.get(job.name, float("-inf")) >= interval:
                last_run[job.name] = time.monotonic()
                run_job(app, job)
        stop.wait(tick)


@click.command("worker")
@click.option("--once", is_flag=True, help="Run every job once and exit (for cron).")
def worker_command(once: bool) -> None:
    """Deliver the mail outbox and run the scheduled jobs (docs/background.md).
    Stops cleanly on SIGTERM or Ctrl-C, after the job under way."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = current_app._get_current_object()
    if once:
        results = run_round(app)
        for name, done in results.items():
            click.echo(f"{name}: {'failed (see the log)' if done is None else done}")
        if None in results.values():
            raise SystemExit(1)  # (cron reports it)
        return
    stop = threading.Event()

    def _stop(signum, _frame):
        log.info("Worker stopping (%s) after the job under way", signal.Signals(signum).name)
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("Worker started: jobs %s", ", ".join(job.name for job in all_jobs()))
    run_forever(app, stop)
    log.info("Worker stopped")


def init_app(app: Flask) -> None:
    app.cli.add_command(worker_command)
