"""Reads of the approval record, the rules, and what waits for whom."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from liaison.accounts.access import REFERENCE_EDITORS, has_role, scope_for, scope_q
from liaison.accounts.models import Agency, Role
from liaison.activities.access import activities_visible_to
from liaison.activities.models import Activity
from liaison.activities.selectors import started_without_approval
from liaison.activities.workflow import Status
from liaison.approvals.models import ApprovalPolicy, ApprovalStep, StepKind, StepState


def current_step(activity: Activity) -> ApprovalStep | None:
    """The first step still waiting, or ``None``."""
    return (
        ApprovalStep.objects.filter(activity_id=activity.pk, state=StepState.PENDING)
        .order_by("round", "position")
        .first()
    )


def policy_for(agency: Agency) -> ApprovalPolicy:
    """The agency's rules, or the defaults (unsaved) when it has set none."""
    return ApprovalPolicy.objects.filter(agency=agency).first() or ApprovalPolicy(agency=agency)


def policies_visible_to(user: Any) -> list[ApprovalPolicy]:
    """The rules of every agency where the user edits reference data (coordinators,
    administrators), saved or default."""
    scope = scope_for(user, *REFERENCE_EDITORS)
    agencies = Agency.objects.filter(scope_q(scope, "pk")).order_by("name")
    return [policy_for(a) for a in agencies]


@dataclass(frozen=True)
class ApprovalRecord:
    activity: Activity
    steps: list[ApprovalStep]
    not_on_record: bool
    started_without_approval: bool

    @property
    def approved_by(self) -> list[ApprovalStep]:
        return [s for s in self.steps if s.kind == StepKind.APPROVAL and s.state == "approved"]


def approval_record(*, activity: Activity) -> ApprovalRecord:
    """Every step of the request, every round, in order: who (as they were), when,
    decision, conditions, reason. ``not_on_record`` says the source of an imported
    record does not document the approval ("approval not on record")."""
    steps = list(
        ApprovalStep.objects.filter(activity_id=activity.pk).order_by("round", "position", "id")
    )
    return ApprovalRecord(
        activity=activity,
        steps=steps,
        not_on_record="approval" in (activity.not_on_record or []),
        started_without_approval=started_without_approval(activity),
    )


@dataclass(frozen=True)
class WaitingItem:
    activity: Activity
    action: str  # what the user is asked to do
    since: Any  # when it started waiting
    why: str = ""


def waiting_for(*, user: Any) -> list[WaitingItem]:
    """What ``user`` may act on now, oldest first: as an approver or higher command, the
    approval steps of their role waiting in their agencies (not their own requests, not
    ones they take part in, not a second step of a chain whose first they approved); as
    a security officer, requests waiting for or in security review; as a requester,
    their requests returned for correction."""
    items: list[WaitingItem] = []
    visible = activities_visible_to(user)
    mine = Q(created_by_id=user.pk) | Q(participations__employee__user_id=user.pk)
    for role in (Role.APPROVER, Role.COMMAND):
        scope = scope_for(user, role)
        if scope == frozenset():
            continue
        steps = (
            ApprovalStep.objects.filter(
                state=StepState.PENDING,
                kind=StepKind.APPROVAL,
                role=role,
                activity__status=Status.IN_APPROVAL,
                activity__in=visible.filter(scope_q(scope)).exclude(mine),
            )
            .select_related("activity")
            .order_by("activity_id", "round", "position")
        )
        for step in steps:
            earlier = ApprovalStep.objects.filter(
                activity_id=step.activity_id, round=step.round, position__lt=step.position
            )
            if earlier.filter(state=StepState.PENDING).exists():
                continue  # not this step's turn yet
            if earlier.filter(decided_by_id=user.pk).exists():
                continue
            since = earlier.order_by("-decided_at").values_list("decided_at", flat=True).first()
            items.append(WaitingItem(step.activity, step.label, since, step.why))
    scope = scope_for(user, Role.SECURITY)
    if scope != frozenset():
        for activity in (
            visible.filter(scope_q(scope), status__in=[Status.SUBMITTED, Status.SECURITY_REVIEW])
            .exclude(mine)
            .distinct()
        ):
            action = (
                "Start security review"
                if activity.status == Status.SUBMITTED
                else "Finish security review"
            )
            items.append(WaitingItem(activity, action, activity.updated_at))
    returned = (
        ApprovalStep.objects.filter(
            state=StepState.RETURNED,
            activity__created_by_id=user.pk,
            activity__status=Status.DRAFT,
        )
        .select_related("activity")
        .order_by("activity_id", "-round")
    )
    seen: set[int] = set()
    for step in returned:
        if step.activity_id in seen:
            continue
        seen.add(step.activity_id)
        # Only the latest round counts: a resubmitted request is no longer returned.
        if ApprovalStep.objects.filter(activity_id=step.activity_id, round__gt=step.round).exists():
            continue
        items.append(
            WaitingItem(step.activity, "Correct and resubmit", step.decided_at, step.reason)
        )
    # Soonest start first: approval must precede the activity.
    items.sort(key=lambda i: (i.activity.start_date, i.activity.pk))
    return items


def may_edit_policy(user: Any, agency: Agency) -> bool:
    return any(has_role(user, r, agency.pk) for r in REFERENCE_EDITORS)
