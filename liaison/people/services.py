"""Writes for employees, external persons and organisations. Keyword-only, actor first,
validated before writing, atomic, and attributed in the history."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django_countries import countries

from liaison.accounts.access import REFERENCE_EDITORS, scope_for
from liaison.accounts.models import Agency, User
from liaison.core.audit import save_audited
from liaison.core.countries import country_code
from liaison.core.errors import Forbidden
from liaison.people.access import can_change_people_in
from liaison.people.models import Employee, ExternalPerson, Organisation

EMPLOYEE_FIELDS = (
    "serial_number",
    "first_name",
    "last_name",
    "rank",
    "unit",
    "employment_type",
    "active",
)


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _check_serial(*, agency: Agency, serial_number: str, exclude_pk: int | None) -> None:
    clash = Employee.objects.filter(agency=agency, serial_number=serial_number)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError(
            {
                "serial_number": [
                    f"Serial number {serial_number} is already used by another employee of "
                    f"{agency.name}."
                ]
            }
        )


@transaction.atomic
def employee_create(
    *,
    actor: Any,
    agency: Agency,
    serial_number: str,
    first_name: str,
    last_name: str,
    rank: str = "",
    unit: str = "",
    employment_type: str = "sworn",
    active: bool = True,
) -> Employee:
    """Add an employee. Serial numbers are unique within an agency (checked here with a
    sentence, and by a database constraint)."""
    if not can_change_people_in(actor, agency.pk):
        raise Forbidden("You may not add employees to this agency.")
    employee = Employee(
        agency=agency,
        serial_number=_strip(serial_number),
        first_name=_strip(first_name),
        last_name=_strip(last_name),
        rank=_strip(rank),
        unit=_strip(unit),
        employment_type=employment_type,
        active=active,
    )
    _check_serial(agency=agency, serial_number=employee.serial_number, exclude_pk=None)
    save_audited(employee, actor=actor)
    return employee


@transaction.atomic
def employee_update(*, actor: Any, employee: Employee, **changes: Any) -> Employee:
    """Change the named fields of an employee (caller passed ``access_employee(change)``)."""
    unknown = set(changes) - set(EMPLOYEE_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in unknown})
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    for name, value in changes.items():
        setattr(employee, name, _strip(value))
    _check_serial(
        agency=employee.agency, serial_number=employee.serial_number, exclude_pk=employee.pk
    )
    save_audited(employee, actor=actor)
    return employee


@transaction.atomic
def employee_link_user(*, actor: Any, employee: Employee, user: User) -> Employee:
    """Link ``user`` (a sign-in) to ``employee`` so "my records" finds the trips they take
    part in. Coordinators and administrators of the employee's agency may.

    A sign-in belongs to at most one employee and an employee to at most one sign-in:
    ``ValidationError`` on ``user`` when either is already linked elsewhere. Linking the
    pair that is already linked changes nothing and writes no history row."""
    if not can_change_people_in(actor, employee.agency_id):
        raise Forbidden("You may not change this agency's employee records.")
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    if employee.user_id == user.pk:
        return employee
    if employee.user_id is not None:
        raise ValidationError(
            {"user": [f"{employee} is already linked to another sign-in; unlink it first."]}
        )
    other = Employee.objects.filter(user=user).first()
    if other is not None:
        raise ValidationError(
            {"user": [f"The sign-in {user.username} is already linked to {other}."]}
        )
    employee.user = user
    save_audited(employee, actor=actor, reason="linked a sign-in")
    return employee


@transaction.atomic
def external_person_create(
    *,
    actor: Any,
    agency: Agency,
    full_name: str,
    country: str,
    organisation: Organisation | None = None,
    position: str = "",
) -> ExternalPerson:
    """Record a person outside the department (trainee, instructor, contact)."""
    if not can_change_people_in(actor, agency.pk):
        raise Forbidden("You may not add people to this agency's records.")
    person = ExternalPerson(
        agency=agency,
        full_name=_strip(full_name),
        country=country_code(country),
        organisation=organisation,
        position=_strip(position),
    )
    save_audited(person, actor=actor)
    return person


def _refuse_nulls(changes: dict[str, Any], *, nullable: tuple[str, ...] = ()) -> None:
    """A PATCH that sends ``null`` for a field that cannot be empty is bad input on that
    field (422 naming it), never a database error."""
    nulls = [name for name, value in changes.items() if value is None and name not in nullable]
    if nulls:
        raise ValidationError(
            {name: ["Give a value; this field cannot be null."] for name in nulls}
        )


def _check_organisation_name(organisation: Organisation) -> None:
    code = str(organisation.country)
    clash = Organisation.objects.filter(name__iexact=organisation.name, country=code)
    if organisation.pk:
        clash = clash.exclude(pk=organisation.pk)
    if clash.exists():
        raise ValidationError(
            {
                "name": [
                    f"“{organisation.name}” is already in the registry for {countries.name(code)}."
                ]
            }
        )


def _require_reference_editor(actor: Any, verb: str) -> None:
    if scope_for(actor, *REFERENCE_EDITORS) == frozenset():
        raise Forbidden(f"Only coordinators and administrators {verb} organisations.")


@transaction.atomic
def organisation_create(
    *, actor: Any, name: str, country: str, org_type: str, website: str = "", notes: str = ""
) -> Organisation:
    """Add an organisation to the shared registry. Names are unique per country,
    case-insensitively, so the registry does not fill with near-duplicates."""
    _require_reference_editor(actor, "add")
    name = " ".join((name or "").split())
    organisation = Organisation(
        name=name,
        country=country_code(country),
        org_type=org_type,
        website=website.strip(),
        notes=notes.strip(),
    )
    organisation.full_clean(validate_constraints=False)
    _check_organisation_name(organisation)
    save_audited(organisation, actor=actor, validate=False)
    return organisation


ORGANISATION_FIELDS = ("name", "country", "org_type", "website", "notes")


@transaction.atomic
def organisation_update(*, actor: Any, organisation: Organisation, **changes: Any) -> Organisation:
    """Change the named fields of a registry organisation (``ORGANISATION_FIELDS``).

    The registry is shared by every agency, so the same roles that add to it may edit it
    (coordinators and administrators, checked here; ``Forbidden`` otherwise). A name stays
    unique per country; an unknown field, ``None`` or a bad value raises
    ``ValidationError`` keyed by field and nothing is written. One history row, attributed
    to ``actor``; activities that name the organisation show the new name from now on."""
    _require_reference_editor(actor, "edit")
    unknown = set(changes) - set(ORGANISATION_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in unknown})
    _refuse_nulls(changes)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    for name, value in changes.items():
        if name == "name":
            value = " ".join(str(value).split())
        elif name == "country":
            value = country_code(value)
        setattr(organisation, name, _strip(value))
    organisation.full_clean(validate_constraints=False)
    _check_organisation_name(organisation)
    save_audited(organisation, actor=actor, validate=False)
    return organisation


EXTERNAL_PERSON_FIELDS = ("full_name", "country", "organisation", "position")


@transaction.atomic
def external_person_update(*, actor: Any, person: ExternalPerson, **changes: Any) -> ExternalPerson:
    """Change the named fields of an external person (``EXTERNAL_PERSON_FIELDS``; the
    agency never changes). Only coordinators and administrators of the person's agency may
    (checked here; ``Forbidden`` otherwise). ``organisation`` may be ``None`` (none or not
    known); any other ``None``, unknown field or bad value raises ``ValidationError`` keyed
    by field and nothing is written. One history row, attributed to ``actor``."""
    if not can_change_people_in(actor, person.agency_id):
        raise Forbidden("Only coordinators and administrators may edit these records.")
    unknown = set(changes) - set(EXTERNAL_PERSON_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in unknown})
    _refuse_nulls(changes, nullable=("organisation",))
    person = ExternalPerson.objects.select_for_update().get(pk=person.pk)
    for name, value in changes.items():
        if name == "country":
            value = country_code(value)
        setattr(person, name, _strip(value))
    try:
        person.full_clean(exclude=["agency"])
    except ValidationError as exc:
        raise ValidationError(exc.message_dict) from None
    save_audited(person, actor=actor, validate=False)
    return person
