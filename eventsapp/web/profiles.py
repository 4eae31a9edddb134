from __future__ import annotations

from itertools import groupby

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError, NotFound
from eventsapp.events.forms import ZONES
from eventsapp.extensions import db
from eventsapp.forms import show_error
from eventsapp.introductions.services import connected
from eventsapp.introductions.states import ask_state
from eventsapp.profiles import career, help_kinds, services
from eventsapp.profiles.forms import ProfileForm
from eventsapp.timeutil import utcnow
from eventsapp.web.pages import PRIVATE

bp = Blueprint("profiles", __name__)


@bp.get("/profile")
@login_required
def mine():
    return redirect(url_for("profiles.show", user_id=current_user.id))


@bp.get("/people/<int:user_id>")
@login_required
def show(user_id: int):
    try:
        linked = user_id != current_user.id and connected(db.session, current_user.id, user_id)
        person = services.profile_for_viewer(db.session, current_user, user_id, connected=linked)
    except NotFound:
        abort(404)
    ask = None
    if person.can_ask:  # a senior open to meeting the viewer: where a request to them stands
        ask = ask_state(db.session, current_user, db.session.get(User, user_id), utcnow())
    feed_url = None
    if person.is_own:
        from eventsapp.ical import services as ical

        feed = ical.feed_of(db.session, current_user.id)
        if feed is not None:
            feed_url = url_for("ical.personal_feed", token=ical.feed_token(feed), _external=True)
    page = render_template("profiles/show.html", person=person, feed_url=feed_url, ask=ask)
    # The private feed link opens the member's calendar by itself: keep the page out of every cache.
    return (page, PRIVATE) if feed_url else page


def _profile_form(profile) -> tuple[ProfileForm, list]:
    """The profile form with its lists filled in, and the interests in their groups."""
    form = ProfileForm(
        obj=profile,
        name=current_user.name,
        email_notifications=current_user.email_notifications,
        specialty_ids=[s.id for s in profile.specialties],
        help_kinds=profile.chosen_help(offered=help_kinds.offers_help(profile.career_stage)),
    )
    form.timezone.choices = [SelectChoice("", f"The hospital's zone ({current_app.config['APP_TIMEZONE']})")] + [
        SelectChoice(z, z.replace("_", " ")) for z in ZONES
    ]
    specialties = services.active_specialties(db.session)
    form.specialty_ids.choices = [SelectChoice(s.id, s.name) for s in specialties]
    form.department_id.choices = [SelectChoice(None, "No department")] + [
        SelectChoice(d.id, d.name) for d in services.department_choices(db.session, profile)
    ]
    if not career.can_mentor(profile.career_stage) and "intro_capacity" not in request.form:
        # Interns and students are not shown the meeting-interns section: their saved limit stays.
        form.intro_capacity.validators = ()
    groups = [(category, [s.id for s in items]) for category, items in groupby(specialties, key=lambda s: s.category)]
    return form, groups


@bp.route("/profile/edit", methods=["GET", "POST"])
@login_required
def edit():
    form, groups = _profile_form(current_user.profile)
    if form.validate_on_submit():
        changes = services.ProfileChanges(
            **{
                name: form[name].data
                for name in (
                    "name",
                    "career_stage",
                    "pgy_year",
                    "department_id",
                    "specialty_ids",
                    "bio",
                    "open_to_interns",
                    "intro_capacity",
                    "show_department",
                    "show_interests",
                    "show_bio",
                    "attendance_visibility",
                    "timezone",
                    "email_notifications",
                    "event_reminders",
                    "weekly_digest",
                    "request_reminders",
                    "help_kinds",
                )
            }
        )
        try:
            services.update_profile(db.session, current_user, changes, site=request.url_root)
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            flash("Your profile is saved.", "success")
            return redirect(url_for("profiles.show", user_id=current_user.id))
    status = 422 if form.errors else 200
    meets_interns = career.can_mentor(current_user.profile.career_stage)
    # The kinds of help of the side the form's stage is on (as posted, when it was).
    stage = form.career_stage.data if form.career_stage.data in career.STAGES else current_user.profile.career_stage
    helps = {"offers": help_kinds.offers_help(stage), "kinds": help_kinds.choices_for(stage)}
    page = render_template("profiles/edit.html", form=form, groups=groups, meets_interns=meets_interns, helps=helps)
    return page, status
