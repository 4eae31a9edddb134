"""The senior's side of introductions: interns who would like to meet them,
and invitations of connected interns to events, answered by the intern."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from eventsapp.accounts.models import User
from eventsapp.errors import DomainError, NotFound
from eventsapp.events.listing import viewer_zone
from eventsapp.events.timefmt import format_moment
from eventsapp.extensions import db
from eventsapp.forms import show_error
from eventsapp.mentorships import invitations
from eventsapp.mentorships.forms import InvitationAnswerForm, InvitationForm
from eventsapp.mentorships.interns import senior_side
from eventsapp.mentorships.links import InvitationLinks
from eventsapp.rsvps.services import find_rsvp
from eventsapp.timeutil import utcnow
from eventsapp.web.links import event_links, id_url_parts

bp = Blueprint("invitations", __name__)


def invitation_links() -> InvitationLinks:
    """The invitation page's path and its full URL on this request's host."""
    path_head, _ = id_url_parts("invitations.show", "invitation_id")
    url_head, _ = id_url_parts("invitations.show", "invitation_id", external=True)
    return InvitationLinks(path_head, url_head)


@bp.get("/people/interns")
@login_required
def interns():
    """Interns who would like to meet the viewer, and those going to their next events."""
    side = senior_side(db.session, current_user, utcnow()) if current_user.profile.can_mentor else None
    return render_template("invitations/interns.html", side=side)


@bp.route("/people/interns/<int:intern_id>/invite", methods=["GET", "POST"])
@login_required
def invite(intern_id: int):
    intern = db.session.get(User, intern_id)
    if intern is None or intern.id == current_user.id:
        abort(404)
    form = InvitationForm()
    if form.validate_on_submit():
        try:
            invitations.invite(
                db.session, current_user, intern.id, form.event_id.data, form.note.data, links=invitation_links()
            )
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            flash(f"{intern.name} is invited. You'll be told their answer.", "success")
            return redirect(url_for(".interns"))
    return _invite_page(form, intern), 422 if form.errors or form.form_errors else 200


def _invite_page(form: InvitationForm, intern: User) -> str:
    now, zone = utcnow(), viewer_zone(current_user)
    events = invitations.upcoming_events(db.session, now)
    mine = invitations.going_ids(db.session, current_user.id, [e.id for e in events])
    form.event_id.choices = [form.event_id.choices[0]] + [
        SelectChoice(e.id, f"{e.title}, {format_moment(e.starts_at, zone, now)}{' (you are going)' * (e.id in mine)}")
        for e in events
    ]
    connected = invitations.is_connected(db.session, current_user.id, intern.id)
    sent = invitations.sent_by(db.session, current_user.id, intern.id)
    return render_template("invitations/invite.html", form=form, intern=intern, connected=connected, sent=sent)


@bp.get("/invitations/<int:invitation_id>")
@login_required
def show(invitation_id: int):
    return _answer_page(invitation_id, InvitationAnswerForm(formdata=None))


def _answer_page(invitation_id: int, form: InvitationAnswerForm, status: int = 200):
    try:
        invitation = invitations.invitation_for(db.session, current_user.id, invitation_id)
    except NotFound:
        abort(404)
    rsvp = find_rsvp(db.session, invitation.event_id, current_user.id)  # the intern's seat, or waitlist
    seat = rsvp.state if rsvp and invitation.intern_id == current_user.id else None
    return render_template("invitations/show.html", invitation=invitation, form=form, now=utcnow(), seat=seat), status


@bp.post("/invitations/<int:invitation_id>/answer")
@login_required
def answer(invitation_id: int):
    form = InvitationAnswerForm()
    if form.validate_on_submit():
        going = form.answer.data == "going"
        try:
            invitations.answer(
                db.session, current_user, invitation_id, going, links=invitation_links(), event_links=event_links()
            )
        except NotFound:
            abort(404)
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            flash("Your answer is sent.", "success")
            return redirect(url_for(".show", invitation_id=invitation_id))
    return _answer_page(invitation_id, form, 422)
