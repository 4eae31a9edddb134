from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from eventsapp.errors import DomainError, NotAllowed, NotFound
from eventsapp.events import listing, meetings, services
from eventsapp.events.forms import CancelForm, EditEventForm, FilterForm, NewEventForm
from eventsapp.extensions import db
from eventsapp.forms import page_number, parse_id
from eventsapp.ical import links as ical_links
from eventsapp.ical import services as ical_services
from eventsapp.matching import going as matching_going
from eventsapp.matching import services as matching
from eventsapp.rsvps import audience, eventpage
from eventsapp.rsvps.models import RsvpState
from eventsapp.speed import evening as speed_evening
from eventsapp.timeutil import utcnow
from eventsapp.web import eventform
from eventsapp.web.links import event_links
from eventsapp.web.pages import PRIVATE
from eventsapp.web.permissions import managed_event, organizer_required

bp = Blueprint("events", __name__, url_prefix="/events")
#: How many colleagues Who to meet here shows before "Show all".
WHO_TO_MEET = 6


@bp.get("")
def index():
    form = FilterForm(request.args)
    specialties, departments = eventform.catalogues(db.session)
    form.specialty.choices = [SelectChoice(None, "All specialties")] + [SelectChoice(s.id, s.name) for s in specialties]
    form.department.choices = [SelectChoice(None, "All departments")] + [
        SelectChoice(d.id, d.name) for d in departments
    ]
    form.validate()

    def valid(field):  # a filter the form refused is left out, and its message shown
        return None if field.errors else field.data

    filters = listing.Filters(
        scope=request.args.get("scope", listing.Scope.UPCOMING),
        q=valid(form.q) or "",
        kind=valid(form.kind) or None,
        specialty_id=valid(form.specialty),
        department_id=valid(form.department),
        start=valid(form.start),
        end=valid(form.end),
        page=request.args.get("page", 1, type=page_number),
    )
    if filters.scope == listing.Scope.MINE and not current_user.is_authenticated:
        return current_app.login_manager.unauthorized()
    now = utcnow()
    page = listing.list_events(
        db.session, current_user, filters, now, current_app.config["EVENTS_PER_PAGE"], answered=eventpage.ANSWERED
    )
    page = matching_going.with_answer_counts(db.session, current_user, page, now)
    own_feed = _own_feed_url() if filters.scope == listing.Scope.MINE else None
    body = render_template(
        "events/index.html", form=form, result=page, filters=filters, scopes=listing.Scope.LABELS, own_feed=own_feed
    )
    # The member's own feed link opens their calendar by itself: no cache keeps it.
    return (body, PRIVATE) if own_feed else body


def _own_feed_url() -> str | None:
    """My events offers the member's own private feed (every event they
    answered), not the public one, once they have created it."""
    feed = ical_services.feed_of(db.session, current_user.id)
    return url_for("ical.personal_feed", token=ical_services.feed_token(feed), _external=True) if feed else None


@bp.get("/<int:event_id>")
def show(event_id: int):
    try:
        view = eventpage.event_view(
            db.session, current_user, event_id, utcnow(), every_name=request.args.get("going") == "all"
        )
    except NotFound:
        abort(404)
    who = matching.Ranked()
    if current_user.is_authenticated and not view.event.is_cancelled:
        going = view.viewer_rsvp is not None and view.viewer_rsvp.state == RsvpState.GOING
        every = request.args.get("meet") == "all"
        who = matching.rank_suggestions(
            db.session,
            current_user,
            now=utcnow(),
            zone=listing.viewer_zone(current_user),
            event_id=event_id,
            viewer_going=going,
            limit=None if every else WHO_TO_MEET,
        )
    return render_template(
        "events/show.html",
        view=view,
        event=view.event,
        cancel_form=CancelForm(),
        calendar_links=_add_links(view.event),
        who_to_meet=who,
        speed_standing=speed_evening.standing(db.session, current_user.id, event_id)
        if current_user.is_authenticated
        else speed_evening.Standing(),
    )


def _add_links(event) -> ical_links.AddLinks | None:
    """Google and Outlook links; none for a cancelled event, which there
    is no point adding."""
    if event.is_cancelled:
        return None
    return ical_links.add_links(
        title=event.title,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        all_day=event.all_day,
        zone=event.timezone,
        description=event.description,
        location=event.location,
        online_url=event.online_url,
        event_url=url_for("events.show", event_id=event.id, _external=True),
    )


