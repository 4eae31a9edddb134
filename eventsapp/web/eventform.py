"""The event form's choices and what the new and edit pages do with it:
the specialties, departments, zones and co-organizers offered, and the
repeat and the problems read back from it."""

from __future__ import annotations

from functools import cache
from itertools import groupby

import sqlalchemy as sa
from flask import current_app
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from eventsapp.errors import DomainError
from eventsapp.events import services
from eventsapp.events.forms import ZONES
from eventsapp.events.recurrence import Recurrence
from eventsapp.events.wallclock import TimesNeedConfirming
from eventsapp.extensions import db
from eventsapp.forms import show_error
from eventsapp.profiles.models import Department, Specialty


def catalogues(session) -> tuple[list, list]:
    """Specialties and departments as rows (id, name, category, is_active):
    only choices are made of them, and every list page shows them. One
    query for both."""
    specialties, departments = [], []
    for row in session.connection().execute(_catalogue_query()):  # plain rows: no entities
        (specialties if row.specialty else departments).append(row)
    return specialties, departments


@cache
def _catalogue_query():
    return sa.union_all(
        sa.select(sa.true().label("specialty"), Specialty.id, Specialty.name, Specialty.category, Specialty.is_active),
        sa.select(sa.false(), Department.id, Department.name, sa.null(), Department.is_active),
    ).order_by(sa.column("specialty"), sa.column("category"), sa.column("name"))


def fill_choices(form, event=None) -> list:
    """Offer active entries, plus the retired ones this event already has."""
    specialties, departments = catalogues(db.session)
    keep_specialties = {s.id for s in event.specialties} if event else set()
    offered = [s for s in specialties if s.is_active or s.id in keep_specialties]
    form.specialty_ids.choices = [SelectChoice(s.id, s.name) for s in offered]
    form.department_id.choices = [SelectChoice(None, "No department")] + [
        SelectChoice(d.id, d.name) for d in departments if d.is_active or (event and d.id == event.department_id)
    ]
    form.timezone.choices = [SelectChoice(z, z.replace("_", " ")) for z in ZONES]
    form.co_organizer_ids.choices = [
        SelectChoice(u.id, u.name)
        for u in services.organizer_choices(db.session)
        if u.id != (event.organizer_id if event else current_user.id)
    ]
    return offered


def show_problem(form, exc: DomainError) -> None:
    """A rule's message on the form; times where the clocks change are shown
    for the organizer to confirm (the next submission carries the confirmation)."""
    if isinstance(exc, TimesNeedConfirming):
        form.confirmed_times.data = exc.token
        form.time_notes = exc.notes
    else:
        show_error(form, exc)


def status_of(form) -> int:
    return 422 if form.errors or form.time_notes else 200


def prefill(form, source) -> None:
    form.timezone.data = current_app.config["APP_TIMEZONE"]
    if source is not None:
        for name, value in vars(services.details_of(source)).items():
            form[name].data = value


def repeat_of(form) -> Recurrence | None:
    if form.repeat.data not in ("weekly", "monthly"):
        return None
    if form.repeat_until.data is None:
        raise DomainError("Choose the date of the last meeting.", field="repeat_until")
    return Recurrence(form.repeat.data, form.repeat_interval.data or 1, form.repeat_until.data)


def groups_of(specialties: list):
    return [(category, [s.id for s in items]) for category, items in groupby(specialties, key=lambda s: s.category)]
