"""``employee_link_user``: a sign-in belongs to one employee; coordinators link them."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from liaison.accounts.models import Agency, User
from liaison.accounts.tests.factories import UserFactory
from liaison.core.errors import Forbidden
from liaison.people.models import Employee
from liaison.people.services import employee_link_user
from liaison.people.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def test_a_coordinator_links_a_sign_in_to_an_employee_with_one_history_row(
    agency: Agency, clerk: User
) -> None:
    employee = EmployeeFactory.create(agency=agency)
    login = UserFactory.create(username="officer-login")
    before = employee.history.count()  # type: ignore[attr-defined]
    employee_link_user(actor=clerk, employee=employee, user=login)
    employee.refresh_from_db()
    assert employee.user == login
    assert employee.history.count() == before + 1  # type: ignore[attr-defined]
    latest = employee.history.latest()  # type: ignore[attr-defined]
    assert (latest.history_user, latest.user_id) == (clerk, login.pk)


def test_linking_the_same_pair_again_changes_nothing(agency: Agency, clerk: User) -> None:
    employee = EmployeeFactory.create(agency=agency)
    login = UserFactory.create(username="officer-login")
    employee_link_user(actor=clerk, employee=employee, user=login)
    before = employee.history.count()  # type: ignore[attr-defined]
    employee_link_user(actor=clerk, employee=employee, user=login)
    assert employee.history.count() == before  # type: ignore[attr-defined]


def test_a_sign_in_already_linked_to_someone_else_is_refused(
    agency: Agency, clerk: User, employee_record: Employee
) -> None:
    other = EmployeeFactory.create(agency=agency)
    assert employee_record.user is not None
    with pytest.raises(ValidationError) as caught:
        employee_link_user(actor=clerk, employee=other, user=employee_record.user)
    assert "user" in caught.value.message_dict
    other.refresh_from_db()
    assert other.user is None


def test_an_employee_already_linked_is_not_relinked(clerk: User, employee_record: Employee) -> None:
    stranger = UserFactory.create(username="stranger")
    with pytest.raises(ValidationError):
        employee_link_user(actor=clerk, employee=employee_record, user=stranger)
    employee_record.refresh_from_db()
    assert employee_record.user is not None and employee_record.user.username == "officer"


@pytest.mark.parametrize("persona", ["commander", "inspector", "employee_user", "outsider"])
def test_other_roles_may_not_link_sign_ins(
    agency: Agency, persona: str, request: pytest.FixtureRequest
) -> None:
    actor = request.getfixturevalue(persona)
    employee = EmployeeFactory.create(agency=agency)
    login = UserFactory.create(username="officer-login")
    with pytest.raises(Forbidden):
        employee_link_user(actor=actor, employee=employee, user=login)
    employee.refresh_from_db()
    assert employee.user is None
