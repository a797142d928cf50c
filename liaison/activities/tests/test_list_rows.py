"""The activity list's rows read less than before (places as values, labels from dicts):
each shortcut is compared here with what it replaces."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse, set_script_prefix
from django_countries.fields import Country

from liaison.accounts.models import Agency
from liaison.activities import selectors
from liaison.activities.models import Activity, Direction, Location
from liaison.activities.schemas import LocationOut, activity_api_url
from liaison.activities.templatetags.activity_rows import _STATUS_LABELS
from liaison.activities.tests.factories import ActivityFactory, LocationFactory
from liaison.activities.views import short_direction
from liaison.activities.workflow import Status


@pytest.mark.django_db
def test_list_places_reads_what_the_locations_prefetch_reads(agency: Agency) -> None:
    many = ActivityFactory.create(agency=agency)
    # Positions out of creation order, and a tie broken by id, as the prefetch orders them.
    LocationFactory.create(activity=many, country="FR", city="Lyon", position=2)
    LocationFactory.create(activity=many, country="DE", city="", position=0)
    LocationFactory.create(activity=many, country="IL", city="Haifa", position=1)
    LocationFactory.create(activity=many, country="IL", city="Eilat", position=1)
    one = ActivityFactory.create(agency=agency)
    LocationFactory.create(activity=one, country="CA", city="<b>Toronto</b>")
    none = ActivityFactory.create(agency=agency)
    activities = list(
        selectors.with_list_relations(
            Activity.objects.filter(pk__in=[many.pk, one.pk, none.pk]).order_by("pk")
        )
    )

    places = selectors.list_places(activities)

    assert places == {
        a.pk: [(loc.city, str(loc.country)) for loc in a.locations.all()] for a in activities
    }
    assert places[many.pk] == [("", "DE"), ("Haifa", "IL"), ("Eilat", "IL"), ("Lyon", "FR")]
    assert places[none.pk] == []
    assert selectors.list_places([]) == {}


@pytest.mark.parametrize("status", list(Status))
def test_the_rows_status_label_is_get_status_display(status: Status) -> None:
    assert _STATUS_LABELS[status.value] == Activity(status=status).get_status_display()


@pytest.mark.parametrize("direction", list(Direction))
def test_the_rows_direction_is_the_short_form_of_get_direction_display(
    direction: Direction,
) -> None:
    shown = Activity(direction=direction).get_direction_display().split(" (")[0]
    assert short_direction(direction.value) == shown
    assert "(" not in shown


@pytest.mark.parametrize("pk", [1, 7, 10, 111, 2_000_001, 2**40])
@pytest.mark.parametrize("script_prefix", ["/", "/liaison/"])
def test_the_api_rows_url_is_what_reverse_gives(pk: int, script_prefix: str) -> None:
    try:
        set_script_prefix(script_prefix)
        assert activity_api_url(pk) == reverse("api:activity_detail", kwargs={"activity_id": pk})
    finally:
        set_script_prefix("/")


@pytest.mark.parametrize("code", ["FR", "IL", "GB", "CI", "US"])
def test_the_api_locations_country_name_is_the_country_fields_name(code: str) -> None:
    location = Location(country=code, city="")
    assert LocationOut.resolve_country_name(location) == str(Country(code).name)


def _date(value: dt.date) -> str:
    from django.utils import translation

    from liaison.activities.templatetags.activity_rows import _date_in

    return _date_in(value, translation.get_language())


@pytest.mark.parametrize("language", ["en-us", "de", "fr"])
def test_the_rows_dates_are_remembered_per_language(language: str) -> None:
    from django.utils import translation

    from liaison.core.templatetags.liaison import day

    for value in (dt.date(2014, 1, 13), dt.date(2024, 5, 31), dt.date(2019, 12, 1)):
        with translation.override(language):
            expected = (
                f'<time class="text-no-wrap" datetime="{value.isoformat()}">{day(value)}</time>'
            )
            assert _date(value) == expected
            assert _date(value) == expected  # remembered
    with translation.override("de"):
        assert "Mai" in _date(dt.date(2024, 5, 31))
    with translation.override("en-us"):
        assert "May" in _date(dt.date(2024, 5, 31))


@pytest.mark.parametrize("language", ["en-us", "de", "fr"])
@pytest.mark.parametrize("code", ["FR", "IL", "GB", "CI", "US", "XK"])
def test_the_rows_country_names_are_country_name_escaped_per_language(
    language: str, code: str
) -> None:
    from django.utils import translation

    from liaison.activities.templatetags.activity_rows import _e, _escaped_country
    from liaison.core.countries import country_name

    with translation.override(language):
        expected = _e(country_name(code))
        assert _escaped_country(code, language) == expected
        assert _escaped_country(code, language) == expected  # remembered
        assert expected == _e(str(Country(code).name)) or code == "XK"
