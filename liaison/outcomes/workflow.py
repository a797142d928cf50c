"""Decisions on recommendations and the life of an adoption: the only moves (ADR 0018).

A recommendation of an evaluation report starts *undecided* (it has no decision row). The
agency's commanding roles (approver, higher command) and its coordinator decide it:
adopt, reject or defer; a deferred recommendation is decided again later (adopt or
reject). An adopted or rejected recommendation is decided: deciding it twice is refused
(409). An adoption is *open* until it is closed (with a reason); follow-ups are recorded
only while it is open.

Services consult these tables; nothing else sets a decision's outcome or an adoption's
status. Guards carry the sentence a refused user reads, as in ``activities.workflow``
(ADR 0009). This module imports no model of this app: guards reach related rows through
the instance they are given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models

from liaison.accounts.models import Role


class DecisionOutcome(models.TextChoices):
    ADOPTED = "adopted", "Adopted"
    REJECTED = "rejected", "Rejected"
    DEFERRED = "deferred", "Deferred"


# A recommendation with no decision row yet.
UNDECIDED = "undecided"


class AdoptionStatus(models.TextChoices):
    OPEN = "open", "Open (followed up every six months)"
    CLOSED = "closed", "Closed"


@dataclass(frozen=True)
class Guard:
    """A named condition a move must meet and the sentence a refused user reads.
    ``check(actor, subject)`` gets the recommendation (decisions) or the adoption."""

    name: str
    check: Callable[[Any, Any], bool]
    refusal: str


def _report_acknowledged(actor: Any, recommendation: Any) -> bool:
    return bool(recommendation.report.status == "acknowledged")


def _no_standing_nothing_adopted(actor: Any, recommendation: Any) -> bool:
    statements = recommendation.activity.nothing_adopted_statements
    return not statements.filter(withdrawn_at__isnull=True).exists()


REPORT_ACKNOWLEDGED = Guard(
    "report_acknowledged",
    _report_acknowledged,
    "The report this recommendation comes from has not been acknowledged by the "
    "supervisor yet; decide it once the report is acknowledged.",
)
NO_NOTHING_ADOPTED_STATEMENT = Guard(
    "no_nothing_adopted_statement",
    _no_standing_nothing_adopted,
    "An official has stated that nothing was adopted from this activity; withdraw that "
    "statement (with a reason) before recording an adoption.",
)

# Who decides recommendations and closes adoptions: the agency's commanding roles and
# its coordinator (ADR 0018).
DECIDERS: tuple[str, ...] = (Role.APPROVER, Role.COMMAND, Role.COORDINATOR)
_DECIDERS: Mapping[str, tuple[Guard, ...]] = {role: () for role in DECIDERS}


@dataclass(frozen=True)
class Transition:
    """One allowed move; ``roles`` are the roles (in the record's agency) that may make it."""

    name: str
    source: str
    target: str
    roles: Mapping[str, tuple[Guard, ...]]
    label: str
    guards: tuple[Guard, ...] = ()
    needs_reason: bool = True


U, A, R, D = UNDECIDED, DecisionOutcome.ADOPTED, DecisionOutcome.REJECTED, DecisionOutcome.DEFERRED

DECISION_TRANSITIONS: tuple[Transition, ...] = (
    Transition("adopt", U, A, _DECIDERS, "Adopt",
               guards=(REPORT_ACKNOWLEDGED, NO_NOTHING_ADOPTED_STATEMENT)),
    Transition("reject", U, R, _DECIDERS, "Reject", guards=(REPORT_ACKNOWLEDGED,)),
    Transition("defer", U, D, _DECIDERS, "Defer", guards=(REPORT_ACKNOWLEDGED,)),
    Transition("adopt", D, A, _DECIDERS, "Adopt (deferred earlier)",
               guards=(NO_NOTHING_ADOPTED_STATEMENT,)),
    Transition("reject", D, R, _DECIDERS, "Reject (deferred earlier)"),
)  # fmt: skip

DECISION_NAMES = ("adopt", "reject", "defer")

ADOPTION_TRANSITIONS: tuple[Transition, ...] = (
    Transition("close", AdoptionStatus.OPEN, AdoptionStatus.CLOSED, _DECIDERS, "Close"),
)
ADOPTION_NAMES = ("close",)


def find_transition(table: tuple[Transition, ...], source: str, name: str) -> Transition | None:
    for t in table:
        if t.source == source and t.name == name:
            return t
    return None


def transitions_from(table: tuple[Transition, ...], source: str) -> list[Transition]:
    return [t for t in table if t.source == source]
