"""A confirmed roster import is recorded: who imported it, and how many accounts it made."""

from __future__ import annotations

import sqlalchemy as sa

from eventsapp.audit.models import Action, AuditEntry
from tests.test_roster_pages import clock, coordinator, surgery, upload  # noqa: F401  (fixtures)


def test_a_confirmed_roster_import_is_recorded_with_its_counts(client, coordinator, clock, session):  # noqa: F811
    preview = upload(client).location
    client.post(preview + "/import")
    session.rollback()
    [entry] = session.scalars(sa.select(AuditEntry).where(AuditEntry.action == Action.ROSTER_IMPORTED))
    assert entry.actor_id == coordinator.id and entry.subject.startswith("roster import #")
    assert entry.detail == "2 new, 0 updated"
