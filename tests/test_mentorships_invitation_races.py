"""Answering an invitation twice at once, or sending it twice at once,
leaves one answer (with its RSVP, or none) and one invitation; on SQLite
and PostgreSQL, each thread its own request."""

import sqlalchemy as sa

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError
from eventsapp.mentorships import invitations
from eventsapp.mentorships.models import Invitation
from eventsapp.rsvps.models import Rsvp
from tests.factories import make_event
from tests.mentorship_helpers import connected_pair
from tests.test_mentorships_concurrency import run_at_once

PAIRS = 4


def _outcome(call):
    def run(session):
        try:
            return call(session)
        except DomainError as exc:
            return str(exc)

    return run


def test_going_and_not_going_at_once_keep_one_answer_and_its_rsvp(app, session):
    pairs = [connected_pair(f"Intern {n}", f"Senior {n}") for n in range(PAIRS)]
    sent = [invitations.invite(session, senior, intern.id, make_event().id, "").id for _, intern, senior in pairs]
    calls = [
        _outcome(
            lambda s, u=intern.id, i=invitation_id, going=going: invitations.answer(s, s.get(User, u), i, going).state
        )
        for (_, intern, _senior), invitation_id in zip(pairs, sent, strict=True)
        for going in (True, False)
    ]
    got = run_at_once(app, calls)
    assert all(sum(g in ("going", "not_going") for g in got[2 * n : 2 * n + 2]) == 1 for n in range(PAIRS)), got
    session.rollback()
    for invitation in session.scalars(sa.select(Invitation)):
        rsvps = session.scalars(sa.select(Rsvp.state).where(Rsvp.user_id == invitation.intern_id)).all()
        assert rsvps == (["going"] if invitation.state == "going" else []), (invitation.state, rsvps)


def test_the_same_invitation_sent_twice_at_once_is_stored_once(app, session):
    pairs = [connected_pair(f"Intern {n}", f"Senior {n}") for n in range(PAIRS)]
    events = [make_event().id for _ in pairs]
    calls = [
        _outcome(lambda s, u=senior.id, i=intern.id, e=event_id: invitations.invite(s, s.get(User, u), i, e, "").id)
        for (_, intern, senior), event_id in zip(pairs, events, strict=True)
        for _twice in range(2)
    ]
    got = run_at_once(app, calls)
    assert sum(isinstance(g, int) for g in got) == PAIRS, got
    assert all("already invited" in g for g in got if isinstance(g, str)), got
    session.rollback()
    assert session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == PAIRS
