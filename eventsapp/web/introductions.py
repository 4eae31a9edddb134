from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from eventsapp.accounts.models import User
from eventsapp.accounts.urls import safe_next_path
from eventsapp.errors import DomainError, NotAllowed, NotFound
from eventsapp.events.listing import viewer_zone
from eventsapp.extensions import db
from eventsapp.forms import parse_id, show_error
from eventsapp.introductions import services
from eventsapp.introductions.forms import RequestForm
from eventsapp.introductions.states import ask_state
from eventsapp.matching import services as matching
from eventsapp.matching.where import where_to_meet
from eventsapp.mentorships.reading import introduction_states
from eventsapp.profiles.models import Specialty
from eventsapp.timeutil import utcnow
from eventsapp.web.links import introduction_links

bp = Blueprint("introductions", __name__)


@bp.get("/people")
@login_required
def people():
    """People to meet: the viewer's top suggestions, optionally for one specialty."""
    specialty_id = parse_id(request.args.get("specialty"))
    ranked = matching.rank_suggestions(
        db.session,
        current_user,
        now=utcnow(),
        zone=viewer_zone(current_user),
        specialty_id=specialty_id,
        limit=current_app.config["SUGGESTIONS_SHOWN"],
    )
    specialties = db.session.scalars(sa.select(Specialty).where(Specialty.is_active).order_by(Specialty.name))
    return render_template(
        "introductions/people.html",
        ranked=ranked,
        suggestions=ranked.suggestions,
        specialty_id=specialty_id,
        specialties=list(specialties),
    )


@bp.get("/people/where")
@login_required
def where():
    """Where to meet mentors: upcoming events ranked by how many suggested colleagues go."""
    places = where_to_meet(db.session, current_user, utcnow())
    return render_template(
        "introductions/where.html", places=places, nobody_further_along=matching.suggestible_stages(current_user) == ()
    )


@bp.route("/people/<int:user_id>/introduction", methods=["GET", "POST"])
@login_required
def ask(user_id: int):
    form = RequestForm()
    senior = db.session.get(User, user_id)
    if senior is None or senior.id == current_user.id:  # nobody asks to meet themselves
        abort(404)
    if form.validate_on_submit():
        try:
            services.request_introduction(
                db.session, current_user, user_id, form.message.data, links=introduction_links()
            )
        except NotFound:
            abort(404)
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            flash(f"Your request is on its way to {senior.name}. You'll be told when they answer.", "success")
            return redirect(url_for("introductions.index"))
    state = ask_state(db.session, current_user, senior, utcnow())  # no form where no request can be sent
    return render_template("introductions/ask.html", form=form, senior=senior, state=state), 422 if form.errors else 200


@bp.get("/introductions")
@login_required
def index():
    overview = services.overview(db.session, current_user, utcnow())
    states = introduction_states(db.session, current_user.id, [r.id for r in overview.connections])
    return render_template("introductions/index.html", overview=overview, states=states)


def _act(action, request_id: int, done: str):
    try:
        action(db.session, current_user, request_id, links=introduction_links())
    except NotFound:
        abort(404)
    except NotAllowed:
        abort(403)
    except DomainError as exc:
        flash(str(exc), "error")
    else:
        flash(done, "success")
    # Back to the page the button was on (People to meet, an event, a profile).
    return redirect(safe_next_path(request.form.get("back")) or url_for("introductions.index"))


@bp.post("/introductions/<int:request_id>/accept")
@login_required
def accept(request_id: int):
    return _act(
        lambda s, u, r, links: services.answer(s, u, r, True, links=links),
        request_id,
        "Accepted. You can now see each other's email address."
        if current_user.email_verified
        else "Accepted. Confirm your email address to see theirs.",
    )


@bp.post("/introductions/<int:request_id>/decline")
@login_required
def decline(request_id: int):
    return _act(
        lambda s, u, r, links: services.answer(s, u, r, False, links=links),
        request_id,
        "Declined. They'll only hear that you're not available right now.",
    )


@bp.post("/introductions/<int:request_id>/withdraw")
@login_required
def withdraw(request_id: int):
    return _act(services.withdraw, request_id, "Your request is withdrawn.")


@bp.post("/introductions/<int:request_id>/end")
@login_required
def end(request_id: int):
    return _act(services.end_connection, request_id, "The connection is ended.")
