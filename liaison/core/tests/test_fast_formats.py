"""The list page's hand-written formats agree with what Django and django-countries write."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone, translation
from django.utils.dateformat import format as date_format
from django_countries import countries
from django_countries.fields import Country
from hypothesis import given
from hypothesis import strategies as st

from liaison.core.countries import country_name
from liaison.core.templatetags.liaison import DAY_FORMAT, day


@given(st.dates(min_value=dt.date(1, 1, 1)))
def test_a_day_reads_as_django_writes_it(value: dt.date) -> None:
    assert day(value) == date_format(value, DAY_FORMAT)


@given(st.datetimes(timezones=st.just(dt.UTC), min_value=dt.datetime(1900, 1, 2)))
def test_a_moment_is_a_day_in_the_departments_zone(value: dt.datetime) -> None:
    assert day(value) == date_format(timezone.localtime(value), DAY_FORMAT)


def test_month_names_follow_the_active_language() -> None:
    with translation.override("fr"):
        assert day(dt.date(2024, 2, 5)) == date_format(dt.date(2024, 2, 5), DAY_FORMAT)
    assert day(dt.date(2024, 2, 5)) == "5 Feb 2024"


def test_every_country_name_is_the_one_django_countries_gives() -> None:
    for code, _ in countries:
        assert country_name(code) == Country(code).name
    assert country_name("ZZ") == "ZZ"
