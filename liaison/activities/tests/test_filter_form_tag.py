"""``{% filter_form %}`` keeps the activity list's rendered filter form per form state: what
it serves must be exactly what rendering the form afresh writes, whatever was kept before,
and a change of choices (a renamed category, another year) must never be served stale."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.http import QueryDict

from liaison.activities import forms
from liaison.activities.forms import ActivityFilterForm
from liaison.activities.models import Category
from liaison.activities.templatetags import filter_form as tag
from liaison.core.forms import error_items

YEARS = [2024, 2023, 2022]

QUERIES = [
    "",
    "country=fr",
    "country=FR",
    "q=crowd+%3Cscript%3E&direction=outbound&year=2023&sort=title",
    "status=approved&status=completed&direction_group=abroad&started_without_approval=on",
    "person=Smith&organisation=12&agency=1&agency=2",
    "category=cyber",
    "category=retired-one",
    "country=ZZ&year=1200&start_from=yesterday&status=nope&agency=x&organisation=y",
    "start_from=2020-05-01&start_to=2020-01-01",
    "year=2019",
    "origin=imported&missing=approval",
    "page=3&q=x",
]


def _categories(name: str = "Cyber crime") -> list[Category]:
    return [
        Category(pk=1, slug="cyber", name=name, active=True),
        Category(pk=2, slug="forensics", name="Forensics & <labs>", active=True),
    ]


def _form(query: str, *, years: list[int] = YEARS, name: str = "Cyber crime") -> ActivityFilterForm:
    form = ActivityFilterForm(QueryDict(query), years=years, categories=_categories(name))
    form.filters()  # as the view does: validated before it is rendered
    return form


@pytest.fixture(autouse=True)
def nothing_kept() -> Iterator[None]:
    tag._kept.clear()
    yield
    tag._kept.clear()


@pytest.mark.parametrize("query", QUERIES)
def test_what_is_served_is_what_a_fresh_render_writes(query: str) -> None:
    for applied in (False, True):
        fresh = tag.render_filter_form(_form(query), applied)
        first = tag.filter_form(_form(query), applied)
        kept = tag.filter_form(_form(query), applied)  # a new form, the same state
        assert first == fresh
        assert kept == fresh


def test_every_state_is_served_its_own_form_whatever_was_kept_before() -> None:
    # Render every query once (all kept), then again in another order: each still gets
    # exactly its own fresh render, never a neighbour's.
    for query in QUERIES:
        tag.filter_form(_form(query), bool(query))
    for query in reversed(QUERIES):
        assert tag.filter_form(_form(query), bool(query)) == tag.render_filter_form(
            _form(query), bool(query)
        )
    # "country=fr" and "country=FR" are one state: the form reads country codes in capitals.
    assert len(tag._kept) == len(QUERIES) - 1


def test_a_renamed_category_or_another_year_is_never_served_stale() -> None:
    before = tag.filter_form(_form(""), False)
    renamed = tag.filter_form(_form("", name="Cybercrime"), False)
    assert "Cyber crime" in before and "Cybercrime" not in before
    assert "Cybercrime" in renamed and "Cyber crime" not in renamed
    newer = tag.filter_form(_form("", years=[2025, *YEARS]), False)
    assert '<option value="2025">2025</option>' in newer
    assert '<option value="2025">' not in before


def test_submitted_values_and_errors_are_part_of_the_state() -> None:
    chosen = tag.filter_form(_form("country=FR"), True)
    invalid = tag.filter_form(_form("year=1200"), True)
    plain = tag.filter_form(_form(""), False)
    assert '<option value="FR" selected>' in chosen and 'value="FR" selected' not in plain
    assert "usa-form-group--error" in invalid and "usa-form-group--error" not in plain
    # The typed search words come back escaped, never as markup.
    typed = tag.filter_form(_form("q=%3Cb%3Ebold"), True)
    assert "&lt;b&gt;bold" in typed and "<b>bold" not in typed


def test_what_is_kept_is_bounded() -> None:
    for n in range(tag.KEEP + 20):
        tag.filter_form(_form(f"q=word{n}"), True)
    assert len(tag._kept) == tag.KEEP
    # The newest are kept, the oldest dropped.
    assert tag.filter_form(_form(f"q=word{tag.KEEP + 19}"), True) == tag.render_filter_form(
        _form(f"q=word{tag.KEEP + 19}"), True
    )


# --- the kept, validated form (forms.filter_form_for) ----------------------------------


@pytest.fixture
def no_forms_kept() -> Iterator[None]:
    forms._kept_filter_forms.clear()
    yield
    forms._kept_filter_forms.clear()


@pytest.mark.usefixtures("no_forms_kept")
@pytest.mark.parametrize("query", QUERIES)
def test_a_kept_form_filters_and_errs_as_a_fresh_one(query: str) -> None:
    fresh = _form(query)
    first = forms.filter_form_for(QueryDict(query), years=YEARS, categories=_categories())
    kept = forms.filter_form_for(QueryDict(query), years=YEARS, categories=_categories())
    assert kept is first
    assert kept.filters() == fresh.filters()
    assert kept.errors == fresh.errors
    assert error_items(kept) == error_items(fresh)
    assert tag.render_filter_form(kept, True) == tag.render_filter_form(fresh, True)


@pytest.mark.usefixtures("no_forms_kept")
def test_other_choices_or_values_get_another_form() -> None:
    base = forms.filter_form_for(QueryDict("year=2023"), years=YEARS, categories=_categories())
    renamed = forms.filter_form_for(
        QueryDict("year=2023"), years=YEARS, categories=_categories("Cybercrime")
    )
    newer = forms.filter_form_for(
        QueryDict("year=2023"), years=[2025, *YEARS], categories=_categories()
    )
    repeated = forms.filter_form_for(
        QueryDict("year=2023&year=2024"), years=YEARS, categories=_categories()
    )
    assert len({id(base), id(renamed), id(newer), id(repeated)}) == 4
    assert ("cyber", "Cybercrime") in renamed.fields["category"].choices  # type: ignore[attr-defined]
    assert ("2025", "2025") in newer.fields["year"].widget.choices
    assert repeated.filters().year == 2024  # the last value, as a fresh form reads it
    assert repeated.filters() == _form("year=2023&year=2024").filters()


@pytest.mark.usefixtures("no_forms_kept")
def test_kept_forms_are_bounded() -> None:
    for n in range(forms.FILTER_FORMS_KEPT + 5):
        forms.filter_form_for(QueryDict(f"q=w{n}"), years=YEARS, categories=_categories())
    assert len(forms._kept_filter_forms) == forms.FILTER_FORMS_KEPT
