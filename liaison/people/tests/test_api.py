"""The people API: employees, external persons, organisations, and the activities of an
employee or an organisation — lists, filters, writes with per-field errors, isolation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from conftest import client_for
from liaison.accounts.models import Agency, User
from liaison.accounts.services import api_token_create
from liaison.activities.tests.factories import ActivityFactory, ParticipationFactory
from liaison.people.models import Employee, ExternalPerson, Organisation
from liaison.people.tests.factories import (
    EmployeeFactory,
    ExternalPersonFactory,
    OrganisationFactory,
)

API = "/api/v1"


def token_client(user: User) -> Client:
    """A script with a bearer token; CSRF is enforced, as in production."""
    _, raw = api_token_create(actor=user, user=user, name="test script", scope="write")
    return Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})


def send(client: Client, method: str, path: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(API + path, json.dumps(body), content_type="application/json")


# --- employees -------------------------------------------------------------------------


@pytest.fixture
def staff(agency: Agency) -> dict[str, Employee]:
    return {
        "okafor": EmployeeFactory.create(
            agency=agency,
            first_name="Maria",
            last_name="Okafor",
            serial_number="38211",
            unit="Major Crimes Division",
        ),
        "reyes": EmployeeFactory.create(
            agency=agency,
            first_name="Luis",
            last_name="Reyes",
            serial_number="40001",
            unit="Air Support Division",
        ),
        "retired": EmployeeFactory.create(
            agency=agency,
            first_name="Ann",
            last_name="Wu",
            serial_number="12000",
            unit="Air Support Division",
            active=False,
        ),
    }


def test_the_employee_list_answers_items_and_count(
    clerk: User, agency: Agency, staff: dict[str, Employee]
) -> None:
    body = client_for(clerk).get(f"{API}/employees", {"page_size": 2}).json()
    assert set(body) == {"items", "count", "count_is_exact"}
    assert body["count"] == 3
    assert [e["last_name"] for e in body["items"]] == ["Okafor", "Reyes"]
    okafor = staff["okafor"]
    assert body["items"][0] == {
        "id": okafor.pk,
        "agency": {"id": agency.pk, "name": agency.name},
        "serial_number": "38211",
        "name": "Maria Okafor",
        "first_name": "Maria",
        "last_name": "Okafor",
        "rank": "Sergeant",
        "unit": "Major Crimes Division",
        "employment_type": "sworn",
        "active": True,
        "url": f"{API}/employees/{okafor.pk}",
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "okafor"}, ["Okafor"]),
        ({"q": "38211"}, ["Okafor"]),
        ({"q": "luis reyes"}, ["Reyes"]),
        ({"unit": "air support"}, ["Reyes", "Wu"]),
        ({"active": "false"}, ["Wu"]),
        ({"unit": "air support", "active": "true"}, ["Reyes"]),
    ],
)
def test_the_employee_list_filters(
    clerk: User, staff: dict[str, Employee], params: dict[str, Any], expected: list[str]
) -> None:
    body = client_for(clerk).get(f"{API}/employees", params).json()
    assert [e["last_name"] for e in body["items"]] == expected


def test_another_agencys_employees_are_invisible(
    outsider: User, agency: Agency, staff: dict[str, Employee]
) -> None:
    client = client_for(outsider)
    assert client.get(f"{API}/employees").json() == {
        "items": [],
        "count": 0,
        "count_is_exact": True,
    }
    assert client.get(f"{API}/employees", {"agency": agency.pk}).json()["count"] == 0
    response = client.get(f"{API}/employees/{staff['okafor'].pk}")
    assert response.status_code == 404
    assert response.json() == {"message": "No employee with that id.", "errors": {}}
    patch = send(
        token_client(outsider), "patch", f"/employees/{staff['okafor'].pk}", {"unit": "Gone"}
    )
    assert patch.status_code == 404


def test_an_employee_sees_only_their_own_record(
    employee_user: User, employee_record: Employee, staff: dict[str, Employee]
) -> None:
    client = client_for(employee_user)
    # The list is for people readers (as on the page); the own record stays open.
    assert client.get(f"{API}/employees").status_code == 403
    assert client.get(f"{API}/employees/{employee_record.pk}").status_code == 200
    assert client.get(f"{API}/employees/{staff['okafor'].pk}").status_code == 404


def test_a_coordinator_adds_an_employee_by_token(clerk: User, agency: Agency) -> None:
    response = send(
        token_client(clerk),
        "post",
        "/employees",
        {
            "serial_number": " 51234 ",
            "first_name": "Priya",
            "last_name": "Natarajan",
            "rank": "Detective",
            "unit": "Juvenile Division",
            "employment_type": "sworn",
        },
    )
    assert response.status_code == 201, response.content
    employee = Employee.objects.get(pk=response.json()["id"])
    assert (employee.agency, employee.serial_number) == (agency, "51234")
    assert employee.history.get().history_user == clerk


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"serial_number": "38211"}, "serial_number"),
        ({"serial_number": ""}, "serial_number"),
        ({"employment_type": "volunteer"}, "employment_type"),
        ({"first_name": None}, "first_name"),
        ({"agency_id": 999999}, "agency_id"),
    ],
)
def test_bad_employee_input_is_refused_naming_the_field(
    clerk: User, staff: dict[str, Employee], change: dict[str, Any], field: str
) -> None:
    body = {"serial_number": "51234", "first_name": "Priya", "last_name": "Natarajan", **change}
    body = {k: v for k, v in body.items() if v is not None}
    before = Employee.objects.count()
    response = send(token_client(clerk), "post", "/employees", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert Employee.objects.count() == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("clerk", 201),
        ("administrator", 201),
        ("commander", 403),
        ("inspector", 403),
        ("employee_user", 403),
    ],
)
def test_only_coordinators_and_administrators_add_employees(
    request: pytest.FixtureRequest, agency: Agency, persona: str, status: int
) -> None:
    user = request.getfixturevalue(persona)
    response = send(
        token_client(user),
        "post",
        "/employees",
        {
            "agency_id": agency.pk,
            "serial_number": "51234",
            "first_name": "Priya",
            "last_name": "Natarajan",
        },
    )
    assert response.status_code == status, response.content
    assert Employee.objects.filter(serial_number="51234").exists() == (status == 201)


def test_an_outsider_cannot_add_an_employee_to_another_agency(
    outsider: User, agency: Agency
) -> None:
    response = send(
        token_client(outsider),
        "post",
        "/employees",
        {
            "agency_id": agency.pk,
            "serial_number": "51234",
            "first_name": "Priya",
            "last_name": "Natarajan",
        },
    )
    assert response.status_code == 403
    assert not Employee.objects.filter(agency=agency).exists()


def test_a_coordinator_changes_only_the_fields_sent(
    clerk: User, staff: dict[str, Employee]
) -> None:
    okafor = staff["okafor"]
    response = send(
        token_client(clerk),
        "patch",
        f"/employees/{okafor.pk}",
        {"unit": "Counter-Terrorism Bureau", "active": False},
    )
    assert response.status_code == 200, response.content
    okafor.refresh_from_db()
    assert (okafor.unit, okafor.active, okafor.last_name) == (
        "Counter-Terrorism Bureau",
        False,
        "Okafor",
    )


def test_a_bad_patch_changes_nothing(clerk: User, staff: dict[str, Employee]) -> None:
    okafor = staff["okafor"]
    response = send(
        token_client(clerk),
        "patch",
        f"/employees/{okafor.pk}",
        {"unit": "Elsewhere", "serial_number": "40001"},
    )
    assert response.status_code == 422
    assert "serial_number" in response.json()["errors"]
    okafor.refresh_from_db()
    assert okafor.unit == "Major Crimes Division"


def test_an_approver_may_read_but_not_patch_an_employee(
    commander: User, staff: dict[str, Employee]
) -> None:
    okafor = staff["okafor"]
    assert client_for(commander).get(f"{API}/employees/{okafor.pk}").status_code == 200
    response = send(token_client(commander), "patch", f"/employees/{okafor.pk}", {"unit": "X"})
    assert response.status_code == 403


def test_an_employees_activities_are_those_the_caller_may_see(
    clerk: User, outsider: User, agency: Agency, other_agency: Agency, staff: dict[str, Employee]
) -> None:
    okafor = staff["okafor"]
    attended = ParticipationFactory.create(
        employee=okafor, activity=ActivityFactory.create(agency=agency)
    ).activity
    ActivityFactory.create(agency=agency)  # not hers
    body = client_for(clerk).get(f"{API}/employees/{okafor.pk}/activities").json()
    assert [a["id"] for a in body["items"]] == [attended.pk]
    assert body["count"] == 1
    response = client_for(outsider).get(f"{API}/employees/{okafor.pk}/activities")
    assert response.status_code == 404


# --- external persons ------------------------------------------------------------------


def test_external_persons_are_listed_filtered_and_isolated(
    clerk: User, outsider: User, employee_user: User, agency: Agency
) -> None:
    ministry = OrganisationFactory.create(
        name="Ministry of Interior", country="AE", org_type="ministry"
    )
    trainee = ExternalPersonFactory.create(
        agency=agency, full_name="Omar Haddad", organisation=ministry, position="Captain"
    )
    ExternalPersonFactory.create(agency=agency, full_name="Jean Martin", country="FR")
    client = client_for(clerk)
    body = client.get(f"{API}/external-persons").json()
    assert body["count"] == 2
    assert [
        p["full_name"]
        for p in client.get(f"{API}/external-persons", {"q": "ministry"}).json()["items"]
    ] == ["Omar Haddad"]
    assert [
        p["full_name"]
        for p in client.get(f"{API}/external-persons", {"country": "fr"}).json()["items"]
    ] == ["Jean Martin"]
    detail = client.get(f"{API}/external-persons/{trainee.pk}").json()
    assert detail["organisation"] == {
        "id": ministry.pk,
        "name": "Ministry of Interior",
        "country": "AE",
        "type": "ministry",
    }
    assert (detail["country"], detail["country_name"]) == ("AE", "United Arab Emirates")
    # Another agency's coordinator reads their own (empty) list; an employee without a
    # people-reading role is refused the list, as on the page (403 on both doors).
    assert client_for(outsider).get(f"{API}/external-persons").json() == {
        "items": [],
        "count": 0,
        "count_is_exact": True,
    }
    refused = client_for(employee_user).get(f"{API}/external-persons")
    assert refused.status_code == 403
    assert "items" not in refused.json()
    for user in (outsider, employee_user):
        assert client_for(user).get(f"{API}/external-persons/{trainee.pk}").status_code == 404


def test_a_coordinator_records_an_external_person(clerk: User, agency: Agency) -> None:
    ministry = OrganisationFactory.create(name="Ministry of Interior", country="AE")
    response = send(
        token_client(clerk),
        "post",
        "/external-persons",
        {
            "full_name": "Omar Haddad",
            "country": "ae",
            "organisation_id": ministry.pk,
            "position": "Captain",
        },
    )
    assert response.status_code == 201, response.content
    person = ExternalPerson.objects.get(pk=response.json()["id"])
    assert (person.agency, str(person.country), person.organisation) == (agency, "AE", ministry)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"organisation_id": 999999}, "organisation_id"),
        ({"country": "XX"}, "country"),
        ({"full_name": ""}, "full_name"),
    ],
)
def test_bad_external_person_input_is_refused_naming_the_field(
    clerk: User, change: dict[str, Any], field: str
) -> None:
    body = {"full_name": "Omar Haddad", "country": "AE", **change}
    response = send(token_client(clerk), "post", "/external-persons", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert not ExternalPerson.objects.exists()


# --- organisations ---------------------------------------------------------------------


def test_the_organisation_registry_is_shared_and_filtered(outsider: User) -> None:
    rcmp = OrganisationFactory.create(name="Royal Canadian Mounted Police", country="CA")
    OrganisationFactory.create(name="Royal Thai Police", country="TH")
    OrganisationFactory.create(name="Interpol", country="FR", org_type="international")
    client = client_for(outsider)
    assert client.get(f"{API}/organisations").json()["count"] == 3
    cases = [
        ({"q": "royal police"}, ["Royal Canadian Mounted Police", "Royal Thai Police"]),
        ({"country": "th"}, ["Royal Thai Police"]),
        ({"type": "international"}, ["Interpol"]),
    ]
    for params, expected in cases:
        items = client.get(f"{API}/organisations", params).json()["items"]
        assert [o["name"] for o in items] == expected, params
    detail = client.get(f"{API}/organisations/{rcmp.pk}").json()
    assert detail == {
        "id": rcmp.pk,
        "name": "Royal Canadian Mounted Police",
        "country": "CA",
        "country_name": "Canada",
        "type": "police",
        "website": "",
        "notes": "",
        "url": f"{API}/organisations/{rcmp.pk}",
    }
    assert client.get(f"{API}/organisations", {"type": "cult"}).status_code == 422


def test_a_coordinator_adds_an_organisation(clerk: User) -> None:
    response = send(
        token_client(clerk),
        "post",
        "/organisations",
        {"name": "Carabinieri  Training Centre", "country": "IT", "type": "police"},
    )
    assert response.status_code == 201, response.content
    assert Organisation.objects.get().name == "Carabinieri Training Centre"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "royal thai police", "country": "TH", "type": "police"}, "name"),
        ({"name": "Gendarmerie", "country": "FR", "type": "cult"}, "type"),
        ({"name": "Gendarmerie", "country": "ZZ", "type": "police"}, "country"),
        (
            {"name": "Gendarmerie", "country": "FR", "type": "police", "website": "not a url"},
            "website",
        ),
    ],
)
def test_bad_organisation_input_is_refused_naming_the_field(
    clerk: User, body: dict[str, Any], field: str
) -> None:
    OrganisationFactory.create(name="Royal Thai Police", country="TH")
    response = send(token_client(clerk), "post", "/organisations", body)
    assert response.status_code == 422, response.content
    assert field in response.json()["errors"]
    assert Organisation.objects.count() == 1


def test_an_approver_cannot_add_an_organisation(commander: User) -> None:
    response = send(
        token_client(commander),
        "post",
        "/organisations",
        {"name": "Gendarmerie", "country": "FR", "type": "police"},
    )
    assert response.status_code == 403
    assert not Organisation.objects.exists()


def test_an_organisations_activities_are_only_those_the_caller_may_see(
    clerk: User, outsider: User, agency: Agency, other_agency: Agency
) -> None:
    interpol = OrganisationFactory.create(name="Interpol", country="FR", org_type="international")
    ours = ActivityFactory.create(agency=agency, organiser_organisation=interpol)
    theirs = ActivityFactory.create(agency=other_agency, host_organisation=interpol)
    ActivityFactory.create(agency=agency)
    mine = client_for(clerk).get(f"{API}/organisations/{interpol.pk}/activities").json()
    assert [a["id"] for a in mine["items"]] == [ours.pk]
    others = client_for(outsider).get(f"{API}/organisations/{interpol.pk}/activities").json()
    assert [a["id"] for a in others["items"]] == [theirs.pk]
    missing = client_for(clerk).get(f"{API}/organisations/999999/activities")
    assert missing.status_code == 404
