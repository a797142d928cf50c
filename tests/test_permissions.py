"""The role × action table of docs/permissions.md, run against both doors.

Every action is tried by every persona twice — through its page and through its API
endpoint — and both doors must give the same answer: allowed, refused (403), or "no such
record" (404, for records of another agency or beyond an employee's own).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from liaison.accounts.models import Agency, User
from liaison.accounts.tests.factories import AgencyFactory, user_with_role
from liaison.activities.models import Activity
from liaison.activities.tests.factories import (
    ActivityFactory,
    CategoryFactory,
    LocationFactory,
    ParticipationFactory,
)
from liaison.people.models import Employee
from liaison.people.tests.factories import EmployeeFactory

PERSONAS = [
    "employee",
    "approver",
    "coordinator",
    "security",
    "reviewer",
    "overseer",
    "admin",
    "outsider",
]

ALLOWED, FORBIDDEN, MISSING = "allowed", "forbidden", "missing"


@dataclass
class World:
    agency: Agency
    users: dict[str, User]
    me: Employee  # the employee persona's own record
    draft: Activity  # created by the employee persona, who also attends it
    submitted: Activity
    colleague: Employee


@pytest.fixture
def world(db: None) -> World:
    agency = AgencyFactory.create(name="Metro Police Department", ori_code="CA0194200")
    other = AgencyFactory.create(name="County Sheriff", ori_code="CA0190000")
    users = {role: user_with_role(role, agency, role) for role in PERSONAS[:-1]}
    users["outsider"] = user_with_role("coordinator", other, "outsider")
    me = EmployeeFactory.create(agency=agency, user=users["employee"], serial_number="7")
    category = CategoryFactory.create(name="Aviation", slug="aviation")
    draft = ActivityFactory.create(
        agency=agency,
        status="draft",
        created_by=users["employee"],
        category=category,
        title="Police Aviation Convention",
    )
    LocationFactory.create(activity=draft, country="PL", city="Warsaw")
    ParticipationFactory.create(activity=draft, employee=me)
    submitted = ActivityFactory.create(
        agency=agency, status="submitted", category=category, title="Airborne Tactics Seminar"
    )
    LocationFactory.create(activity=submitted, country="DE", city="Berlin")
    ParticipationFactory.create(activity=submitted)
    return World(
        agency=agency,
        users=users,
        me=me,
        draft=draft,
        submitted=submitted,
        colleague=EmployeeFactory.create(agency=agency, serial_number="8"),
    )


def activity_body(world: World, title: str = "Police Aviation Convention") -> dict[str, Any]:
    return {
        "title": title,
        "direction": "outbound",
        "kind": "convention",
        "category": "aviation",
        "purpose": "Compare helicopter crew training.",
        "start_date": "2024-06-01",
        "end_date": "2024-06-03",
        "locations": [{"country": "PL", "city": "Warsaw"}],
        "participants": [],
    }


Request = Callable[[Client, World], Any]


@dataclass
class Action:
    name: str
    page: Request
    api: Request
    outcomes: dict[str, str]  # persona → expected outcome


def only(allowed: set[str], *, others: str = MISSING, outsider: str = MISSING) -> dict[str, str]:
    result = {p: (ALLOWED if p in allowed else others) for p in PERSONAS}
    result["outsider"] = outsider
    return result


ACTIONS = [
    Action(
        "view an activity",
        lambda c, w: c.get(f"/activities/{w.submitted.pk}/"),
        lambda c, w: c.get(f"/api/v1/activities/{w.submitted.pk}"),
        only({"approver", "coordinator", "security", "reviewer", "overseer", "admin"}),
    ),
    Action(
        "view own activity",
        lambda c, w: c.get(f"/activities/{w.draft.pk}/"),
        lambda c, w: c.get(f"/api/v1/activities/{w.draft.pk}"),
        only(set(PERSONAS) - {"outsider"}),
    ),
    Action(
        "open the new-activity form / create an activity",
        lambda c, w: c.get("/activities/new/"),
        lambda c, w: c.post(
            "/api/v1/activities", activity_body(w), content_type="application/json"
        ),
        # The outsider may create in their own agency (the body names no agency).
        only({"employee", "coordinator"}, others=FORBIDDEN, outsider=ALLOWED),
    ),
    Action(
        "edit a draft",
        lambda c, w: c.get(f"/activities/{w.draft.pk}/edit/"),
        lambda c, w: c.put(
            f"/api/v1/activities/{w.draft.pk}", activity_body(w), content_type="application/json"
        ),
        only({"employee", "coordinator"}, others=FORBIDDEN),
    ),
    Action(
        "submit a draft",
        lambda c, w: c.post(f"/activities/{w.draft.pk}/transition/", {"name": "submit"}),
        lambda c, w: c.post(
            f"/api/v1/activities/{w.draft.pk}/transitions",
            {"name": "submit"},
            content_type="application/json",
        ),
        only({"employee", "coordinator"}, others=FORBIDDEN),
    ),
    Action(
        "approve a submitted activity",
        lambda c, w: c.post(f"/activities/{w.submitted.pk}/transition/", {"name": "approve"}),
        lambda c, w: c.post(
            f"/api/v1/activities/{w.submitted.pk}/transitions",
            {"name": "approve"},
            content_type="application/json",
        ),
        {**only({"approver"}, others=FORBIDDEN), "employee": MISSING},
    ),
    Action(
        "see an activity's history",
        lambda c, w: c.get(f"/activities/{w.draft.pk}/history/"),
        lambda c, w: c.get(f"/api/v1/activities/{w.draft.pk}/history"),
        only({"coordinator", "overseer"}, others=FORBIDDEN),
    ),
    Action(
        "view a colleague's employee record",
        lambda c, w: c.get(f"/people/employees/{w.colleague.pk}/"),
        lambda c, w: c.get(f"/api/v1/employees/{w.colleague.pk}"),
        only({"approver", "coordinator", "security", "reviewer", "overseer", "admin"}),
    ),
    Action(
        "edit an employee record",
        lambda c, w: c.get(f"/people/employees/{w.colleague.pk}/edit/"),
        lambda c, w: c.patch(
            f"/api/v1/employees/{w.colleague.pk}",
            {"unit": "Air Support"},
            content_type="application/json",
        ),
        {**only({"coordinator", "admin"}, others=FORBIDDEN), "employee": MISSING},
    ),
    Action(
        "see the oversight summary",
        lambda c, w: c.get("/oversight/"),
        lambda c, w: c.get("/api/v1/oversight/summary"),
        only({"coordinator", "overseer"}, others=FORBIDDEN, outsider=ALLOWED),
    ),
]


def outcome_of(response: Any, *, api: bool) -> str:
    status = response.status_code
    if status == 404:
        return MISSING
    if status == 403:
        return FORBIDDEN
    if api:
        assert status in (200, 201), (status, response.content[:300])
        return ALLOWED
    assert status in (200, 302), status
    if status == 302:
        assert not response["Location"].startswith("/accounts/login/")
    return ALLOWED


CASES = [
    pytest.param(action, persona, id=f"{action.name} × {persona}")
    for action in ACTIONS
    for persona in PERSONAS
]


@pytest.mark.parametrize(("action", "persona"), CASES)
def test_the_page_and_the_api_agree_with_the_permission_table(
    world: World, action: Action, persona: str
) -> None:
    expected = action.outcomes[persona]
    client = Client()
    client.force_login(world.users[persona])
    page_outcome = outcome_of(action.page(client, world), api=False)
    # The page request may have changed state (a transition): start the API try afresh.
    for activity in (world.draft, world.submitted):
        Activity.objects.filter(pk=activity.pk).update(status=activity.status)
    api_outcome = outcome_of(action.api(client, world), api=True)
    assert (page_outcome, api_outcome) == (expected, expected)


def test_an_overseer_spanning_all_agencies_sees_every_agencys_activity(world: World) -> None:
    from liaison.accounts.models import RoleGrant
    from liaison.accounts.tests.factories import UserFactory

    state_ig = UserFactory.create(username="state-ig")
    RoleGrant.objects.create(user=state_ig, role="overseer", agency=None)
    foreign = ActivityFactory.create(
        agency=AgencyFactory.create(ori_code="CA0370000"),
        start_date=dt.date(2020, 1, 1),
        end_date=dt.date(2020, 1, 2),
    )
    client = Client()
    client.force_login(state_ig)
    assert client.get(f"/api/v1/activities/{foreign.pk}").status_code == 200
    assert client.get(f"/activities/{foreign.pk}/").status_code == 200


def test_another_agencys_activities_never_appear_in_lists(world: World) -> None:
    client = Client()
    client.force_login(world.users["outsider"])
    assert client.get("/api/v1/activities").json()["count"] == 0
    page = client.get("/activities/?q=aviation")
    assert b"Police Aviation Convention" not in page.content
    assert b"Airborne Tactics Seminar" not in page.content


def test_an_employee_lists_only_their_own_activities(world: World) -> None:
    client = Client()
    client.force_login(world.users["employee"])
    items = client.get("/api/v1/activities").json()["items"]
    assert [item["id"] for item in items] == [world.draft.pk]
    page = client.get("/activities/")
    assert b"Police Aviation Convention" in page.content
    assert b"Airborne Tactics Seminar" not in page.content


def test_an_employee_may_not_browse_the_people_lists_through_either_door(world: World) -> None:
    client = Client()
    client.force_login(world.users["employee"])
    assert client.get("/people/employees/").status_code == 403
    assert client.get("/api/v1/employees").status_code == 403
    # ...but opens their own record through both.
    assert client.get(f"/people/employees/{world.me.pk}/").status_code == 200
    assert client.get(f"/api/v1/employees/{world.me.pk}").status_code == 200
