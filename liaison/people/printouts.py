"""Employees, external persons and organisations as printable PDFs (issue 9, ADR 0025).

The caller (page view or API handler) has already read the record through the record
page's own ``access_*``; these only print what the people register knows. A person's and
an organisation's activities are left out: they belong to the activities layer above
this app, and each activity has its own printout."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from liaison.core.printing import pdf_response
from liaison.people.access import external_persons_visible_to
from liaison.people.models import Employee, ExternalPerson, Organisation

# The organisation printout lists at most this many of its people (the page shows 50).
PEOPLE_PRINTED = 200


def employee_pdf_response(request: HttpRequest, employee: Employee) -> HttpResponse:
    return pdf_response(
        request,
        "people/print/employee.html",
        {"title": f"Employee {employee.full_name}", "employee": employee},
        filename=f"employee-{employee.pk}.pdf",
    )


def external_person_pdf_response(request: HttpRequest, person: ExternalPerson) -> HttpResponse:
    return pdf_response(
        request,
        "people/print/external_person.html",
        {"title": f"External person {person.full_name}", "person": person},
        filename=f"external-person-{person.pk}.pdf",
    )


def organisation_pdf_response(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    # The organisation's people in the viewer's agencies, as its page lists them.
    people = (
        external_persons_visible_to(request.user)
        .filter(organisation_id=organisation.pk)
        .select_related("agency")
        .order_by("full_name", "id")
    )
    return pdf_response(
        request,
        "people/print/organisation.html",
        {
            "title": f"Organisation {organisation.name}",
            "organisation": organisation,
            "people": people[:PEOPLE_PRINTED],
            "people_count": people.count(),
        },
        filename=f"organisation-{organisation.pk}.pdf",
    )
