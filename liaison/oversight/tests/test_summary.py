"""The oversight summary: figures from live data, who may see them, and the API twin.

The fixture is small enough to count by hand:

    A1  2022-03  Toronto (CA)                 trafficking  outbound  completed  e1 e2
    A2  2022-09  Montreal, Vancouver, Paris   crowd        outbound  approved   e2 e3
    A3  2024-05  Lyon (FR)                    trafficking  inbound   draft      e4, 1 trainee
    X1  2023-06  Rome (IT), other agency      crowd        outbound  completed  5 others

so our agency has 3 activities in 2 years (none in 2023), 2 countries and 4 distinct
employees (e2 took part twice; the external trainee is not an employee).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.urls import reverse

from conftest import client_for
from liaison.accounts.access import AGENCY_READERS, OVERSIGHT_READERS
from liaison.accounts.models import Agency, User
from liaison.accounts.tests.factories import user_with_role
from liaison.activities.models import Activity
from liaison.activities.tests.factories import (
    ActivityFactory,
    CategoryFactory,
    LocationFactory,
    ParticipationFactory,
)
from liaison.oversight.selectors import registry_summary
from liaison.people.tests.factories import EmployeeFactory, ExternalPersonFactory

SUMMARY_URL = "/oversight/"
API_URL = "/api/v1/oversight/summary"


def _activity(
    agency: Agency,
    *,
    start: dt.date,
    category: Any,
    direction: str,
    status: str,
    places: list[tuple[str, str]],
    employees: list[Any],
) -> Activity:
    activity = ActivityFactory.create(
        agency=agency,
        start_date=start,
        end_date=start + dt.timedelta(days=4),
        category=category,
        direction=direction,
        status=status,
    )
    for position, (country, city) in enumerate(places):
        LocationFactory.create(activity=activity, country=country, city=city, position=position)
    for employee in employees:
        ParticipationFactory.create(activity=activity, employee=employee)
    return activity


@pytest.fixture
def registry(agency: Agency, other_agency: Agency) -> dict[str, Any]:
    trafficking = CategoryFactory.create(name="Human trafficking", slug="human-trafficking")
    crowd = CategoryFactory.create(name="Crowd control", slug="crowd-control")
    e1, e2, e3, e4 = (EmployeeFactory.create(agency=agency) for _ in range(4))
    a1 = _activity(
        agency,
        start=dt.date(2022, 3, 1),
        category=trafficking,
        direction="outbound",
        status="completed",
        places=[("CA", "Toronto")],
        employees=[e1, e2],
    )
    a2 = _activity(
        agency,
        start=dt.date(2022, 9, 10),
        category=crowd,
        direction="outbound",
        status="approved",
        places=[("CA", "Montreal"), ("CA", "Vancouver"), ("FR", "Paris")],
        employees=[e2, e3],
    )
    a3 = _activity(
        agency,
        start=dt.date(2024, 5, 1),
        category=trafficking,
        direction="inbound",
        status="draft",
        places=[("FR", "Lyon")],
        employees=[e4],
    )
    trainee = ExternalPersonFactory.create(agency=agency)
    ParticipationFactory.create(activity=a3, employee=None, external_person=trainee, role="trainee")
    theirs = [EmployeeFactory.create(agency=other_agency) for _ in range(5)]
    x1 = _activity(
        other_agency,
        start=dt.date(2023, 6, 1),
        category=crowd,
        direction="outbound",
        status="completed",
        places=[("IT", "Rome")],
        employees=theirs,
    )
    return {"ours": [a1, a2, a3], "theirs": x1}


def _figures(response: Any) -> dict[str, Any]:
    """The page's figures in their JSON form, to compare with the API's."""
    return json.loads(json.dumps(response.context["summary"], cls=DjangoJSONEncoder))


# --- the figures ---------------------------------------------------------------------------


def test_it_counts_activities_and_distinct_employees(
    registry: dict[str, Any], inspector: User
) -> None:
    summary = registry_summary(user=inspector)
    assert summary["total_activities"] == 3
    assert summary["distinct_employees"] == 4
    assert summary["first_date"] == dt.date(2022, 3, 1)
    assert summary["last_date"] == dt.date(2024, 5, 5)


def test_it_counts_by_year_ascending_with_empty_years_shown(
    registry: dict[str, Any], inspector: User
) -> None:
    assert registry_summary(user=inspector)["by_year"] == [
        {"year": 2022, "activities": 2, "employees": 3},
        {"year": 2023, "activities": 0, "employees": 0},
        {"year": 2024, "activities": 1, "employees": 1},
    ]


def test_it_counts_an_activity_once_per_country_however_many_cities(
    registry: dict[str, Any], inspector: User
) -> None:
    # A2 has two Canadian cities and Paris: it counts once for Canada and once for France.
    assert registry_summary(user=inspector)["by_country"] == [
        {"country": "CA", "name": "Canada", "activities": 2, "employees": 3},
        {"country": "FR", "name": "France", "activities": 2, "employees": 3},
    ]


def test_it_counts_by_category_direction_and_status(
    registry: dict[str, Any], inspector: User
) -> None:
    summary = registry_summary(user=inspector)
    assert summary["by_category"] == [
        {"slug": "human-trafficking", "name": "Human trafficking", "activities": 2},
        {"slug": "crowd-control", "name": "Crowd control", "activities": 1},
    ]
    assert {r["direction"]: r["activities"] for r in summary["by_direction"]} == {
        "outbound": 2,
        "inbound": 1,
        "foreign_trainers": 0,
        "virtual": 0,
    }
    assert {r["status"]: r["activities"] for r in summary["by_status"]} == {
        "draft": 1,
        "submitted": 0,
        "approved": 1,
        "denied": 0,
        "cancelled": 0,
        "completed": 1,
        "closed": 0,
    }


def test_it_counts_only_the_readers_own_agencies(registry: dict[str, Any], outsider: User) -> None:
    summary = registry_summary(user=outsider)
    assert summary["total_activities"] == 1
    assert summary["distinct_employees"] == 5
    assert [r["country"] for r in summary["by_country"]] == ["IT"]
    assert summary["agencies"] == [
        {"id": registry["theirs"].agency_id, "name": "County Sheriff's Department"}
    ]


def test_an_overseer_of_every_agency_counts_all_or_one(
    registry: dict[str, Any], agency: Agency
) -> None:
    state_inspector = user_with_role("overseer", None, "state_inspector")
    assert registry_summary(user=state_inspector)["total_activities"] == 4
    assert registry_summary(user=state_inspector)["distinct_employees"] == 9
    assert registry_summary(user=state_inspector, agency_id=agency.pk)["total_activities"] == 3


def test_oversight_readers_may_read_every_activity_they_count() -> None:
    # The summary counts whole agencies without asking activity access row by row; that
    # is sound only while every oversight role also reads every activity of its agency.
    assert set(OVERSIGHT_READERS) <= set(AGENCY_READERS)


def test_an_empty_registry_gives_zeros_not_errors(agency: Agency, inspector: User) -> None:
    summary = registry_summary(user=inspector)
    assert summary["total_activities"] == 0
    assert summary["by_year"] == [] and summary["by_country"] == []
    assert all(r["activities"] == 0 for r in summary["by_status"])
    assert client_for(inspector).get(SUMMARY_URL).status_code == 200


# --- the page --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["inspector", "clerk"])
def test_overseers_and_coordinators_see_the_summary(
    registry: dict[str, Any], persona: str, request: pytest.FixtureRequest
) -> None:
    response = client_for(request.getfixturevalue(persona)).get(SUMMARY_URL)
    assert response.status_code == 200
    assert _figures(response)["total_activities"] == 3
    html = response.content.decode()
    assert (
        '<dd class="margin-left-0 font-sans-2xl text-bold" data-figure="total_activities">3' in html
    )
    assert "<caption>Activities by category</caption>" in html
    # Every bar has its number printed beside it, as text.
    assert '<th scope="row">Human trafficking</th>' in html
    assert 'style="width: 100%;"></span></span>\n            <span>2</span>' in html


@pytest.mark.parametrize(
    "persona", ["commander", "employee_user", "security_officer", "reviewer", "administrator"]
)
def test_other_roles_are_refused_the_summary(
    registry: dict[str, Any], persona: str, request: pytest.FixtureRequest
) -> None:
    user = request.getfixturevalue(persona)
    assert client_for(user).get(SUMMARY_URL).status_code == 403
    assert client_for(user).get(API_URL).status_code == 403


def test_anonymous_callers_are_sent_to_sign_in(agency: Agency) -> None:
    response = Client().get(SUMMARY_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert Client().get(API_URL).status_code == 401


def test_the_agency_selector_appears_only_for_several_agencies(
    registry: dict[str, Any], agency: Agency, inspector: User
) -> None:
    assert 'name="agency"' not in client_for(inspector).get(SUMMARY_URL).content.decode()
    state_inspector = user_with_role("overseer", None, "state_inspector")
    client = client_for(state_inspector)
    html = client.get(SUMMARY_URL).content.decode()
    assert 'name="agency"' in html and "All my agencies (2)" in html
    narrowed = client.get(SUMMARY_URL, {"agency": agency.pk})
    assert _figures(narrowed)["total_activities"] == 3


def test_naming_an_agency_outside_the_scope_answers_404(
    registry: dict[str, Any], agency: Agency, outsider: User
) -> None:
    client = client_for(outsider)
    assert client.get(SUMMARY_URL, {"agency": agency.pk}).status_code == 404
    assert client.get(API_URL, {"agency": agency.pk}).status_code == 404
    assert client.get(API_URL, {"agency": 999999}).status_code == 404


# --- the API twin ----------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["inspector", "clerk", "outsider"])
def test_the_api_answers_the_same_figures_as_the_page(
    registry: dict[str, Any], persona: str, request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(persona))
    api = client.get(API_URL)
    assert api.status_code == 200
    assert api.json() == _figures(client.get(SUMMARY_URL))


def test_the_api_takes_an_agency(registry: dict[str, Any], agency: Agency) -> None:
    client = client_for(user_with_role("overseer", None, "state_inspector"))
    assert client.get(API_URL).json()["total_activities"] == 4
    body = client.get(API_URL, {"agency": agency.pk}).json()
    assert body["total_activities"] == 3
    assert body["agency_id"] == agency.pk
    assert body["agencies"] == [{"id": agency.pk, "name": agency.name}]


def test_the_api_refuses_other_roles_with_a_json_message(
    registry: dict[str, Any], commander: User
) -> None:
    response = client_for(commander).get(API_URL)
    assert response.status_code == 403
    assert response.json()["message"].startswith("Only overseers and coordinators")
