"""The activities API: list shape and filters, create/update with per-field errors,
transitions, history permissions, agency isolation, and both ways of signing in."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, get_args

import pytest
from django.test import Client
from django.test.utils import override_settings
from openapi_spec_validator import validate

from conftest import client_for
from liaison.accounts.models import Agency, User
from liaison.accounts.services import api_token_create, api_token_revoke
from liaison.activities.models import Activity, Category, Location, Participation
from liaison.activities.schemas import ActivityListParams, Sort, TransitionName
from liaison.activities.selectors import DEFAULT_SORT, SORTS
from liaison.activities.services import ActivityInput, LocationInput, activity_create
from liaison.activities.tests.factories import (
    ActivityFactory,
    CategoryFactory,
    LocationFactory,
    ParticipationFactory,
)
from liaison.activities.workflow import TRANSITIONS
from liaison.approvals.tests.helpers import make_upcoming
from liaison.people.models import Employee
from liaison.people.tests.factories import EmployeeFactory, OrganisationFactory
from liaison.security.tests.factories import done_assessment

API = "/api/v1"


class TokenClient:
    """A script's view of the API: bearer token, and CSRF enforced as in production, to
    prove token clients need none."""

    def __init__(self, user: User) -> None:
        _, raw = api_token_create(actor=user, user=user, name="test script", scope="write")
        self.raw = raw
        self.client = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(API + path, params or {})

    def post(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.post(API + path, json.dumps(body), content_type="application/json")

    def put(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.put(API + path, json.dumps(body), content_type="application/json")


@pytest.fixture
def category(db: None) -> Category:
    return CategoryFactory.create(name="Human trafficking", slug="human-trafficking")


@pytest.fixture
def crew(agency: Agency) -> list[Employee]:
    return [
        EmployeeFactory.create(agency=agency, serial_number=s) for s in ("30001", "30002", "30003")
    ]


def valid_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Human Trafficking Investigations Course",
        "direction": "outbound",
        "kind": "course",
        "category": "human-trafficking",
        "topics": ["victim interviews", "financial tracing"],
        "purpose": "Learn how partner agencies trace trafficking proceeds.",
        "start_date": "2024-03-04",
        "end_date": "2024-03-08",
        "locations": [{"country": "CA", "city": "Toronto"}, {"country": "CA", "city": "Ottawa"}],
        "participants": [
            {"serial_number": "30001", "role": "delegation_lead"},
            {"serial_number": "30002"},
            {"serial_number": "30003"},
        ],
    }
    body.update(overrides)
    return body


def saved_counts() -> tuple[int, int, int]:
    return Activity.objects.count(), Location.objects.count(), Participation.objects.count()


def draft_in(agency: Agency, actor: User, category: Category, **kwargs: Any) -> Activity:
    return activity_create(
        actor=actor,
        agency=agency,
        data=ActivityInput(
            title=kwargs.get("title", "Crowd Control Seminar"),
            direction="outbound",
            kind="seminar",
            category_id=category.pk,
            purpose="Learn public-order tactics.",
            start_date=dt.date(2024, 6, 1),
            end_date=dt.date(2024, 6, 3),
            locations=[LocationInput(country="AT", city="Vienna")],
        ),
    )


# --- list ------------------------------------------------------------------------------


def test_the_list_answers_items_and_count_one_page_at_a_time(clerk: User, agency: Agency) -> None:
    for day in (1, 2, 3):
        activity = ActivityFactory.create(
            agency=agency, start_date=dt.date(2023, 5, day), end_date=dt.date(2023, 5, day)
        )
        LocationFactory.create(activity=activity)
    client = client_for(clerk)
    first = client.get(f"{API}/activities", {"page_size": 2}).json()
    assert set(first) == {"items", "count", "count_is_exact"}
    assert first["count"] == 3
    assert [a["start_date"] for a in first["items"]] == ["2023-05-03", "2023-05-02"]
    second = client.get(f"{API}/activities", {"page_size": 2, "page": 2}).json()
    assert [a["start_date"] for a in second["items"]] == ["2023-05-01"]
    past_the_end = client.get(f"{API}/activities", {"page_size": 2, "page": 3}).json()
    assert past_the_end == {"items": [], "count": 3, "count_is_exact": True}


def test_a_list_item_has_the_documented_keys(clerk: User, agency: Agency) -> None:
    activity = ActivityFactory.create(agency=agency, title="Aviation Convention")
    LocationFactory.create(activity=activity, country="CO", city="Bogotá")
    item = client_for(clerk).get(f"{API}/activities").json()["items"][0]
    assert item == {
        "id": activity.pk,
        "agency": {"id": agency.pk, "name": agency.name},
        "title": "Aviation Convention",
        "direction": "outbound",
        "kind": "course",
        "category": {"slug": activity.category.slug, "name": activity.category.name},
        "start_date": "2023-05-01",
        "end_date": "2023-05-05",
        "status": "completed",
        "locations": [{"country": "CO", "country_name": "Colombia", "city": "Bogotá"}],
        "url": f"{API}/activities/{activity.pk}",
        # Completed with no approval on record before its start date: flagged (ADR 0014).
        "started_without_approval": True,
    }
    assert client_for(clerk).get(item["url"]).status_code == 200


@override_settings(PAGE_SIZE=2)
def test_the_page_size_defaults_to_the_setting_and_is_capped(clerk: User, agency: Agency) -> None:
    ActivityFactory.create_batch(3, agency=agency)
    client = client_for(clerk)
    assert len(client.get(f"{API}/activities").json()["items"]) == 2
    assert len(client.get(f"{API}/activities", {"page_size": 100}).json()["items"]) == 3
    response = client.get(f"{API}/activities", {"page_size": 101})
    assert response.status_code == 422
    assert "page_size" in response.json()["errors"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"country": "it"}, ["Olympics Security Exchange"]),
        ({"category": "crowd-control"}, ["Crowd Control Seminar"]),
        ({"direction": "inbound"}, ["Foreign Ministry Officers Course"]),
        ({"year": 2019}, ["Olympics Security Exchange"]),
        ({"status": "draft"}, ["Crowd Control Seminar"]),
        ({"q": "olympics"}, ["Olympics Security Exchange"]),
        ({"q": "ministry officers"}, ["Foreign Ministry Officers Course"]),
        (
            {"sort": "title"},
            [
                "Crowd Control Seminar",
                "Foreign Ministry Officers Course",
                "Olympics Security Exchange",
            ],
        ),
    ],
)
def test_the_list_filters_and_searches(
    clerk: User, agency: Agency, params: dict[str, Any], expected: list[str]
) -> None:
    crowd = CategoryFactory.create(name="Crowd control", slug="crowd-control")
    LocationFactory.create(
        country="TH",
        activity=ActivityFactory.create(
            agency=agency,
            title="Crowd Control Seminar",
            category=crowd,
            status="draft",
            start_date=dt.date(2022, 1, 10),
            end_date=dt.date(2022, 1, 12),
        ),
    )
    LocationFactory.create(
        country="IT",
        activity=ActivityFactory.create(
            agency=agency,
            title="Olympics Security Exchange",
            start_date=dt.date(2019, 4, 1),
            end_date=dt.date(2019, 4, 9),
        ),
    )
    LocationFactory.create(
        country="US",
        activity=ActivityFactory.create(
            agency=agency,
            title="Foreign Ministry Officers Course",
            direction="inbound",
            start_date=dt.date(2021, 9, 1),
            end_date=dt.date(2021, 9, 20),
        ),
    )
    response = client_for(clerk).get(f"{API}/activities", params)
    assert response.status_code == 200, response.content
    assert [a["title"] for a in response.json()["items"]] == expected


def test_the_list_filters_by_person_and_organisation(clerk: User, agency: Agency) -> None:
    interpol = OrganisationFactory.create(name="Interpol", country="FR", org_type="international")
    hosted = ActivityFactory.create(
        agency=agency, title="Crimes Against Children Course", host_organisation=interpol
    )
    attended = ParticipationFactory.create(
        activity=ActivityFactory.create(agency=agency, title="Other")
    )
    client = client_for(clerk)
    by_org = client.get(f"{API}/activities", {"organisation": interpol.pk}).json()
    assert [a["id"] for a in by_org["items"]] == [hosted.pk]
    employee = attended.employee
    assert employee is not None
    for named in (employee.serial_number, f"{employee.first_name} {employee.last_name}"):
        by_person = client.get(f"{API}/activities", {"person": named}).json()
        assert [a["id"] for a in by_person["items"]] == [attended.activity_id]
    # Not an internal id: the filter names people as people know them.
    by_id = client.get(f"{API}/activities", {"person": str(attended.employee_id)}).json()
    assert by_id["items"] == []


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"direction": "sideways"}, "direction"),
        ({"status": "lost"}, "status"),
        ({"sort": "cost"}, "sort"),
        ({"year": "last"}, "year"),
        ({"page": 0}, "page"),
    ],
)
def test_a_bad_filter_is_refused_naming_it(clerk: User, params: dict[str, Any], field: str) -> None:
    response = client_for(clerk).get(f"{API}/activities", params)
    assert response.status_code == 422
    assert list(response.json()["errors"]) == [field]


def test_an_employee_lists_only_their_own_activities(
    employee_user: User, employee_record: Employee, agency: Agency
) -> None:
    mine = ParticipationFactory.create(
        employee=employee_record, activity=ActivityFactory.create(agency=agency)
    ).activity
    ActivityFactory.create(agency=agency)
    body = client_for(employee_user).get(f"{API}/activities").json()
    assert [a["id"] for a in body["items"]] == [mine.pk]
    assert body["count"] == 1


# --- create ----------------------------------------------------------------------------


def test_a_coordinator_creates_an_activity_with_locations_and_participants_by_token(
    clerk: User, agency: Agency, category: Category, crew: list[Employee]
) -> None:
    response = TokenClient(clerk).post("/activities", valid_body())
    assert response.status_code == 201, response.content
    body = response.json()
    activity = Activity.objects.get(pk=body["id"])
    assert (activity.agency, activity.status, activity.created_by) == (agency, "draft", clerk)
    assert [(loc["country"], loc["city"]) for loc in body["locations"]] == [
        ("CA", "Toronto"),
        ("CA", "Ottawa"),
    ]
    assert [(p["employee"]["serial_number"], p["role"]) for p in body["participants"]] == [
        ("30001", "delegation_lead"),
        ("30002", "attendee"),
        ("30003", "attendee"),
    ]
    assert all(p["external_person"] is None for p in body["participants"])
    assert sorted(body["topics"]) == ["financial tracing", "victim interviews"]
    assert body["category"] == {"slug": "human-trafficking", "name": "Human trafficking"}
    assert set(body["allowed_transitions"]) == {"submit", "cancel"}
    assert body["host_organisation"] is None
    assert {
        "purpose",
        "justification",
        "created_at",
        "updated_at",
        "organiser_organisation",
    } <= set(body)
    assert activity.locations.count() == 2
    assert activity.participations.count() == 3


def test_a_category_may_be_given_by_id_and_organisations_are_shown(
    clerk: User, category: Category, crew: list[Employee]
) -> None:
    host = OrganisationFactory.create(name="Royal Canadian Mounted Police", country="CA")
    body = valid_body(category=None, category_id=category.pk, host_organisation_id=host.pk)
    response = TokenClient(clerk).post("/activities", body)
    assert response.status_code == 201, response.content
    assert response.json()["host_organisation"] == {
        "id": host.pk,
        "name": "Royal Canadian Mounted Police",
        "country": "CA",
        "type": "police",
    }


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end_date": "2024-03-01"}, "end_date"),
        ({"locations": [{"country": "XX", "city": "Atlantis"}]}, "locations[0].country"),
        ({"locations": []}, "locations"),
        (
            {"participants": [{"serial_number": "30001"}, {"serial_number": "30001"}]},
            "participants[1]",
        ),
        ({"title": None}, "title"),
        ({"title": "   "}, "title"),
        ({"direction": "sideways"}, "direction"),
        ({"kind": "picnic"}, "kind"),
        (
            {
                "participants": [
                    {"serial_number": "30001"},
                    {"serial_number": "30002"},
                    {"serial_number": "99999"},
                ]
            },
            "participants[2].serial_number",
        ),
        ({"participants": [{"serial_number": "30001", "role": "tourist"}]}, "participants[0].role"),
        ({"participants": [{"serial_number": "30001", "employee_id": 1}]}, "participants[0]"),
        ({"category": "astrology"}, "category"),
        ({"host_organisation_id": 999999}, "host_organisation"),
        ({"start_date": "someday"}, "start_date"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(
    clerk: User, category: Category, crew: list[Employee], change: dict[str, Any], field: str
) -> None:
    body = valid_body(**change)
    if change.get("title", "") is None:
        del body["title"]
    before = saved_counts()
    response = TokenClient(clerk).post("/activities", body)
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in errors, errors
    assert all(isinstance(m, str) and m for m in errors[field])
    assert saved_counts() == before


def test_a_serial_number_of_another_agency_is_unknown(
    clerk: User, other_agency: Agency, category: Category
) -> None:
    EmployeeFactory.create(agency=other_agency, serial_number="77777")
    response = TokenClient(clerk).post(
        "/activities", valid_body(participants=[{"serial_number": "77777"}])
    )
    assert response.status_code == 422
    assert "participants[0].serial_number" in response.json()["errors"]


# --- update ----------------------------------------------------------------------------


def test_a_coordinator_replaces_an_activity_by_put(
    clerk: User, agency: Agency, other_agency: Agency, category: Category, crew: list[Employee]
) -> None:
    created = TokenClient(clerk).post("/activities", valid_body()).json()
    body = valid_body(
        title="Human Trafficking Course (revised)",
        agency_id=other_agency.pk,
        locations=[{"country": "CA", "city": "Montreal"}],
        participants=[{"employee_id": crew[2].pk, "role": "presenter"}],
    )
    response = TokenClient(clerk).put(f"/activities/{created['id']}", body)
    assert response.status_code == 200, response.content
    activity = Activity.objects.get(pk=created["id"])
    assert activity.title == "Human Trafficking Course (revised)"
    assert activity.agency == agency  # agency_id is ignored on update
    assert [loc.city for loc in activity.locations.all()] == ["Montreal"]
    assert [(p.employee_id, p.role) for p in activity.participations.all()] == [
        (crew[2].pk, "presenter")
    ]


def test_a_bad_update_changes_nothing(
    clerk: User, category: Category, crew: list[Employee]
) -> None:
    created = TokenClient(clerk).post("/activities", valid_body()).json()
    response = TokenClient(clerk).put(
        f"/activities/{created['id']}", valid_body(title="New", end_date="2020-01-01")
    )
    assert response.status_code == 422
    assert "end_date" in response.json()["errors"]
    assert Activity.objects.get(pk=created["id"]).title == valid_body()["title"]


def test_an_approver_may_read_but_not_edit(
    clerk: User, commander: User, agency: Agency, category: Category
) -> None:
    activity = draft_in(agency, clerk, category)
    assert TokenClient(commander).get(f"/activities/{activity.pk}").status_code == 200
    response = TokenClient(commander).put(f"/activities/{activity.pk}", valid_body(participants=[]))
    assert response.status_code == 403
    assert response.json()["message"]


# --- transitions -----------------------------------------------------------------------


def test_an_activity_moves_through_its_workflow(
    clerk: User, commander: User, security_officer: User, agency: Agency, category: Category
) -> None:
    activity = draft_in(agency, clerk, category)
    make_upcoming(activity)
    url = f"/activities/{activity.pk}/transitions"
    submitted = TokenClient(clerk).post(url, {"name": "submit", "reason": ""})
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"
    for location in activity.locations.all():  # outbound: every place abroad is assessed
        done_assessment(location, clerk)
    for name, status in (("start_review", "security_review"), ("clear", "in_approval")):
        moved = TokenClient(security_officer).post(url, {"name": name})
        assert moved.json()["status"] == status, moved.content
    approved = TokenClient(commander).post(url, {"name": "approve", "reason": "Within budget."})
    assert approved.json()["status"] == "approved"
    assert approved.json()["allowed_transitions"] == []  # approvers cannot cancel or complete
    assert activity.history.first().history_change_reason == "Within budget."


def test_a_move_the_workflow_does_not_allow_answers_409(
    clerk: User, agency: Agency, category: Category
) -> None:
    activity = draft_in(agency, clerk, category)
    response = TokenClient(clerk).post(
        f"/activities/{activity.pk}/transitions", {"name": "approve"}
    )
    assert response.status_code == 409
    assert "allowed: cancel, submit" in response.json()["message"]
    activity.refresh_from_db()
    assert activity.status == "draft"


def test_a_move_your_role_does_not_allow_answers_403(
    clerk: User, employee_user: User, employee_record: Employee, agency: Agency, category: Category
) -> None:
    activity = draft_in(agency, clerk, category)
    ParticipationFactory.create(activity=activity, employee=employee_record)
    TokenClient(clerk).post(f"/activities/{activity.pk}/transitions", {"name": "submit"})
    response = TokenClient(employee_user).post(
        f"/activities/{activity.pk}/transitions", {"name": "start_review"}
    )
    assert response.status_code == 403
    activity.refresh_from_db()
    assert activity.status == "submitted"


def test_an_unknown_transition_name_is_refused_naming_the_field(
    clerk: User, agency: Agency, category: Category
) -> None:
    activity = draft_in(agency, clerk, category)
    response = TokenClient(clerk).post(
        f"/activities/{activity.pk}/transitions", {"name": "teleport"}
    )
    assert response.status_code == 422
    assert "name" in response.json()["errors"]


def test_the_documented_enumerations_match_the_code() -> None:
    assert set(get_args(TransitionName)) == {t.name for t in TRANSITIONS}
    assert set(get_args(Sort)) == set(SORTS)
    assert ActivityListParams.model_fields["sort"].default == DEFAULT_SORT


# --- history ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("clerk", 200),
        ("inspector", 200),
        ("commander", 403),
        ("reviewer", 403),
        ("employee_user", 403),
        ("outsider", 404),
    ],
)
def test_history_is_for_coordinators_and_overseers(
    request: pytest.FixtureRequest,
    clerk: User,
    agency: Agency,
    category: Category,
    persona: str,
    status: int,
) -> None:
    activity = draft_in(agency, clerk, category)
    if persona == "employee_user":
        # An employee who created the activity may see it, but not its history.
        employee = request.getfixturevalue(persona)
        activity.created_by = employee
        activity.save()
    user = request.getfixturevalue(persona)
    response = client_for(user).get(f"{API}/activities/{activity.pk}/history")
    assert response.status_code == status, response.content
    if status == 200:
        body = response.json()
        assert body["count"] == len(body["items"]) >= 2  # the activity and its location
        entry = next(e for e in body["items"] if e["object"] == "Activity")
        assert (entry["who"], entry["action"]) == (str(clerk), "created")


def test_history_shows_changed_fields_as_plain_values(
    clerk: User, agency: Agency, category: Category, crew: list[Employee]
) -> None:
    created = TokenClient(clerk).post("/activities", valid_body()).json()
    TokenClient(clerk).put(
        f"/activities/{created['id']}", valid_body(end_date="2024-03-09", participants=[])
    )
    items = client_for(clerk).get(f"{API}/activities/{created['id']}/history").json()["items"]
    change = next(e for e in items if e["object"] == "Activity" and e["action"] == "changed")
    assert {
        "field": "end_date",
        "label": "End date",
        "old": "8 Mar 2024",
        "new": "9 Mar 2024",
    } in change["changes"]
    assert any(e["object"] == "Participant" and e["action"] == "deleted" for e in items)


# --- agency isolation ------------------------------------------------------------------


def test_another_agencys_activity_is_invisible_to_an_outsider(
    outsider: User, clerk: User, agency: Agency, category: Category
) -> None:
    activity = draft_in(agency, clerk, category)
    client = TokenClient(outsider)
    for response in (
        client.get(f"/activities/{activity.pk}"),
        client.put(f"/activities/{activity.pk}", valid_body(participants=[])),
        client.post(f"/activities/{activity.pk}/transitions", {"name": "submit"}),
        client.get(f"/activities/{activity.pk}/history"),
    ):
        assert response.status_code == 404
        assert response.json() == {"message": "No activity with that id.", "errors": {}}
    assert client.get("/activities").json() == {"items": [], "count": 0, "count_is_exact": True}
    assert client.get("/activities", {"agency": agency.pk}).json()["count"] == 0


def test_an_outsider_cannot_create_in_another_agency(
    outsider: User, agency: Agency, other_agency: Agency, category: Category
) -> None:
    before = saved_counts()
    response = TokenClient(outsider).post(
        "/activities", valid_body(agency_id=agency.pk, participants=[])
    )
    assert response.status_code == 403
    assert saved_counts() == before
    # Without agency_id the activity goes to the one agency the outsider works for.
    own = TokenClient(outsider).post("/activities", valid_body(participants=[]))
    assert own.status_code == 201, own.content
    assert own.json()["agency"]["id"] == other_agency.pk


def test_an_unknown_agency_id_is_bad_input(clerk: User, category: Category) -> None:
    response = TokenClient(clerk).post("/activities", valid_body(agency_id=999999, participants=[]))
    assert response.status_code == 422
    assert "agency_id" in response.json()["errors"]


def test_a_role_that_may_not_create_is_refused(commander: User, category: Category) -> None:
    response = TokenClient(commander).post("/activities", valid_body(participants=[]))
    assert response.status_code == 403


# --- signing in ------------------------------------------------------------------------


def test_an_anonymous_caller_gets_401_json(db: None) -> None:
    for response in (
        Client().get(f"{API}/activities"),
        Client(enforce_csrf_checks=True).post(
            f"{API}/activities", "{}", content_type="application/json"
        ),
    ):
        assert response.status_code == 401
        assert response.json()["message"].startswith("Authentication required")


def test_a_revoked_token_gets_401_even_on_post(clerk: User, category: Category) -> None:
    script = TokenClient(clerk)
    token_id = clerk.api_tokens.get().pk
    assert script.get("/activities").status_code == 200
    api_token_revoke(actor=clerk, token_id=token_id)
    assert script.get("/activities").status_code == 401
    assert script.post("/activities", valid_body(participants=[])).status_code == 401
    assert Activity.objects.count() == 0


def test_a_session_post_needs_a_csrf_token(clerk: User, category: Category) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(clerk)
    assert browser.get(f"{API}/activities").status_code == 200
    response = browser.post(
        f"{API}/activities",
        json.dumps(valid_body(participants=[])),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert set(response.json()) == {"message", "errors"}
    assert Activity.objects.count() == 0


def test_a_session_post_with_a_csrf_token_works(clerk: User, category: Category) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(clerk)
    browser.get("/activities/")  # any page that sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        f"{API}/activities",
        json.dumps(valid_body(participants=[])),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 201, response.content


# --- categories ------------------------------------------------------------------------


def test_every_signed_in_user_reads_the_categories(employee_user: User, category: Category) -> None:
    CategoryFactory.create(name="Aviation", slug="aviation", active=False)
    client = client_for(employee_user)
    body = client.get(f"{API}/categories").json()
    assert [c["slug"] for c in body["items"]] == ["aviation", "human-trafficking"]
    assert body["count"] == 2
    current = client.get(f"{API}/categories", {"active": "true"}).json()
    assert [c["slug"] for c in current["items"]] == ["human-trafficking"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("clerk", 201),
        ("administrator", 201),
        ("commander", 403),
        ("employee_user", 403),
    ],
)
def test_coordinators_and_administrators_add_categories(
    request: pytest.FixtureRequest, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    response = TokenClient(user).post("/categories", {"name": "Clandestine drug labs"})
    assert response.status_code == status, response.content
    assert Category.objects.filter(slug="clandestine-drug-labs").exists() == (status == 201)
    if status == 201:
        assert response.json()["slug"] == "clandestine-drug-labs"


def test_a_duplicate_category_is_refused_naming_the_field(clerk: User, category: Category) -> None:
    response = TokenClient(clerk).post("/categories", {"name": "human TRAFFICKING"})
    assert response.status_code == 422
    assert "name" in response.json()["errors"]


# --- the OpenAPI document --------------------------------------------------------------


def test_the_openapi_document_is_valid_and_lists_enumerations(db: None) -> None:
    document = Client().get(f"{API}/openapi.json").json()
    validate(document)
    schemas = document["components"]["schemas"]
    assert schemas["Direction"]["enum"] == ["outbound", "inbound", "foreign_trainers", "virtual"]
    assert "draft" in schemas["Status"]["enum"]
    transition = schemas["TransitionIn"]["properties"]["name"]
    assert set(transition["enum"]) == {t.name for t in TRANSITIONS}
    responses = document["paths"][f"{API}/activities/{{activity_id}}/transitions"]["post"][
        "responses"
    ]
    assert {"200", "401", "403", "404", "409", "422"} <= set(responses)
    assert set(schemas["ErrorOut"]["properties"]) == {"message", "errors"}


def test_a_count_beyond_the_limit_is_reported_as_capped(
    clerk: User, agency: Agency, settings: Any
) -> None:
    settings.LIST_COUNT_LIMIT = 3
    settings.PAGE_SIZE = 2
    for n in range(5):
        ActivityFactory.create(agency=agency, title=f"Capped {n}")
    client = client_for(clerk)
    first = client.get(f"{API}/activities").json()
    assert (first["count"], first["count_is_exact"], len(first["items"])) == (3, False, 2)
    # Pages past the capped count are still served, until the rows run out.
    third = client.get(f"{API}/activities", {"page": 3}).json()
    assert [item["title"] for item in third["items"]] == ["Capped 0"]
    assert client.get(f"{API}/activities", {"page": 4}).json()["items"] == []
    page = client.get("/activities/")
    assert b"more than 3 activities match" in page.content


def test_a_non_ascii_digit_as_country_is_refused_by_name(
    clerk: User, agency: Agency, category: Category
) -> None:
    # Found by schemathesis: django-countries read "²" as a numeric code and crashed.
    body = {
        "title": "Aviation Convention",
        "direction": "outbound",
        "kind": "convention",
        "category": category.slug,
        "purpose": "Compare air support units.",
        "start_date": "2024-06-01",
        "end_date": "2024-06-03",
        "locations": [{"country": "²", "city": "Warsaw"}],
        "participants": [],
    }
    response = TokenClient(clerk).post("/activities", body)
    assert response.status_code == 422
    assert response.json()["errors"]["locations[0].country"] == [
        "“²” is not an ISO 3166 country code."
    ]
