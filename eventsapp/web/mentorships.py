"""Mentorships: the "did you meet?" question, the list, and the page the two
members share, with its forms. A mentorship is shown to its two members
only: to anyone else (organizers and admins too) it does not exist."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from wtforms.fields.choices import SelectChoice

from eventsapp.errors import DomainError, NotAllowed, NotFound
from eventsapp.events.listing import viewer_zone
from eventsapp.extensions import db
from eventsapp.forms import show_error
from eventsapp.ical import meetings as ical_meetings
from eventsapp.mentorships import answers, followups, reading, services
from eventsapp.mentorships.forms import (
    CloseForm,
    CommentForm,
    FollowUpForm,
    GoalsForm,
    MeetingForm,
    MetForm,
    NextMeetingForm,
    NoteForm,
    RhythmForm,
)
from eventsapp.mentorships.models import FollowUpKind
from eventsapp.timeutil import utcnow
from eventsapp.web.ical import calendar_response
from eventsapp.web.links import calendar_links, mentorship_links

bp = Blueprint("mentorships", __name__)

DONE = {
    "goals": "Your goals are saved.",
    "comment": "Your comment is saved.",
    "rhythm": "Your rhythm is saved.",
    "meeting": "The meeting is in your log.",
    "next": "Your next meeting is set. It is in both your calendars.",
    "close": "The mentorship is closed.",
}

#: The page's section each form is in (its anchor, NAME-section), where not its own.
SECTION = {"comment": "goals"}


def _today():
    return datetime.now(ZoneInfo(viewer_zone(current_user))).date()


@bp.get("/mentorships")
@login_required
def index():
    mentorships = reading.my_mentorships(db.session, current_user.id)
    off = followups.turned_off(db.session, current_user.id)
    form = FollowUpForm(formdata=None, wanted=[k for k in FollowUpKind.ALL if k not in off])
    return render_template("mentorships/index.html", mentorships=mentorships, now=utcnow(), form=form)


@bp.post("/mentorships/follow-ups")
@login_required
def follow_ups():
    """Which follow-ups the member wants (the others are turned off)."""
    form = FollowUpForm()
    if not form.validate_on_submit():
        return render_template(
            "mentorships/index.html",
            mentorships=reading.my_mentorships(db.session, current_user.id),
            now=utcnow(),
            form=form,
        ), 422
    followups.set_follow_ups(db.session, current_user.id, set(form.wanted.data or []))
    flash("Your reminder settings are saved.", "success")
    return redirect(url_for(".index"))


@bp.route("/introductions/<int:request_id>/met", methods=["GET", "POST"])
@login_required
def question(request_id: int):
    """Did you meet? Asked of both people of an accepted introduction."""
    try:
        intro = answers.introduction_of(db.session, current_user.id, request_id)
    except NotFound:
        abort(404)
    form = MetForm()
    if form.validate_on_submit():
        try:
            mentorship = answers.answer_met(
                db.session, current_user, request_id, form.answer.data, links=mentorship_links(external=True)
            )
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            if mentorship is not None:
                flash("Thank you. Your mentorship page is ready.", "success")
                return redirect(url_for(".show", mentorship_id=mentorship.id))
            flash("Thank you for your answer. You'll be asked again later.", "success")
            return redirect(url_for("introductions.index"))
    mentorship = answers.mentorship_of_request(db.session, request_id)
    return render_template(
        "mentorships/question.html",
        form=form,
        intro=intro,
        other=intro.senior if intro.requester_id == current_user.id else intro.requester,
        mentorship=mentorship,
        refusal=answers.refusal(intro, mentorship, current_user.id),
        mine=answers.my_answer(db.session, current_user.id, request_id),
    ), 422 if form.errors else 200


def _page(mentorship_id: int, status: int = 200, **forms):
    """The mentorship page, each form fresh unless given (one with errors)."""
    try:
        page = reading.page_of(db.session, current_user.id, mentorship_id, _today())
    except NotFound:
        abort(404)
    m = page.mentorship
    blank = {
        "goals": GoalsForm(formdata=None, goals=m.goals),
        "comment": CommentForm(formdata=None, comment=m.goals_comment),
        "rhythm": RhythmForm(formdata=None, rhythm=m.rhythm),
        "meeting": MeetingForm(formdata=None, met_on=_today()),
        "next": NextMeetingForm(formdata=None),
        "close": CloseForm(formdata=None),
    }
    forms = {**blank, **forms}
    forms["meeting"].event_id.choices = [SelectChoice("", "(not at an event)")] + [
        SelectChoice(e.id, f"{e.title}, {e.starts_at:%d %b %Y}") for e in page.events
    ]
    notes = {mt.id: _note_form(mt.id, page.my_notes.get(mt.id, "")) for mt in page.meetings}
    notes.update(forms.pop("notes", {}))
    context = {"page": page, "m": m, "forms": forms, "notes": notes, "now": utcnow()}
    return render_template("mentorships/show.html", **context), status


def _note_form(meeting_id: int, text: str, formdata=None) -> NoteForm:
    form = NoteForm(formdata=formdata, note=text) if formdata is None else NoteForm()
    form.note.id = f"note-{meeting_id}"
    return form


@bp.get("/mentorships/<int:mentorship_id>")
@login_required
def show(mentorship_id: int):
    return _page(mentorship_id)


def _submit(mentorship_id: int, name: str, form, run, meeting_id: int | None = None):
    """Validate, run the service, and go back to the page; or show the page
    again with the form's errors (422). Nothing is saved on an error."""
    if form.validate_on_submit():
        try:
            run(form)
        except NotFound:
            abort(404)
        except NotAllowed:
            abort(403)
        except DomainError as exc:
            db.session.rollback()
            show_error(form, exc)
        else:
            flash(DONE.get(name, "Saved."), "success")
            anchor = f"#meeting-{meeting_id}" if meeting_id else f"#{SECTION.get(name, name)}-section"
            return redirect(url_for(".show", mentorship_id=mentorship_id) + anchor)
    return _page(mentorship_id, 422, **({"notes": {meeting_id: form}} if meeting_id else {name: form}))


