"""Writes of the approval record and the approval rules.

The request's status moves only through ``activities.services.activity_transition`` (the
one declared table); ``request_moved`` is registered as that service's effect and keeps
the approval record in step, in the same transaction: a submission opens a round with
its security review, clearing security review lays out the approval chain from the
agency's rules, and each decision is written on its step with who, as they were, and
when. Notices go out by email through ``django.tasks`` once the move is committed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django_countries import countries

from liaison.accounts.access import REFERENCE_EDITORS, has_role
from liaison.accounts.models import Agency, Role, User
from liaison.activities.models import Activity, Origin
from liaison.activities.services import activity_transition
from liaison.activities.workflow import Status, Transition
from liaison.approvals.conditions import conditions_met
from liaison.approvals.models import (
    STEP_ROLES,
    ApprovalPolicy,
    ApprovalStep,
    StepKind,
    StepState,
)
from liaison.approvals.selectors import current_step, policy_for
from liaison.approvals.tasks import send_notice
from liaison.core.audit import save_audited
from liaison.core.errors import Forbidden, InvalidTransition

# The decisions an approver takes on their step, and the workflow move each one is.
DECISIONS = {"approve": "approve", "deny": "deny", "return": "return"}


def _snapshot(actor: Any, role: str) -> dict[str, str]:
    """Who decided, as they are today (kept on the step: a later promotion or renaming
    does not change who approved)."""
    employee = getattr(actor, "employee", None) if actor is not None else None
    name = ""
    if employee is not None:
        name = f"{employee.first_name} {employee.last_name}"
    name = name or (actor.get_full_name() if actor else "") or getattr(actor, "username", "")
    return {
        "decided_by_name": name,
        "decided_by_role": Role(role).label if role in Role.values else role,
        "decided_by_rank": getattr(employee, "rank", "") or "",
        "decided_by_unit": getattr(employee, "unit", "") or "",
    }


def _acting_role(actor: Any, activity: Activity, step: ApprovalStep, transition: Transition) -> str:
    if has_role(actor, step.role, activity.agency_id):
        return step.role
    return next((r for r in transition.roles if has_role(actor, r, activity.agency_id)), step.role)


def _participants(activity: Activity) -> list[str]:
    return [p.display_name for p in activity.participations.filter(withdrawn_at__isnull=True)]


def _decide(
    *, actor: Any, activity: Activity, step: ApprovalStep, state: str, role: str, reason: str
) -> None:
    step.state = state
    step.decided_by = actor
    step.decided_at = timezone.now()
    step.reason = reason
    step.participants_at_time = _participants(activity)
    for name, value in _snapshot(actor, role).items():
        setattr(step, name, value)
    save_audited(step, actor=actor, reason=f"{step.get_state_display()}")


def _close_pending(*, actor: Any, activity: Activity, why: str) -> None:
    for step in activity.approval_steps.filter(state=StepState.PENDING):
        step.state = StepState.NOT_REACHED
        step.reason = why
        save_audited(step, actor=actor, reason="not reached")


def _lay_out_chain(*, actor: Any, activity: Activity, round_: int) -> list[ApprovalStep]:
    """The approval steps of this round, from the agency's rules as they are now: the
    approver's step always, and higher command's when a condition applies (each
    condition's sentence kept on the step)."""
    policy = policy_for(activity.agency)
    steps = [ApprovalStep(activity=activity, round=round_, position=1, kind=StepKind.APPROVAL,
                          role=policy.approver_role)]  # fmt: skip
    met = conditions_met(activity, policy)
    if met:
        steps.append(
            ApprovalStep(
                activity=activity,
                round=round_,
                position=2,
                kind=StepKind.APPROVAL,
                role=policy.higher_command_role,
                why=" ".join(c.sentence(activity, policy) for c in met),
                conditions_met=[c.name for c in met],
            )
        )
    for step in steps:
        save_audited(step, actor=actor)
    return steps


def request_moved(*, actor: Any, activity: Any, transition: Transition, reason: str) -> None:
    """Keep the approval record in step with a move just saved (the effect registered on
    ``activity_transition``; same transaction). Never called directly."""
    name = transition.name
    step = current_step(activity)
    if name == "submit":
        last = activity.approval_steps.aggregate(m=Max("round"))["m"] or 0
        security = ApprovalStep(
            activity=activity, round=last + 1, position=0,
            kind=StepKind.SECURITY_REVIEW, role=Role.SECURITY,
        )  # fmt: skip
        save_audited(security, actor=actor)
        _notify_step(activity, security)
    elif name == "clear":
        if step is None or step.kind != StepKind.SECURITY_REVIEW:
            # A request submitted before this record was kept (or imported as submitted):
            # its review starts a round of its own.
            last = activity.approval_steps.aggregate(m=Max("round"))["m"] or 0
            step = ApprovalStep(activity=activity, round=last + 1, position=0,
                                kind=StepKind.SECURITY_REVIEW, role=Role.SECURITY)  # fmt: skip
        _decide(actor=actor, activity=activity, step=step, state=StepState.APPROVED,
                role=Role.SECURITY, reason=reason)  # fmt: skip
        chain = _lay_out_chain(actor=actor, activity=activity, round_=step.round)
        _notify_step(activity, chain[0])
    elif name in ("approve_step", "approve", "deny", "return") and step is not None:
        state = {"deny": StepState.DENIED, "return": StepState.RETURNED}.get(
            name, StepState.APPROVED
        )
        role = _acting_role(actor, activity, step, transition)
        _decide(actor=actor, activity=activity, step=step, state=state, role=role, reason=reason)
        if name == "approve_step":
            following = current_step(activity)
            if following is not None:
                _notify_step(activity, following)
        else:
            _close_pending(actor=actor, activity=activity, why=f"The request was {state}.")
            _notify_requester(activity, step)
    elif name in ("withdraw", "cancel"):
        _close_pending(actor=actor, activity=activity, why=f"{transition.label}: {reason}"[:300])


@transaction.atomic
def approval_decide(
    *, actor: Any, activity: Activity, decision: str, reason: str = "", conditions: str = ""
) -> ApprovalStep:
    """Decide the current approval step of ``activity``: ``approve`` (with optional
    ``conditions``), ``deny`` or ``return`` (both need a reason). Approving a step that
    is not the last moves the request along the chain (``approve_step``), the last one
    approves the request; the workflow table's roles and guards decide who may
    (``InvalidTransition`` / ``Forbidden`` / ``ValidationError`` as for any move).
    Returns the step decided."""
    if decision not in DECISIONS:
        raise ValidationError(
            {"decision": [f"Unknown decision “{decision}”: approve, deny or return."]}
        )
    conditions = conditions.strip()
    if conditions and decision != "approve":
        raise ValidationError({"conditions": ["Conditions go with an approval only."]})
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    step = current_step(activity)
    if activity.status != Status.IN_APPROVAL or step is None or step.kind != StepKind.APPROVAL:
        raise InvalidTransition(
            f"This request is not waiting for an approval decision (it is "
            f"{activity.get_status_display().lower()})."
        )
    name = DECISIONS[decision]
    if decision == "approve":
        others = activity.approval_steps.filter(round=step.round, state=StepState.PENDING)
        name = "approve_step" if others.exclude(pk=step.pk).exists() else "approve"
    activity_transition(actor=actor, activity=activity, name=name, reason=reason)
    step.refresh_from_db()
    if conditions:
        step.conditions = conditions
        save_audited(step, actor=actor, reason="conditions")
    return step


# --- notices ------------------------------------------------------------------------


def _link(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _activity_link(activity: Activity) -> str:
    return _link(reverse("activities:detail", args=[activity.pk]))


def _enqueue(to: list[str], subject: str, body: str) -> None:
    if to:
        transaction.on_commit(lambda: send_notice.enqueue(to=to, subject=subject, body=body))


def step_takers(activity: Activity, step: ApprovalStep) -> list[User]:
    """Who may take ``step`` now: active users holding its role in the activity's agency,
    not the requester or a participant (they may not decide their own request)."""
    from liaison.accounts.models import RoleGrant

    users = User.objects.filter(
        is_active=True,
        pk__in=RoleGrant.objects.filter(role=step.role, agency_id=activity.agency_id).values(
            "user_id"
        ),
    ).exclude(
        pk__in=activity.participations.filter(employee__user__isnull=False).values(
            "employee__user_id"
        )
    )
    if activity.created_by_id:
        users = users.exclude(pk=activity.created_by_id)
    return list(users.order_by("pk"))


def _notify_step(activity: Activity, step: ApprovalStep) -> None:
    to = [u.email for u in step_takers(activity, step) if u.email]
    _enqueue(
        to,
        f"Waiting for you: {step.label.lower()} of “{activity.title}”",
        f"The request “{activity.title}” is waiting for {step.label.lower()}.\n"
        f"{step.why}\nOpen it: {_activity_link(activity)}\n"
        f"Everything waiting for you: {_link(reverse('approvals:waiting'))}\n",
    )


def _notify_requester(activity: Activity, step: ApprovalStep) -> None:
    requester = activity.created_by
    if requester is None or not requester.email:
        return
    activity.refresh_from_db(fields=["status"])
    _enqueue(
        [requester.email],
        f"Your request “{activity.title}” is {activity.get_status_display().lower()}",
        f"{step.decided_by_name} ({step.decided_by_role}) decided: "
        f"{step.get_state_display().lower()}.\n"
        + (f"Reason: {step.reason}\n" if step.reason else "")
        + f"Open it: {_activity_link(activity)}\n",
    )


# --- rules ----------------------------------------------------------------------------


def _parse_cost(value: Any, errors: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        cost = Decimal(str(value))
    except InvalidOperation:
        errors["cost_threshold"] = ["Enter an amount in dollars, e.g. 10000."]
        return None
    if cost < 0:
        errors["cost_threshold"] = ["The cost threshold cannot be negative."]
    return cost


@transaction.atomic
def approval_policy_update(
    *,
    actor: Any,
    agency: Agency,
    approver_role: str,
    higher_command_role: str,
    cost_threshold: Any,
    advisory_level_threshold: int,
    countries_list: list[str],
    foreign_ministry_inbound: bool,
) -> ApprovalPolicy:
    """Replace ``agency``'s approval rules (coordinators and administrators of the agency;
    ``Forbidden`` otherwise). Every field is checked first and bad input changes
    nothing (``ValidationError`` keyed by field); the history keeps each version. Rules
    apply to chains laid out from now on; a chain already laid out keeps its steps."""
    if not any(has_role(actor, r, agency.pk) for r in REFERENCE_EDITORS):
        raise Forbidden("Only coordinators and administrators of this agency edit its rules.")
    errors: dict[str, list[str]] = {}
    roles = [r.value for r in STEP_ROLES]
    for key, value in (
        ("approver_role", approver_role),
        ("higher_command_role", higher_command_role),
    ):
        if value not in roles:
            errors[key] = [f"Unknown role “{value}”: {' or '.join(roles)}."]
    if not isinstance(advisory_level_threshold, int) or not 1 <= advisory_level_threshold <= 4:
        errors["advisory_level_threshold"] = [
            f"Advisory levels run from 1 to 4; “{advisory_level_threshold}” is not one."
        ]
    cost = _parse_cost(cost_threshold, errors)
    codes: list[str] = []
    for index, code in enumerate(countries_list):
        code = str(code).strip().upper()
        if not code:
            continue
        if code not in countries:
            errors.setdefault(f"countries[{index}]", []).append(
                f"“{code}” is not an ISO 3166 country code."
            )
        elif code not in codes:
            codes.append(code)
    if errors:
        raise ValidationError(errors)
    policy = ApprovalPolicy.objects.select_for_update().filter(agency=agency).first()
    policy = policy or ApprovalPolicy(agency=agency)
    policy.approver_role = approver_role
    policy.higher_command_role = higher_command_role
    policy.cost_threshold = cost
    policy.advisory_level_threshold = advisory_level_threshold
    policy.countries = sorted(codes)
    policy.foreign_ministry_inbound = foreign_ministry_inbound
    save_audited(policy, actor=actor)
    return policy


@transaction.atomic
def approval_step_import(
    *,
    actor: Any,
    activity: Activity,
    kind: str,
    role: str,
    state: str,
    decided_at: dt.datetime,
    decided_by_name: str,
    decided_by_rank: str = "",
    reason: str = "",
    conditions: str = "",
    why: str = "",
    source: str,
) -> ApprovalStep:
    """Record a decision an earlier source shows (a scanned approval form, the demo's
    2025–2026 request files) on an *imported* activity, with the date and the approver
    as the source gives them. Coordinators of the activity's agency only. The step is
    appended to the record's last round; nothing moves the status (the import did)."""
    if not has_role(actor, Role.COORDINATOR, activity.agency_id):
        raise Forbidden("Only coordinators of this agency import records.")
    errors: dict[str, list[str]] = {}
    if activity.origin != Origin.IMPORTED:
        errors["activity"] = ["Only an imported record takes decisions from a source."]
    if state not in [s.value for s in (StepState.APPROVED, StepState.DENIED, StepState.RETURNED)]:
        errors["state"] = [f"Unknown decision “{state}”."]
    if timezone.is_naive(decided_at):
        errors["decided_at"] = ["Give the time with its time zone."]
    elif decided_at > timezone.now():
        errors["decided_at"] = ["The decision date is in the future."]
    if not source.strip():
        errors["source"] = ["Say where the decision is recorded."]
    if errors:
        raise ValidationError(errors)
    # Position 0 is a security review's; imported decisions follow from 1.
    last = activity.approval_steps.aggregate(m=Max("position"))["m"]
    position = (last or 0) + 1
    step = ApprovalStep(
        activity=activity, round=1, position=position, kind=kind, role=role, state=state,
        decided_at=decided_at, decided_by_name=decided_by_name.strip(),
        decided_by_role=Role(role).label if role in Role.values else role,
        decided_by_rank=decided_by_rank.strip(), reason=reason.strip(),
        conditions=conditions.strip(), why=why.strip(), source=source.strip(),
        participants_at_time=_participants(activity),
    )  # fmt: skip
    save_audited(step, actor=actor, reason="imported")
    return step
