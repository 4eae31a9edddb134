"""The weekly digest: from DIGEST_DAY at DIGEST_HOUR on each member's own
clock until their week ends, one email listing next week's events that
match their interests, and at each the senior colleagues suggested for
them who are going (matching/weekly.py). The rules are in docs/features.md
("Weekly digest"); the worker calls `send_due_digests` every 10 minutes.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from eventsapp.accounts.models import User
from eventsapp.config import digest_weekday
from eventsapp.events.links import EventLinks
from eventsapp.events.models import Event, EventStatus, event_specialty
from eventsapp.matching.weekly import SeniorsGoing, seniors_going, suggested_going
from eventsapp.notifications.digest_mail import DigestEvent, Item, Recipient, digest_mail
from eventsapp.notifications.event_notices import site_of
from eventsapp.notifications.mail import OutgoingMail, queue_mail
from eventsapp.notifications.models import WeeklyDigest
from eventsapp.notifications.unsubscribe import DIGEST_KIND
from eventsapp.profiles.models import Profile, Specialty, profile_specialty
from eventsapp.rsvps.models import Rsvp
from eventsapp.rsvps.states import RsvpState
from eventsapp.timeutil import zone_named
from eventsapp.transactions import begin_write

log = logging.getLogger(__name__)
#: Members planned together (a fixed number of queries per batch)...
BATCH = 500
#: ...and claimed and mailed together, in one transaction: rendering a mail
#: takes a few milliseconds, and on SQLite no other write goes on meanwhile.
WRITE_BATCH = 50
#: Digests are remembered this long: an older week can never be due again.
KEPT = timedelta(weeks=8)


@dataclass(frozen=True)
class Schedule:
    weekday: int  # Monday 0
    hour: int
    app_zone: str  # for members who chose no zone

    @classmethod
    def from_config(cls, config) -> Schedule:
        return cls(digest_weekday(config["DIGEST_DAY"]), config["DIGEST_HOUR"], config["APP_TIMEZONE"])


def due_week(now: datetime, zone: ZoneInfo, schedule: Schedule) -> date | None:
    """The Monday of the week whose digest is due at `now` on this zone's
    clock: from the moment of this week until it ends, the next week (a
    worker that was down catches up); before the moment, None."""
    local = now.astimezone(zone)
    monday = local.date() - timedelta(days=local.weekday())
    moment = datetime.combine(monday + timedelta(days=schedule.weekday), time(schedule.hour), tzinfo=zone)
    return monday + timedelta(days=7) if now >= moment else None


def week_span(week: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """From Monday 00:00 to the next Monday 00:00 on the zone's clock, in UTC."""
    start = datetime.combine(week, time(0), tzinfo=zone)
    return start.astimezone(UTC), datetime.combine(week + timedelta(days=7), time(0), tzinfo=zone).astimezone(UTC)


@dataclass
class Due:
    """The members whose digest of `week` is due (by the zone they chose:
    None for the hospital's), and the zones."""

    week: date
    zones: dict[str | None, ZoneInfo]
    member_ids: list[int]


def _zone_of(name: str | None, app_zone: str) -> ZoneInfo:
    zone = zone_named(name) if name else None
    if name and zone is None:
        log.warning("Time zone %r is unknown; the hospital's is used for the weekly digest", name)
    return zone or ZoneInfo(app_zone)


