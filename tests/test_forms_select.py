"""The quick select widget writes exactly the markup WTForms' own does."""

import pytest
import wtforms
from wtforms.fields.choices import SelectChoice

from eventsapp.forms import SelectField, optional_int

CHOICES = [
    SelectChoice("", "All kinds"),
    SelectChoice("a&b", 'Heart <"and"> lungs'),
    SelectChoice(3, "Three"),
    SelectChoice("z", ""),
    SelectChoice("k", "Kept", render_kw={"disabled": True}),
]


class Quick(wtforms.Form):
    field = SelectField("Field", choices=CHOICES, validate_choice=False)


class Stock(wtforms.Form):
    field = wtforms.SelectField("Field", choices=CHOICES, validate_choice=False)


@pytest.mark.parametrize("chosen", ["", "a&b", 3, "k", None])
def test_quick_select_renders_the_same_options_as_wtforms(chosen):
    quick, stock = Quick(data={"field": chosen}), Stock(data={"field": chosen})
    assert str(quick.field()) == str(stock.field())
    assert str(quick.field(class_="wide")) == str(stock.field(class_="wide"))


def test_option_text_is_escaped():
    html = str(Quick(data={"field": "a&b"}).field())
    assert '<option selected value="a&amp;b">Heart &lt;&#34;and&#34;&gt; lungs</option>' in html


PLAIN = [
    SelectChoice(None, "All specialties"),
    SelectChoice(3, "Cardiology"),
    SelectChoice(12, 'Heart <"and"> lungs'),
    SelectChoice("", ""),
]


class QuickIds(wtforms.Form):
    field = SelectField(
        "Field",
        choices=PLAIN,
        coerce=optional_int,
        validate_choice=False,
        validators=[wtforms.validators.InputRequired()],
    )


class StockIds(wtforms.Form):
    field = wtforms.SelectField(
        "Field",
        choices=PLAIN,
        coerce=optional_int,
        validate_choice=False,
        validators=[wtforms.validators.InputRequired()],
    )


@pytest.mark.parametrize("chosen", [None, 3, 12, 99])
def test_plain_options_take_the_short_way_and_still_match_wtforms(chosen):
    quick, stock = QuickIds(data={"field": chosen}), StockIds(data={"field": chosen})
    assert str(quick.field()) == str(stock.field())
    assert str(quick.field(class_="wide", disabled=True)) == str(stock.field(class_="wide", disabled=True))
    assert ("selected" in str(quick.field())) == (chosen in (None, 3, 12))
