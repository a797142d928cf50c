"""Pages for employees, external persons and the organisation registry.

Thin by rule: each view parses input, calls an ``access_*`` function, a selector or a
service, and renders. ``NotFound`` becomes a 404 and ``Forbidden`` a 403 (``_pages``).

The tables of an employee's, an external person's or an organisation's activities come
from ``activities.selectors.activity_list``, which starts from what the viewer may see:
an organisation page is open to every signed-in user, its activity list is not.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, F, FilteredRelation, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render

from liaison.accounts.access import ALL_AGENCIES, PEOPLE_EDITORS, Scope, agency_for_new_record
from liaison.activities import services as activity_services
from liaison.activities.models import Activity, ParticipantRole
from liaison.activities.selectors import ActivityFilters, activity_list, with_list_relations
from liaison.core.downloads import export_page
from liaison.core.errors import Forbidden
from liaison.core.pagination import Page, paginate
from liaison.core.views import domain_errors_as_http
from liaison.people.access import (
    access_employee,
    access_external_person,
    access_organisation,
    agencies_for_new_people,
    can_add_organisations,
    can_change_people_in,
    external_persons_visible_to,
    organisations_visible_to,
    require_people_reader,
)
from liaison.people.exports import EMPLOYEES, EXTERNAL_PERSONS, ORGANISATIONS
from liaison.people.forms import (
    EmployeeFilterForm,
    EmployeeForm,
    ExternalPersonFilterForm,
    ExternalPersonForm,
    OrganisationFilterForm,
    OrganisationForm,
    apply_service_errors,
)
from liaison.people.printouts import (
    employee_pdf_response,
    external_person_pdf_response,
    organisation_pdf_response,
)
from liaison.people.selectors import employee_list, external_person_list, organisation_list
from liaison.people.services import (
    employee_create,
    employee_update,
    external_person_create,
    external_person_update,
    organisation_create,
)

# Views that stream (the exports) answer an HttpResponseBase.
View = Callable[..., HttpResponseBase]


def _pages(view: View) -> View:
    """Sign-in required; ``NotFound`` → 404 and ``Forbidden`` → 403 pages."""
    return login_required(domain_errors_as_http(view))


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() else 1


def _spans_agencies(scope: Scope) -> bool:
    return scope is ALL_AGENCIES or (isinstance(scope, frozenset) and len(scope) > 1)


def _with_role(qs: QuerySet[Activity], person: Q) -> QuerySet[Activity]:
    """Annotate each activity with the person's ``role`` in it and their rank and unit
    *as recorded on that activity* (the page's own record shows today's). The
    participation constraints allow one row per person and activity, so the join adds
    no duplicates."""
    return qs.annotate(part=FilteredRelation("participations", condition=person)).annotate(
        role=F("part__role"),
        rank_then=F("part__rank_at_time"),
        unit_then=F("part__unit_at_time"),
    )


def _role_labels() -> dict[str, str]:
    return {str(value): str(label) for value, label in ParticipantRole.choices}


# --- employees -------------------------------------------------------------------------


@_pages
def employee_list_page(request: HttpRequest) -> HttpResponse:
    scope = require_people_reader(request.user)
    form = EmployeeFilterForm(request.GET)
    # Participations link an employee only to activities of their own agency, all of
    # which a people reader of that agency may see: the count hides nothing.
    qs = employee_list(user=request.user, **form.params()).annotate(
        activity_count=Count("participations")
    )
    page = paginate(qs, page=_page_number(request))
    return render(
        request,
        "people/employee_list.html",
        {
            "nav": "people",
            "form": form,
            "page": page,
            "show_agency": _spans_agencies(scope),
            "can_add": agencies_for_new_people(request.user).exists(),
        },
    )


@_pages
def employee_export(request: HttpRequest) -> HttpResponseBase:
    """The employee list as a file: the list's own selector and filters (``?format=``)."""
    form = EmployeeFilterForm(request.GET)
    return export_page(request, EMPLOYEES, employee_list(user=request.user, **form.params()))


@_pages
def employee_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return employee_pdf_response(request, access_employee(request.user, pk))


@_pages
def employee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    employee = access_employee(request.user, pk)
    activities = _with_role(
        activity_list(user=request.user, filters=ActivityFilters(person_id=employee.pk)),
        Q(participations__employee_id=employee.pk),
    )
    page: Page = paginate(with_list_relations(activities), page=_page_number(request))
    return render(
        request,
        "people/employee_detail.html",
        {
            "nav": "people",
            "employee": employee,
            "page": page,
            "role_labels": _role_labels(),
            "can_edit": can_change_people_in(request.user, employee.agency_id),
        },
    )


@_pages
def employee_create_page(request: HttpRequest) -> HttpResponse:
    agencies = agencies_for_new_people(request.user)
    if not agencies.exists():
        raise Forbidden("Only coordinators and administrators may add employees.")
    form = EmployeeForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        try:
            agency = agency_for_new_record(
                request.user, agency_id=form.chosen_agency_id(), roles=PEOPLE_EDITORS
            )
            employee = employee_create(actor=request.user, agency=agency, **form.employee_fields())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Added {employee}.")
            return redirect("people:employee_detail", pk=employee.pk)
    return render(
        request,
        "people/employee_form.html",
        {"nav": "people", "form": form, "employee": None},
        status=422 if form.errors else 200,
    )


