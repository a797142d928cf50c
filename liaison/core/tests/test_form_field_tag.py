"""``{% form_field %}`` must write exactly what ``includes/field.html`` writes: the busy
list pages use the tag, every other page the include, and a user must not be able to
tell them apart (labels, hints, errors, aria-describedby, check boxes, fieldsets)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django import forms
from django.http import QueryDict
from django.template import engines

from liaison.activities.forms import ActivityFilterForm
from liaison.core.forms import UswdsForm
from liaison.oversight.forms import SummaryFilterForm

ENGINE = engines["django"]
INCLUDE = ENGINE.from_string(
    '{% include "includes/field.html" with field=field group_class=group combo_box=combo %}'
)
TAG = ENGINE.from_string(
    "{% load liaison %}{% form_field field group_class=group combo_box=combo %}"
)


def _normalised(html: str) -> str:
    return re.sub(r">\s+<", "><", html).strip()


def _both(field: Any, group: str = "", combo: bool = False) -> tuple[str, str]:
    context = {"field": field, "group": group, "combo": combo}
    return _normalised(INCLUDE.render(context)), _normalised(TAG.render(context))


class EveryKindOfField(UswdsForm):
    name = forms.CharField(help_text="As on the <badge>.", max_length=5)
    notes = forms.CharField(widget=forms.Textarea, required=False)
    agree = forms.BooleanField(help_text="Tick to agree.")
    kind = forms.ChoiceField(choices=[("a", "A & B"), ("c", "C")], widget=forms.RadioSelect)
    tags = forms.MultipleChoiceField(
        choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple, help_text="Any."
    )
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    country = forms.ChoiceField(choices=[("", "—"), ("FR", "France")])


def _forms() -> list[tuple[str, forms.Form]]:
    years = [2024, 2023, 2022]
    return [
        ("activity filter, empty", ActivityFilterForm(QueryDict(""), years=years)),
        (
            "activity filter, chosen",
            ActivityFilterForm(
                QueryDict(
                    "q=crowd&country=fr&direction=outbound&year=2023&status=approved"
                    "&status=completed&direction_group=abroad&started_without_approval=on"
                    "&person=Smith&agency=1&agency=2&sort=title"
                ),
                years=years,
            ),
        ),
        (
            "activity filter, invalid",
            ActivityFilterForm(
                QueryDict("country=ZZ&year=1200&start_from=yesterday&status=nope&agency=x"),
                years=years,
            ),
        ),
        ("summary filter, empty", SummaryFilterForm(QueryDict(""), agencies=[])),
        (
            "summary filter, invalid",
            SummaryFilterForm(QueryDict("start_from=31/12/2020&status=x"), agencies=[]),
        ),
        ("every kind, unbound", EveryKindOfField()),
        ("every kind, invalid", EveryKindOfField(data={"name": "too long", "kind": "z"})),
        ("every kind, valid", EveryKindOfField(data={"name": "ok", "agree": "on", "kind": "a"})),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("case", range(8))
def test_the_tag_writes_what_the_include_writes(case: int) -> None:
    label, form = _forms()[case]
    form.is_valid()
    assert form.fields, label
    for name in form.fields:
        for group, combo in (("", False), ("tablet:grid-col-3", False), ("", True)):
            include, tag = _both(form[name], group, combo)
            assert tag == include, f"{label}: field {name!r} (group={group!r}, combo={combo})"


def test_an_error_and_a_hint_are_both_written_and_escaped() -> None:
    form = EveryKindOfField(data={"name": "<script>x</script>"})
    form.is_valid()
    include, tag = _both(form["name"])
    assert tag == include
    assert "&lt;badge&gt;" in tag and "<badge>" not in tag
    assert 'id="id_name_error"' in tag and "usa-form-group--error" in tag
