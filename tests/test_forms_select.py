"""The quick select widget writes exactly the markup WTForms' own does."""
import pytest
import wtforms
from wtforms.fields.choices import SelectChoice

from eventsapp.forms import SelectField

CHOICES = [SelectChoice("", "All kinds"), SelectChoice("a&b", 'Heart <"and"> lungs'), SelectChoice(3, "Three"),
           SelectChoice("z", ""), SelectChoice("k", "Kept", render_kw={"disabled": True})]


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
