"""The choke point through which employees, external persons and organisations reach a user.

Employees and external persons belong to an agency: readers of that agency see them; an
employee sees their own record. Organisations are a deployment-wide registry that every
signed-in user may read (their activities are still filtered by activity access).
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import Q, QuerySet

from liaison.accounts.access import (
    PEOPLE_EDITORS,
    PEOPLE_READERS,
    REFERENCE_EDITORS,
    Scope,
    agencies_for_new_record,
    has_role,
    scope_for,
    scope_q,
)
from liaison.accounts.models import Agency
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


def access_external_person(user: Any, pk: int, *, action: PersonAction = "view") -> ExternalPerson:
    person = (
        external_persons_visible_to(user)
        .select_related("agency", "organisation")
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise NotFound("No external person with that id.")
    if action == "change" and not can_change_people_in(user, person.agency_id):
        raise Forbidden("Only coordinators and administrators may edit these records.")
    return person


def organisations_visible_to(user: Any) -> QuerySet[Organisation]:
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return Organisation.objects.all()


def access_organisation(user: Any, pk: int, *, action: PersonAction = "view") -> Organisation:
    organisation = organisations_visible_to(user).filter(pk=pk).first()
    if organisation is None:
        raise NotFound("No organisation with that id.")
    if action == "change" and not can_add_organisations(user):
        raise Forbidden("Only coordinators and administrators may edit organisations.")
    return organisation


def require_people_reader(user: Any) -> Scope:
    """The agencies whose people lists the user may read; ``Forbidden`` when none.

    An employee without a reading role may still open their own record
    (``access_employee``), but the agency's lists are not theirs to browse."""
    scope = scope_for(user, *PEOPLE_READERS)
    if scope == frozenset():
        raise Forbidden("Your role does not give access to the agency's people lists.")
    return scope


def agencies_for_new_people(user: Any) -> QuerySet[Agency]:
    """Agencies in which the user may add employees and external persons (empty: none)."""
    return agencies_for_new_record(user, roles=PEOPLE_EDITORS)


def can_add_organisations(user: Any) -> bool:
    """The organisation registry is shared by every agency; editors of reference data in
    any agency may add to it and edit it (``services.organisation_create`` and
    ``organisation_update`` enforce the same rule)."""
    return scope_for(user, *REFERENCE_EDITORS) != frozenset()
