"""The worker: the jobs that run on a schedule, outside any request.

Each job is a `Job(name, interval, run)`, where `run(session, now)` does one
idempotent pass and returns how much it did. Several workers may run at
once: every job claims its rows itself (the outbox leases each mail,
telling members claims and deletes a change in one transaction, expiry
updates only requests still pending, reminders insert their key first), so
a job that runs twice for one period does nothing twice.
`flask --app app worker` loops; `--once` runs each job once (cron).
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

from eventsapp.accounts.sessions import purge_expired
from eventsapp.audit import services as audit
from eventsapp.config import site_root
from eventsapp.events.links import EventLinks
from eventsapp.extensions import db
from eventsapp.introductions.links import IntroductionLinks
from eventsapp.introductions.services import expire_stale
from eventsapp.mentorships import followups
from eventsapp.mentorships.links import MentorshipLinks
from eventsapp.notifications.digest import Schedule, send_due_digests
from eventsapp.notifications.fanout import expand_pending
from eventsapp.notifications.outbox import deliver_due, purge_old
from eventsapp.notifications.reminders import send_due_reminders
from eventsapp.notifications.request_reminders import send_request_reminders
from eventsapp.retention import purge as purge_attendees
from eventsapp.roster.invitations import JOIN_PATH, send_waiting
from eventsapp.timeutil import utcnow

log = logging.getLogger(__name__)
#: At most this many batches of mail per round: a long queue drains in
#: one round, and the other jobs still get their turn.
MAIL_BATCHES_PER_ROUND = 20
MAIL_BATCH = 50
#: Requests expired at a time: their interns' suggestions are ranked for
#: the notice (expiry_notices.RANKED_PER_BATCH), a few queries each.
EXPIRY_BATCH = 25
EXPIRY_BATCHES_PER_ROUND = 20


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
        # A short batch drained the queue; one that sent nothing and must
        # retry found the server down or silent: the next batch would wait
        # on it again, and hold up the other jobs (a timeout per batch).
        if counts.handled < MAIL_BATCH or (counts.retrying and not counts.sent):
            break
    return handled


def tell_members(session: Session, now: datetime) -> int:
    return expand_pending(session, now)


def expire_introductions(session: Session, now: datetime) -> int:
    links = IntroductionLinks.on_site(current_app.config)
    expired = 0
    for _ in range(EXPIRY_BATCHES_PER_ROUND):
        done = expire_stale(session, now, links=links, limit=EXPIRY_BATCH)
        expired += done
        if done < EXPIRY_BATCH:
            break
    return expired


def remind_waiting_requests(session: Session, now: datetime) -> int:
    return send_request_reminders(session, now, site_root(current_app.config))


def send_reminders(session: Session, now: datetime) -> int:
    return send_due_reminders(session, now, EventLinks.on_site(current_app.config))


def send_digests(session: Session, now: datetime) -> int:
    config = current_app.config
    return send_due_digests(session, now, EventLinks.on_site(config), Schedule.from_config(config))


def ask_did_you_meet(session: Session, now: datetime) -> int:
    return followups.ask_did_you_meet(session, now, MentorshipLinks.on_site(current_app.config))


def nudge_mentorships(session: Session, now: datetime) -> int:
    return followups.nudge_quiet_pairs(session, now, MentorshipLinks.on_site(current_app.config))


def send_roster_invitations(session: Session, now: datetime) -> int:
    """A whole imported intake's invitations, a batch at a time, within a round."""
    link, sent = f"{site_root(current_app.config)}{JOIN_PATH}", 0
    for _ in range(MAIL_BATCHES_PER_ROUND):
        done = send_waiting(session, now, link)
        sent += done
        if done == 0:
            break
    return sent


def purge_audit_log(session: Session, now: datetime) -> int:
    """Audit entries older than AUDIT_RETENTION_DAYS go (0: kept for ever)."""
    days = current_app.config["AUDIT_RETENTION_DAYS"]
    return audit.purge(session, now - timedelta(days=days)) if days > 0 else 0


#: Batches of events purged of attendee data per round: a long history goes
#: over a few rounds, and the other jobs still get their turn.
RETENTION_BATCHES_PER_ROUND = 20


def purge_attendee_data(session: Session, now: datetime) -> int:
    """Attendee-level rows of events ended ATTENDEE_DATA_RETENTION_YEARS ago
    go, their counts kept (docs/retention.md; 0: kept for ever); how many events."""
    years = current_app.config["ATTENDEE_DATA_RETENTION_YEARS"]
    return purge_attendees(session, now, years, max_batches=RETENTION_BATCHES_PER_ROUND).events


DELIVER_MAIL = Job("deliver-mail", None, deliver_mail)


def all_jobs() -> list[Job]:
    return [*JOBS, DELIVER_MAIL]


register(Job("tell-members", None, tell_members))
register(Job("expire-introductions", timedelta(minutes=5), expire_introductions))
register(Job("send-reminders", timedelta(minutes=1), send_reminders))
register(Job("remind-waiting-requests", timedelta(minutes=15), remind_waiting_requests))
register(Job("purge-old-mail", timedelta(hours=1), purge_old))
register(Job("send-digests", timedelta(minutes=10), send_digests))
register(Job("send-roster-invitations", None, send_roster_invitations))
register(Job("ask-did-you-meet", timedelta(hours=1), ask_did_you_meet))
register(Job("nudge-mentorships", timedelta(hours=1), nudge_mentorships))
register(Job("purge-sessions", timedelta(hours=1), purge_expired))
register(Job("purge-audit-log", timedelta(hours=1), purge_audit_log))
register(Job("purge-attendee-data", timedelta(hours=1), purge_attendee_data))


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
