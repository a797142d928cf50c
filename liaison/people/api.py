"""Employees, external persons and organisations. Mounted at the API root.

The activities *of* an employee or an organisation are served by ``activities/api.py``
(``root_router``): this app sits below activities and may not import it.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from ninja import Query, Router
from ninja import Status as HttpStatus

from liaison.accounts.access import PEOPLE_EDITORS, agency_for_new_record
from liaison.accounts.schemas import errors, page_of
from liaison.core.downloads import export_response
from liaison.core.errors import NotFound, fields_renamed
from liaison.core.schemas import PDF_RESPONSE, export_file_responses
from liaison.people.access import access_employee, access_external_person, access_organisation
from liaison.people.exports import EMPLOYEES, EXTERNAL_PERSONS, ORGANISATIONS
from liaison.people.printouts import (
    employee_pdf_response,
    external_person_pdf_response,
    organisation_pdf_response,
)
from liaison.people.schemas import (
    EmployeeExportParams,
    EmployeeIn,
    EmployeeList,
    EmployeeListParams,
    EmployeeOut,
    EmployeePatch,
    ExternalPersonExportParams,
    ExternalPersonIn,
    ExternalPersonList,
    ExternalPersonListParams,
    ExternalPersonOut,
    ExternalPersonPatch,
    OrganisationExportParams,
    OrganisationIn,
    OrganisationList,
    OrganisationListParams,
    OrganisationOut,
)
from liaison.people.selectors import employee_list, external_person_list, organisation_list
from liaison.people.services import (
    employee_create,
    employee_update,
    external_person_create,
    external_person_update,
    organisation_create,
)

router = Router(tags=["people"])


# --- employees -------------------------------------------------------------------------


@router.get(
    "/employees",
    response={200: EmployeeList, **errors(403)},
    operation_id="employee_list",
    url_name="employee_list",
    tags=["employees"],
    summary="Employees I may see",
)
def list_employees(request: HttpRequest, params: Query[EmployeeListParams]) -> dict[str, Any]:
    qs = employee_list(
        user=request.user, q=params.q, unit=params.unit, active=params.active, agency=params.agency
    )
    return page_of(qs, params)


@router.post(
    "/employees",
    response={201: EmployeeOut, **errors(403, 422)},
    operation_id="employee_create",
    tags=["employees"],
    summary="Add an employee (coordinators, administrators)",
)
def create_employee(request: HttpRequest, data: EmployeeIn) -> HttpStatus[Any]:
    agency = agency_for_new_record(request.user, agency_id=data.agency_id, roles=PEOPLE_EDITORS)
    fields = data.model_dump(mode="json", exclude={"agency_id"})
    return HttpStatus(201, employee_create(actor=request.user, agency=agency, **fields))


@router.get(
    "/employees/{employee_id}",
    response={200: EmployeeOut, **errors(404)},
    operation_id="employee_detail",
    url_name="employee_detail",
    tags=["employees"],
    summary="One employee",
)
def get_employee(request: HttpRequest, employee_id: int) -> Any:
    return access_employee(request.user, employee_id)


@router.patch(
    "/employees/{employee_id}",
    response={200: EmployeeOut, **errors(403, 404, 422)},
    operation_id="employee_update",
    tags=["employees"],
    summary="Change some of an employee's fields",
)
def update_employee(request: HttpRequest, employee_id: int, data: EmployeePatch) -> Any:
    employee = access_employee(request.user, employee_id, action="change")
    changes = data.model_dump(mode="json", exclude_unset=True)
    return employee_update(actor=request.user, employee=employee, **changes)


# --- external persons ------------------------------------------------------------------


def _organisation_in_body(request: HttpRequest, organisation_id: int | None) -> Any:
    if organisation_id is None:
        return None
    try:
        return access_organisation(request.user, organisation_id)
    except NotFound:
        # A reference inside the body is bad input (422), not a missing URL (404).
        raise ValidationError({"organisation_id": ["Unknown organisation."]}) from None


@router.get(
    "/external-persons",
    response={200: ExternalPersonList, **errors(403)},
    operation_id="external_person_list",
    url_name="external_person_list",
    tags=["external persons"],
    summary="External persons I may see",
)
def list_external_persons(
    request: HttpRequest, params: Query[ExternalPersonListParams]
) -> dict[str, Any]:
    qs = external_person_list(
        user=request.user, q=params.q, country=params.country, agency=params.agency
    )
    return page_of(qs, params)


@router.post(
    "/external-persons",
    response={201: ExternalPersonOut, **errors(403, 422)},
    operation_id="external_person_create",
    tags=["external persons"],
    summary="Record a person outside the department",
)
def create_external_person(request: HttpRequest, data: ExternalPersonIn) -> HttpStatus[Any]:
    agency = agency_for_new_record(request.user, agency_id=data.agency_id, roles=PEOPLE_EDITORS)
    organisation = _organisation_in_body(request, data.organisation_id)
    person = external_person_create(
        actor=request.user,
        agency=agency,
        full_name=data.full_name,
        country=data.country,
        organisation=organisation,
        position=data.position,
    )
    return HttpStatus(201, person)


@router.get(
    "/external-persons/{person_id}",
    response={200: ExternalPersonOut, **errors(404)},
    operation_id="external_person_detail",
    url_name="external_person_detail",
    tags=["external persons"],
    summary="One external person",
)
def get_external_person(request: HttpRequest, person_id: int) -> Any:
    return access_external_person(request.user, person_id)


@router.patch(
    "/external-persons/{person_id}",
    response={200: ExternalPersonOut, **errors(403, 404, 422)},
    operation_id="external_person_update",
    tags=["external persons"],
    summary="Change some of an external person's fields (coordinators, administrators)",
)
def update_external_person(request: HttpRequest, person_id: int, data: ExternalPersonPatch) -> Any:
    person = access_external_person(request.user, person_id, action="change")
    changes = data.model_dump(mode="json", exclude_unset=True)
    if "organisation_id" in changes:
        changes["organisation"] = _organisation_in_body(request, changes.pop("organisation_id"))
    with fields_renamed({"organisation": "organisation_id"}):
        return external_person_update(actor=request.user, person=person, **changes)


# --- organisations ---------------------------------------------------------------------


@router.get(
    "/organisations",
    response={200: OrganisationList, **errors(422)},
    operation_id="organisation_list",
    url_name="organisation_list",
    tags=["organisations"],
    summary="The organisation registry (shared by every agency)",
)
def list_organisations(
    request: HttpRequest, params: Query[OrganisationListParams]
) -> dict[str, Any]:
    qs = organisation_list(
        user=request.user, q=params.q, country=params.country, org_type=params.type or ""
    )
    return page_of(qs, params)


@router.post(
    "/organisations",
    response={201: OrganisationOut, **errors(403, 422)},
    operation_id="organisation_create",
    tags=["organisations"],
    summary="Add an organisation (coordinators, administrators)",
)
def create_organisation(request: HttpRequest, data: OrganisationIn) -> HttpStatus[Any]:
    organisation = organisation_create(
        actor=request.user,
        name=data.name,
        country=data.country,
        org_type=data.type,
        website=data.website,
        notes=data.notes,
    )
    return HttpStatus(201, organisation)


# GET and PATCH /organisations/{organisation_id} are served by ``activities.api``: renaming
# an organisation rewrites the search text of the activities that name it, which is the
# activities layer's business (``activities.services.organisation_edit``).


# --- exports (issue 9): the lists' own selectors and filters, as CSV, XLSX or JSON --------


@router.get(
    "/exports/employees",
    response={200: None, **errors(403)},
    operation_id="employee_export",
    openapi_extra=export_file_responses("employees"),
    tags=["employees", "exports"],
    summary="The employee list as a file (the list's filters; every page)",
)
def export_employees(request: HttpRequest, params: Query[EmployeeExportParams]) -> HttpResponseBase:
    qs = employee_list(
        user=request.user, q=params.q, unit=params.unit, active=params.active, agency=params.agency
    )
    return export_response(EMPLOYEES, qs, fmt=params.format)


@router.get(
    "/exports/external-persons",
    response={200: None, **errors(403)},
    operation_id="external_person_export",
    openapi_extra=export_file_responses("external persons"),
    tags=["external persons", "exports"],
    summary="The external persons list as a file (the list's filters; every page)",
)
def export_external_persons(
    request: HttpRequest, params: Query[ExternalPersonExportParams]
) -> HttpResponseBase:
    qs = external_person_list(
        user=request.user, q=params.q, country=params.country, agency=params.agency
    )
    return export_response(EXTERNAL_PERSONS, qs, fmt=params.format)


@router.get(
    "/exports/organisations",
    response={200: None, **errors()},
    operation_id="organisation_export",
    openapi_extra=export_file_responses("organisations"),
    tags=["organisations", "exports"],
    summary="The organisation registry as a file (the list's filters; every page)",
)
def export_organisations(
    request: HttpRequest, params: Query[OrganisationExportParams]
) -> HttpResponseBase:
    qs = organisation_list(
        user=request.user, q=params.q, country=params.country, org_type=params.type or ""
    )
    return export_response(ORGANISATIONS, qs, fmt=params.format)


# --- printable records (issue 9): the record page's access rule, as a PDF ----------------


@router.get(
    "/employees/{employee_id}/pdf",
    response={200: None, **errors(404)},
    operation_id="employee_pdf",
    openapi_extra=PDF_RESPONSE,
    tags=["employees"],
    summary="The printable employee record (PDF)",
)
def employee_pdf(request: HttpRequest, employee_id: int) -> HttpResponse:
    return employee_pdf_response(request, access_employee(request.user, employee_id))


@router.get(
    "/external-persons/{person_id}/pdf",
    response={200: None, **errors(404)},
    operation_id="external_person_pdf",
    openapi_extra=PDF_RESPONSE,
    tags=["external persons"],
    summary="The printable external person record (PDF)",
)
def external_person_pdf(request: HttpRequest, person_id: int) -> HttpResponse:
    return external_person_pdf_response(request, access_external_person(request.user, person_id))


@router.get(
    "/organisations/{organisation_id}/pdf",
    response={200: None, **errors(404)},
    operation_id="organisation_pdf",
    openapi_extra=PDF_RESPONSE,
    tags=["organisations"],
    summary="The printable organisation record (PDF)",
)
def organisation_pdf(request: HttpRequest, organisation_id: int) -> HttpResponse:
    return organisation_pdf_response(request, access_organisation(request.user, organisation_id))
