"""Domain rules for employees, external persons and organisations."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from liaison.accounts.models import Agency, User
from liaison.core.errors import Forbidden, NotFound
from liaison.people.access import access_employee, employees_visible_to
from liaison.people.models import Employee, ExternalPerson, Organisation
from liaison.people.services import (
    employee_create,
    employee_update,
    external_person_create,
    organisation_create,
)
from liaison.people.tests.factories import EmployeeFactory


def test_a_coordinator_adds_an_employee(clerk: User, agency: Agency) -> None:
    employee = employee_create(
        actor=clerk,
        agency=agency,
        serial_number=" 38211 ",
        first_name="Maria",
        last_name="Okafor",
        rank="Detective",
    )
    assert employee.serial_number == "38211"
    assert employee.history.get().history_user == clerk


def test_it_rejects_a_duplicate_serial_number_in_the_same_agency(
    clerk: User, agency: Agency
) -> None:
    EmployeeFactory.create(agency=agency, serial_number="38211")
    with pytest.raises(ValidationError) as exc:
        employee_create(
            actor=clerk, agency=agency, serial_number="38211", first_name="Ana", last_name="Diaz"
        )
    assert exc.value.message_dict["serial_number"] == [
        "Serial number 38211 is already used by another employee of Metro Police Department."
    ]
    assert Employee.objects.count() == 1


def test_the_same_serial_number_is_fine_in_another_agency(
    clerk: User, agency: Agency, other_agency: Agency
) -> None:
    EmployeeFactory.create(agency=other_agency, serial_number="38211")
    employee_create(
        actor=clerk, agency=agency, serial_number="38211", first_name="Ana", last_name="Diaz"
    )
    assert Employee.objects.filter(serial_number="38211").count() == 2


def test_the_database_refuses_a_duplicate_serial_number(agency: Agency) -> None:
    EmployeeFactory.create(agency=agency, serial_number="1")
    with pytest.raises(IntegrityError), transaction.atomic():
        EmployeeFactory.create(agency=agency, serial_number="1")


def test_it_names_missing_fields(clerk: User, agency: Agency) -> None:
    with pytest.raises(ValidationError) as exc:
        employee_create(actor=clerk, agency=agency, serial_number="", first_name="", last_name="")
    assert {"serial_number", "first_name", "last_name"} <= set(exc.value.message_dict)
    assert Employee.objects.count() == 0


def test_an_update_cannot_take_another_employees_serial(clerk: User, agency: Agency) -> None:
    EmployeeFactory.create(agency=agency, serial_number="1")
    second = EmployeeFactory.create(agency=agency, serial_number="2")
    with pytest.raises(ValidationError):
        employee_update(actor=clerk, employee=second, serial_number="1")
    second.refresh_from_db()
    assert second.serial_number == "2"


def test_an_approver_may_not_add_employees(commander: User, agency: Agency) -> None:
    with pytest.raises(Forbidden):
        employee_create(
            actor=commander, agency=agency, serial_number="9", first_name="A", last_name="B"
        )


def test_another_agencys_employee_looks_missing(outsider: User, agency: Agency) -> None:
    employee = EmployeeFactory.create(agency=agency)
    with pytest.raises(NotFound):
        access_employee(outsider, employee.pk)
    assert not employees_visible_to(outsider).exists()


def test_an_employee_sees_only_their_own_record(
    employee_user: User, employee_record: Employee, agency: Agency
) -> None:
    colleague = EmployeeFactory.create(agency=agency)
    assert list(employees_visible_to(employee_user)) == [employee_record]
    with pytest.raises(NotFound):
        access_employee(employee_user, colleague.pk)
    with pytest.raises(Forbidden):
        access_employee(employee_user, employee_record.pk, action="change")


def test_it_rejects_an_unknown_country_for_an_external_person(clerk: User, agency: Agency) -> None:
    with pytest.raises(ValidationError) as exc:
        external_person_create(actor=clerk, agency=agency, full_name="A. Trainee", country="QQ")
    assert "country" in exc.value.message_dict
    assert ExternalPerson.objects.count() == 0


def test_organisations_are_unique_per_country_ignoring_case(clerk: User) -> None:
    organisation_create(actor=clerk, name="Royal Thai Police", country="TH", org_type="police")
    with pytest.raises(ValidationError) as exc:
        organisation_create(actor=clerk, name="royal thai  police", country="th", org_type="police")
    assert "already in the registry for Thailand" in exc.value.message_dict["name"][0]
    organisation_create(actor=clerk, name="Royal Thai Police", country="GB", org_type="police")
    assert Organisation.objects.count() == 2


def test_it_rejects_an_unknown_organisation_type(clerk: User) -> None:
    with pytest.raises(ValidationError) as exc:
        organisation_create(actor=clerk, name="Acme", country="US", org_type="cult")
    assert "org_type" in exc.value.message_dict
    assert Organisation.objects.count() == 0
