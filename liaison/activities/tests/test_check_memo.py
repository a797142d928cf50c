"""The dry run's shortcut for plain text fields gives ``Field.clean``'s own verdict.

``CheckMemo.clean_fields_pass`` does not run ``Field.clean`` for a ``str`` in a plain
``CharField`` / ``TextField`` (``_plain_text_limit``): titles, sources and purposes differ
on every row, so no memo helps them, and for such a field ``clean`` is only "not blank
unless ``blank``, at most ``max_length`` characters" (ADR 0030, point 6). These tests
compare the shortcut with ``full_clean`` on awkward values, and check which fields it
takes and which it leaves to ``Field.clean``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MinLengthValidator
from django.db import models
from hypothesis import given, settings
from hypothesis import strategies as st

from liaison.activities.models import Activity
from liaison.activities.services import CheckMemo, _plain_text_limit

# As ``_validate`` calls it for a new activity whose category and organisations were found.
EXCLUDE = ["agency", "created_by", "search_text", "status", "category"]

AWKWARD = [
    "", " ", "   ", "\t", "\n", "\r\n", "\x00", "\x00" * 301, "\u200b", "\u00a0", "\ufeff",
    "\ud800", "é", "ß", "𝔘", "x" * 299, "x" * 300, "x" * 301, "é" * 300, "é" * 301,
    "e\u0301" * 150, "e\u0301" * 151, "𝔘" * 300, "𝔘" * 301, " " * 301, "a" * 100_000,
]  # fmt: skip


def _activity(memo: CheckMemo, **values: Any) -> Activity:
    activity = memo.new_activity()
    activity.title = "A course"
    activity.direction = "outbound"
    activity.kind = "course"
    activity.purpose = "Learn."
    activity.start_date = dt.date(2019, 5, 1)  # type: ignore[assignment]
    activity.end_date = dt.date(2019, 5, 3)  # type: ignore[assignment]
    activity.source = "file.csv, row 2"
    for name, value in values.items():
        setattr(activity, name, value)
    return activity


def _full_clean_passes(activity: Activity) -> bool:
    try:
        activity.full_clean(exclude=EXCLUDE, validate_constraints=False)
    except ValidationError:
        return False
    return True


def test_the_plain_text_fields_of_an_activity_are_its_free_text() -> None:
    plain = {f.name: _plain_text_limit(f) for f in Activity._meta.fields}
    taken = {name: limit for name, limit in plain.items() if limit >= 0}
    # Choices (status, kind …), foreign keys, dates, numbers, JSON and the non-editable
    # search text stay with Field.clean (and the memo of their values).
    assert taken == {"title": 300, "purpose": 0, "justification": 0, "source": 300}


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        (models.CharField(max_length=5), 5),
        (models.CharField(max_length=5, blank=True), 5),
        (models.TextField(), 0),
        (models.TextField(max_length=5), 0),  # a TextField's max_length is the form's only
        (models.CharField(max_length=5, choices=[("a", "A")]), -1),
        (models.CharField(max_length=5, editable=False), -1),
        (models.CharField(max_length=5, validators=[MinLengthValidator(2)]), -1),
        (models.CharField(max_length=5, validators=[MaxLengthValidator(3)]), -1),
        (models.TextField(validators=[MaxLengthValidator(3)]), -1),
        (models.SlugField(max_length=5), -1),
        (models.EmailField(), -1),
        (models.URLField(), -1),
        (models.DateField(), -1),
        (models.IntegerField(), -1),
    ],
)
def test_only_a_field_whose_clean_is_blank_and_length_is_taken(field: Any, expected: int) -> None:
    assert _plain_text_limit(field) == expected


@pytest.mark.parametrize("name", ["title", "purpose", "justification", "source"])
@pytest.mark.parametrize("value", AWKWARD)
def test_the_shortcut_agrees_with_full_clean_on_awkward_values(name: str, value: str) -> None:
    memo = CheckMemo()
    expected = _full_clean_passes(_activity(CheckMemo(), **{name: value}))
    activity = _activity(memo, **{name: value})
    assert memo.clean_fields_pass(activity, EXCLUDE) is expected
    if expected:
        assert getattr(activity, name) is value  # what Field.clean returns: the str itself


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(["title", "purpose", "justification", "source"]),
    value=st.one_of(
        st.text(st.characters(codec=None, categories=None), max_size=40),
        st.text(st.characters(codec=None, categories=None), min_size=295, max_size=305),
        st.builds(lambda c, n: c * n, st.characters(codec=None), st.integers(280, 320)),
    ),
)
def test_the_shortcut_agrees_with_full_clean_on_any_text(name: str, value: str) -> None:
    memo = CheckMemo()
    expected = _full_clean_passes(_activity(CheckMemo(), **{name: value}))
    assert memo.clean_fields_pass(_activity(memo, **{name: value}), EXCLUDE) is expected
