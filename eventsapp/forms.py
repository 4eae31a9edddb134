"""Form helpers shared by every domain."""

from __future__ import annotations

import re

import wtforms
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import DateField, IntegerField, SelectMultipleField, TimeField, widgets
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from eventsapp.errors import DomainError


def show_error(form: FlaskForm, error: DomainError) -> None:
    """Put a service's message next to the field it concerns, or at the top."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        # WTForms gives a tuple when the field was never validated.
        field.errors = [*field.errors, str(error)]
    else:
        form.form_errors.append(str(error))


def one_line_break(value):
    """A filter for text areas: browsers send each line break as CR LF, but
    the text is stored (and its length counted as you type) with one
    character per break."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


#: The largest id the database's integer columns hold (PostgreSQL's
#: `integer`); a larger number in a request names nothing.
ID_MAX = 2**31 - 1


def parse_id(value) -> int | None:
    """A database id from a form or query value, or None if it can't be one."""
    text = str(value or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 10:  # "²" is a digit to isdigit()
        return None
    number = int(text)
    return number if 0 < number <= ID_MAX else None


def page_number(value) -> int:
    """A page number from the query string, for request.args.get(type=...),
    which falls back to the first page on a ValueError. A number beyond
    any list's end is kept as the largest one, which the list reads as
    its last page; it never reaches the database as an offset."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        raise ValueError("not a page number")
    return ID_MAX if len(text.lstrip("0")) > 10 else min(int(text), ID_MAX)


def optional_int(value):
    """A select's value as an id, or None for the empty choice."""
    if value in (None, "", "None"):
        return None
    number = int(value)
    if not 0 < number <= ID_MAX:
        raise ValueError("not an id")
    return number


#: What a whole-number field accepts: ASCII digits, an optional sign (the
#: field's range then says whether a negative is allowed) and spaces around.
#: int() alone also takes other scripts' digits ("١٢") and underscores ("1_0").
_WHOLE_NUMBER = re.compile(r"\s*[+-]?[0-9]+\s*", re.ASCII)


class WholeNumberField(IntegerField):
    def process_formdata(self, valuelist):
        if valuelist and not (isinstance(valuelist[0], str) and _WHOLE_NUMBER.fullmatch(valuelist[0])):
            self.data = None
            raise ValueError("Enter a whole number.")
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Enter a whole number.") from exc


class QuickSelect(widgets.Select):
    """WTForms' select, writing plain options directly: its general path
    (a Choice object, a coerce and an attribute builder per option) made
    the options most of the cost of a list page, and a time zone list has
    hundreds. The markup is the same, attribute for attribute; a field with
    groups, or an option with attributes of its own, takes the general path."""

    def __call__(self, field, **kwargs):
        choices = field.choices
        if (
            self.multiple
            or type(choices) is not list
            or not all(type(c) is SelectChoice and not c.render_kw and c.optgroup is None for c in choices)
        ):
            return super().__call__(field, **kwargs)
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for k in self.validation_attrs:
            if k not in kwargs and getattr(flags, k, False):
                kwargs[k] = getattr(flags, k)
        coerce, data = field.coerce, field.data
        html = [f"<select {widgets.html_params(name=field.name, **kwargs)}>"]
        for choice in choices:
            value = str(choice.value)
            html.append(
                f'<option {"selected " if coerce(choice.value) == data else ""}value="{escape(value)}">'
                f"{escape(choice.label or value)}</option>"
            )
        html.append("</select>")
        return Markup("".join(html))  # nosec B704  # the value and label of every option escaped above


class SelectField(wtforms.SelectField):
    widget = QuickSelect()


class ListChoiceField(SelectField):
    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Choose an option from the list.") from exc


class CheckboxListField(SelectMultipleField):
    """Several choices as a list of checkboxes, each with its own label."""

    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()

    def __init__(self, *args, message: str = "Choose from the list.", **kwargs):
        super().__init__(*args, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(self.message) from exc

    def pre_validate(self, form):
        # Report an unknown choice in words a person understands.
        known = {choice.value for choice in self.iter_choices()}
        if any(self.coerce(v) not in known for v in (self.data or [])):
            raise ValidationError(self.message)


#: Dates anyone means to enter; beyond them, time-zone arithmetic overflows.
FIRST_YEAR, LAST_YEAR = 1900, 2200


class FriendlyDateField(DateField):
    def process_formdata(self, valuelist):
        if valuelist and not "".join(valuelist).strip():
            self.data = None  # left empty: the field's validators decide
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Enter a date like 2026-12-03.") from exc
        if self.data is not None and not FIRST_YEAR <= self.data.year <= LAST_YEAR:
            self.data = None
            raise ValueError(f"Enter a date between {FIRST_YEAR} and {LAST_YEAR}.")


class FriendlyTimeField(TimeField):
    def process_formdata(self, valuelist):
        if valuelist and not "".join(valuelist).strip():
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError("Enter a time like 07:30.") from exc
