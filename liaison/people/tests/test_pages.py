"""Pages for employees, external persons and organisations: who sees what, the forms'
errors, and that a person's or organisation's activities are filtered by activity access."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import client_for
from liaison.accounts.models import Agency, RoleGrant, User
from liaison.accounts.tests.factories import user_with_role
from liaison.activities.tests.factories import (
    ActivityFactory,
    LocationFactory,
    ParticipationFactory,
)
from liaison.people.models import Employee, ExternalPerson, Organisation
from liaison.people.tests.factories import (
    EmployeeFactory,
    ExternalPersonFactory,
    OrganisationFactory,
)


def _html(response: Any) -> str:
    return str(response.content.decode())


@pytest.fixture
def ours(agency: Agency) -> Employee:
    return EmployeeFactory.create(
        agency=agency,
        first_name="Maria",
        last_name="Alvarez",
        serial_number="30501",
        rank="Captain",
        unit="Counter-Terrorism",
        employment_type="sworn",
    )


@pytest.fixture
def theirs(other_agency: Agency) -> Employee:
    return EmployeeFactory.create(
        agency=other_agency, first_name="Tobias", last_name="Lindqvist", serial_number="77001"
    )


# --- employee list ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["clerk", "commander", "inspector", "security_officer", "reviewer", "administrator"]
)
def test_agency_readers_see_their_employees_and_not_another_agencys(
    ours: Employee, theirs: Employee, persona: str, request: pytest.FixtureRequest
) -> None:
    response = client_for(request.getfixturevalue(persona)).get(reverse("people:employee_list"))
    assert response.status_code == 200
    assert [e.pk for e in response.context["page"].items] == [ours.pk]
    assert "Alvarez" in _html(response) and "Lindqvist" not in _html(response)


def test_the_outsider_sees_only_their_own_agencys_employees(
    ours: Employee, theirs: Employee, outsider: User
) -> None:
    response = client_for(outsider).get(reverse("people:employee_list"))
    assert [e.pk for e in response.context["page"].items] == [theirs.pk]


def test_an_employee_without_a_reading_role_may_not_browse_the_list(
    employee_record: Employee, employee_user: User
) -> None:
    assert client_for(employee_user).get(reverse("people:employee_list")).status_code == 403
    assert client_for(employee_user).get(reverse("people:external_list")).status_code == 403


def test_an_employee_may_open_their_own_record_but_no_one_elses(
    employee_record: Employee, employee_user: User, ours: Employee
) -> None:
    client = client_for(employee_user)
    assert (
        client.get(reverse("people:employee_detail", args=[employee_record.pk])).status_code == 200
    )
    assert client.get(reverse("people:employee_detail", args=[ours.pk])).status_code == 404


def test_the_list_shows_the_columns_with_status_as_text(ours: Employee, clerk: User) -> None:
    ParticipationFactory.create(activity=ActivityFactory.create(agency=ours.agency), employee=ours)
    ParticipationFactory.create(activity=ActivityFactory.create(agency=ours.agency), employee=ours)
    EmployeeFactory.create(
        agency=ours.agency, last_name="Zimmer", active=False, employment_type="civilian"
    )
    response = client_for(clerk).get(reverse("people:employee_list"))
    rows = {e.last_name: e for e in response.context["page"].items}
    assert rows["Alvarez"].activity_count == 2
    assert rows["Zimmer"].activity_count == 0
    html = _html(response)
    for text in (
        "30501",
        "Captain",
        "Counter-Terrorism",
        "Sworn",
        "Civilian",
        "Active",
        "Inactive",
        '<th scope="col">Activities</th>',
        "<caption>Employees",
    ):
        assert text in html, text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "alvarez"}, ["Alvarez"]),
        ({"q": "30502"}, ["Brennan"]),
        ({"q": "maria alv"}, ["Alvarez"]),
        ({"unit": "aviation"}, ["Brennan"]),
        ({"active": "no"}, ["Chen"]),
        ({"active": "yes"}, ["Alvarez", "Brennan"]),
        ({"active": "bogus"}, ["Alvarez", "Brennan", "Chen"]),
    ],
)
def test_the_list_filters_by_name_serial_unit_and_status(
    ours: Employee, clerk: User, params: dict[str, str], expected: list[str]
) -> None:
    EmployeeFactory.create(
        agency=ours.agency,
        last_name="Brennan",
        serial_number="30502",
        unit="Air Support / Aviation",
    )
    EmployeeFactory.create(agency=ours.agency, last_name="Chen", active=False)
    response = client_for(clerk).get(reverse("people:employee_list"), params)
    assert [e.last_name for e in response.context["page"].items] == expected


def test_the_list_is_paginated_and_keeps_the_filters(
    agency: Agency, clerk: User, settings: Any
) -> None:
    settings.PAGE_SIZE = 2
    for n in range(5):
        EmployeeFactory.create(agency=agency, last_name=f"Officer{n}", unit="Patrol")
    response = client_for(clerk).get(
        reverse("people:employee_list"), {"unit": "patrol", "page": "3"}
    )
    page = response.context["page"]
    assert (page.count, page.number, [e.last_name for e in page.items]) == (5, 3, ["Officer4"])
    html = _html(response)
    assert '<nav aria-label="Pages of employees"' in html
    assert "?unit=patrol&amp;page=2" in html


def test_coordinators_and_admins_get_the_add_button(
    agency: Agency, clerk: User, administrator: User, commander: User
) -> None:
    add = reverse("people:employee_create")
    assert add in _html(client_for(clerk).get(reverse("people:employee_list")))
    assert add in _html(client_for(administrator).get(reverse("people:employee_list")))
    assert add not in _html(client_for(commander).get(reverse("people:employee_list")))


def test_an_administrator_of_every_agency_sees_every_agencys_employees(
    ours: Employee, theirs: Employee
) -> None:
    admin = user_with_role("admin", None, "state_admin")
    response = client_for(admin).get(reverse("people:employee_list"))
    assert {e.pk for e in response.context["page"].items} == {ours.pk, theirs.pk}
    assert '<th scope="col">Agency</th>' in _html(response)


# --- employee detail -------------------------------------------------------------------


def test_another_agencys_employee_answers_404(
    theirs: Employee, clerk: User, inspector: User
) -> None:
    for user in (clerk, inspector):
        client = client_for(user)
        assert client.get(reverse("people:employee_detail", args=[theirs.pk])).status_code == 404
        assert client.get(reverse("people:employee_edit", args=[theirs.pk])).status_code == 404


def test_the_detail_lists_the_employees_activities_with_their_role(
    ours: Employee, clerk: User
) -> None:
    taught = ActivityFactory.create(agency=ours.agency, title="Crowd Management Seminar")
    LocationFactory.create(activity=taught, country="TH", city="Bangkok")
    ParticipationFactory.create(activity=taught, employee=ours, role="instructor")
    ActivityFactory.create(agency=ours.agency, title="Someone Else's Course")
    response = client_for(clerk).get(reverse("people:employee_detail", args=[ours.pk]))
    assert [a.pk for a in response.context["page"].items] == [taught.pk]
    assert response.context["page"].items[0].role == "instructor"
    html = _html(response)
    assert "Crowd Management Seminar" in html and "Instructor" in html
    assert "Bangkok, Thailand" in html
    assert "Someone Else" not in html


def test_the_detail_lists_only_activities_the_viewer_may_see(
    ours: Employee, other_agency: Agency, clerk: User
) -> None:
    # A joint exercise recorded by another agency may list our employee; the other
    # agency's record must stay invisible to us even on our own employee's page.
    course = ActivityFactory.create(agency=ours.agency, title="Our Course")
    ParticipationFactory.create(activity=course, employee=ours)
    joint = ActivityFactory.create(agency=other_agency, title="Their Joint Exercise")
    ParticipationFactory.create(activity=joint, employee=ours)
    response = client_for(clerk).get(reverse("people:employee_detail", args=[ours.pk]))
    assert [a.title for a in response.context["page"].items] == ["Our Course"]
    assert "Their Joint Exercise" not in _html(response)


def test_the_edit_link_is_for_coordinators_and_admins(
    ours: Employee, clerk: User, commander: User
) -> None:
    edit = reverse("people:employee_edit", args=[ours.pk])
    url = reverse("people:employee_detail", args=[ours.pk])
    assert edit in _html(client_for(clerk).get(url))
    assert edit not in _html(client_for(commander).get(url))


# --- employee create and edit ----------------------------------------------------------

NEW_EMPLOYEE = {
    "serial_number": "40001",
    "first_name": "Ana",
    "last_name": "Okafor",
    "rank": "Lieutenant",
    "unit": "Training Division",
    "employment_type": "sworn",
    "active": "on",
}


def test_a_coordinator_adds_an_employee_to_their_agency(agency: Agency, clerk: User) -> None:
    response = client_for(clerk).post(reverse("people:employee_create"), NEW_EMPLOYEE)
    employee = Employee.objects.get(serial_number="40001")
    assert response.status_code == 302
    assert response["Location"] == reverse("people:employee_detail", args=[employee.pk])
    assert (employee.agency, employee.last_name, employee.active) == (agency, "Okafor", True)
    assert employee.history.get().history_user == clerk


def test_a_duplicate_serial_number_is_reported_on_its_field_and_nothing_is_saved(
    ours: Employee, clerk: User
) -> None:
    before = Employee.objects.count()
    response = client_for(clerk).post(
        reverse("people:employee_create"), {**NEW_EMPLOYEE, "serial_number": "30501"}
    )
    assert response.status_code == 422
    assert Employee.objects.count() == before
    assert response.context["form"].errors["serial_number"] == [
        "Serial number 30501 is already used by another employee of Metro Police Department."
    ]
    html = _html(response)
    assert 'id="id_serial_number_error"' in html
    assert 'aria-describedby="id_serial_number_helptext id_serial_number_error"' in html
    assert "usa-form-group--error" in html
    assert 'role="alert"' in html and 'href="#id_serial_number"' in html


def test_a_serial_number_used_in_another_agency_is_fine(theirs: Employee, clerk: User) -> None:
    client_for(clerk).post(
        reverse("people:employee_create"), {**NEW_EMPLOYEE, "serial_number": theirs.serial_number}
    )
    assert Employee.objects.filter(serial_number=theirs.serial_number).count() == 2


def test_missing_names_are_reported_and_nothing_is_saved(agency: Agency, clerk: User) -> None:
    response = client_for(clerk).post(
        reverse("people:employee_create"), {**NEW_EMPLOYEE, "first_name": "", "last_name": " "}
    )
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"first_name", "last_name"}
    assert not Employee.objects.exists()


@pytest.mark.parametrize("persona", ["commander", "inspector", "employee_user"])
def test_other_roles_may_not_add_or_edit_employees(
    ours: Employee, persona: str, request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("people:employee_create")).status_code == 403
    assert client.post(reverse("people:employee_create"), NEW_EMPLOYEE).status_code == 403
    edit = reverse("people:employee_edit", args=[ours.pk])
    expected = 404 if persona == "employee_user" else 403
    assert client.post(edit, {**NEW_EMPLOYEE, "serial_number": "30501"}).status_code == expected
    assert not Employee.objects.filter(serial_number="40001").exists()


def test_the_agency_is_asked_only_of_a_user_who_may_add_to_several(
    agency: Agency, other_agency: Agency, clerk: User
) -> None:
    assert (
        "agency"
        not in client_for(clerk).get(reverse("people:employee_create")).context["form"].fields
    )
    both = user_with_role("coordinator", agency, "regional_clerk")
    RoleGrant.objects.create(user=both, role="coordinator", agency=other_agency)
    client = client_for(both)
    assert "agency" in client.get(reverse("people:employee_create")).context["form"].fields
    missing = client.post(reverse("people:employee_create"), NEW_EMPLOYEE)
    assert "agency" in missing.context["form"].errors
    client.post(reverse("people:employee_create"), {**NEW_EMPLOYEE, "agency": other_agency.pk})
    assert Employee.objects.get(serial_number="40001").agency == other_agency


def test_a_coordinator_edits_an_employee(ours: Employee, clerk: User) -> None:
    url = reverse("people:employee_edit", args=[ours.pk])
    form = client_for(clerk).get(url).context["form"]
    assert form.initial["serial_number"] == "30501"
    data = {**NEW_EMPLOYEE, "serial_number": "30501", "rank": "Commander"}
    del data["active"]
    response = client_for(clerk).post(url, data)
    assert response.status_code == 302
    ours.refresh_from_db()
    assert (ours.rank, ours.last_name, ours.active) == ("Commander", "Okafor", False)


def test_editing_to_a_taken_serial_number_changes_nothing(ours: Employee, clerk: User) -> None:
    other = EmployeeFactory.create(agency=ours.agency, serial_number="30999")
    response = client_for(clerk).post(
        reverse("people:employee_edit", args=[ours.pk]),
        {**NEW_EMPLOYEE, "serial_number": other.serial_number},
    )
    assert response.status_code == 422
    assert "serial_number" in response.context["form"].errors
    ours.refresh_from_db()
    assert (ours.serial_number, ours.last_name) == ("30501", "Alvarez")


# --- external persons ------------------------------------------------------------------


@pytest.fixture
def academy(db: None) -> Organisation:
    return OrganisationFactory.create(
        name="UAE Ministry of Interior", country="AE", org_type="ministry"
    )


def test_external_persons_are_listed_per_agency(
    agency: Agency, other_agency: Agency, clerk: User, outsider: User
) -> None:
    mine = ExternalPersonFactory.create(agency=agency, full_name="Khalid Al Mansoori")
    other = ExternalPersonFactory.create(agency=other_agency, full_name="Pierre Durand")
    assert [
        p.pk for p in client_for(clerk).get(reverse("people:external_list")).context["page"].items
    ] == [mine.pk]
    assert [
        p.pk
        for p in client_for(outsider).get(reverse("people:external_list")).context["page"].items
    ] == [other.pk]
    assert (
        client_for(outsider).get(reverse("people:external_detail", args=[mine.pk])).status_code
        == 404
    )


def test_a_coordinator_adds_an_external_person(
    agency: Agency, academy: Organisation, clerk: User
) -> None:
    response = client_for(clerk).post(
        reverse("people:external_create"),
        {
            "full_name": "Khalid Al Mansoori",
            "organisation": academy.pk,
            "position": "Major",
            "country": "AE",
        },
    )
    person = ExternalPerson.objects.get()
    assert response.status_code == 302
    assert (person.agency, person.organisation, str(person.country)) == (agency, academy, "AE")


def test_an_external_person_needs_a_real_country(agency: Agency, clerk: User) -> None:
    response = client_for(clerk).post(
        reverse("people:external_create"), {"full_name": "Khalid Al Mansoori", "country": "XX"}
    )
    assert response.status_code == 422
    assert "country" in response.context["form"].errors
    assert not ExternalPerson.objects.exists()


def test_a_commander_may_not_add_external_persons(agency: Agency, commander: User) -> None:
    assert client_for(commander).get(reverse("people:external_create")).status_code == 403


def test_an_external_persons_page_lists_their_visible_activities(
    agency: Agency, other_agency: Agency, clerk: User
) -> None:
    trainee = ExternalPersonFactory.create(agency=agency, full_name="Khalid Al Mansoori")
    course = ActivityFactory.create(
        agency=agency, title="Inbound Leadership Course", direction="inbound"
    )
    ParticipationFactory.create(
        activity=course, employee=None, external_person=trainee, role="trainee"
    )
    elsewhere = ActivityFactory.create(agency=other_agency, title="Their Course")
    ParticipationFactory.create(activity=elsewhere, employee=None, external_person=trainee)
    response = client_for(clerk).get(reverse("people:external_detail", args=[trainee.pk]))
    assert [a.pk for a in response.context["page"].items] == [course.pk]
    html = _html(response)
    assert "Inbound Leadership Course" in html and "Trainee (inbound)" in html
    assert "Their Course" not in html


# --- organisations ---------------------------------------------------------------------


def test_every_signed_in_user_may_browse_and_filter_organisations(
    academy: Organisation, employee_user: User
) -> None:
    OrganisationFactory.create(name="Royal Thai Police", country="TH", org_type="police")
    OrganisationFactory.create(name="Interpol", country="FR", org_type="international")
    client = client_for(employee_user)
    names = [o.name for o in client.get(reverse("people:organisation_list")).context["page"].items]
    assert names == ["Interpol", "Royal Thai Police", "UAE Ministry of Interior"]
    for params, expected in (
        ({"q": "thai"}, ["Royal Thai Police"]),
        ({"country": "FR"}, ["Interpol"]),
        ({"org_type": "ministry"}, ["UAE Ministry of Interior"]),
    ):
        page = client.get(reverse("people:organisation_list"), params).context["page"]
        assert [o.name for o in page.items] == expected, params
    assert client.get(reverse("people:organisation_detail", args=[academy.pk])).status_code == 200


def test_a_coordinator_adds_an_organisation(agency: Agency, clerk: User) -> None:
    response = client_for(clerk).post(
        reverse("people:organisation_create"),
        {
            "name": "Royal  Thai Police",
            "country": "TH",
            "org_type": "police",
            "website": "https://www.royalthaipolice.go.th",
            "notes": "",
        },
    )
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("people:organisation_detail", args=[organisation.pk])
    assert organisation.name == "Royal Thai Police"


def test_a_duplicate_organisation_is_reported_on_the_name_and_nothing_is_saved(
    academy: Organisation, clerk: User
) -> None:
    response = client_for(clerk).post(
        reverse("people:organisation_create"),
        {"name": "uae ministry of interior", "country": "AE", "org_type": "ministry"},
    )
    assert response.status_code == 422
    assert "already in the registry" in response.context["form"].errors["name"][0]
    assert 'id="id_name_error"' in _html(response)
    assert Organisation.objects.count() == 1


def test_the_same_name_in_another_country_is_a_different_organisation(
    academy: Organisation, clerk: User
) -> None:
    client_for(clerk).post(
        reverse("people:organisation_create"),
        {"name": academy.name, "country": "QA", "org_type": "ministry"},
    )
    assert Organisation.objects.count() == 2


@pytest.mark.parametrize("persona", ["commander", "inspector", "employee_user"])
def test_other_roles_may_not_add_organisations(
    agency: Agency, persona: str, request: pytest.FixtureRequest
) -> None:
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("people:organisation_create")).status_code == 403
    assert (
        client.post(
            reverse("people:organisation_create"),
            {"name": "Interpol", "country": "FR", "org_type": "international"},
        ).status_code
        == 403
    )
    assert not Organisation.objects.exists()


def test_an_organisations_activities_are_filtered_by_activity_access(
    academy: Organisation, agency: Agency, other_agency: Agency, clerk: User, outsider: User
) -> None:
    ours = ActivityFactory.create(
        agency=agency,
        title="Our Visit",
        host_organisation=academy,
        start_date=dt.date(2022, 1, 10),
        end_date=dt.date(2022, 1, 12),
    )
    theirs = ActivityFactory.create(
        agency=other_agency, title="Their Seminar", organiser_organisation=academy
    )
    ActivityFactory.create(agency=agency, title="Unrelated")
    url = reverse("people:organisation_detail", args=[academy.pk])
    mine = client_for(clerk).get(url)
    assert [a.pk for a in mine.context["page"].items] == [ours.pk]
    assert "Host" in _html(mine) and "Their Seminar" not in _html(mine)
    other = client_for(outsider).get(url)
    assert other.status_code == 200
    assert [a.pk for a in other.context["page"].items] == [theirs.pk]
    assert "Organiser" in _html(other) and "Our Visit" not in _html(other)


def test_an_unknown_organisation_answers_404(clerk: User) -> None:
    assert (
        client_for(clerk).get(reverse("people:organisation_detail", args=[999999])).status_code
        == 404
    )


@pytest.mark.parametrize(
    "name",
    [
        "employee_list",
        "employee_create",
        "external_list",
        "external_create",
        "organisation_list",
        "organisation_create",
    ],
)
def test_every_page_needs_a_signed_in_user(name: str, db: None) -> None:
    response = Client().get(reverse(f"people:{name}"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
