"""The activity lifecycle: statuses and the only moves between them.

Services consult ``TRANSITIONS``; nothing else sets ``Activity.status``. A move that is
not in the table raises ``InvalidTransition`` (HTTP 409 in the API, a message on pages).
Who may make each move, and the guards each move must pass (with the sentence a refused
user reads), are declared here too, so pages, API and commands share them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.db import models
from django.utils import timezone

from liaison.accounts.models import Role


class Status(models.TextChoices):
    # Values are stored and promised in the API: add new ones, never rename (ADR 0014).
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for approval"
    SECURITY_REVIEW = "security_review", "In security review"
    IN_APPROVAL = "in_approval", "In the approval chain"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"
    IN_PROGRESS = "in_progress", "In progress"
    WITHDRAWN = "withdrawn", "Withdrawn by the requester"
    CANCELLED = "cancelled", "Cancelled"
    COMPLETED = "completed", "Completed"
    CLOSED = "closed", "Closed"


class ActivityLike(Protocol):
    """What a guard may read: the locked activity row (guards live here, below the models,
    so they reach related rows through the instance rather than by importing models)."""

    pk: Any
    agency_id: int
    created_by_id: int | None
    direction: str
    participations: Any
    locations: Any
    start_date: Any
    origin: str


@dataclass(frozen=True)
class Guard:
    """A named condition a move must meet, and the sentence a user reads when it does not.

    ``check(actor, activity)`` runs in the service on the locked row. A failed guard is a
    refusal of the *move*, not of the person: ``InvalidTransition`` (409 in the API, a
    message on the page), with ``refusal`` as its text."""

    name: str
    check: Callable[[Any, ActivityLike], bool]
    refusal: str


def _is_requester(actor: Any, activity: ActivityLike) -> bool:
    return activity.created_by_id is not None and activity.created_by_id == actor.pk


def _takes_part(actor: Any, activity: ActivityLike) -> bool:
    return bool(activity.participations.filter(employee__user_id=actor.pk).exists())


OWNER_ONLY = Guard(
    "owner_only",
    _is_requester,
    "Only the employee who made this request may do that; ask a coordinator otherwise.",
)
NOT_OWN_REQUEST = Guard(
    "not_own_request",
    lambda actor, activity: not _is_requester(actor, activity) and not _takes_part(actor, activity),
    "You may not decide a request you made or an activity you take part in; another "
    "approver must decide it.",
)


def _abroad_is_assessed(actor: Any, activity: ActivityLike) -> bool:
    """Every location of an outbound activity outside the home country has a risk
    assessment that is done (not missing, not reopened by an itinerary change). Read
    through the instance (``location.risk_assessment``, the security app's one-to-one),
    so this table imports nothing above it: one query."""
    if activity.direction != "outbound":
        return True
    abroad = activity.locations.exclude(country=settings.HOME_COUNTRY)
    return not abroad.exclude(risk_assessment__status="done").exists()


RISK_ASSESSED = Guard(
    "risk_assessed",
    _abroad_is_assessed,
    "Every location abroad needs a risk assessment before approval: ask a security "
    "officer to assess each one (an itinerary change reopens an assessment).",
)


def _today() -> dt.date:
    return timezone.localdate()


def _current_step(activity: ActivityLike) -> Any:
    """The first undecided step of the request's approval chain (``approvals.ApprovalStep``,
    reached through the instance: the approvals app sits above this one), or ``None``."""
    steps = getattr(activity, "approval_steps", None)
    if steps is None:
        return None
    return steps.filter(state="pending").order_by("round", "position").first()


def _step_for(role: str) -> Guard:
    def check(actor: Any, activity: ActivityLike) -> bool:
        step = _current_step(activity)
        return step is not None and step.kind == "approval" and step.role == role

    return Guard(
        f"step_for_{role}",
        check,
        "The current step of the approval chain is not for your role; the step waiting "
        "now is listed in the approval record.",
    )


def _others_pending(activity: ActivityLike) -> int:
    step = _current_step(activity)
    if step is None:
        return 0
    return int(
        activity.approval_steps.filter(round=step.round, state="pending")  # type: ignore[attr-defined]
        .exclude(pk=step.pk)
        .count()
    )


def _not_earlier_approver(actor: Any, activity: ActivityLike) -> bool:
    step = _current_step(activity)
    if step is None:
        return True
    return not bool(
        activity.approval_steps.filter(  # type: ignore[attr-defined]
            round=step.round, kind="approval", state="approved", decided_by_id=actor.pk
        ).exists()
    )


def _before_start(actor: Any, activity: ActivityLike) -> bool:
    # Entered requests only: an imported record's late approval is flagged, not refused.
    return activity.origin != "entered" or _today() < activity.start_date


def _has_started(actor: Any, activity: ActivityLike) -> bool:
    return bool(_today() >= activity.start_date)


# Every approval step, whoever takes it (ADR 0014).
NOT_EARLIER_APPROVER = Guard(
    "not_earlier_approver",
    _not_earlier_approver,
    "You approved an earlier step of this request; a different person must approve this one.",
)
BEFORE_START = Guard(
    "before_start",
    _before_start,
    "Approval must precede the activity: it has already started, so it can no longer be "
    "approved or denied here. A coordinator can return or cancel it.",
)
LAST_STEP = Guard(
    "last_step",
    lambda actor, activity: _others_pending(activity) == 0,
    "Further steps of the approval chain follow this one: approve this step instead.",
)
MORE_STEPS = Guard(
    "more_steps",
    lambda actor, activity: _others_pending(activity) > 0,
    "This is the last step of the approval chain: approve the request instead.",
)
HAS_STARTED = Guard(
    "has_started",
    _has_started,
    "The activity has not started yet; mark it in progress on or after its start date.",
)
# The approval steps' roles: the approval chain's roles come from the agency's policy
# (approvals.ApprovalPolicy); a step is taken by the role it names.
STEP_FOR_APPROVER = _step_for(Role.APPROVER)
STEP_FOR_COMMAND = _step_for(Role.COMMAND)
APPROVAL_STEP_ROLES: Mapping[str, tuple[Guard, ...]] = {
    Role.APPROVER: (STEP_FOR_APPROVER,),
    Role.COMMAND: (STEP_FOR_COMMAND,),
}
APPROVAL_STEP_GUARDS: tuple[Guard, ...] = (NOT_OWN_REQUEST, NOT_EARLIER_APPROVER, BEFORE_START)


def _trainees_vetted(actor: Any, activity: ActivityLike) -> bool:
    """Every inbound trainee has a vetting current on the first day of the course. The
    rule is the vetting app's (``vetting.workflow.trainees_vetted``), reached through the
    instance's related manager so that this table imports nothing above it (ADR 0016)."""
    trainees = getattr(activity, "inbound_trainees", None)
    if trainees is None:  # no vetting app installed: nothing to check
        return True
    return bool(trainees.model.all_vetted_for(activity))


