"""What the model-based test of a mentorship's life reads back: a senior's
places, the follow-ups sent, the notices about a mentorship, and what the
other member, an organizer and an admin can see."""

from __future__ import annotations

import email
import email.policy
from dataclasses import fields
from datetime import date

import sqlalchemy as sa

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError
from eventsapp.extensions import db
from eventsapp.introductions.models import IntroRequest, RequestStatus, waiting_at
from eventsapp.mentorships.followups import ASK_AFTER, QUIET_AFTER
from eventsapp.mentorships.models import FollowUp, FollowUpKind, Meeting, Mentorship, MentorshipStatus, Rhythm
from eventsapp.notifications.mentorship_notices import Kind
from eventsapp.notifications.models import Notification, OutboxMail
from eventsapp.profiles.services import COPIED_AS_GIVEN, ProfileChanges
from tests.fuzzing import login_as

#: What `attempt` returns when the service refused.
REFUSED = object()
#: The notices (and mails) the worker's follow-ups send.
FOLLOW_UP_KINDS = (Kind.ASKED, Kind.NUDGED)


def attempt(call, *args, **kwargs):
    """The service's result, or REFUSED (when it refused, having saved nothing)."""
    try:
        return call(db.session, *args, **kwargs)
    except DomainError:
        db.session.rollback()
        return REFUSED


def requests_in(request_ids, n: int, now, statuses) -> list[int]:
    """Those of the requests in one of these states at `now` (one time in
    four, when n is a multiple of 4, all of them: a step to be refused)."""
    db.session.rollback()
    rows = db.session.scalars(sa.select(IntroRequest).where(IntroRequest.id.in_(request_ids)))
    return sorted(r.id for r in rows if r.status_at(now) in statuses or n % 4 == 0)


def active_among(mentorship_ids) -> list[int]:
    db.session.rollback()
    active = sa.select(Mentorship.id).where(
        Mentorship.id.in_(mentorship_ids), Mentorship.status == MentorshipStatus.ACTIVE
    )
    return sorted(db.session.scalars(active))


def active_of(user_id: int) -> list[int]:
    """The member's active mentorships."""
    member = sa.or_(Mentorship.intern_id == user_id, Mentorship.mentor_id == user_id)
    return list(
        db.session.scalars(sa.select(Mentorship.id).where(member, Mentorship.status == MentorshipStatus.ACTIVE))
    )


def past_their_date_but_pending(request_ids, now) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            IntroRequest.id.in_(request_ids),
            IntroRequest.status == RequestStatus.PENDING,
            IntroRequest.expires_at <= now,
        )
    )


def mentorships_per_introduction(request_ids) -> list[int]:
    statement = sa.select(sa.func.count()).where(Mentorship.intro_request_id.in_(request_ids))
    return list(db.session.scalars(statement.group_by(Mentorship.intro_request_id)))


def places(senior_id: int, now) -> tuple[int, int]:
    """(connections, connections and requests waiting) of a senior at `now`:
    an active mentorship's introduction stays a connection."""
    mine = IntroRequest.senior_id == senior_id
    accepted = sa.select(sa.func.count()).where(mine, IntroRequest.status == RequestStatus.ACCEPTED)
    taken = sa.select(sa.func.count()).where(
        mine, sa.or_(IntroRequest.status == RequestStatus.ACCEPTED, waiting_at(now))
    )
    return db.session.scalar(accepted), db.session.scalar(taken)


def limit_changed(user: User, limit: int) -> ProfileChanges:
    """The member's profile as it is, but for their limit of introductions."""
    profile = user.profile
    given = {key: getattr(profile, key) for key in COPIED_AS_GIVEN}
    changes = {
        **given,
        "name": user.name,
        "career_stage": profile.career_stage,
        "pgy_year": profile.pgy_year,
        "department_id": profile.department_id,
        "specialty_ids": [s.id for s in profile.specialties],
        "bio": profile.bio,
        "timezone": profile.timezone,
        "email_notifications": user.email_notifications,
        "help_kinds": [],
        "intro_capacity": limit,
    }
    assert set(changes) == {f.name for f in fields(ProfileChanges)}
    return ProfileChanges(**changes)


def follow_ups_of(user_ids) -> set[tuple[str, int, str]]:
    rows = db.session.execute(
        sa.select(FollowUp.kind, FollowUp.user_id, FollowUp.ref).where(FollowUp.user_id.in_(user_ids))
    )
    return {tuple(row) for row in rows}


def quiet_since(mentorship: Mentorship) -> date:
    """When a mentorship's quiet spell began: its last meeting, or its start
    if later (a meeting before the start, the one that led to "we met",
    begins nothing new)."""
    last = db.session.scalar(sa.select(sa.func.max(Meeting.met_on)).where(Meeting.mentorship_id == mentorship.id))
    start = mentorship.started_at.date()
    return max(last, start) if last else start


