"""Locations carry their activity's start date (``Location.start_date``), the copy the
country + year filter reads (docs/adr/0011-oversight-summary-speed.md). A stale copy
would hide an activity from a list, so every way a date can move is checked here, and
the filter is checked against the activity's own date."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from conftest import client_for
from liaison.accounts.models import Agency, User
from liaison.activities.models import Activity, Location
from liaison.activities.services import (
    LocationInput,
    activity_create,
    activity_transition,
    activity_update,
)
from liaison.activities.tests.factories import ActivityFactory, LocationFactory
from liaison.activities.tests.test_services import valid_input


def _dates(activity: Activity) -> set[dt.date]:
    return set(Location.objects.filter(activity=activity).values_list("start_date", flat=True))


def test_a_new_activitys_locations_carry_its_start_date(agency: Agency, clerk: User) -> None:
    activity = activity_create(actor=clerk, agency=agency, data=valid_input(agency))
    assert _dates(activity) == {dt.date(2023, 5, 1)}


def test_moving_the_start_date_moves_every_locations_copy(agency: Agency, clerk: User) -> None:
    data = valid_input(agency)
    activity = activity_create(actor=clerk, agency=agency, data=data)
    moved = dataclasses.replace(
        data,
        start_date=dt.date(2024, 2, 1),
        end_date=dt.date(2024, 2, 3),
        locations=[*data.locations, LocationInput("FR", "Lyon")],
    )
    activity_update(actor=clerk, activity=activity, data=moved)
    assert _dates(activity) == {dt.date(2024, 2, 1)}
    activity_transition(actor=clerk, activity=activity, name="submit")
    assert _dates(activity) == {dt.date(2024, 2, 1)}


def test_an_activity_saved_directly_keeps_its_locations_in_step(agency: Agency) -> None:
    activity = ActivityFactory.create(agency=agency, start_date=dt.date(2019, 6, 1))
    LocationFactory.create(activity=activity, country="IL")
    activity.start_date = dt.date(2020, 6, 1)
    activity.end_date = dt.date(2020, 6, 2)
    activity.save()
    assert _dates(activity) == {dt.date(2020, 6, 1)}


def test_a_bulk_write_without_the_copy_fails_loudly(agency: Agency) -> None:
    activity = ActivityFactory.create(agency=agency)
    with pytest.raises(IntegrityError), transaction.atomic():
        Location.objects.bulk_create([Location(activity=activity, country="IL")])


def test_country_and_year_follow_the_activitys_date(
    agency: Agency, clerk: User, inspector: User
) -> None:
    data = valid_input(agency, locations=[LocationInput("IL", "Haifa")])
    activity = activity_create(actor=clerk, agency=agency, data=data)
    moved = dataclasses.replace(data, start_date=dt.date(2024, 2, 1), end_date=dt.date(2024, 2, 3))
    activity_update(actor=clerk, activity=activity, data=moved)
    client = client_for(inspector)
    cases: list[tuple[dict[str, str], list[int]]] = [
        ({"country": "IL", "year": "2024"}, [activity.pk]),
        ({"country": "IL", "year": "2023"}, []),
        ({"country": "IL", "start_from": "2024-02-01", "start_to": "2024-02-01"}, [activity.pk]),
        ({"country": "IL", "start_to": "2024-01-31"}, []),
        ({"country": "IL", "year": "2024", "start_from": "2024-02-02"}, []),
    ]
    for params, expected in cases:
        api = client.get("/api/v1/activities", params).json()
        assert [a["id"] for a in api["items"]] == expected, params
        page = client.get("/activities/", params)
        assert [a.pk for a in page.context["page"].items] == expected, params
