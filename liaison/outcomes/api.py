"""Outcomes, alignment reviews and the policy library over the API (ADR 0018).

``router`` is mounted at the API root: ``/activities/{id}/outcomes``,
``/activities/{id}/nothing-adopted``, ``/outcomes/…`` and ``/policies…``. The same access
functions, selectors and services as the pages: the same answers.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router
from ninja import Status as HttpStatus

from liaison.accounts.access import agency_for_new_record
from liaison.core.errors import Forbidden, NotFound
from liaison.core.schemas import errors, page_body, page_of
from liaison.outcomes.access import (
    NOT_A_POLICY_EDITOR,
    POLICY_EDITORS,
    access_adoption,
    access_outcomes_activity,
    access_policy,
    access_recommendation,
    access_statement,
    can_edit_policies,
    require_outcome_reader,
)
from liaison.outcomes.models import Policy
from liaison.outcomes.schemas import (
    ActivityOutcomesOut,
    AdoptionFollowUpIn,
    AdoptionIn,
    AdoptionList,
    AdoptionListParams,
    AdoptionOut,
    AdoptionTransitionIn,
    AlignmentReviewIn,
    AlignmentReviewOut,
    LibraryPolicyDetail,
    LibraryPolicyIn,
    LibraryPolicyList,
    LibraryPolicyListParams,
    LibraryPolicyPatch,
    NothingAdoptedIn,
    NothingAdoptedOut,
    NothingAdoptedWithdrawIn,
    RecommendationDecisionIn,
    RecommendationOutcomeOut,
)
from liaison.outcomes.selectors import (
    activity_outcomes,
    adoption_detail,
    adoption_list,
    decision_moves,
    decision_of,
    policy_list,
    recommendation_state,
)
from liaison.outcomes.services import (
    AdoptionInput,
    adoption_record,
    adoption_transition,
    alignment_review_record,
    follow_up_record,
    nothing_adopted_state,
    nothing_adopted_withdraw,
    policy_create,
    policy_update,
    recommendation_decide,
)
from liaison.vetting.selectors import page_of_rows

router = Router(tags=["outcomes"])


def _recommendation(user: Any, rec: Any, adoptions: list[Any]) -> dict[str, Any]:
    return {
        "id": rec.pk,
        "activity_id": rec.activity_id,
        "report_id": rec.report_id,
        "position": rec.position,
        "text": rec.text,
        "state": recommendation_state(rec),
        "decision": decision_of(rec),
        "adoptions": [a for a in adoptions if a.recommendation_id == rec.pk],
        "moves": decision_moves(user=user, recommendation=rec),
    }


def _recommendation_body(user: Any, rec: Any) -> dict[str, Any]:
    adoptions = adoption_list(user=user, today=timezone.localdate(), activity=rec.activity)
    return _recommendation(user, rec, adoptions)


# --- an activity's outcomes -------------------------------------------------------------


@router.get(
    "/activities/{activity_id}/outcomes",
    response={200: ActivityOutcomesOut, **errors(404)},
    operation_id="activity_outcomes",
    url_name="activity_outcomes",
    summary="An activity's recommendations, decisions, adoptions and statements",
)
def get_activity_outcomes(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    activity = access_outcomes_activity(request.user, activity_id)
    outcomes = activity_outcomes(user=request.user, activity=activity, today=timezone.localdate())
    adoptions = outcomes.adoptions
    return {
        "activity_id": activity.pk,
        "nothing_adopted": outcomes.standing_statement,
        "statements": outcomes.statements,
        "recommendations": [
            _recommendation(request.user, r, adoptions) for r in outcomes.recommendations
        ],
    }


@router.post(
    "/activities/{activity_id}/nothing-adopted",
    response={201: NothingAdoptedOut, **errors(403, 404, 409, 422)},
    operation_id="nothing_adopted_state",
    summary="State that nothing was adopted from an activity (approver, command, coordinator)",
)
def state_nothing_adopted(
    request: HttpRequest, activity_id: int, data: NothingAdoptedIn
) -> HttpStatus[Any]:
    activity = access_outcomes_activity(request.user, activity_id, action="decide")
    record = nothing_adopted_state(actor=request.user, activity=activity, **data.model_dump())
    return HttpStatus(201, record)


@router.post(
    "/outcomes/statements/{statement_id}/withdraw",
    response={200: NothingAdoptedOut, **errors(403, 404, 409, 422)},
    operation_id="nothing_adopted_withdraw",
    summary="Withdraw a statement that nothing was adopted, with a reason",
)
def withdraw_statement(
    request: HttpRequest, statement_id: int, data: NothingAdoptedWithdrawIn
) -> Any:
    statement = access_statement(request.user, statement_id, action="decide")
    return nothing_adopted_withdraw(actor=request.user, statement=statement, **data.model_dump())


# --- recommendations --------------------------------------------------------------------


@router.get(
    "/outcomes/recommendations/{recommendation_id}",
    response={200: RecommendationOutcomeOut, **errors(404)},
    operation_id="recommendation_detail",
    url_name="recommendation_detail",
    summary="One recommendation with its decision, adoptions and the decisions open to me",
)
def get_recommendation(request: HttpRequest, recommendation_id: int) -> dict[str, Any]:
    rec = access_recommendation(request.user, recommendation_id)
    return _recommendation_body(request.user, rec)


@router.post(
    "/outcomes/recommendations/{recommendation_id}/decision",
    response={200: RecommendationOutcomeOut, **errors(403, 404, 409, 422)},
    operation_id="recommendation_decide",
    summary="Decide a recommendation: adopt, reject or defer, with a reason",
)
def decide_recommendation(
    request: HttpRequest, recommendation_id: int, data: RecommendationDecisionIn
) -> dict[str, Any]:
    rec = access_recommendation(request.user, recommendation_id, action="decide")
    recommendation_decide(actor=request.user, recommendation=rec, **data.model_dump())
    return _recommendation_body(request.user, access_recommendation(request.user, rec.pk))


@router.post(
    "/outcomes/recommendations/{recommendation_id}/adoptions",
    response={201: AdoptionOut, **errors(403, 404, 409, 422)},
    operation_id="adoption_record",
    summary="Record what changed because of an adopted recommendation",
)
def record_adoption(
    request: HttpRequest, recommendation_id: int, data: AdoptionIn
) -> HttpStatus[Any]:
    rec = access_recommendation(request.user, recommendation_id, action="decide")
    adoption = adoption_record(
        actor=request.user, recommendation=rec, data=AdoptionInput(**data.model_dump())
    )
    return HttpStatus(201, adoption_detail(adoption, today=timezone.localdate()))


# --- adoptions --------------------------------------------------------------------------


@router.get(
    "/outcomes/adoptions",
    response={200: AdoptionList, **errors(404)},
    operation_id="adoption_list",
    url_name="adoption_list",
    summary="Adoptions I may read; filter by state (unreviewed, conflicts, follow_up_overdue…)",
)
def list_adoptions(request: HttpRequest, params: Query[AdoptionListParams]) -> dict[str, Any]:
    require_outcome_reader(request.user)
    scope = frozenset({params.agency}) if params.agency else None
    rows = adoption_list(
        user=request.user, today=timezone.localdate(), state=params.state or "", scope=scope
    )
    page = page_of_rows(rows, page=params.page, page_size=params.page_size, clamp=False)
    return page_body(page)


@router.get(
    "/outcomes/adoptions/{adoption_id}",
    response={200: AdoptionOut, **errors(404)},
    operation_id="adoption_detail",
    url_name="adoption_detail",
    summary="One adoption with its follow-ups, reviews and next follow-up due date",
)
def get_adoption(request: HttpRequest, adoption_id: int) -> Any:
    return adoption_detail(access_adoption(request.user, adoption_id), today=timezone.localdate())


@router.post(
    "/outcomes/adoptions/{adoption_id}/follow-ups",
    response={201: AdoptionOut, **errors(403, 404, 409, 422)},
    operation_id="follow_up_record",
    summary="Record a six-monthly follow-up of an open adoption",
)
def record_follow_up(
    request: HttpRequest, adoption_id: int, data: AdoptionFollowUpIn
) -> HttpStatus[Any]:
    adoption = access_adoption(request.user, adoption_id, action="decide")
    follow_up_record(actor=request.user, adoption=adoption, **data.model_dump())
    return HttpStatus(201, adoption_detail(adoption, today=timezone.localdate()))


@router.post(
    "/outcomes/adoptions/{adoption_id}/transitions",
    response={200: AdoptionOut, **errors(403, 404, 409, 422)},
    operation_id="adoption_transition",
    summary="Close an adoption (with a reason): its follow-ups stop",
)
def transition_adoption(request: HttpRequest, adoption_id: int, data: AdoptionTransitionIn) -> Any:
    adoption = access_adoption(request.user, adoption_id, action="decide")
    moved = adoption_transition(actor=request.user, adoption=adoption, **data.model_dump())
    return adoption_detail(moved, today=timezone.localdate())


@router.post(
    "/outcomes/adoptions/{adoption_id}/reviews",
    response={201: AlignmentReviewOut, **errors(403, 404, 422)},
    operation_id="alignment_review_record",
    summary="Review an adoption against one policy: aligned, conflicts or needs change",
)
def record_review(
    request: HttpRequest, adoption_id: int, data: AlignmentReviewIn
) -> HttpStatus[Any]:
    adoption = access_adoption(request.user, adoption_id, action="review")
    try:
        policy: Policy | None = access_policy(request.user, data.policy_id)
    except NotFound:
        policy = None  # the service names the field: "Unknown policy"
    review = alignment_review_record(
        actor=request.user,
        adoption=adoption,
        policy=policy,
        **data.model_dump(exclude={"policy_id"}),
    )
    return HttpStatus(201, review)


# --- the policy library -----------------------------------------------------------------


@router.get(
    "/policies",
    response={200: LibraryPolicyList, **errors(404)},
    operation_id="policy_list",
    url_name="policy_list",
    summary="The policy library",
)
def list_policies(request: HttpRequest, params: Query[LibraryPolicyListParams]) -> dict[str, Any]:
    require_outcome_reader(request.user)
    qs = policy_list(user=request.user, q=params.q.strip(), in_effect_on=params.in_effect_on)
    return page_of(qs, params)


@router.post(
    "/policies",
    response={201: LibraryPolicyDetail, **errors(403, 404, 422)},
    operation_id="policy_create",
    summary="Add a policy to the library (policy reviewers)",
)
def create_policy(request: HttpRequest, data: LibraryPolicyIn) -> HttpStatus[Any]:
    require_outcome_reader(request.user)
    if not can_edit_policies(request.user):
        raise Forbidden(NOT_A_POLICY_EDITOR)
    agency = agency_for_new_record(request.user, agency_id=data.agency_id, roles=POLICY_EDITORS)
    policy = policy_create(
        actor=request.user, agency=agency, **data.model_dump(exclude={"agency_id"})
    )
    return HttpStatus(201, policy)


@router.get(
    "/policies/{policy_id}",
    response={200: LibraryPolicyDetail, **errors(404)},
    operation_id="policy_detail",
    url_name="policy_detail",
    summary="One policy, with its history and the alignment reviews against it",
)
def get_policy(request: HttpRequest, policy_id: int) -> Any:
    return access_policy(request.user, policy_id)


@router.patch(
    "/policies/{policy_id}",
    response={200: LibraryPolicyDetail, **errors(403, 404, 422)},
    operation_id="policy_update",
    summary="Change some fields of a policy (policy reviewers); its history keeps each version",
)
def update_policy(request: HttpRequest, policy_id: int, data: LibraryPolicyPatch) -> Any:
    policy = access_policy(request.user, policy_id)
    changes = data.model_dump(exclude_unset=True)
    for name in ("identifier", "title"):
        if name in changes and changes[name] is None:
            raise ValidationError({name: ["This field may not be empty."]})
    return policy_update(actor=request.user, policy=policy, **changes)
