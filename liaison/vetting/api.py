"""Foreign contacts, inbound trainees, vetting requests and the log of restricted reads.
Mounted at the API root: ``/vetting/…`` and ``/activities/{id}/contacts|trainees``.

Restricted data (ADR 0016): everyone but the agency's security officers and overseers
gets 404, as for a missing record; every answer that shows restricted records logs one
read per record (door ``api``) before it leaves.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja import Status as HttpStatus

from liaison.core.errors import NotFound
from liaison.core.schemas import errors, page_body, page_of
from liaison.people.access import access_external_person, access_organisation
from liaison.records.services import log_restricted_read, log_restricted_reads
from liaison.vetting.access import (
    access_contact,
    access_restricted_activity,
    access_trainee,
    access_vetting,
    require_read_log_reader,
    require_restricted_reader,
)
from liaison.vetting.schemas import (
    ActivityVettingOut,
    ContactDetail,
    ContactIn,
    ContactList,
    ContactListParams,
    ContactPatch,
    ReadList,
    ReadListParams,
    TraineeDetail,
    TraineeIn,
    VettingIn,
    VettingOut,
    VettingQueueOut,
    VettingTransitionIn,
)
from liaison.vetting.selectors import (
    contact_detail,
    contact_list,
    page_of_rows,
    read_log,
    report_deadline,
    trainee_detail,
    trainee_list,
    vetting_queue,
)
from liaison.vetting.services import (
    ContactInput,
    TraineeInput,
    VettingInput,
    contact_create,
    contact_update,
    trainee_create,
    vetting_request_create,
    vetting_request_transition,
)
from liaison.vetting.workflow import trainees_vetted

router = Router(tags=["vetting"])
API = "api"


def _in_body(lookup: Any, user: Any, pk: int | None, field: str, label: str) -> Any:
    if pk is None:
        return None
    try:
        return lookup(user, pk)
    except NotFound:
        # A reference inside the body is bad input (422), not a missing URL (404).
        raise ValidationError({field: [f"Unknown {label}."]}) from None


@router.get(
    "/activities/{activity_id}/contacts",
    response={200: ActivityVettingOut, **errors(404)},
    operation_id="activity_contacts",
    url_name="activity_contacts",
    summary="An activity's foreign contacts and inbound trainees (restricted)",
)
def get_activity_contacts(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    activity = access_restricted_activity(request.user, activity_id)
    contacts = contact_list(user=request.user, activity=activity, today=timezone.localdate())
    trainees = trainee_list(user=request.user, activity=activity)
    log_restricted_reads(
        user=request.user, objs=[*contacts, *trainees], door=API, path=request.path
    )
    return {
        "activity_id": activity.pk,
        "report_deadline": report_deadline(activity),
        "trainees_vetted": trainees_vetted(activity),
        "contacts": contacts,
        "trainees": trainees,
    }


@router.post(
    "/activities/{activity_id}/contacts",
    response={201: ContactDetail, **errors(403, 404, 422)},
    operation_id="contact_create",
    summary="Record a foreign contact met on an activity (security officers)",
)
def create_contact(request: HttpRequest, activity_id: int, data: ContactIn) -> HttpStatus[Any]:
    activity = access_restricted_activity(request.user, activity_id, action="change")
    user = request.user
    contact = contact_create(
        actor=user,
        activity=activity,
        data=ContactInput(
            external_person=_in_body(
                access_external_person, user, data.external_person_id,
                "external_person_id", "external person",
            ),
            organisation=_in_body(
                access_organisation, user, data.organisation_id, "organisation_id", "organisation"
            ),
            **data.model_dump(exclude={"external_person_id", "organisation_id"}),
        ),
    )  # fmt: skip
    log_restricted_read(user=user, obj=contact, door=API, path=request.path)
    return HttpStatus(201, contact_detail(contact, today=timezone.localdate()))


@router.post(
    "/activities/{activity_id}/trainees",
    response={201: TraineeDetail, **errors(403, 404, 422)},
    operation_id="trainee_create",
    summary="Record an inbound trainee's intake (security officers)",
)
def create_trainee(request: HttpRequest, activity_id: int, data: TraineeIn) -> HttpStatus[Any]:
    activity = access_restricted_activity(request.user, activity_id, action="change")
    user = request.user
    person = _in_body(
        access_external_person, user, data.external_person_id,
        "external_person_id", "external person",
    )  # fmt: skip
    sponsor = _in_body(
        access_organisation, user, data.sponsoring_organisation_id,
        "sponsoring_organisation_id", "organisation",
    )  # fmt: skip
    fields = data.model_dump(exclude={"external_person_id", "sponsoring_organisation_id"})
    trainee = trainee_create(
        actor=user,
        activity=activity,
        data=TraineeInput(external_person=person, sponsoring_organisation=sponsor, **fields),
    )
    log_restricted_read(user=user, obj=trainee, door=API, path=request.path)
    return HttpStatus(201, trainee_detail(trainee))


@router.get(
    "/vetting/contacts",
    response={200: ContactList, **errors(404)},
    operation_id="contact_list",
    url_name="contact_list",
    summary="Foreign contacts I may read, with their report and vetting state",
)
def list_contacts(request: HttpRequest, params: Query[ContactListParams]) -> dict[str, Any]:
    require_restricted_reader(request.user)
    rows = contact_list(
        user=request.user,
        report=params.report or "",
        vetting=params.vetting or "",
        today=timezone.localdate(),
    )
    page = page_of_rows(rows, page=params.page, page_size=params.page_size, clamp=False)
    log_restricted_reads(user=request.user, objs=page.items, door=API, path=request.path)
    return page_body(page)


@router.get(
    "/vetting/contacts/{contact_id}",
    response={200: ContactDetail, **errors(404)},
    operation_id="contact_detail",
    url_name="contact_detail",
    summary="One foreign contact, with its vetting requests (restricted)",
)
def get_contact(request: HttpRequest, contact_id: int) -> Any:
    contact = access_contact(request.user, contact_id)
    log_restricted_read(user=request.user, obj=contact, door=API, path=request.path)
    return contact_detail(contact, today=timezone.localdate())


@router.patch(
    "/vetting/contacts/{contact_id}",
    response={200: ContactDetail, **errors(403, 404, 422)},
    operation_id="contact_update",
    summary="Change some of a contact's fields, e.g. mark it reported (security officers)",
)
def update_contact(request: HttpRequest, contact_id: int, data: ContactPatch) -> Any:
    contact = access_contact(request.user, contact_id, action="change")
    changes = data.model_dump(exclude_unset=True)
    contact = contact_update(actor=request.user, contact=contact, **changes)
    log_restricted_read(user=request.user, obj=contact, door=API, path=request.path)
    return contact_detail(contact, today=timezone.localdate())


@router.post(
    "/vetting/contacts/{contact_id}/requests",
    response={201: VettingOut, **errors(403, 404, 422)},
    operation_id="contact_vetting_create",
    summary="Record a vetting request sent for a contact (security officers)",
)
def create_contact_vetting(
    request: HttpRequest, contact_id: int, data: VettingIn
) -> HttpStatus[Any]:
    contact = access_contact(request.user, contact_id, action="change")
    vetting = vetting_request_create(
        actor=request.user, subject=contact, data=VettingInput(**data.model_dump())
    )
    log_restricted_read(user=request.user, obj=vetting, door=API, path=request.path)
    return HttpStatus(201, vetting)


@router.get(
    "/vetting/trainees/{trainee_id}",
    response={200: TraineeDetail, **errors(404)},
    operation_id="trainee_detail",
    url_name="trainee_detail",
    summary="One inbound trainee's intake, with its vetting requests (restricted)",
)
def get_trainee(request: HttpRequest, trainee_id: int) -> Any:
    trainee = access_trainee(request.user, trainee_id)
    log_restricted_read(user=request.user, obj=trainee, door=API, path=request.path)
    return trainee_detail(trainee)


@router.post(
    "/vetting/trainees/{trainee_id}/requests",
    response={201: VettingOut, **errors(403, 404, 422)},
    operation_id="trainee_vetting_create",
    summary="Record a vetting request sent for an inbound trainee (security officers)",
)
def create_trainee_vetting(
    request: HttpRequest, trainee_id: int, data: VettingIn
) -> HttpStatus[Any]:
    trainee = access_trainee(request.user, trainee_id, action="change")
    vetting = vetting_request_create(
        actor=request.user, subject=trainee, data=VettingInput(**data.model_dump())
    )
    log_restricted_read(user=request.user, obj=vetting, door=API, path=request.path)
    return HttpStatus(201, vetting)


@router.get(
    "/vetting/requests/{vetting_id}",
    response={200: VettingOut, **errors(404)},
    operation_id="vetting_detail",
    url_name="vetting_detail",
    summary="One vetting request (restricted)",
)
def get_vetting(request: HttpRequest, vetting_id: int) -> Any:
    vetting = access_vetting(request.user, vetting_id)
    log_restricted_read(user=request.user, obj=vetting, door=API, path=request.path)
    return vetting


@router.post(
    "/vetting/requests/{vetting_id}/transitions",
    response={200: VettingOut, **errors(403, 404, 409, 422)},
    operation_id="vetting_transition",
    summary="Record a decision on a vetting request (approve, deny, suspend, cancel)",
)
def transition_vetting(request: HttpRequest, vetting_id: int, data: VettingTransitionIn) -> Any:
    vetting = access_vetting(request.user, vetting_id, action="change")
    moved = vetting_request_transition(actor=request.user, vetting=vetting, **data.model_dump())
    log_restricted_read(user=request.user, obj=moved, door=API, path=request.path)
    return moved


@router.get(
    "/vetting/queue",
    response={200: VettingQueueOut, **errors(404)},
    operation_id="vetting_queue",
    url_name="vetting_queue",
    summary="Vetting waiting for me: outstanding answers, unvetted trainees, overdue contacts",
)
def get_vetting_queue(request: HttpRequest) -> dict[str, Any]:
    require_restricted_reader(request.user)
    queue = vetting_queue(user=request.user, today=timezone.localdate())
    log_restricted_reads(user=request.user, objs=queue.shown(), door=API, path=request.path)
    return {
        "count": queue.count,
        "awaiting_answer": queue.awaiting_answer,
        "trainees": queue.trainees,
        "overdue_contacts": queue.overdue_contacts,
        "contacts_not_sent": queue.contacts_not_sent,
        "expiring": queue.expiring,
    }


@router.get(
    "/vetting/reads",
    response={200: ReadList, **errors(403)},
    operation_id="restricted_read_list",
    url_name="restricted_read_list",
    summary="The log of reads of restricted data (overseers, administrators)",
)
def list_reads(request: HttpRequest, params: Query[ReadListParams]) -> dict[str, Any]:
    require_read_log_reader(request.user)
    return page_of(read_log(user=request.user, username=params.username), params)