TRAINEES_VETTED = Guard(
    "trainees_vetted",
    _trainees_vetted,
    "Every inbound trainee needs a current vetting before the course starts; see the "
    "activity's contacts and vetting page.",
)


def _funding_rule(key: str) -> Callable[[Any, ActivityLike], bool]:
    """One of the funding app's equal-standard rules (``funding.workflow.PROBLEMS``),
    reached through the instance's related manager (``activity.contributions.model``) so
    this table imports nothing above it (ADR 0019)."""

    def check(actor: Any, activity: ActivityLike) -> bool:
        contributions = getattr(activity, "contributions", None)
        if contributions is None:  # no funding app installed: nothing to check
            return True
        return key not in contributions.model.problems_for(activity)

    return check


FUNDING_ON_RECORD = Guard(
    "funding_on_record",
    _funding_rule("record"),
    "An outside-funded activity needs at least the record a department-funded one has: a "
    "written justification, every outside funder screened for conflicts of interest (none "
    "declined), and every pass-through funder's own sources named; see its funding page.",
)
ANONYMOUS_OVERRIDDEN = Guard(
    "anonymous_overridden",
    _funding_rule("anonymous"),
    "Anonymous funding blocks approval: name the funder, or a named official must override "
    "it with a reason on the activity's funding page.",
)
TRAVELLERS_SELECTED_BY_AGENCY = Guard(
    "travellers_selected_by_agency",
    _funding_rule("selection"),
    "For outside-funded travel, record who selected each traveller on the funding page: the "
    "agency selects, not the funder, and the agency head may not select themself.",
)
FUNDING_GUARDS = (FUNDING_ON_RECORD, ANONYMOUS_OVERRIDDEN, TRAVELLERS_SELECTED_BY_AGENCY)


