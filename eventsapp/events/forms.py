from __future__ import annotations

from zoneinfo import available_timezones

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, SearchField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from eventsapp.events.models import DESCRIPTION_MAX, LOCATION_MAX, TITLE_MAX, URL_MAX, EventKind
from eventsapp.events.services import Scope
from eventsapp.forms import (
    CheckboxListField,
    FriendlyDateField,
    FriendlyTimeField,
    ListChoiceField,
    SelectField,
    WholeNumberField,
    one_line_break,
    optional_int,
)

ZONES = sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))


def _length(limit: int) -> Length:
    return Length(max=limit, message=f"Use at most {limit} characters.")


class EventForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired("Enter the event's title."), _length(TITLE_MAX)])
    kind = SelectField(
        "Kind of event",
        validate_choice=False,
        choices=[SelectChoice(v, label) for v, label in EventKind.LABELS.items()],
    )
    description = TextAreaField(
        "Description",
        description="Plain text. Blank lines start paragraphs; web links become clickable.",
        validators=[_length(DESCRIPTION_MAX)],
        filters=[one_line_break],
    )
    all_day = BooleanField("All-day event", description="For conferences and other whole days; times are then ignored.")
    start_date = FriendlyDateField("Starts on", validators=[Optional()])
    start_time = FriendlyTimeField("Start time", validators=[Optional()])
    end_date = FriendlyDateField("Ends on", description="Leave empty for the same day.", validators=[Optional()])
    end_time = FriendlyTimeField("End time", validators=[Optional()])
    timezone = SelectField("Time zone", validate_choice=False, description="Times are entered and shown in this zone.")
    location = StringField("Location", description="Room, building or venue.", validators=[_length(LOCATION_MAX)])
    online_url = StringField(
        "Online meeting link", description="https://… (Zoom, Teams, …)", validators=[_length(URL_MAX)]
    )
    department_id = ListChoiceField("Department", coerce=optional_int, validate_choice=False)
    specialty_ids = CheckboxListField("Specialties", coerce=int, message="Choose specialties from the list.")
    capacity = WholeNumberField(
        "Capacity", description="Seats available. Leave empty for no limit.", validators=[Optional()]
    )
    rsvp_deadline_date = FriendlyDateField(
        "RSVP deadline", description="Optional. Answers close at the start anyway.", validators=[Optional()]
    )
    rsvp_deadline_time = FriendlyTimeField("Deadline time", description="Defaults to 23:59.", validators=[Optional()])
    co_organizer_ids = CheckboxListField(
        "Co-organizers", coerce=int, message="Choose co-organizers from the list of organizers."
    )
    version = HiddenField()
    confirmed_times = HiddenField()  # set when the organizer is shown where the clocks change
    time_notes: tuple[str, ...] = ()  # what the organizer is asked to confirm

    def details_fields(self) -> dict:
        names = (
            "title",
            "kind",
            "timezone",
            "start_date",
            "start_time",
            "end_date",
            "end_time",
            "all_day",
            "description",
            "location",
            "online_url",
            "department_id",
            "specialty_ids",
            "capacity",
            "rsvp_deadline_date",
            "rsvp_deadline_time",
            "co_organizer_ids",
            "confirmed_times",
        )
        return {name: self[name].data for name in names}


class NewEventForm(EventForm):
    repeat = RadioField(
        "Repeats",
        default="none",
        validate_choice=False,
        choices=[
            SelectChoice("none", "Does not repeat"),
            SelectChoice("weekly", "Weekly, on the same weekday"),
            SelectChoice("monthly", "Monthly, on the same weekday of the month (e.g. first Tuesday)"),
        ],
    )
    repeat_interval = WholeNumberField(
        "Every how many weeks or months", default=1, validators=[Optional(), NumberRange(1, 12, "Choose 1 to 12.")]
    )
    repeat_until = FriendlyDateField(
        "Until", description="The last date a meeting may fall on.", validators=[Optional()]
    )


class EditEventForm(EventForm):
    scope = RadioField(
        "Apply changes to",
        default=Scope.THIS,
        validate_choice=False,
        choices=[
            SelectChoice(Scope.THIS, "This meeting only"),
            SelectChoice(Scope.FOLLOWING, "This and all following meetings of the series"),
        ],
    )


class CancelForm(FlaskForm):
    scope = RadioField(
        "Cancel",
        default=Scope.THIS,
        validate_choice=False,
        choices=[
            SelectChoice(Scope.THIS, "This meeting only"),
            SelectChoice(Scope.FOLLOWING, "This and all following meetings"),
        ],
    )


class FilterForm(FlaskForm):
    """The event list's filters, read from the query string (bookmarkable)."""

    class Meta:
        csrf = False

    q = SearchField("Search", validators=[Optional(), _length(100)])
    kind = SelectField(
        "Kind",
        validate_choice=False,
        choices=[SelectChoice("", "All kinds")] + [SelectChoice(v, label) for v, label in EventKind.LABELS.items()],
    )
    specialty = ListChoiceField("Specialty", coerce=optional_int, validate_choice=False)
    department = ListChoiceField("Department", coerce=optional_int, validate_choice=False)
    start = FriendlyDateField("From", validators=[Optional()])
    end = FriendlyDateField("To", validators=[Optional()])

    def validate_end(self, field) -> None:
        """A To date before the From date would match nothing: say so rather
        than show an empty list (the list then goes on from the From date)."""
        start = self.start.data if not self.start.errors else None
        if start and field.data and field.data < start:
            raise ValidationError(
                f"The To date ({_day(field.data)}) is before the From date ({_day(start)}), "
                f"so it is left out. Choose a date on or after {_day(start)}."
            )


def _day(value) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"
