"""The follow-up rule across date boundaries, and the lists outcomes are chased with."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from liaison.accounts.models import Agency, User
from liaison.outcomes.selectors import add_months, adoption_list, next_follow_up_due
from liaison.outcomes.tests.factories import (
    AdoptionFactory,
    DecisionFactory,
    RecommendationFactory,
    ReviewFactory,
)

DAYS = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))


@given(day=DAYS)
def test_the_next_follow_up_is_six_calendar_months_on_clamped_to_the_month_end(
    day: dt.date,
) -> None:
    due = next_follow_up_due(effective_on=day, last_follow_up_on=None, status="open")
    assert due is not None
    months = (due.year - day.year) * 12 + due.month - day.month
    assert months == 6
    last_day = calendar.monthrange(due.year, due.month)[1]
    assert due.day == min(day.day, last_day)
    assert 181 <= (due - day).days <= 184


@given(effective=DAYS, gap=st.integers(min_value=0, max_value=900))
def test_a_follow_up_restarts_the_clock_from_its_own_date(effective: dt.date, gap: int) -> None:
    followed = effective + dt.timedelta(days=gap)
    due = next_follow_up_due(effective_on=effective, last_follow_up_on=followed, status="open")
    assert due == add_months(followed, 6)
    assert due is not None and due > followed


@given(day=DAYS)
def test_a_closed_adoption_is_never_due(day: dt.date) -> None:
    assert next_follow_up_due(effective_on=day, last_follow_up_on=None, status="closed") is None


@pytest.mark.parametrize(
    ("effective", "due"),
    [
        (dt.date(2023, 8, 31), dt.date(2024, 2, 29)),  # a leap year's February
        (dt.date(2024, 8, 31), dt.date(2025, 2, 28)),
        (dt.date(2024, 7, 15), dt.date(2025, 1, 15)),  # across the year
        (dt.date(2024, 12, 31), dt.date(2025, 6, 30)),
    ],
)
def test_month_ends_and_year_ends(effective: dt.date, due: dt.date) -> None:
    assert next_follow_up_due(effective_on=effective, last_follow_up_on=None, status="open") == due


def test_a_follow_up_is_overdue_the_day_after_it_was_due(agency: Agency, inspector: User) -> None:
    rec = RecommendationFactory.create(report__activity__agency=agency)
    DecisionFactory.create(recommendation=rec)
    adoption = AdoptionFactory.create(recommendation=rec, effective_on=dt.date(2024, 3, 1))
    due = dt.date(2024, 9, 1)
    on_the_day = adoption_list(user=inspector, today=due, state="follow_up_overdue")
    day_after = adoption_list(user=inspector, today=due + dt.timedelta(days=1),
                              state="follow_up_overdue")  # fmt: skip
    assert on_the_day == []
    assert [a.pk for a in day_after] == [adoption.pk]


def test_unreviewed_and_conflicting_adoptions_are_listed_apart(
    agency: Agency, inspector: User, outsider: User
) -> None:
    def adoption() -> object:
        rec = RecommendationFactory.create(report__activity__agency=agency)
        DecisionFactory.create(recommendation=rec)
        return AdoptionFactory.create(recommendation=rec)

    unreviewed, aligned, conflicting = adoption(), adoption(), adoption()
    ReviewFactory.create(adoption=aligned)
    ReviewFactory.create(adoption=conflicting, verdict="conflicts")
    ReviewFactory.create(adoption=conflicting, verdict="aligned")
    today = dt.date(2024, 5, 1)
    assert [a.pk for a in adoption_list(user=inspector, today=today, state="unreviewed")] == [
        unreviewed.pk  # type: ignore[attr-defined]
    ]
    assert [a.pk for a in adoption_list(user=inspector, today=today, state="conflicts")] == [
        conflicting.pk  # type: ignore[attr-defined]
    ]
    assert adoption_list(user=outsider, today=today) == []
