"""`flask --app app <command>`: seed-demo, make-admin, send-reminders, ..."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import Flask

from eventsapp.errors import DomainError
from eventsapp.extensions import db


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo)
    app.cli.add_command(make_admin)
    app.cli.add_command(expire_introductions)
    app.cli.add_command(send_reminders)
    app.cli.add_command(backup)
    app.cli.add_command(purge_attendee_data)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup(path: str) -> None:
    """Write a consistent copy of the SQLite database to PATH, while the app
    keeps running (SQLite's online backup API). On PostgreSQL, use pg_dump."""
    import sqlite3
    from pathlib import Path

    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException(
            "This database is PostgreSQL: back it up with pg_dump (see README.md), not with this command."
        )
    target = Path(path)
    if target.exists():
        raise click.ClickException(f"{target} already exists; choose a new file name.")
    source = sqlite3.connect(url.database)
    try:
        copy = sqlite3.connect(target)
        with copy:
            source.backup(copy)  # page by page, consistent even while others write
        copy.close()
    finally:
        source.close()
    click.echo(f"Backed up {url.database} to {target} ({target.stat().st_size // 1024} KiB).")


@click.command("expire-introductions")
def expire_introductions() -> None:
    """Store as expired the introduction requests unanswered for 14 days and
    tell the requesters. Pages already show them expired; requests that
    change introductions store it too, and the worker every five minutes."""
    from eventsapp.introductions.services import expire_stale

    click.echo(f"{expire_stale(db.session)} requests expired.")


@click.command("send-reminders")
def send_reminders() -> None:
    """Send the event reminders due now (each member's choice on their
    profile). Run it every minute (cron); a reminder is never sent twice,
    even by two runs at once."""
    from flask import current_app

    from eventsapp.events.links import EventLinks
    from eventsapp.notifications.reminders import send_due_reminders
    from eventsapp.timeutil import utcnow

    sent = send_due_reminders(db.session, utcnow(), EventLinks.on_site(current_app.config))
    click.echo(f"Reminders sent: {sent}.")


@click.command("purge-attendee-data")
@click.option("--dry-run", is_flag=True, help="Count what would be removed; remove nothing.")
def purge_attendee_data(dry_run: bool) -> None:
    """Remove the answers, check-ins and invitations of events that ended more
    than ATTENDEE_DATA_RETENTION_YEARS ago, keeping each event's counts
    (docs/retention.md). The worker does it every hour."""
    from flask import current_app

    from eventsapp import retention
    from eventsapp.timeutil import utcnow

    years, now = current_app.config["ATTENDEE_DATA_RETENTION_YEARS"], utcnow()
    if years <= 0:
        click.echo("ATTENDEE_DATA_RETENTION_YEARS is 0: attendee data is kept for ever; nothing removed.")
        return
    done = retention.would_purge(db.session, now, years) if dry_run else retention.purge(db.session, now, years)
    verb = "Would remove" if dry_run else "Removed"
    ago = f"{years} year" if years == 1 else f"{years} years"
    click.echo(f"Events that ended before {retention.cutoff(now, years):%Y-%m-%d %H:%M} UTC ({ago} ago):")
    click.echo(f"{verb} the attendee data of {done.events_phrase}: {done.summary()}; their counts are kept.")


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Seed only when the database has no accounts yet (a first run).")
@click.option("--force", is_flag=True, help="Seed even in production (APP_ENV=production).")
def seed_demo(if_empty: bool, force: bool) -> None:
    """Create the demo hospital: people, departments, interests. Safe to run twice."""
    from flask import current_app

    from eventsapp.accounts.models import User
    from eventsapp.demo import services

    if current_app.config["APP_ENV"] == "production" and not force:
        raise click.ClickException(
            "This is a production installation (APP_ENV=production): the demo "
            "accounts have a published password. Use --force if you mean it."
        )

    if if_empty and db.session.scalar(sa.select(sa.func.count()).select_from(User)):
        click.echo("The database already has accounts; demo data not seeded.")
        return
    report = services.seed(db.session)
    click.echo(report.summary())
    click.echo(f"Demo logins (password for each: {report.logins[0].password}):")
    for login in report.logins:
        click.echo(f"  {login.label:<17} {login.email}  ({login.name})")


@click.command("make-admin")
@click.argument("email")
def make_admin(email: str) -> None:
    """Give the account with EMAIL admin rights (to bootstrap the first admin)."""
    from eventsapp.accounts import services

    try:
        user = services.make_admin(db.session, email)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{user.name} <{user.email}> is now an admin.")
