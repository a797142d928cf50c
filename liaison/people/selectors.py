"""Reads for employees, external persons and organisations: the filtered lists that pages
and the API share. Each starts from the ``*_visible_to`` choke point in ``people.access``
so that no filter can widen what a user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from liaison.people.access import (
    employees_visible_to,
    external_persons_visible_to,
    organisations_visible_to,
    require_people_reader,
)
from liaison.people.models import Employee, ExternalPerson, Organisation


def _words(q: str) -> list[str]:
    return q.split()[:10]


def employee_list(
    *, user: Any, q: str = "", unit: str = "", active: bool | None = None, agency: int | None = None
) -> QuerySet[Employee]:
    """Employees the user may see. ``q`` matches every word against name or serial number;
    ``unit`` is a case-insensitive substring (units are free text).

    Browsing the list needs a people-reading role (``Forbidden`` otherwise), on the page and
    in the API alike; an employee opens their own record through ``access_employee``."""
    require_people_reader(user)
    qs = employees_matching(employees_visible_to(user).select_related("agency"), q)
    if unit:
        qs = qs.filter(unit__icontains=unit.strip())
    if active is not None:
        qs = qs.filter(active=active)
    if agency:
        qs = qs.filter(agency_id=agency)
    return qs.order_by("last_name", "first_name", "serial_number", "id")


def employees_matching(qs: QuerySet[Employee], q: str) -> QuerySet[Employee]:
    """``qs`` narrowed to employees whose name or serial number matches every word of
    ``q``: the one matching rule of the employee list, the API and the participant
    autocomplete."""
    for word in _words(q):
        qs = qs.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(serial_number__iexact=word)
        )
    return qs


def employees_named(*, user: Any, text: str) -> QuerySet[Employee]:
    """Employees the user may see whom ``text`` names: by serial number (as written, or
    in capitals), or else by words that each appear in the first or last name. This is how the
    activity list's ``person`` filter reads a person (never an internal id); unlike
    ``employee_list`` it needs no people-reading role: an employee may name themself."""
    text = " ".join(text.split())
    if not text:
        return Employee.objects.none()
    visible = employees_visible_to(user)
    # A serial number names one person and is looked up through the (agency, serial)
    # index; only text that is no one's serial number is read as name words.
    by_serial = visible.filter(serial_number__in=sorted({text, text.upper()}))
    if by_serial.exists():
        return by_serial
    by_name = Q()
    for word in _words(text):
        by_name &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
    return visible.filter(by_name)


def external_person_list(
    *, user: Any, q: str = "", country: str = "", agency: int | None = None
) -> QuerySet[ExternalPerson]:
    """External persons the user may see; ``q`` matches name, position or organisation.

    Like ``employee_list``, browsing needs a people-reading role (``Forbidden``
    otherwise): the page and the API answer 403 alike, never an empty 200."""
    require_people_reader(user)
    qs = external_persons_visible_to(user).select_related("agency", "organisation")
    for word in _words(q):
        qs = qs.filter(
            Q(full_name__icontains=word)
            | Q(position__icontains=word)
            | Q(organisation__name__icontains=word)
        )
    if country:
        qs = qs.filter(country=country.strip().upper())
    if agency:
        qs = qs.filter(agency_id=agency)
    return qs.order_by("full_name", "id")


def organisation_list(
    *, user: Any, q: str = "", country: str = "", org_type: str = ""
) -> QuerySet[Organisation]:
    """The organisation registry, filtered; ``q`` matches every word against the name."""
    qs = organisations_visible_to(user)
    for word in _words(q):
        qs = qs.filter(name__icontains=word)
    if country:
        qs = qs.filter(country=country.strip().upper())
    if org_type:
        qs = qs.filter(org_type=org_type)
    return qs.order_by("name", "id")


def former_employees_of(agency_id: int) -> QuerySet[Employee]:
    """Employees who once belonged to ``agency_id`` and have since moved to another
    agency: their own history (``HistoricalEmployee``) shows the agency. One person, one
    row: a move changes the row's agency, and the old agency's records keep pointing at
    the same person (ADR 0028). Not access-checked: callers decide who may name them."""
    was_here = Employee.history.filter(agency_id=agency_id).values("id")  # type: ignore[attr-defined]
    return Employee.objects.filter(pk__in=was_here).exclude(agency_id=agency_id)