def _links():
    return mentorship_links(external=True)


@bp.post("/mentorships/<int:mentorship_id>/goals")
@login_required
def goals(mentorship_id: int):
    return _submit(
        mentorship_id,
        "goals",
        GoalsForm(),
        lambda f: services.write_goals(db.session, current_user, mentorship_id, f.goals.data, links=_links()),
    )


@bp.post("/mentorships/<int:mentorship_id>/comment")
@login_required
def comment(mentorship_id: int):
    return _submit(
        mentorship_id,
        "comment",
        CommentForm(),
        lambda f: services.comment_goals(db.session, current_user, mentorship_id, f.comment.data, links=_links()),
    )


@bp.post("/mentorships/<int:mentorship_id>/rhythm")
@login_required
def rhythm(mentorship_id: int):
    return _submit(
        mentorship_id,
        "rhythm",
        RhythmForm(),
        lambda f: services.set_rhythm(db.session, current_user, mentorship_id, f.rhythm.data),
    )


@bp.post("/mentorships/<int:mentorship_id>/meetings")
@login_required
def log_meeting(mentorship_id: int):
    def run(f):
        details = services.MeetingDetails(f.met_on.data, f.place.data, f.event_id.data, f.note.data or "")
        services.log_meeting(db.session, current_user, mentorship_id, details, _today(), links=_links())

    return _submit(mentorship_id, "meeting", MeetingForm(), run)


@bp.post("/mentorships/<int:mentorship_id>/meetings/<int:meeting_id>/note")
@login_required
def note(mentorship_id: int, meeting_id: int):
    form = _note_form(meeting_id, "", formdata=request.form)
    return _submit(
        mentorship_id,
        "note",
        form,
        lambda f: services.save_note(db.session, current_user, mentorship_id, meeting_id, f.note.data or ""),
        meeting_id=meeting_id,
    )


@bp.post("/mentorships/<int:mentorship_id>/next")
@login_required
def next_meeting(mentorship_id: int):
    zone = viewer_zone(current_user)

    def run(f):
        starts = datetime.combine(f.date.data, f.time.data, ZoneInfo(zone))
        services.set_next_meeting(
            db.session, current_user, mentorship_id, starts, zone, f.location.data or "", links=_links()
        )

    return _submit(mentorship_id, "next", NextMeetingForm(), run)


@bp.post("/mentorships/<int:mentorship_id>/close")
@login_required
def close(mentorship_id: int):
    return _submit(
        mentorship_id,
        "close",
        CloseForm(),
        lambda f: services.close(
            db.session, current_user, mentorship_id, f.reason.data, f.thank_you.data or "", links=_links()
        ),
    )


@bp.get("/mentorships/<int:mentorship_id>/next.ics")
@login_required
def next_meeting_file(mentorship_id: int):
    """The next meeting, to add to a calendar (its members only)."""
    meeting = ical_meetings.next_meeting_of(db.session, current_user.id, mentorship_id)
    if meeting is None:
        abort(404)
    export_ = ical_meetings.meeting_file(meeting, calendar_links(), _links())
    return calendar_response(export_, private=True, filename=f"mentorship-{mentorship_id}.ics", max_age=0)