@_pages
def employee_edit(request: HttpRequest, pk: int) -> HttpResponse:
    employee = access_employee(request.user, pk, action="change")
    form = EmployeeForm(
        request.POST or None, agencies=None, initial=EmployeeForm.initial_for(employee)
    )
    if request.method == "POST" and form.is_valid():
        try:
            employee = employee_update(
                actor=request.user, employee=employee, **form.employee_fields()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Saved {employee}.")
            return redirect("people:employee_detail", pk=employee.pk)
    return render(
        request,
        "people/employee_form.html",
        {"nav": "people", "form": form, "employee": employee},
        status=422 if form.errors else 200,
    )


# --- external persons ------------------------------------------------------------------


@_pages
def external_list(request: HttpRequest) -> HttpResponse:
    scope = require_people_reader(request.user)
    form = ExternalPersonFilterForm(request.GET)
    qs = external_person_list(user=request.user, **form.params())
    page = paginate(qs, page=_page_number(request))
    return render(
        request,
        "people/external_list.html",
        {
            "nav": "people",
            "form": form,
            "page": page,
            "show_agency": _spans_agencies(scope),
            "can_add": agencies_for_new_people(request.user).exists(),
        },
    )


@_pages
def external_export(request: HttpRequest) -> HttpResponseBase:
    form = ExternalPersonFilterForm(request.GET)
    return export_page(
        request, EXTERNAL_PERSONS, external_person_list(user=request.user, **form.params())
    )


@_pages
def external_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return external_person_pdf_response(request, access_external_person(request.user, pk))


@_pages
def external_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = access_external_person(request.user, pk)
    activities = _with_role(
        activity_list(user=request.user, filters=ActivityFilters()).filter(
            participations__external_person_id=person.pk
        ),
        Q(participations__external_person_id=person.pk),
    )
    page = paginate(with_list_relations(activities), page=_page_number(request))
    return render(
        request,
        "people/external_detail.html",
        {
            "nav": "people",
            "person": person,
            "page": page,
            "role_labels": _role_labels(),
            "can_edit": can_change_people_in(request.user, person.agency_id),
        },
    )


@_pages
def external_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = access_external_person(request.user, pk, action="change")
    form = ExternalPersonForm(
        request.POST or None,
        agencies=None,
        organisations=organisations_visible_to(request.user),
        initial=ExternalPersonForm.initial_for(person),
    )
    if request.method == "POST" and form.is_valid():
        try:
            person = external_person_update(
                actor=request.user, person=person, **form.person_fields()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Saved {person}.")
            return redirect("people:external_detail", pk=person.pk)
    return render(
        request,
        "people/external_form.html",
        {"nav": "people", "form": form, "person": person},
        status=422 if form.errors else 200,
    )


@_pages
def external_create(request: HttpRequest) -> HttpResponse:
    agencies = agencies_for_new_people(request.user)
    if not agencies.exists():
        raise Forbidden("Only coordinators and administrators may add external persons.")
    form = ExternalPersonForm(
        request.POST or None,
        agencies=agencies,
        organisations=organisations_visible_to(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            agency = agency_for_new_record(
                request.user, agency_id=form.chosen_agency_id(), roles=PEOPLE_EDITORS
            )
            person = external_person_create(
                actor=request.user, agency=agency, **form.person_fields()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Added {person}.")
            return redirect("people:external_detail", pk=person.pk)
    return render(
        request,
        "people/external_form.html",
        {"nav": "people", "form": form},
        status=422 if form.errors else 200,
    )


# --- organisations ---------------------------------------------------------------------


@_pages
def organisation_list_page(request: HttpRequest) -> HttpResponse:
    form = OrganisationFilterForm(request.GET)
    qs = organisation_list(user=request.user, **form.params())
    page = paginate(qs, page=_page_number(request))
    return render(
        request,
        "people/organisation_list.html",
        {
            "nav": "organisations",
            "form": form,
            "page": page,
            "can_add": can_add_organisations(request.user),
        },
    )


@_pages
def organisation_export(request: HttpRequest) -> HttpResponseBase:
    form = OrganisationFilterForm(request.GET)
    return export_page(
        request, ORGANISATIONS, organisation_list(user=request.user, **form.params())
    )


@_pages
def organisation_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return organisation_pdf_response(request, access_organisation(request.user, pk))


@_pages
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access_organisation(request.user, pk)
    activities = activity_list(
        user=request.user, filters=ActivityFilters(organisation=organisation.pk)
    )
    page = paginate(with_list_relations(activities), page=_page_number(request))
    # People of this organisation in the viewer's agencies (none for a user who may not
    # read people lists: external_persons_visible_to is empty for them).
    people = (
        external_persons_visible_to(request.user)
        .filter(organisation_id=organisation.pk)
        .select_related("agency", "organisation")
        .order_by("full_name", "id")
    )
    return render(
        request,
        "people/organisation_detail.html",
        {
            "nav": "organisations",
            "organisation": organisation,
            "page": page,
            "people": people[:50],
            "people_count": people.count(),
            "can_edit": can_add_organisations(request.user),
        },
    )


@_pages
def organisation_create_page(request: HttpRequest) -> HttpResponse:
    if not can_add_organisations(request.user):
        raise Forbidden("Only coordinators and administrators may add organisations.")
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisation_create(actor=request.user, **form.organisation_fields())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Added {organisation} to the registry.")
            return redirect("people:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "people/organisation_form.html",
        {"nav": "organisations", "form": form},
        status=422 if form.errors else 200,
    )


@_pages
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access_organisation(request.user, pk, action="change")
    form = OrganisationForm(
        request.POST or None, initial=OrganisationForm.initial_for(organisation)
    )
    if request.method == "POST" and form.is_valid():
        try:
            organisation = activity_services.organisation_edit(
                actor=request.user, organisation=organisation, **form.organisation_fields()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Saved {organisation}.")
            return redirect("people:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "people/organisation_form.html",
        {"nav": "organisations", "form": form, "organisation": organisation},
        status=422 if form.errors else 200,
    )