def due_members(session: Session, now: datetime, schedule: Schedule) -> list[Due]:
    """Whose digest is due now and not yet claimed: the zones in use (one
    query), then for each week due somewhere (two at most) the members with
    the digest on and an interest, in those zones, without a digest that week."""
    weeks: dict[date, dict[str | None, ZoneInfo]] = {}
    for name in session.scalars(sa.select(Profile.timezone).where(Profile.weekly_digest).distinct()):
        zone = _zone_of(name, schedule.app_zone)
        week = due_week(now, zone, schedule)
        if week is not None:
            weeks.setdefault(week, {})[name] = zone
    due = []
    for week, zones in sorted(weeks.items()):
        in_zones = Profile.timezone.in_([n for n in zones if n is not None])
        if None in zones:
            in_zones = sa.or_(in_zones, Profile.timezone.is_(None))
        sent = sa.exists().where(WeeklyDigest.user_id == Profile.user_id, WeeklyDigest.week == week)
        interested = sa.exists().where(profile_specialty.c.profile_id == Profile.user_id)
        ids = session.scalars(
            sa.select(Profile.user_id)
            .where(Profile.weekly_digest, in_zones, interested, ~sent)
            .order_by(Profile.user_id)
        ).all()
        if ids:
            due.append(Due(week, zones, list(ids)))
    return due


def week_events(session: Session, due: Due) -> list[DigestEvent]:
    """The events not cancelled that start in `due.week` on any of its zones'
    clocks, in time order, as plain values; two queries."""
    spans = [week_span(due.week, zone) for zone in set(due.zones.values())]
    start, end = min(s for s, _ in spans), max(e for _, e in spans)
    rows = session.execute(
        sa.select(
            Event.id,
            Event.title,
            Event.starts_at,
            Event.ends_at,
            Event.all_day,
            Event.timezone,
            Event.location,
            Event.online_url,
        )
        .where(Event.starts_at >= start, Event.starts_at < end, Event.status == EventStatus.SCHEDULED)
        .order_by(Event.starts_at, Event.id)
    ).all()
    topics: dict[int, set[int]] = {}
    if rows:
        for event_id, specialty_id in session.execute(
            sa.select(event_specialty.c.event_id, event_specialty.c.specialty_id).where(
                event_specialty.c.event_id.in_([r.id for r in rows])
            )
        ):
            topics.setdefault(event_id, set()).add(specialty_id)
    return [DigestEvent(*row, specialty_ids=frozenset(topics.get(row.id, ()))) for row in rows]


@dataclass(frozen=True)
class Planned:
    user_id: int
    week: date
    events: int
    mail: OutgoingMail | None  # None: nothing to send this week


def send_due_digests(session: Session, now: datetime, links: EventLinks, schedule: Schedule) -> int:
    """Send every digest due now, committing batch by batch; returns how
    many were mailed. Safe to run in several workers at once: each digest's
    key (member, week) is claimed in the transaction that queues its mail,
    and only the run that claims it sends it."""
    sent = 0
    due_now = due_members(session, now, schedule)
    for due in due_now:
        events = week_events(session, due)
        seniors = seniors_going(session, [e.id for e in events], now)
        for start in range(0, len(due.member_ids), BATCH):
            batch = due.member_ids[start : start + BATCH]
            planned = plan_batch(session, due, events, seniors, batch, now, links, schedule.app_zone)
            for first in range(0, len(planned), WRITE_BATCH):
                sent += claim_and_queue(session, planned[first : first + WRITE_BATCH], now, site_of(links))
    if due_now:  # (once a week, when the digests go: the rest of the week writes nothing)
        begin_write(session)
        session.execute(sa.delete(WeeklyDigest).where(WeeklyDigest.week < now.date() - KEPT))
        session.commit()
    session.rollback()  # (ends the last read)
    return sent


