"""The choke point through which recommendations' outcomes and the policy library reach a
user (ADR 0018).

- Outcomes (decisions, adoptions, follow-ups, statements, reviews) and the policy library
  are read by the agency's staff who read every activity (``AGENCY_READERS``: approvers,
  higher command, coordinators, security officers, policy reviewers, overseers,
  administrators). An employee, or another agency, gets ``NotFound`` — as for a record
  that does not exist.
- Recommendations are decided, adoptions recorded, followed up and closed, and
  "nothing was adopted" statements made by ``DECIDERS`` (approver, higher command,
  coordinator); alignment reviews are recorded and the policy library edited by policy
  reviewers (``REVIEWERS``). Anyone else who may read gets ``Forbidden``.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import QuerySet

from liaison.accounts.access import AGENCY_READERS, has_role, scope_for, scope_q
from liaison.accounts.models import Role
from liaison.activities.models import Activity
from liaison.core.errors import Forbidden, NotFound
from liaison.outcomes.models import Adoption, AlignmentReview, NothingAdopted, Policy
from liaison.outcomes.workflow import DECIDERS
from liaison.reports.models import Recommendation

OUTCOME_READERS = AGENCY_READERS
REVIEWERS = (Role.REVIEWER,)
POLICY_EDITORS = REVIEWERS

NOT_A_DECIDER = (
    "Only the agency's commanding officers (approver, higher command) and coordinators "
    "decide recommendations and record what was adopted."
)
NOT_A_REVIEWER = "Only policy reviewers record alignment reviews and edit the policy library."
NOT_A_POLICY_EDITOR = "Only policy reviewers edit the policy library."

Action = Literal["view", "decide", "review"]


def _scoped(user: Any, qs: QuerySet[Any], field: str = "agency_id") -> QuerySet[Any]:
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    scope = scope_for(user, *OUTCOME_READERS)
    if scope == frozenset():
        return qs.none()
    return qs.filter(scope_q(scope, field))


def recommendations_visible_to(user: Any) -> QuerySet[Recommendation]:
    return _scoped(user, Recommendation.objects.all())


def adoptions_visible_to(user: Any) -> QuerySet[Adoption]:
    return _scoped(user, Adoption.objects.all())


def reviews_visible_to(user: Any) -> QuerySet[AlignmentReview]:
    return _scoped(user, AlignmentReview.objects.all())


def statements_visible_to(user: Any) -> QuerySet[NothingAdopted]:
    return _scoped(user, NothingAdopted.objects.all())


def policies_visible_to(user: Any) -> QuerySet[Policy]:
    return _scoped(user, Policy.objects.all())


def may_read_outcomes(user: Any, agency_id: int | None = None) -> bool:
    return any(has_role(user, r, agency_id) for r in OUTCOME_READERS)


def can_decide(user: Any, agency_id: int) -> bool:
    return any(has_role(user, r, agency_id) for r in DECIDERS)


def can_review(user: Any, agency_id: int) -> bool:
    return any(has_role(user, r, agency_id) for r in REVIEWERS)


def can_edit_policies(user: Any, agency_id: int | None = None) -> bool:
    return any(has_role(user, r, agency_id) for r in POLICY_EDITORS)


def require_decider(user: Any, agency_id: int) -> None:
    if not can_decide(user, agency_id):
        raise Forbidden(NOT_A_DECIDER)


def require_reviewer(user: Any, agency_id: int) -> None:
    if not can_review(user, agency_id):
        raise Forbidden(NOT_A_REVIEWER)


def _check(user: Any, agency_id: int, action: Action) -> None:
    if action == "decide":
        require_decider(user, agency_id)
    elif action == "review":
        require_reviewer(user, agency_id)


def access_outcomes_activity(user: Any, pk: int, *, action: Action = "view") -> Activity:
    """An activity whose outcomes the user may read (``decide``: record a statement)."""
    activity = Activity.objects.filter(pk=pk).select_related("agency").first()
    if activity is None or not may_read_outcomes(user, activity.agency_id):
        raise NotFound("No activity with that id.")
    _check(user, activity.agency_id, action)
    return activity


def access_recommendation(user: Any, pk: int, *, action: Action = "view") -> Recommendation:
    rec = (
        recommendations_visible_to(user).select_related("activity", "report").filter(pk=pk).first()
    )
    if rec is None:
        raise NotFound("No recommendation with that id.")
    _check(user, rec.agency_id, action)
    return rec


def access_adoption(user: Any, pk: int, *, action: Action = "view") -> Adoption:
    adoption = (
        adoptions_visible_to(user)
        .select_related("activity", "recommendation__report")
        .filter(pk=pk)
        .first()
    )
    if adoption is None:
        raise NotFound("No adoption with that id.")
    _check(user, adoption.agency_id, action)
    return adoption


def access_statement(user: Any, pk: int, *, action: Action = "view") -> NothingAdopted:
    statement = statements_visible_to(user).select_related("activity").filter(pk=pk).first()
    if statement is None:
        raise NotFound("No statement with that id.")
    _check(user, statement.agency_id, action)
    return statement


def access_policy(user: Any, pk: int, *, action: Action = "view") -> Policy:
    policy = policies_visible_to(user).filter(pk=pk).first()
    if policy is None:
        raise NotFound("No policy with that id.")
    _check(user, policy.agency_id, action)
    return policy


def require_outcome_reader(user: Any) -> None:
    """Lists: ``NotFound`` for anyone who may read no agency's outcomes (an employee)."""
    if scope_for(user, *OUTCOME_READERS) == frozenset():
        raise NotFound("Not found.")
