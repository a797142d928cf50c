"""Activities, their transitions and history, and the category vocabulary.

Two routers: ``router`` is mounted at /activities; ``root_router`` at the API root holds
the paths that sit outside /activities but answer with activity data (/categories,
/employees/{id}/activities, /organisations/{id}/activities). The last two live here, not
in ``people/api.py``, because the people app sits below activities and may not import it.

Every handler is parse → access_* → service/selector → schema; rules live elsewhere.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from ninja import Status as HttpStatus

from liaison.accounts.access import ACTIVITY_CREATORS, agency_for_new_record
from liaison.accounts.schemas import errors, page_of
from liaison.activities.access import access_activity, access_participation
from liaison.activities.models import Activity
from liaison.activities.printouts import activity_pdf_response
from liaison.activities.schemas import (
    ActivityDetail,
    ActivityIn,
    ActivityList,
    ActivityListParams,
    CategoryIn,
    CategoryList,
    CategoryListParams,
    CategoryOut,
    HistoryList,
    ParticipantCandidateList,
    ParticipantCandidateParams,
    RelatedActivityParams,
    TransitionIn,
    WithdrawIn,
)
from liaison.activities.selectors import (
    ActivityFilters,
    activity_detail,
    activity_history,
    activity_list,
    category_list,
    participant_lookup,
    with_list_relations,
)
from liaison.activities.services import (
    activity_create,
    activity_transition,
    activity_update,
    category_create,
    organisation_edit,
    participation_withdraw,
)
from liaison.core.errors import fields_renamed
from liaison.core.schemas import PDF_RESPONSE, all_body
from liaison.people.access import access_employee, access_organisation
from liaison.people.schemas import OrganisationOut, OrganisationPatch

router = Router(tags=["activities"])
root_router = Router()


def _related_page(
    request: HttpRequest, filters: ActivityFilters, params: RelatedActivityParams
) -> dict[str, Any]:
    return page_of(with_list_relations(activity_list(user=request.user, filters=filters)), params)


# --- /activities -----------------------------------------------------------------------


@router.get(
    "",
    response={200: ActivityList, **errors(422)},
    operation_id="activity_list",
    url_name="activity_list",
    summary="Activities I may see, filtered, searched and sorted",
)
def list_activities(request: HttpRequest, params: Query[ActivityListParams]) -> dict[str, Any]:
    filters = params.to_filters()
    return page_of(with_list_relations(activity_list(user=request.user, filters=filters)), params)


@router.post(
    "",
    response={201: ActivityDetail, **errors(403, 422)},
    operation_id="activity_create",
    summary="Create an activity (as a draft) with its locations and participants",
)
def create_activity(request: HttpRequest, data: ActivityIn) -> HttpStatus[Activity]:
    agency = agency_for_new_record(request.user, agency_id=data.agency_id, roles=ACTIVITY_CREATORS)
    activity = activity_create(actor=request.user, agency=agency, data=data.to_input())
    return HttpStatus(201, activity_detail(activity=activity))


@router.get(
    "/participant-candidates",
    response={200: ParticipantCandidateList, **errors(403, 404, 422)},
    operation_id="participant_candidates",
    summary="Employees I may name as participants (the form's autocomplete)",
)
def list_participant_candidates(
    request: HttpRequest, params: Query[ParticipantCandidateParams]
) -> dict[str, Any]:
    activity = None
    if params.activity is not None:
        activity = access_activity(request.user, params.activity, action="change")
    return {"items": participant_lookup(user=request.user, q=params.q, activity=activity)}


@router.get(
    "/{activity_id}",
    response={200: ActivityDetail, **errors(404)},
    operation_id="activity_detail",
    url_name="activity_detail",
    summary="One activity",
)
def get_activity(request: HttpRequest, activity_id: int) -> Activity:
    return activity_detail(activity=access_activity(request.user, activity_id))


@router.put(
    "/{activity_id}",
    response={200: ActivityDetail, **errors(403, 404, 422)},
    operation_id="activity_update",
    summary="Replace an activity's fields, locations and participants",
)
def update_activity(request: HttpRequest, activity_id: int, data: ActivityIn) -> Activity:
    activity = access_activity(request.user, activity_id, action="change")
    updated = activity_update(actor=request.user, activity=activity, data=data.to_input())
    return activity_detail(activity=updated)


@router.post(
    "/{activity_id}/transitions",
    response={200: ActivityDetail, **errors(403, 404, 409, 422)},
    operation_id="activity_transition",
    url_name="activity_transition",
    summary="Move an activity along its workflow (submit, approve, …)",
)
def transition_activity(request: HttpRequest, activity_id: int, data: TransitionIn) -> Activity:
    activity = access_activity(request.user, activity_id)
    moved = activity_transition(
        actor=request.user, activity=activity, name=data.name, reason=data.reason
    )
    return activity_detail(activity=moved)


@router.post(
    "/{activity_id}/participants/{participation_id}/withdraw",
    response={200: ActivityDetail, **errors(403, 404, 409, 422)},
    operation_id="participation_withdraw",
    summary="A participant withdraws before the activity runs (the participant, coordinators)",
)
def withdraw_participant(
    request: HttpRequest, activity_id: int, participation_id: int, data: WithdrawIn
) -> Activity:
    participation = access_participation(request.user, activity_id, participation_id)
    participation_withdraw(actor=request.user, participation=participation, reason=data.reason)
    return activity_detail(activity=participation.activity)


@router.get(
    "/{activity_id}/pdf",
    response={200: None, **errors(404)},
    operation_id="activity_pdf",
    openapi_extra=PDF_RESPONSE,
    summary="The printable activity record (PDF)",
)
def get_activity_pdf(request: HttpRequest, activity_id: int) -> HttpResponse:
    return activity_pdf_response(request, access_activity(request.user, activity_id))


@router.get(
    "/{activity_id}/history",
    response={200: HistoryList, **errors(403, 404)},
    operation_id="activity_history",
    url_name="activity_history",
    summary="Every change to an activity, newest first (coordinators, overseers)",
)
def get_activity_history(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    activity = access_activity(request.user, activity_id, action="view_history")
    entries = activity_history(activity=activity)
    return all_body(entries)


# --- mounted at the root ---------------------------------------------------------------


@root_router.get(
    "/categories",
    response={200: CategoryList, **errors(422)},
    operation_id="category_list",
    url_name="category_list",
    tags=["categories"],
    summary="The category vocabulary",
)
def list_categories(request: HttpRequest, params: Query[CategoryListParams]) -> dict[str, Any]:
    return page_of(category_list(active=params.active), params)


@root_router.post(
    "/categories",
    response={201: CategoryOut, **errors(403, 422)},
    operation_id="category_create",
    tags=["categories"],
    summary="Add a category (coordinators, administrators)",
)
def create_category(request: HttpRequest, data: CategoryIn) -> HttpStatus[Any]:
    category = category_create(actor=request.user, name=data.name, description=data.description)
    return HttpStatus(201, category)


@root_router.get(
    "/employees/{employee_id}/activities",
    response={200: ActivityList, **errors(404, 422)},
    operation_id="employee_activities",
    url_name="employee_activities",
    tags=["employees"],
    summary="Activities I may see in which this employee took part",
)
def list_employee_activities(
    request: HttpRequest, employee_id: int, params: Query[RelatedActivityParams]
) -> dict[str, Any]:
    employee = access_employee(request.user, employee_id)
    return _related_page(request, ActivityFilters(person_id=employee.pk, sort=params.sort), params)


@root_router.get(
    "/organisations/{organisation_id}/activities",
    response={200: ActivityList, **errors(404, 422)},
    operation_id="organisation_activities",
    url_name="organisation_activities",
    tags=["organisations"],
    summary="Activities I may see that this organisation hosted or organised",
)
def list_organisation_activities(
    request: HttpRequest, organisation_id: int, params: Query[RelatedActivityParams]
) -> dict[str, Any]:
    organisation = access_organisation(request.user, organisation_id)
    return _related_page(
        request, ActivityFilters(organisation=organisation.pk, sort=params.sort), params
    )


# --- organisations: one record, and its edit ---------------------------------------------
# Served here rather than in ``people.api``: a rename rewrites the search text of the
# activities that name the organisation (``organisation_edit``), which people may not do.


@root_router.get(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, **errors(404)},
    operation_id="organisation_detail",
    url_name="organisation_detail",
    tags=["organisations"],
    summary="One organisation",
)
def get_organisation(request: HttpRequest, organisation_id: int) -> Any:
    return access_organisation(request.user, organisation_id)


@root_router.patch(
    "/organisations/{organisation_id}",
    response={200: OrganisationOut, **errors(403, 404, 422)},
    operation_id="organisation_update",
    tags=["organisations"],
    summary="Change some of an organisation's fields (coordinators, administrators)",
)
def update_organisation(request: HttpRequest, organisation_id: int, data: OrganisationPatch) -> Any:
    organisation = access_organisation(request.user, organisation_id, action="change")
    changes = data.model_dump(mode="json", exclude_unset=True)
    if "type" in changes:
        changes["org_type"] = changes.pop("type")
    with fields_renamed({"org_type": "type"}):
        return organisation_edit(actor=request.user, organisation=organisation, **changes)