def plan_batch(
    session: Session,
    due: Due,
    events: list[DigestEvent],
    seniors: SeniorsGoing,
    member_ids: list[int],
    now: datetime,
    links: EventLinks,
    app_zone: str,
) -> list[Planned]:
    """Each member's digest, read in six queries for the whole batch."""
    members = list(session.scalars(sa.select(User).join(Profile).where(User.id.in_(member_ids), Profile.weekly_digest)))
    gone = len(member_ids) - len(members)
    if gone:
        log.info("Weekly digest of %s: %d member(s) deleted or unsubscribed meanwhile, skipped", due.week, gone)
    interests = _interests(session, member_ids)
    answers = _answers(session, member_ids, [e.id for e in events])
    zones = {m.id: due.zones.get(m.profile.timezone) or _zone_of(m.profile.timezone, app_zone) for m in members}
    wanted = {}
    for member in members:
        start, end = week_span(due.week, zones[member.id])
        mine = {specialty_id for specialty_id, _ in interests.get(member.id, ())}
        wanted[member.id] = [
            e
            for e in events
            if start <= e.starts_at < end
            and e.specialty_ids & mine
            and answers.get((member.id, e.id)) != RsvpState.DECLINED
        ]
    suggested = suggested_going(session, members, {m: [e.id for e in es] for m, es in wanted.items()}, seniors, now)
    settings_url = urljoin(links.url_head, "/profile/edit")
    planned = []
    for member in members:
        items = [Item(e, answers.get((member.id, e.id)), suggested[member.id][e.id]) for e in wanted[member.id]]
        mail = None
        if items:
            try:
                names = [name for _, name in interests[member.id]]
                recipient = Recipient(member.id, member.email, member.name, zones[member.id].key, names)
                urls = {item.event.id: links.url(item.event.id) for item in items}
                mail = digest_mail(recipient, due.week, items, urls, settings_url, now)
            except Exception:  # one member's digest never stops the others'
                log.exception("Weekly digest of %s for user %s could not be written; skipped", due.week, member.id)
                items = []
        planned.append(Planned(member.id, due.week, len(items), mail))
    return planned


def _interests(session: Session, member_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """Each member's interests (id, name), by name; one query."""
    found: dict[int, list[tuple[int, str]]] = {}
    rows = session.execute(
        sa.select(profile_specialty.c.profile_id, Specialty.id, Specialty.name)
        .join(Specialty, Specialty.id == profile_specialty.c.specialty_id)
        .where(profile_specialty.c.profile_id.in_(member_ids))
        .order_by(Specialty.name)
    )
    for member_id, specialty_id, name in rows:
        found.setdefault(member_id, []).append((specialty_id, name))
    return found


def _answers(session: Session, member_ids: list[int], event_ids: list[int]) -> dict[tuple[int, int], str]:
    """(member, event): the member's answer, for these events; one query."""
    if not event_ids:
        return {}
    rows = session.execute(
        sa.select(Rsvp.user_id, Rsvp.event_id, Rsvp.state).where(
            Rsvp.user_id.in_(member_ids), Rsvp.event_id.in_(event_ids)
        )
    )
    return {(user_id, event_id): state for user_id, event_id, state in rows}


def claim_and_queue(session: Session, planned: list[Planned], now: datetime, site: str) -> int:
    """Claim the batch's digests and queue the mail of those this run
    claimed, in one transaction; returns how many were mailed."""
    if not planned:
        return 0
    begin_write(session)
    claimed = _claim(session, planned, now)
    mailed = 0
    for digest in planned:
        if digest.user_id in claimed and digest.mail is not None:
            key = f"digest:{digest.user_id}:{digest.week.isoformat()}"
            mailed += queue_mail(
                session, digest.mail, kind=DIGEST_KIND, user_id=digest.user_id, dedupe_key=key, now=now, site=site
            )
    session.commit()
    return mailed


def _claim(session: Session, planned: list[Planned], now: datetime) -> set[int]:
    """Record the digests as sent, unless a run did already; the members
    whose digest this run claimed. An account deleted meanwhile makes the
    batch's insert fail: then one by one, skipping it (logged)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    rows = [{"user_id": p.user_id, "week": p.week, "sent_at": now, "events": p.events} for p in planned]

    def claim(values) -> set[int]:
        statement = insert(WeeklyDigest).values(values).on_conflict_do_nothing().returning(WeeklyDigest.user_id)
        with session.begin_nested():
            return set(session.scalars(statement))

    try:
        return claim(rows)
    except sa.exc.DBAPIError:
        claimed = set()
        for row in rows:
            try:
                claimed |= claim([row])
            except sa.exc.DBAPIError as exc:
                log.warning("Weekly digest of %s for user %s skipped: %s", row["week"], row["user_id"], exc)
        return claimed