@dataclass(frozen=True)
class Transition:
    """One allowed move. ``roles`` maps each role (in the activity's agency) that may make
    it to the guards that apply to that role only (e.g. an employee may cancel only their
    own request; a coordinator may cancel any); ``guards`` apply to everyone. Adding a
    condition is one entry in one of these tuples."""

    name: str  # the verb a user sees and the API takes, e.g. "submit"
    source: Status
    target: Status
    roles: Mapping[str, tuple[Guard, ...]]
    label: str
    guards: tuple[Guard, ...] = ()
    # Moves that need a reason and a confirmation step of their own on the page.
    needs_reason: bool = False


EVERYONE: tuple[Guard, ...] = ()

# Who may start the clock on a request, and who may take it back.
RoleGuards = Mapping[str, tuple[Guard, ...]]
_REQUESTER: RoleGuards = {Role.EMPLOYEE: (OWNER_ONLY,), Role.COORDINATOR: EVERYONE}
_SECURITY: RoleGuards = {Role.SECURITY: (NOT_OWN_REQUEST,), Role.COORDINATOR: EVERYONE}
_OWNER_ONLY: RoleGuards = {Role.EMPLOYEE: (OWNER_ONLY,)}
_COORDINATOR: RoleGuards = {Role.COORDINATOR: EVERYONE}
_APPROVER_OR_COORDINATOR: RoleGuards = {**APPROVAL_STEP_ROLES, Role.COORDINATOR: EVERYONE}

TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", Status.DRAFT, Status.SUBMITTED, _REQUESTER, "Submit for approval"),
    # Security review: an officer takes the request up, then clears it into the approval
    # chain. ``clear`` is the one move out of security review, and needs every location
    # abroad assessed (``RISK_ASSESSED``); the final ``approve`` checks it again, since an
    # itinerary change during the approval chain reopens an assessment (ADR 0015).
    Transition("start_review", Status.SUBMITTED, Status.SECURITY_REVIEW, _SECURITY,
               "Start security review"),
    Transition("clear", Status.SECURITY_REVIEW, Status.IN_APPROVAL, _SECURITY,
               "Clear security review", guards=(NOT_OWN_REQUEST, RISK_ASSESSED)),
    # The approval chain: one or more steps (approvals.ApprovalStep). Every step but the
    # last is ``approve_step`` (the request stays in the chain); the last is ``approve``.
    Transition("approve_step", Status.IN_APPROVAL, Status.IN_APPROVAL, APPROVAL_STEP_ROLES,
               "Approve", guards=(*APPROVAL_STEP_GUARDS, MORE_STEPS)),
    Transition("approve", Status.IN_APPROVAL, Status.APPROVED, APPROVAL_STEP_ROLES,
               "Approve",
               guards=(*APPROVAL_STEP_GUARDS, LAST_STEP, RISK_ASSESSED, *FUNDING_GUARDS)),
    Transition("deny", Status.IN_APPROVAL, Status.DENIED, APPROVAL_STEP_ROLES,
               "Deny", guards=APPROVAL_STEP_GUARDS, needs_reason=True),
    # Return for correction: back to draft with a reason, from every step before a decision.
    Transition("return", Status.SUBMITTED, Status.DRAFT, _SECURITY,
               "Return to draft", needs_reason=True),
    Transition("return", Status.SECURITY_REVIEW, Status.DRAFT, _SECURITY,
               "Return to draft", needs_reason=True),
    Transition("return", Status.IN_APPROVAL, Status.DRAFT, _APPROVER_OR_COORDINATOR,
               "Return to draft", guards=(NOT_OWN_REQUEST,), needs_reason=True),
    # The requester takes back a request they no longer want (with a reason).
    Transition("withdraw", Status.SUBMITTED, Status.WITHDRAWN, _OWNER_ONLY,
               "Withdraw request", needs_reason=True),
    Transition("withdraw", Status.SECURITY_REVIEW, Status.WITHDRAWN, _OWNER_ONLY,
               "Withdraw request", needs_reason=True),
    Transition("withdraw", Status.IN_APPROVAL, Status.WITHDRAWN, _OWNER_ONLY,
               "Withdraw request", needs_reason=True),
    Transition("withdraw", Status.APPROVED, Status.WITHDRAWN, _OWNER_ONLY,
               "Withdraw request", needs_reason=True),
    # Cancel: the activity will not take place (a requester may discard a draft).
    Transition("cancel", Status.DRAFT, Status.CANCELLED, _REQUESTER,
               "Cancel activity", needs_reason=True),
    Transition("cancel", Status.SUBMITTED, Status.CANCELLED, _COORDINATOR,
               "Cancel activity", needs_reason=True),
    Transition("cancel", Status.SECURITY_REVIEW, Status.CANCELLED, _COORDINATOR,
               "Cancel activity", needs_reason=True),
    Transition("cancel", Status.IN_APPROVAL, Status.CANCELLED, _COORDINATOR,
               "Cancel activity", needs_reason=True),
    Transition("cancel", Status.APPROVED, Status.CANCELLED, _COORDINATOR,
               "Cancel activity", needs_reason=True),
    Transition("start", Status.APPROVED, Status.IN_PROGRESS, _COORDINATOR,
               "Mark as in progress", guards=(HAS_STARTED, TRAINEES_VETTED)),
    Transition("complete", Status.IN_PROGRESS, Status.COMPLETED, _COORDINATOR,
               "Mark as completed"),
    # An approved activity nobody marked in progress can still be completed.
    Transition("complete", Status.APPROVED, Status.COMPLETED, _COORDINATOR,
               "Mark as completed", guards=(HAS_STARTED,)),
    Transition("close", Status.COMPLETED, Status.CLOSED, _COORDINATOR, "Close"),
)  # fmt: skip


# Statuses in which the activity's own fields may still be edited.
EDITABLE_STATUSES = frozenset(
    {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.SECURITY_REVIEW,
        Status.IN_APPROVAL,
        Status.APPROVED,
        Status.IN_PROGRESS,
        Status.COMPLETED,
    }
)

# Statuses in which a participant may still drop out (``participation_withdraw``).
WITHDRAWABLE_STATUSES = frozenset(
    {Status.DRAFT, Status.SUBMITTED, Status.SECURITY_REVIEW, Status.IN_APPROVAL, Status.APPROVED}
)


def find_transition(source: str, name: str) -> Transition | None:
    for t in TRANSITIONS:
        if t.source == source and t.name == name:
            return t
    return None


def transitions_from(source: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source]


class TransitionEffect(Protocol):
    def __call__(
        self, *, actor: Any, activity: Any, transition: Transition, reason: str
    ) -> None: ...


# What an app above this one records when a move is made (the approvals app keeps each
# request's approval record): called by ``activities.services.activity_transition`` in
# the same transaction, after the status is saved, in registration order. Registered
# once from an ``AppConfig.ready`` (ADR 0014); a plain list, not a signal: the one
# caller is the service, and the test suite lists what is registered.
TRANSITION_EFFECTS: list[TransitionEffect] = []


def register_effect(effect: TransitionEffect) -> None:
    if effect not in TRANSITION_EFFECTS:
        TRANSITION_EFFECTS.append(effect)
