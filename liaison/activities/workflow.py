"""The activity lifecycle: statuses and the only moves between them.

Services consult ``TRANSITIONS``; nothing else sets ``Activity.status``. A move that is
not in the table raises ``InvalidTransition`` (HTTP 409 in the API, a message on pages).
Who may make each move is declared here too, so pages, API and commands share it.
"""

from __future__ import annotations

from dataclasses import dataclass

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


@dataclass(frozen=True)
class Transition:
    name: str  # the verb a user sees and the API takes, e.g. "submit"
    source: Status
    target: Status
    roles: tuple[str, ...]  # roles (in the activity's agency) that may make this move
    label: str


TRANSITIONS: tuple[Transition, ...] = (
    Transition(
        "submit",
        Status.DRAFT,
        Status.SUBMITTED,
        (Role.EMPLOYEE, Role.COORDINATOR),
        "Submit for approval",
    ),
    Transition(
        "return",
        Status.SUBMITTED,
        Status.DRAFT,
        (Role.APPROVER, Role.COORDINATOR),
        "Return to draft",
    ),
    Transition("approve", Status.SUBMITTED, Status.APPROVED, (Role.APPROVER,), "Approve"),
    Transition("deny", Status.SUBMITTED, Status.DENIED, (Role.APPROVER,), "Deny"),
    Transition(
        "cancel", Status.DRAFT, Status.CANCELLED, (Role.EMPLOYEE, Role.COORDINATOR), "Cancel"
    ),
    Transition(
        "cancel", Status.SUBMITTED, Status.CANCELLED, (Role.EMPLOYEE, Role.COORDINATOR), "Cancel"
    ),
    Transition("cancel", Status.APPROVED, Status.CANCELLED, (Role.COORDINATOR,), "Cancel"),
    Transition(
        "complete", Status.APPROVED, Status.COMPLETED, (Role.COORDINATOR,), "Mark as completed"
    ),
    Transition("close", Status.COMPLETED, Status.CLOSED, (Role.COORDINATOR,), "Close"),
)

# Statuses in which the activity's own fields may still be edited.
EDITABLE_STATUSES = frozenset({Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.COMPLETED})


def find_transition(source: str, name: str) -> Transition | None:
    for t in TRANSITIONS:
        if t.source == source and t.name == name:
            return t
    return None


def transitions_from(source: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source]
