"""Vetting statuses and the only moves between them (ADR 0016).

A vetting request goes to a national channel (the U.S. Embassy's INVESTc/Leahy process,
the FBI Legal Attaché, the State Department …) and comes back approved, denied or
suspended; either side may cancel it. Services consult ``TRANSITIONS``; nothing else sets
``VettingRequest.status``. A move not in the table raises ``InvalidTransition`` (409 in
the API, a message on the page); a failed guard does too, with the guard's sentence.

This module imports no model of this app, so the activity workflow may import
``trainees_vetted`` from it as a guard without a cycle (see the ADR).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models

from liaison.accounts.models import Role


class VettingStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    SUSPENDED = "suspended", "Suspended"
    DENIED = "denied", "Denied"
    CANCELLED = "cancelled", "Cancelled"


@dataclass(frozen=True)
class Guard:
    """A named condition a move must meet, and the sentence a refused user reads
    (the same shape as ``activities.workflow.Guard``). ``check(actor, vetting)`` runs in
    the service on the locked row, after the decision's own values are applied."""

    name: str
    check: Callable[[Any, Any], bool]
    refusal: str


SOURCE_DOCUMENT_ON_FILE = Guard(
    "source_document_on_file",
    lambda actor, vetting: bool((vetting.source_document or "").strip()),
    "Record the source document (the channel's reply or its reference) before approving: "
    "an approval that cites nothing cannot be checked later.",
)
NOT_ALREADY_EXPIRED = Guard(
    "not_already_expired",
    lambda actor, vetting: vetting.expires_on is None or vetting.expires_on > vetting.decided_on,
    "This vetting would expire on or before the day it is approved; record the expiry the "
    "channel gave.",
)


@dataclass(frozen=True)
class Transition:
    """One allowed move; ``roles`` are the roles (in the record's agency) that may make it."""

    name: str
    source: VettingStatus
    target: VettingStatus
    roles: Mapping[str, tuple[Guard, ...]]
    label: str
    guards: tuple[Guard, ...] = ()
    needs_reason: bool = False


SECURITY_ONLY: Mapping[str, tuple[Guard, ...]] = {Role.SECURITY: ()}
R, A, S, D, C = (
    VettingStatus.REQUESTED,
    VettingStatus.APPROVED,
    VettingStatus.SUSPENDED,
    VettingStatus.DENIED,
    VettingStatus.CANCELLED,
)

TRANSITIONS: tuple[Transition, ...] = (
    Transition("approve", R, A, SECURITY_ONLY, "Record approval",
               guards=(SOURCE_DOCUMENT_ON_FILE, NOT_ALREADY_EXPIRED)),
    Transition("deny", R, D, SECURITY_ONLY, "Record denial", needs_reason=True),
    Transition("suspend", R, S, SECURITY_ONLY, "Record suspension", needs_reason=True),
    Transition("suspend", A, S, SECURITY_ONLY, "Record suspension", needs_reason=True),
    Transition("approve", S, A, SECURITY_ONLY, "Record approval (suspension lifted)",
               guards=(SOURCE_DOCUMENT_ON_FILE, NOT_ALREADY_EXPIRED)),
    Transition("deny", S, D, SECURITY_ONLY, "Record denial", needs_reason=True),
    Transition("cancel", R, C, SECURITY_ONLY, "Cancel request", needs_reason=True),
    Transition("cancel", A, C, SECURITY_ONLY, "Cancel request", needs_reason=True),
    Transition("cancel", S, C, SECURITY_ONLY, "Cancel request", needs_reason=True),
)  # fmt: skip

TRANSITION_NAMES = tuple(dict.fromkeys(t.name for t in TRANSITIONS))


def find_transition(source: str, name: str) -> Transition | None:
    for t in TRANSITIONS:
        if t.source == source and t.name == name:
            return t
    return None


def transitions_from(source: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source]


def is_current(*, status: str, expires_on: dt.date | None, on: dt.date) -> bool:
    """A vetting counts on ``on`` only if approved and not expired: the expiry date is
    the first day it no longer counts."""
    return status == VettingStatus.APPROVED and (expires_on is None or expires_on > on)


def trainees_vetted(activity: Any) -> bool:
    """Guard-ready: every inbound trainee of ``activity`` has a vetting current on the
    day the course starts. Reaches through the instance only (its ``participations`` and
    ``inbound_trainees``), so ``activities.workflow`` may use it in a ``Guard`` without
    importing this app's models. A trainee participant with no intake record is not
    vetted. Activities that are neither inbound nor taught by foreign trainers pass."""
    if activity.direction not in ("inbound", "foreign_trainers"):
        return True
    start = activity.start_date
    intake = {
        t.external_person_id: t
        for t in activity.inbound_trainees.prefetch_related("vetting_requests")
    }
    participants = set(
        activity.participations.filter(role="trainee", external_person__isnull=False).values_list(
            "external_person_id", flat=True
        )
    )
    for person_id in participants | set(intake):
        trainee = intake.get(person_id)
        if trainee is None:
            return False
        if not any(
            is_current(status=v.status, expires_on=v.expires_on, on=start)
            for v in trainee.vetting_requests.all()
        ):
            return False
    return True
