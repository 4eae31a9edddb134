"""A series' meetings, for the page that lists them."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session, lazyload

from eventsapp.errors import NotFound
from eventsapp.events.models import Event, Series


@dataclass(frozen=True)
class SeriesPage:
    series: Series
    meetings: list[Event]

    @property
    def title(self) -> str:
        """The series goes by its first meeting's title."""
        return self.meetings[0].title if self.meetings else "Recurring meeting"


def series_page(session: Session, series_id: int) -> SeriesPage:
    """The series and every meeting of it, in date order: two queries."""
    series = session.get(Series, series_id)
    if series is None:
        raise NotFound("No such series.")
    meetings = list(
        session.scalars(
            sa.select(Event)
            .where(Event.series_id == series_id)
            .order_by(Event.starts_at, Event.id)
            .options(lazyload(Event.organizer))
        )
    )
    return SeriesPage(series, meetings)
