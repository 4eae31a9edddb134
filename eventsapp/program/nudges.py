"""A coordinator's nudge to interns to reach: an in-app notice and a mail
(through the outbox) with their top suggestions and a link to People to
meet, recorded with who sent it; never twice to one intern within 7 days
(docs/program.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError
from eventsapp.matching.scoring import Suggestion
from eventsapp.notifications.expiry_notices import next_colleagues
from eventsapp.notifications.services import Message, notify
from eventsapp.program.coordinators import Scope
from eventsapp.program.models import Nudge
from eventsapp.program.reach import interns_to_reach

#: An intern nudged is not nudged again for this long.
QUIET_AFTER_NUDGE = timedelta(days=7)
#: Interns nudged by one press of the button (each ranking takes a few
#: queries); the rest wait for the next press, the ones sent now being
#: left out of it for 7 days.
NUDGES_PER_SEND = 25
#: Begins with "intro_": the "updates" preference governs its mail.
KIND = "intro_nudge"


@dataclass(frozen=True)
class NudgeLinks:
    """People to meet, as a path for the notice and a full URL for the mail."""

    site: str  # "https://host/"
    path: str = "/people"

    @property
    def url(self) -> str:
        return f"{self.site.rstrip('/')}{self.path}"


@dataclass(frozen=True)
class LastNudge:
    sent_at: datetime
    sender: str  # "" when the sender's account is gone


@dataclass
class Sent:
    names: list[str] = field(default_factory=list)
    recently: list[str] = field(default_factory=list)  # nudged within 7 days: left alone
    more: int = 0  # past NUDGES_PER_SEND: for the next press


class NoOneToNudge(DomainError):
    """The intern is not one the sender may see, or is gone."""


def last_nudges(session: Session, intern_ids: list[int]) -> dict[int, LastNudge]:
    """The latest nudge to each intern listed, with its sender's name, in one query."""
    if not intern_ids:
        return {}
    later = aliased(Nudge)
    rows = session.execute(
        sa.select(Nudge.intern_id, Nudge.sent_at, User.name)
        .outerjoin(User, User.id == Nudge.sent_by_id)
        .where(
            Nudge.intern_id.in_(intern_ids),
            ~sa.exists(
                sa.select(later.id).where(
                    later.intern_id == Nudge.intern_id,
                    sa.or_(later.sent_at > Nudge.sent_at, sa.and_(later.sent_at == Nudge.sent_at, later.id > Nudge.id)),
                )
            ),
        )
    )
    return {intern_id: LastNudge(sent_at, name or "") for intern_id, sent_at, name in rows}


def send_nudges(
    session: Session, *, sender: User, scope: Scope, intern_ids: list[int], now: datetime, links: NudgeLinks
) -> Sent:
    """Nudge those of `intern_ids` on the scope's list of interns to reach; commits."""
    # Only interns on the list today: one who has since found a mentor is not told to look for one.
    wanted = sorted(set(intern_ids) & {p.user_id for p in interns_to_reach(session, scope, now)})
    people = list(session.scalars(sa.select(User).where(User.id.in_(wanted)).order_by(User.name_key, User.id)))
    if not people:
        raise NoOneToNudge("You can nudge only interns listed under Interns to reach, in the departments you follow.")
    recent = set(
        session.scalars(
            sa.select(Nudge.intern_id).where(
                Nudge.intern_id.in_([p.id for p in people]), Nudge.sent_at > now - QUIET_AFTER_NUDGE
            )
        )
    )
    sent = Sent(recently=[p.name for p in people if p.id in recent])
    due = [p for p in people if p.id not in recent]
    sent.more = max(0, len(due) - NUDGES_PER_SEND)
    for intern in due[:NUDGES_PER_SEND]:
        names = next_colleagues(session, intern, set(), now)
        notify(session, [intern], nudge_message(intern, names, links))
        session.add(Nudge(intern_id=intern.id, sent_by_id=sender.id, sent_at=now))
        sent.names.append(intern.name)
    session.commit()
    return sent


def nudge_message(intern: User, names: list[Suggestion], links: NudgeLinks) -> Message:
    parts = [
        f"Hello {intern.name}, the mentoring program would like to help you find a mentor: "
        "asking a colleague for an introduction takes a minute."
    ]
    if names:
        listed = "\n".join(f"- {s.candidate.name}, {s.candidate.stage_label}: {s.explanation}" for s in names)
        parts.append(f"Colleagues you could ask:\n{listed}")
    else:
        parts.append("People to meet suggests colleagues who share your interests as they join.")
    parts.append(f"See them and ask on People to meet: {links.url}")
    return Message(
        kind=KIND,
        subject="Colleagues you could ask for an introduction",
        body="\n\n".join(parts),
        link=links.path,
        site=links.site,
    )
