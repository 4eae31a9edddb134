"""A whole intake at once: 10,000 rows previewed and imported in a bounded
number of queries, and the time it takes (docs/roster.md quotes it)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from eventsapp.accounts.models import User
from eventsapp.extensions import db
from eventsapp.notifications.models import OutboxMail
from eventsapp.roster import invitations, services
from eventsapp.roster.models import RosterInvitation
from tests.factories import make_department, make_user
from tests.test_query_counts import counting

NOW = datetime(2026, 7, 1, 14, 0, tzinfo=UTC)
LINK = "https://rounds.example/roster/join/"


def roster(n: int) -> bytes:
    lines = ["Name,Email,Career stage,PGY,Department,Interests"]
    lines += [f"Intern {i},intern{i}@hospital.example,Intern,1,Surgery,Cardiology;Oncology" for i in range(n)]
    return "\r\n".join(lines).encode()


def preview_and_import(n: int, admin_id: int) -> tuple[int, int, float, float]:
    """Queries of the preview and of the import, and the seconds each took."""
    upload = services.store_upload(db.session, uploader_id=admin_id, filename="x.csv", data=roster(n), now=NOW)
    started = time.perf_counter()
    with counting(db.engine) as previewing:
        services.preview(db.session, upload, None)
    middle = time.perf_counter()
    with counting(db.engine) as importing:
        services.run_import(db.session, upload, actor_id=admin_id, allowed=None, now=NOW)
    return len(previewing), len(importing), middle - started, time.perf_counter() - middle


@pytest.mark.slow
def test_ten_thousand_rows_preview_and_import_in_bounded_queries(app, capsys):
    make_department("Surgery")
    admin = make_user("Adam Admin", role="admin", stage="attending")
    preview_and_import(10, admin.id)  # so that each file below also updates... nothing: 10 unchanged rows
    small_preview, small_import, _, _ = preview_and_import(20, admin.id)
    big_preview, big_import, preview_s, import_s = preview_and_import(10_000, admin.id)
    assert big_preview == small_preview  # the whole file's addresses are looked up at once
    # Writes go in batches of at most 1,000 rows a statement: a few dozen statements in all.
    assert big_import <= small_import + 60
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 10_001
    assert db.session.scalar(sa.select(sa.func.count()).select_from(RosterInvitation)) == 10_000

    started = time.perf_counter()
    assert invitations.send_waiting(db.session, NOW, LINK) == invitations.SEND_BATCH
    per_mail = (time.perf_counter() - started) / invitations.SEND_BATCH
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMail)) == invitations.SEND_BATCH
    with capsys.disabled():
        print(
            f"\n10,000 rows: preview {big_preview} queries in {preview_s:.1f} s, "
            f"import {big_import} queries in {import_s:.1f} s; the worker renders an invitation in "
            f"{per_mail * 1000:.1f} ms"
        )
