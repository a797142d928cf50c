"""The choke point through which employees, external persons and organisations reach a user.

Employees and external persons belong to an agency: readers of that agency see them; an
employee sees their own record. Organisations are a deployment-wide registry that every
signed-in user may read (their activities are still filtered by activity access).
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import Q, QuerySet

from liaison.accounts.access import PEOPLE_EDITORS, PEOPLE_READERS, has_role, scope_for, scope_q
from liaison.core.errors import Forbidden, NotFound
from liaison.people.models import Employee, ExternalPerson, Organisation

PersonAction = Literal["view", "change"]


def employees_visible_to(user: Any) -> QuerySet[Employee]:
    if not getattr(user, "is_authenticated", False):
        return Employee.objects.none()
    readers = scope_for(user, *PEOPLE_READERS)
    visible = Q(user_id=user.pk)
    if readers != frozenset():
        visible |= scope_q(readers)
    return Employee.objects.filter(visible)


def external_persons_visible_to(user: Any) -> QuerySet[ExternalPerson]:
    readers = scope_for(user, *PEOPLE_READERS)
    if readers == frozenset():
        return ExternalPerson.objects.none()
    return ExternalPerson.objects.filter(scope_q(readers))


def can_change_people_in(user: Any, agency_id: int) -> bool:
    return any(has_role(user, r, agency_id) for r in PEOPLE_EDITORS)


def access_employee(user: Any, pk: int, *, action: PersonAction = "view") -> Employee:
    employee = employees_visible_to(user).select_related("agency").filter(pk=pk).first()
    if employee is None:
        raise NotFound("No employee with that id.")
    if action == "change" and not can_change_people_in(user, employee.agency_id):
        raise Forbidden("Only coordinators and administrators may edit employee records.")
    return employee


def access_external_person(user: Any, pk: int, *,
                           action: PersonAction = "view") -> ExternalPerson:
    person = (external_persons_visible_to(user).select_related("agency", "organisation")
              .filter(pk=pk).first())
    if person is None:
        raise NotFound("No external person with that id.")
    if action == "change" and not can_change_people_in(user, person.agency_id):
        raise Forbidden("Only coordinators and administrators may edit these records.")
    return person


def organisations_visible_to(user: Any) -> QuerySet[Organisation]:
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.all()


def access_organisation(user: Any, pk: int) -> Organisation:
    organisation = organisations_visible_to(user).filter(pk=pk).first()
    if organisation is None:
        raise NotFound("No organisation with that id.")
    return organisation
