"""The approval record, decisions, the rules and "waiting for me" in the API.

Mounted at the API root. Every handler is parse → access_* → service/selector → schema.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from liaison.accounts.schemas import errors
from liaison.approvals.access import access_approval_record, access_policy_agency
from liaison.approvals.schemas import (
    ApprovalRecordOut,
    DecisionIn,
    PolicyIn,
    PolicyList,
    PolicyOut,
    WaitingList,
)
from liaison.approvals.selectors import (
    approval_record,
    policies_visible_to,
    policy_for,
    waiting_for,
)
from liaison.approvals.services import approval_decide, approval_policy_update
from liaison.core.schemas import all_body

router = Router(tags=["approvals"])


@router.get(
    "/activities/{activity_id}/approvals",
    response={200: ApprovalRecordOut, **errors(404)},
    operation_id="approval_record",
    url_name="approval_record",
    summary="Who approved this activity, when, with what conditions: every step",
)
def get_approval_record(request: HttpRequest, activity_id: int) -> Any:
    activity = access_approval_record(request.user, activity_id)
    return approval_record(activity=activity)


@router.post(
    "/activities/{activity_id}/approvals",
    response={200: ApprovalRecordOut, **errors(403, 404, 409, 422)},
    operation_id="approval_decide",
    summary="Decide the current approval step: approve (with conditions), deny or return",
)
def decide(request: HttpRequest, activity_id: int, data: DecisionIn) -> Any:
    activity = access_approval_record(request.user, activity_id)
    approval_decide(
        actor=request.user,
        activity=activity,
        decision=data.decision,
        reason=data.reason,
        conditions=data.conditions,
    )
    activity.refresh_from_db()
    return approval_record(activity=activity)


@router.get(
    "/waiting-for-me",
    response={200: WaitingList, **errors(422)},
    operation_id="waiting_for_me",
    url_name="waiting_for_me",
    summary="What I may act on now: approval steps, security reviews, returned requests",
)
def get_waiting(request: HttpRequest) -> dict[str, Any]:
    return all_body(waiting_for(user=request.user))


@router.get(
    "/approval-policies",
    response={200: PolicyList, **errors(422)},
    operation_id="approval_policy_list",
    url_name="approval_policy_list",
    summary="The approval rules of the agencies I edit (coordinators, administrators)",
)
def list_policies(request: HttpRequest) -> dict[str, Any]:
    return all_body(policies_visible_to(request.user))


@router.get(
    "/approval-policies/{agency_id}",
    response={200: PolicyOut, **errors(404)},
    operation_id="approval_policy_detail",
    url_name="approval_policy_detail",
    summary="One agency's approval rules",
)
def get_policy(request: HttpRequest, agency_id: int) -> Any:
    return policy_for(access_policy_agency(request.user, agency_id))


@router.put(
    "/approval-policies/{agency_id}",
    response={200: PolicyOut, **errors(403, 404, 422)},
    operation_id="approval_policy_update",
    summary="Replace one agency's approval rules",
)
def put_policy(request: HttpRequest, agency_id: int, data: PolicyIn) -> Any:
    agency = access_policy_agency(request.user, agency_id)
    return approval_policy_update(
        actor=request.user,
        agency=agency,
        approver_role=data.approver_role,
        higher_command_role=data.higher_command_role,
        cost_threshold=data.cost_threshold,
        advisory_level_threshold=data.advisory_level_threshold,
        countries_list=data.countries,
        foreign_ministry_inbound=data.foreign_ministry_inbound,
    )
