"""The oversight summary: figures from live data, who may see them, and the API twin.

The fixture is small enough to count by hand:

    A1  2022-03  Toronto (CA)               trafficking  outbound    completed  e1 e2
    A2  2022-09  Montreal, Vancouver, Paris crowd        outbound    approved   e2 e3
    A3  2024-05  Lyon (FR)                  trafficking  inbound     submitted  e4, a trainee
    D1  2023-02  Berlin (DE)                crowd        outbound    draft      e1
    C1  2023-03  Oslo (NO)                  crowd        outbound    cancelled  e2
    V1  2023-04  Paris (FR), virtual        trafficking  virtual     completed  e3
    H1  2023-08  Quantico (US)              crowd        f_trainers  completed  e4
    X1  2023-06  Rome (IT), other agency    crowd        outbound    completed  5 others

By default (not draft, cancelled or denied) our agency has 5 activities (A1 A2 A3 V1 H1)
in 3 years and 4 distinct employees (e2 took part twice; the trainee is not an employee).
The foreign countries are Canada and France only: V1 is virtual and H1 was at home.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.core.serializers.json import DjangoJSONEncoder
from django.test import Client
from django.urls import reverse

from conftest import client_for
from liaison.accounts.access import AGENCY_READERS, OVERSIGHT_READERS
from liaison.accounts.models import Agency, RoleGrant, User
from liaison.accounts.tests.factories import user_with_role
from liaison.activities.models import Activity
from liaison.activities.summary import summary_rebuild
from liaison.activities.tests.factories import (
    ActivityFactory,
    CategoryFactory,
    LocationFactory,
    ParticipationFactory,
)
from liaison.activities.workflow import Status
from liaison.oversight.selectors import SummaryFilters, registry_summary
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
        status="submitted",
        places=[("FR", "Lyon")],
        employees=[e4],
    )
    d1 = _activity(
        agency,
        start=dt.date(2023, 2, 1),
        category=crowd,
        direction="outbound",
        status="draft",
        places=[("DE", "Berlin")],
        employees=[e1],
    )
    c1 = _activity(
        agency,
        start=dt.date(2023, 3, 1),
        category=crowd,
        direction="outbound",
        status="cancelled",
        places=[("NO", "Oslo")],
        employees=[e2],
    )
    v1 = _activity(
        agency,
        start=dt.date(2023, 4, 1),
        category=trafficking,
        direction="virtual",
        status="completed",
        places=[("FR", "Paris")],
        employees=[e3],
    )
    h1 = _activity(
        agency,
        start=dt.date(2023, 8, 1),
        category=crowd,
        direction="foreign_trainers",
        status="completed",
        places=[("US", "Quantico")],
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
    # The factories write rows directly, not through the services that keep the summary
    # tables current (ADR 0013): recount them, as after any such write.
    summary_rebuild()
    return {"ours": [a1, a2, a3, v1, h1], "not_counted": [d1, c1], "theirs": x1}


def _figures(response: Any) -> dict[str, Any]:
    """The page's figures in their JSON form, to compare with the API's."""
    return json.loads(json.dumps(response.context["summary"], cls=DjangoJSONEncoder))


# --- the figures ---------------------------------------------------------------------------


def _strip(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "list_query"} for r in rows]


def test_it_counts_activities_and_distinct_employees(
    registry: dict[str, Any], inspector: User
) -> None:
    summary = registry_summary(user=inspector)
    assert summary["total_activities"] == 5
    assert summary["distinct_employees"] == 4
    assert summary["first_date"] == dt.date(2022, 3, 1)
    assert summary["last_date"] == dt.date(2024, 5, 5)
    # Counted by default: every status but draft, cancelled, denied and withdrawn.
    assert summary["statuses"] == [
        "submitted", "security_review", "in_approval", "approved", "in_progress",
        "completed", "closed",
    ]  # fmt: skip


def test_it_counts_by_start_year_ascending_with_empty_years_shown(
    registry: dict[str, Any], inspector: User
) -> None:
    assert _strip(registry_summary(user=inspector)["by_year"]) == [
        {"year": 2022, "activities": 2, "employees": 3},
        {"year": 2023, "activities": 2, "employees": 2},
        {"year": 2024, "activities": 1, "employees": 1},
    ]


def test_it_counts_an_activity_once_per_foreign_country_however_many_cities(
    registry: dict[str, Any], inspector: User
) -> None:
    # A2 has two Canadian cities and Paris: it counts once for Canada and once for France.
    # V1 (virtual, "in" Paris) and H1 (at home, in the United States) are not counted.
    assert _strip(registry_summary(user=inspector)["by_country"]) == [
        {"country": "CA", "name": "Canada", "activities": 2, "employees": 3},
        {"country": "FR", "name": "France", "activities": 2, "employees": 3},
    ]


def test_the_home_country_is_a_setting(
    registry: dict[str, Any], inspector: User, settings: Any
) -> None:
    settings.HOME_COUNTRY = "CA"
    summary = registry_summary(user=inspector)
    assert summary["home_country"] == "CA"
    assert [(r["country"], r["activities"]) for r in summary["by_country"]] == [
        ("FR", 2),
        ("US", 1),
    ]


def test_it_counts_by_category_direction_and_status(
    registry: dict[str, Any], inspector: User
) -> None:
    summary = registry_summary(user=inspector)
    assert _strip(summary["by_category"]) == [
        {"slug": "human-trafficking", "name": "Human trafficking", "activities": 3},
        {"slug": "crowd-control", "name": "Crowd control", "activities": 2},
    ]
    assert {r["direction"]: r["activities"] for r in summary["by_direction"]} == {
        "outbound": 2,
        "inbound": 1,
        "foreign_trainers": 1,
        "virtual": 1,
    }
    assert {r["status"]: r["activities"] for r in summary["by_status"]} == {
        "submitted": 1,
        "security_review": 0,
        "in_approval": 0,
        "approved": 1,
        "in_progress": 0,
        "completed": 3,
        "closed": 0,
    }


def test_any_set_of_statuses_may_be_counted(registry: dict[str, Any], inspector: User) -> None:
    every = SummaryFilters(statuses=tuple(Status.values))
    summary = registry_summary(user=inspector, filters=every)
    assert summary["total_activities"] == 7
    assert {r["status"]: r["activities"] for r in summary["by_status"]}["draft"] == 1
    assert [r["country"] for r in summary["by_country"]] == ["CA", "FR", "DE", "NO"]
    drafts = registry_summary(user=inspector, filters=SummaryFilters(statuses=("draft",)))
    assert drafts["total_activities"] == 1
    assert drafts["by_status"] == [
        {
            "status": "draft",
            "label": "Draft",
            "activities": 1,
            "list_query": drafts["by_status"][0]["list_query"],
        }
    ]


def test_it_filters_by_start_date_range_and_direction_group(
    registry: dict[str, Any], inspector: User
) -> None:
    in_2023 = SummaryFilters(start_from=dt.date(2023, 1, 1), start_to=dt.date(2023, 12, 31))
    assert registry_summary(user=inspector, filters=in_2023)["total_activities"] == 2
    # A1 starts on 1 March 2022 and ends on the 5th: counted by its start date only.
    edge = SummaryFilters(start_from=dt.date(2022, 3, 2))
    assert registry_summary(user=inspector, filters=edge)["total_activities"] == 4
    abroad = SummaryFilters(direction_groups=("abroad",))
    assert registry_summary(user=inspector, filters=abroad)["total_activities"] == 2
    at_home = SummaryFilters(direction_groups=("at_home",))
    assert registry_summary(user=inspector, filters=at_home)["total_activities"] == 2
    virtual = registry_summary(
        user=inspector, filters=SummaryFilters(direction_groups=("virtual",))
    )
    assert virtual["total_activities"] == 1
    assert virtual["by_country"] == []


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
    assert registry_summary(user=state_inspector)["total_activities"] == 6
    assert registry_summary(user=state_inspector)["distinct_employees"] == 9
    assert registry_summary(user=state_inspector, agency_id=agency.pk)["total_activities"] == 5


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
    assert _figures(response)["total_activities"] == 5
    page = response.content.decode()
    assert 'data-figure="total_activities"><a class="usa-link" href="/activities/?' in page
    assert "<caption>Activities by category</caption>" in page
    assert "Activities are counted by the date they started" in page
    # Every bar has its number printed beside it, as text.
    assert '<th scope="row">Human trafficking</th>' in page
    assert re.search(
        r'width="100%" height="15"></rect></svg>\s*<a class="usa-link" [^>]*>3</a>', page
    )


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
    assert _figures(narrowed)["total_activities"] == 5


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
    api = client.get(API_URL).json()
    page = _figures(client.get(SUMMARY_URL))
    assert api.pop("as_of") <= page.pop("as_of")
    assert api == page


def test_the_api_takes_an_agency(registry: dict[str, Any], agency: Agency) -> None:
    client = client_for(user_with_role("overseer", None, "state_inspector"))
    assert client.get(API_URL).json()["total_activities"] == 6
    body = client.get(API_URL, {"agency": agency.pk}).json()
    assert body["total_activities"] == 5
    assert body["agency_id"] == agency.pk
    assert body["agencies"] == [{"id": agency.pk, "name": agency.name}]


def test_the_api_refuses_other_roles_with_a_json_message(
    registry: dict[str, Any], commander: User
) -> None:
    response = client_for(commander).get(API_URL)
    assert response.status_code == 403
    assert response.json()["message"].startswith("Only overseers and coordinators")


# --- filters: bad values ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"start_from": "yesterday"}, "start_from"),
        ({"start_to": "2023-02-30"}, "start_to"),
        ({"start_from": "2023-05-01", "start_to": "2023-01-01"}, "start_to"),
        ({"status": "lost"}, "status"),
        ({"direction_group": "sideways"}, "direction_group"),
        ({"agency": "metro"}, "agency"),
        ({"agency": str(2**70)}, "agency"),
    ],
)
def test_a_bad_filter_is_named_on_both_doors(
    registry: dict[str, Any], inspector: User, params: dict[str, str], field: str
) -> None:
    client = client_for(inspector)
    api = client.get(API_URL, params)
    assert api.status_code == 422
    assert list(api.json()["errors"]) == [field]
    page = client.get(SUMMARY_URL, params)
    assert page.status_code == 200
    assert list(page.context["form"].errors) == [field]
    assert "summary" not in page.context  # no figures for a filter that was not applied
    assert "The filters could not be applied" in page.content.decode()


def test_as_of_is_a_time_with_its_zone(registry: dict[str, Any], inspector: User) -> None:
    client = client_for(inspector)
    as_of = dt.datetime.fromisoformat(client.get(API_URL).json()["as_of"])
    assert as_of.tzinfo is not None
    assert abs((dt.datetime.now(dt.UTC) - as_of).total_seconds()) < 60
    page = client.get(SUMMARY_URL).content.decode()
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\dT[\d:.]+[+-]\d\d:\d\d">', page)


def test_the_page_prints_without_navigation_or_filters(
    registry: dict[str, Any], inspector: User
) -> None:
    page = client_for(inspector).get(SUMMARY_URL).content.decode()
    assert 'href="/static/oversight/print.css"' in page
    assert 'class="liaison-filters' in page
    css = Path(str(finders.find("oversight/print.css"))).read_text()
    assert "@media print" in css
    for hidden in (".usa-header", ".liaison-filters", ".usa-footer"):
        assert hidden in css
    assert "break-inside: avoid" in css and "a[href]::after" in css


# --- every number links to the list it counts -------------------------------------------

FILTER_COMBINATIONS: list[dict[str, Any]] = [
    {},
    {"status": list(Status.values)},
    {"status": ["draft", "cancelled"]},
    {"start_from": "2022-06-01", "start_to": "2023-12-31"},
    {"direction_group": ["abroad"]},
    {"direction_group": ["at_home", "virtual"], "start_from": "2023-01-01"},
    {"direction_group": ["virtual"]},
    {"status": ["completed"], "direction_group": ["abroad", "at_home"]},
]


def _list_count(client: Client, query: str, seen: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """The count of the activity list, as the page and as the API show it."""
    if query in seen:
        return seen[query]
    page = client.get(f"/activities/?{query}")
    assert page.status_code == 200, query
    assert not page.context["form"].errors, query
    api = client.get(f"/api/v1/activities?{query}")
    assert api.status_code == 200, (query, api.json())
    seen[query] = (page.context["page"].count, api.json()["count"])
    return seen[query]


def _counts(summary: dict[str, Any]) -> list[tuple[int, str]]:
    pairs = [(summary["total_activities"], summary["list_query"])]
    for key in ("by_year", "by_country", "by_category", "by_direction", "by_status"):
        pairs += [(row["activities"], row["list_query"]) for row in summary[key]]
    # What the record does not show (ADR 0024): the same activity list, one filter more.
    pairs += [(row["activities"], row["list_query"]) for row in summary["coverage"]["activities"]]
    return pairs


@pytest.mark.parametrize("params", FILTER_COMBINATIONS)
@pytest.mark.parametrize("persona", ["inspector", "state_inspector", "two_agencies"])
def test_every_number_equals_the_count_of_the_list_it_links_to(
    registry: dict[str, Any],
    agency: Agency,
    other_agency: Agency,
    params: dict[str, Any],
    persona: str,
    request: pytest.FixtureRequest,
) -> None:
    if persona == "state_inspector":
        user = user_with_role("overseer", None, "state_inspector")
    elif persona == "two_agencies":
        user = user_with_role("coordinator", agency, "two_agencies")
        RoleGrant.objects.create(user=user, role="coordinator", agency=other_agency)
    else:
        user = request.getfixturevalue(persona)
    client = client_for(user)

    # The API's figures: each count against the list its list_query names, on both doors.
    summary = client.get(API_URL, params).json()
    pairs = _counts(summary)
    assert len(pairs) > 10
    seen: dict[str, tuple[int, int]] = {}
    for count, query in pairs:
        assert _list_count(client, query, seen) == (count, count), query

    # The page's links: every number of activities on the page is a link to its list.
    page = client.get(SUMMARY_URL, params).content.decode()
    links = re.findall(r'<a class="usa-link" href="/activities/\?([^"]*)"[^>]*>(\d+)</a>', page)
    assert len(links) == len(pairs)
    for query, number in links:
        assert _list_count(client, html.unescape(query), seen) == (int(number), int(number))


def test_a_list_narrowed_by_the_summarys_agencies_says_so(
    registry: dict[str, Any], agency: Agency, other_agency: Agency
) -> None:
    user = user_with_role("coordinator", agency, "two_agencies")
    RoleGrant.objects.create(user=user, role="coordinator", agency=other_agency)
    client = client_for(user)
    query = client.get(API_URL).json()["list_query"]
    assert f"agency={agency.pk}" in query and f"agency={other_agency.pk}" in query
    page = client.get(f"/activities/?{query}").content.decode()
    assert "Only the 2 agencies named in the link" in page
    assert page.count('type="hidden" name="agency"') == 2
    assert "Only the" not in client.get("/activities/").content.decode()