def follow_up_notices(user_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(Notification.user_id == user_id, Notification.kind.in_(FOLLOW_UP_KINDS))
    )


def follow_up_mails(address: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(OutboxMail.to_address == address, OutboxMail.kind.in_(FOLLOW_UP_KINDS))
    )


def last_ids() -> tuple[int, int]:
    """The newest notice and mail so far (what comes later has a larger id)."""
    return (
        db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(Notification.id), 0))),
        db.session.scalar(sa.select(sa.func.coalesce(sa.func.max(OutboxMail.id), 0))),
    )


def notices_since(notice_id: int, mentorship_id: int) -> list[str]:
    """Notices about the mentorship (linking its page) added after `notice_id`."""
    return list(
        db.session.scalars(
            sa.select(Notification.kind).where(
                Notification.id > notice_id, Notification.link.endswith(f"/mentorships/{mentorship_id}")
            )
        )
    )


def mails_since(mail_id: int, address: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).where(OutboxMail.id > mail_id, OutboxMail.to_address == address)
    )


def notices_and_mails_to(addresses) -> str:
    """The text of every notice and every mail (decoded) the members were sent."""
    notices = db.session.scalars(
        sa.select(Notification.message).join(User, User.id == Notification.user_id).where(User.email.in_(addresses))
    )
    mails = db.session.scalars(sa.select(OutboxMail.message).where(OutboxMail.to_address.in_(addresses)))
    bodies = (
        part.get_content()
        for raw in mails
        for part in email.message_from_bytes(raw, policy=email.policy.default).walk()
        if part.get_content_maintype() == "text"
    )
    return "\n".join([*notices, *bodies])


def seen_by(client, user_id: int, *paths: str) -> str:
    """What the member sees at these addresses, all together."""
    db.session.rollback()
    login_as(client, user_id)
    return "".join(client.get(path).get_data(as_text=True) for path in paths)


def occasion(kind: str, user_id: int, ref: str, now) -> tuple:
    """What a follow-up just sent is about, checked to be due at `now`, keyed
    as the model keys it: an introduction, or a mentorship's quiet spell."""
    db.session.rollback()
    if kind == FollowUpKind.DID_YOU_MEET:
        request = db.session.get(IntroRequest, int(ref.split("-")[1]))
        assert request.status == RequestStatus.ACCEPTED and user_id in (request.requester_id, request.senior_id)
        assert db.session.scalar(sa.select(Mentorship.id).where(Mentorship.intro_request_id == request.id)) is None
        assert request.responded_at <= now - ASK_AFTER
        return kind, user_id, request.id
    mentorship = db.session.get(Mentorship, int(ref.split("-")[0]))
    assert mentorship.is_active and user_id in (mentorship.intern_id, mentorship.mentor_id)
    since = quiet_since(mentorship)
    quiet = (now.date() - since).days
    if kind == FollowUpKind.QUIET:
        assert quiet >= QUIET_AFTER.days, f"asked to carry on or close after {quiet} days"
    else:
        planned = mentorship.next_meeting_at is not None and mentorship.next_meeting_at > now
        assert quiet > Rhythm.DAYS[mentorship.rhythm] and not planned, f"nudged after {quiet} days"
    return kind, user_id, mentorship.id, since


def notes_stay_private(client, notes: dict, forgotten: set, mentorships: dict, members: dict, staff) -> None:
    """Each note (by (author, meeting): (text, mentorship)) is on its author's
    pages and nowhere else: not on the other member's pages or in their
    download, not on what an organizer or an admin sees, in no notice or
    mail. A note its author replaced is nowhere. `members`: each member's
    id -> the mentorship pages to look at (none for a departed one)."""
    texts = {text for text, _ in notes.values()} | forgotten
    own = ["/mentorships", "/account/export.json"]
    seen = {
        u: seen_by(client, u, *(f"/mentorships/{m}" for m in ids), *own) if ids else "" for u, ids in members.items()
    }
    for (author, _), (text, mentorship_id) in notes.items():
        intern, mentor = mentorships[mentorship_id]
        if seen[author]:
            assert text in seen[author]  # (so that its absence elsewhere means something)
        assert text not in seen[mentor if author == intern else intern], "a private note reached the other member"
    assert not any(text in page for text in forgotten for page in seen.values()), "a replaced note is still shown"
    everyone = [*members, *(s.id for s in staff)]
    for viewer in staff:
        pages = [*(f"/mentorships/{m}" for m in mentorships), "/admin/people", "/notifications"]
        shown = seen_by(client, viewer.id, *pages, *(f"/people/{u}" for u in everyone))
        assert not any(text in shown for text in texts), "a private note reached an organizer or an admin"
    told = notices_and_mails_to(list(db.session.scalars(sa.select(User.email).where(User.id.in_(everyone)))))
    assert not any(text in told for text in texts), "a private note went out in a notice or a mail"