@bp.route("/new", methods=["GET", "POST"])
@organizer_required
def new():
    form = NewEventForm()
    source = _duplicate_source()
    if request.method == "GET":
        eventform.prefill(form, source)
    groups = eventform.groups_of(eventform.fill_choices(form, source))
    if form.validate_on_submit():
        try:
            event = services.create_event(
                db.session, current_user, services.EventDetails(**form.details_fields()), eventform.repeat_of(form)
            )
        except DomainError as exc:
            db.session.rollback()
            eventform.show_problem(form, exc)
        else:
            flash(
                "The event is published."
                if not event.series_id
                else f"The series is published: {event.series.description}.",
                "success",
            )
            return redirect(url_for("events.show", event_id=event.id))
    page = render_template("events/form.html", form=form, groups=groups, event=None, source=source)
    return page, eventform.status_of(form)


def _duplicate_source():
    if not request.args.get("from"):
        return None
    source_id = parse_id(request.args.get("from"))  # not a number, or beyond any id: no such event
    try:
        if source_id is None:
            raise NotFound("No such event.")
        source = services.get_event(db.session, source_id)
        services.require_organizer(source, current_user)
    except (NotFound, NotAllowed):
        abort(404)
    return source


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id: int):
    event = managed_event(event_id)
    form = EditEventForm(
        data=vars(services.details_of(event)) | {"version": event.version} if request.method == "GET" else None
    )
    groups = eventform.groups_of(eventform.fill_choices(form, event))
    if form.validate_on_submit():
        try:
            services.update_event(
                db.session,
                current_user,
                event_id,
                services.EventDetails(**form.details_fields()),
                version=parse_id(form.version.data),
                scope=form.scope.data,
                links=event_links(),
            )
        except services.EventChanged as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for("events.edit", event_id=event_id))
        except DomainError as exc:
            db.session.rollback()
            eventform.show_problem(form, exc)
        else:
            flash("Your changes are saved.", "success")
            return redirect(url_for("events.show", event_id=event_id))
    page = render_template("events/form.html", form=form, groups=groups, event=event, source=None)
    return page, eventform.status_of(form)


@bp.get("/series/<int:series_id>")
def series(series_id: int):
    try:
        page = meetings.series_page(db.session, series_id)
    except NotFound:
        abort(404)
    return render_template("events/series.html", page=page, now=utcnow())


@bp.get("/<int:event_id>/cancel")
@login_required
def confirm_cancel(event_id: int):
    """Asks first, on a page of its own: cancelling tells everyone who answered."""
    event = managed_event(event_id)
    if event.is_cancelled:
        flash("This event is already cancelled.", "info")
        return redirect(url_for("events.show", event_id=event_id))
    return render_template(
        "events/confirm_cancel.html",
        event=event,
        form=CancelForm(),
        preview=audience.cancel_preview(db.session, event, utcnow()),
    )


@bp.get("/<int:event_id>/delete")
@login_required
def confirm_delete(event_id: int):
    event = managed_event(event_id)
    if services.has_responses(db.session, event_id):
        flash("People have answered this event, so it can't be deleted; cancel it instead.", "error")
        return redirect(url_for("events.show", event_id=event_id))
    return render_template("events/confirm_delete.html", event=event)


@bp.post("/<int:event_id>/cancel")
@login_required
def cancel(event_id: int):
    managed_event(event_id)
    form = CancelForm()
    try:
        cancelled = services.cancel_event(
            db.session, current_user, event_id, scope=form.scope.data, links=event_links()
        )
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        flash(
            "The event is cancelled. Everyone who answered will be told."
            if len(cancelled) == 1
            else f"{len(cancelled)} meetings are cancelled. Everyone who answered will be told.",
            "success",
        )
    return redirect(url_for("events.show", event_id=event_id))


@bp.post("/<int:event_id>/delete")
@login_required
def delete(event_id: int):
    managed_event(event_id)
    try:
        services.delete_event(db.session, current_user, event_id)
    except DomainError as exc:
        flash(str(exc), "error")
        return redirect(url_for("events.show", event_id=event_id))
    flash("The event is deleted.", "success")
    return redirect(url_for("events.index"))
