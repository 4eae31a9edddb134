"""The mentorship's forms. Their limits are the services' own (models.py);
the services check again, for callers without a form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from eventsapp.forms import (
    CheckboxListField,
    FriendlyDateField,
    FriendlyTimeField,
    ListChoiceField,
    one_line_break,
    optional_int,
)
from eventsapp.mentorships.models import (
    COMMENT_MAX,
    GOALS_MAX,
    INVITATION_NOTE_MAX,
    NOTE_MAX,
    PLACE_MAX,
    THANKS_MAX,
    Answer,
    CloseReason,
    FollowUpKind,
    Place,
    Rhythm,
)


def _choices(labels: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


def _private_note(description: str) -> TextAreaField:
    """The private note of a meeting, the same field wherever it is written."""
    return TextAreaField(
        "Your private note",
        description=description,
        validators=[Optional(), Length(max=NOTE_MAX, message=f"Keep it to at most {NOTE_MAX:,} characters.")],
        filters=[one_line_break],
    )


class MetForm(FlaskForm):
    answer = RadioField(
        "Did you meet?",
        choices=_choices(Answer.LABELS),
        validators=[InputRequired("Choose one of the answers.")],
    )


class GoalsForm(FlaskForm):
    goals = TextAreaField(
        "Your goals and expectations",
        description="What you hope to learn, and what you expect from each other.",
        validators=[
            DataRequired("Write your goals."),
            Length(max=GOALS_MAX, message=f"Keep it to at most {GOALS_MAX:,} characters."),
        ],
        filters=[one_line_break],
    )


class CommentForm(FlaskForm):
    comment = TextAreaField(
        "Your comment on the goals",
        validators=[Optional(), Length(max=COMMENT_MAX, message=f"Keep it to at most {COMMENT_MAX:,} characters.")],
        filters=[one_line_break],
    )


class RhythmForm(FlaskForm):
    rhythm = ListChoiceField(
        "How often you mean to meet",
        choices=_choices(Rhythm.LABELS),
        validators=[InputRequired("Choose how often you mean to meet.")],
    )


class MeetingForm(FlaskForm):
    met_on = FriendlyDateField("Date you met", validators=[DataRequired("Enter the date you met.")])
    place = ListChoiceField(
        "Where", choices=_choices(Place.LABELS), validators=[InputRequired("Choose where you met.")]
    )
    event_id = ListChoiceField(
        "Which event",
        description="If you met at an event: one of those either of you was going to.",
        coerce=optional_int,
        choices=[SelectChoice("", "(not at an event)")],
        validate_choice=False,  # (the view lists the events; the service checks the one chosen)
    )
    note = _private_note("Only you will ever see it: not the other person, organizers or admins.")


class NoteForm(FlaskForm):
    note = _private_note("Only you see it. Leave it empty to remove it.")


class NextMeetingForm(FlaskForm):
    date = FriendlyDateField("Date", validators=[DataRequired("Enter the date.")])
    time = FriendlyTimeField("Time", validators=[DataRequired("Enter the time.")])
    location = StringField(
        "Where", validators=[Optional(), Length(max=PLACE_MAX, message=f"Keep it to at most {PLACE_MAX:,} characters.")]
    )


class CloseForm(FlaskForm):
    reason = RadioField(
        "Why are you closing it?",
        choices=[SelectChoice(r, CloseReason.LABELS[r]) for r in CloseReason.CHOSEN],
        validators=[InputRequired("Choose a reason.")],
    )
    thank_you = TextAreaField(
        "A thank-you (optional)",
        description="The other person receives it with the notice.",
        validators=[Optional(), Length(max=THANKS_MAX, message=f"Keep it to at most {THANKS_MAX:,} characters.")],
        filters=[one_line_break],
    )


class FollowUpForm(FlaskForm):
    wanted = CheckboxListField(
        "Reminders about mentorships",
        choices=_choices(FollowUpKind.LABELS),
        message="Choose from the list.",
    )


class InvitationForm(FlaskForm):
    event_id = ListChoiceField(
        "Which event",
        coerce=optional_int,
        choices=[SelectChoice("", "(choose an event)")],
        validate_choice=False,  # (the view lists the events; the service checks the one chosen)
        validators=[InputRequired("Choose an event.")],
    )
    note = TextAreaField(
        "A short note (optional)",
        description="They receive it with the invitation.",
        validators=[
            Optional(),
            Length(max=INVITATION_NOTE_MAX, message=f"Keep it to at most {INVITATION_NOTE_MAX:,} characters."),
        ],
        filters=[one_line_break],
    )


class InvitationAnswerForm(FlaskForm):
    answer = RadioField(
        "Your answer",
        choices=[SelectChoice("going", "Going"), SelectChoice("not_going", "Not going")],
        validators=[InputRequired("Choose going or not going.")],
    )
