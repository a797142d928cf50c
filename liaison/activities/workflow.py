"""The activity lifecycle: statuses and the only moves between them.

Services consult ``TRANSITIONS``; nothing else sets ``Activity.status``. A move that is
not in the table raises ``InvalidTransition`` (HTTP 409 in the API, a message on pages).
Who may make each move, and the guards each move must pass (with the sentence a refused
user reads), are declared here too, so pages, API and commands share them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.db import models

from liaison.accounts.models import Role


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for approval"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"
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

TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", Status.DRAFT, Status.SUBMITTED,
               {Role.EMPLOYEE: (OWNER_ONLY,), Role.COORDINATOR: EVERYONE},
               "Submit for approval"),
    Transition("return", Status.SUBMITTED, Status.DRAFT,
               {Role.APPROVER: (NOT_OWN_REQUEST,), Role.COORDINATOR: EVERYONE},
               "Return to draft", needs_reason=True),
    Transition("approve", Status.SUBMITTED, Status.APPROVED, {Role.APPROVER: EVERYONE},
               "Approve", guards=(NOT_OWN_REQUEST, RISK_ASSESSED)),
    Transition("deny", Status.SUBMITTED, Status.DENIED, {Role.APPROVER: EVERYONE},
               "Deny", guards=(NOT_OWN_REQUEST,), needs_reason=True),
    Transition("cancel", Status.DRAFT, Status.CANCELLED,
               {Role.EMPLOYEE: (OWNER_ONLY,), Role.COORDINATOR: EVERYONE},
               "Cancel activity", needs_reason=True),
    Transition("cancel", Status.SUBMITTED, Status.CANCELLED,
               {Role.EMPLOYEE: (OWNER_ONLY,), Role.COORDINATOR: EVERYONE},
               "Cancel activity", needs_reason=True),
    Transition("cancel", Status.APPROVED, Status.CANCELLED, {Role.COORDINATOR: EVERYONE},
               "Cancel activity", needs_reason=True),
    Transition("complete", Status.APPROVED, Status.COMPLETED, {Role.COORDINATOR: EVERYONE},
               "Mark as completed"),
    Transition("close", Status.COMPLETED, Status.CLOSED, {Role.COORDINATOR: EVERYONE},
               "Close"),
)  # fmt: skip


# Statuses in which the activity's own fields may still be edited.
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.COMPLETED})


def find_transition(source: str, name: str) -> Transition | None:
    for t in TRANSITIONS:
        if t.source == source and t.name == name:
            return t
    return None


def transitions_from(source: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source]
