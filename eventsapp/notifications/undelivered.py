"""Mail the outbox could not deliver, for the admins: what failed and why,
what has waited long, and a way to try again now."""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from eventsapp.notifications.models import MailStatus, OutboxMail
from eventsapp.transactions import begin_write

#: A mail still waiting after this long is shown with the failed ones.
LONG_PENDING = timedelta(minutes=15)
LIMIT = 200


def undelivered(session: Session, now: datetime, limit: int = LIMIT) -> list[OutboxMail]:
    """Failed mail, and mail still waiting LONG_PENDING after it was queued,
    newest first."""
    waiting_long = sa.and_(
        OutboxMail.status.in_([MailStatus.PENDING, MailStatus.SENDING]), OutboxMail.created_at <= now - LONG_PENDING
    )
    return list(
        session.scalars(
            sa.select(OutboxMail)
            .where(sa.or_(OutboxMail.status == MailStatus.FAILED, waiting_long))
            .order_by(OutboxMail.created_at.desc(), OutboxMail.id.desc())
            .limit(limit)
        )
    )


def retry(session: Session, mail_id: int, now: datetime) -> bool:
    """Another attempt at a failed or waiting mail, due now. (A temporary
    failure then retries only within MAIL_RETRY_HOURS of its creation:
    past that, this is one more attempt.) False if there is no such mail."""
    begin_write(session)
    result = session.execute(
        sa.update(OutboxMail)
        .where(OutboxMail.id == mail_id, OutboxMail.status.in_([MailStatus.FAILED, MailStatus.PENDING]))
        .values(status=MailStatus.PENDING, next_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    return result.rowcount == 1
