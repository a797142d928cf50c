"""The form renderer writes, in Python, exactly what Django's widget templates write."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st

from liaison.core.renderers import LiaisonFormRenderer

TEMPLATES = DjangoTemplates()
PYTHON = LiaisonFormRenderer()

ATTRS = {
    "class": 'usa-input "quoted" & <odd>',
    "required": True,
    "disabled": False,
    "maxlength": 30,
    "placeholder": gettext_lazy("Name"),
    "data-safe": mark_safe("<b>"),
    "aria-describedby": None,
}
WIDGETS = [
    forms.TextInput(attrs=ATTRS),
    forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
    forms.EmailInput(),
    forms.URLInput(),
    forms.PasswordInput(render_value=True),
    forms.HiddenInput(),
    forms.CheckboxInput(attrs={"class": "usa-checkbox__input"}),
    forms.CheckboxSelectMultiple(choices=[("a", "A & B"), ("b", mark_safe("<i>B</i>")), (3, 3)]),
    forms.RadioSelect(choices=[("x", "X"), ("y", "Y")], attrs={"class": "usa-radio__input"}),
    forms.MultipleHiddenInput(),
    forms.SearchInput(),
    forms.ColorInput(),
]
VALUES = [None, "", "plain", 'a "quote" & <tag>', mark_safe("<safe>"), 5, dt.date(2024, 2, 29)]


@pytest.mark.parametrize("widget", WIDGETS, ids=lambda w: type(w).__name__)
@pytest.mark.parametrize("value", VALUES, ids=repr)
def test_every_widget_and_value_renders_the_same(widget: forms.Widget, value: object) -> None:
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.MultipleHiddenInput):
        value = ["a", "b"] if value else []
    for attrs in (None, {"id": "id_field"}, {"id": "id_x", "aria-invalid": "true"}):
        expected = widget.render("field", value, attrs=attrs, renderer=TEMPLATES)
        assert widget.render("field", value, attrs=attrs, renderer=PYTHON) == expected


def test_a_wrapped_option_label_renders_the_same() -> None:
    widget = forms.CheckboxSelectMultiple(choices=[("a", "A & B")])
    for option in widget.options("field", ["a"], attrs={"id": "id_field"}):
        option["wrap_label"] = True
        context = {"widget": option}
        for name in ("checkbox_option", "input_option"):
            template = f"django/forms/widgets/{name}.html"
            assert PYTHON.render(template, context) == TEMPLATES.render(template, context)


@given(text=st.text(max_size=40), flag=st.booleans())
def test_any_text_renders_the_same(text: str, flag: bool) -> None:
    widget = forms.TextInput(attrs={"title": text, "readonly": flag, text[:5] or "x": "1"})
    assert widget.render(text, text, renderer=PYTHON) == widget.render(
        text, text, renderer=TEMPLATES
    )


def test_other_templates_still_go_through_the_engine() -> None:
    widget = forms.Select(choices=[("a", "A")])
    assert widget.render("s", "a", renderer=PYTHON) == widget.render("s", "a", renderer=TEMPLATES)
    assert "<select" in widget.render("s", "a", renderer=PYTHON)
