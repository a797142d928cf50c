"""Evaluation report statuses, the only moves between them, and the substance rules
(ADR 0017).

Services consult ``TRANSITIONS``; nothing else sets ``EvaluationReport.status``. A move
not in the table raises ``InvalidTransition`` (409 in the API, a message on the page); a
failed guard does too, with the guard's sentence. Who may make a move is not a role
alone: authors (the participants on the report) submit, the agency's supervisors
(approvers and higher command, not an author) review.

This module imports no model of this app (the models import ``ReportStatus`` from here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from django.db import models


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted for review"
    RETURNED = "returned", "Returned for correction"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"


# Reports the authors still owe: they count towards due-soon and overdue.
OWED_STATUSES = (ReportStatus.DRAFT, ReportStatus.RETURNED)
EDITABLE_STATUSES = OWED_STATUSES

# The checklist a supervisor reviews against; each item's answer is kept on the review.
CHECKLIST: tuple[tuple[str, str], ...] = (
    ("purpose_and_itinerary", "The purpose and itinerary say what was done, where and with whom"),
    ("takeaways_specific", "The key takeaways are specific to this activity, not general"),
    ("applications_realistic", "The practical applications and benefits are realistic here"),
    ("recommendations_actionable", "Each recommendation is actionable and stands on its own"),
    ("contacts_accounted", "The contacts made are accounted for (in the register where due)"),
    ("materials_accounted", "The materials received are attached or accounted for"),
)
CHECKLIST_KEYS = tuple(key for key, _ in CHECKLIST)

# The parts a substance rule measures: (field, label, the policy's minimum field).
TEXT_PARTS: tuple[tuple[str, str, str], ...] = (
    ("purpose", "Purpose", "min_purpose"),
    ("itinerary", "Itinerary and units visited", "min_itinerary"),
    ("key_takeaways", "Key takeaways", "min_key_takeaways"),
    ("practical_applications", "Practical applications", "min_practical_applications"),
    ("potential_benefits", "Potential benefits", "min_potential_benefits"),
)


@dataclass(frozen=True)
class Shortfall:
    """One part of a report that does not meet the agency's minimum."""

    field: str
    label: str
    message: str


def substance_shortfalls(
    *, texts: dict[str, str], recommendations: int, topics: int, policy: Any
) -> list[Shortfall]:
    """What a report lacks against ``policy``'s minimums, part by part, in form order. A
    part left empty is "missing"; one too short says how long it is and what is needed."""
    result: list[Shortfall] = []
    for field, label, minimum_field in TEXT_PARTS:
        minimum = getattr(policy, minimum_field)
        length = len((texts.get(field) or "").strip())
        if length == 0 and minimum > 0:
            result.append(Shortfall(field, label, f"{label}: missing."))
        elif length < minimum:
            result.append(
                Shortfall(
                    field,
                    label,
                    f"{label}: too short ({length} characters; at least {minimum} needed).",
                )
            )
    if topics < policy.min_topics:
        result.append(
            Shortfall(
                "topics", "Topics covered",
                f"Topics covered: {topics} given; at least {policy.min_topics} needed.",
            )
        )  # fmt: skip
    if recommendations < policy.min_recommendations:
        result.append(
            Shortfall(
                "recommendations",
                "Recommendations",
                f"Recommendations: {recommendations} given; "
                f"at least {policy.min_recommendations} needed.",
            )
        )
    return result


def insufficiency_sentence(shortfalls: list[Shortfall]) -> str:
    """The flag a report below the minimums carries: "insufficient: missing …"."""
    missing = [s.label.lower() for s in shortfalls if s.message.endswith("missing.")]
    short = [s.label.lower() for s in shortfalls if not s.message.endswith("missing.")]
    parts = []
    if missing:
        parts.append("missing " + ", ".join(missing))
    if short:
        parts.append("too little on " + ", ".join(short))
    return "Insufficient: " + "; ".join(parts) + "." if parts else ""


def due_on_for(end_date: dt.date, due_days: int) -> dt.date:
    """A report is due ``due_days`` after the activity's last day (that day included)."""
    return end_date + dt.timedelta(days=due_days)


def effective_due(*, status: str, due_on: dt.date, resubmit_by: dt.date | None) -> dt.date:
    """The day the authors must act by: the resubmission deadline once returned."""
    if status == ReportStatus.RETURNED and resubmit_by is not None:
        return resubmit_by
    return due_on


def is_overdue(
    *, status: str, due_on: dt.date, resubmit_by: dt.date | None, today: dt.date
) -> bool:
    """Owed and past its day: on the due date itself a report is not yet overdue."""
    if status not in OWED_STATUSES:
        return False
    return today > effective_due(status=status, due_on=due_on, resubmit_by=resubmit_by)


def days_overdue(
    *, status: str, due_on: dt.date, resubmit_by: dt.date | None, today: dt.date
) -> int:
    if not is_overdue(status=status, due_on=due_on, resubmit_by=resubmit_by, today=today):
        return 0
    return (today - effective_due(status=status, due_on=due_on, resubmit_by=resubmit_by)).days


def is_due_soon(
    *, status: str, due_on: dt.date, resubmit_by: dt.date | None, today: dt.date, window: int
) -> bool:
    if status not in OWED_STATUSES:
        return False
    due = effective_due(status=status, due_on=due_on, resubmit_by=resubmit_by)
    return today <= due <= today + dt.timedelta(days=window)


# --- transitions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Guard:
    """A named condition a move must meet, and the sentence a refused user reads.
    ``check(actor, report)`` runs in the service on the locked row."""

    name: str
    check: Callable[[Any, Any], bool]
    refusal: str | Callable[[Any, Any], str]

    def sentence(self, actor: Any, report: Any) -> str:
        return self.refusal(actor, report) if callable(self.refusal) else self.refusal


def _authors_signed(actor: Any, report: Any) -> bool:
    return not report.authors.filter(signed_at__isnull=True).exists()


def _unsigned_names(actor: Any, report: Any) -> str:
    names = [
        a.participation.name_at_time or str(a.participation)
        for a in report.authors.filter(signed_at__isnull=True).select_related("participation")
    ]
    return (
        "Every author signs off before the report is submitted; still to sign: "
        + ", ".join(names)
        + "."
    )


def _substantive(actor: Any, report: Any) -> bool:
    return not report_shortfalls(report)


def _substance_refusal(actor: Any, report: Any) -> str:
    shortfalls = report_shortfalls(report)
    return "The report cannot be submitted yet: " + " ".join(s.message for s in shortfalls)


def _not_an_author(actor: Any, report: Any) -> bool:
    return not report.authors.filter(participation__employee__user_id=actor.pk).exists()


def _checklist_complete(actor: Any, report: Any) -> bool:
    answers = getattr(report, "_checklist", {}) or {}
    return all(answers.get(key) for key in CHECKLIST_KEYS)


ALL_AUTHORS_SIGNED = Guard("all_authors_signed", _authors_signed, _unsigned_names)
SUBSTANTIVE = Guard("substantive", _substantive, _substance_refusal)
REVIEWER_NOT_AN_AUTHOR = Guard(
    "reviewer_not_an_author",
    _not_an_author,
    "You are an author of this report: another supervisor reviews it.",
)
CHECKLIST_COMPLETE = Guard(
    "checklist_complete",
    _checklist_complete,
    "Tick every checklist item before acknowledging; if one is not met, return the report.",
)

Who = Literal["author", "supervisor"]


@dataclass(frozen=True)
class Transition:
    """One allowed move; ``who`` says whether the authors or a supervisor make it."""

    name: str
    source: ReportStatus
    target: ReportStatus
    who: Who
    label: str
    guards: tuple[Guard, ...] = ()
    needs_reason: bool = False


D, S, R, A = (
    ReportStatus.DRAFT,
    ReportStatus.SUBMITTED,
    ReportStatus.RETURNED,
    ReportStatus.ACKNOWLEDGED,
)
TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", D, S, "author", "Submit for review",
               guards=(ALL_AUTHORS_SIGNED, SUBSTANTIVE)),
    Transition("submit", R, S, "author", "Resubmit for review",
               guards=(ALL_AUTHORS_SIGNED, SUBSTANTIVE)),
    Transition("return", S, R, "supervisor", "Return for correction",
               guards=(REVIEWER_NOT_AN_AUTHOR,), needs_reason=True),
    Transition("acknowledge", S, A, "supervisor", "Acknowledge",
               guards=(REVIEWER_NOT_AN_AUTHOR, CHECKLIST_COMPLETE)),
)  # fmt: skip

TRANSITION_NAMES = tuple(dict.fromkeys(t.name for t in TRANSITIONS))


def find_transition(source: str, name: str) -> Transition | None:
    for t in TRANSITIONS:
        if t.source == source and t.name == name:
            return t
    return None


def transitions_from(source: str) -> list[Transition]:
    return [t for t in TRANSITIONS if t.source == source]


def report_shortfalls(report: Any) -> list[Shortfall]:
    """``substance_shortfalls`` of a saved report against its agency's policy."""
    from liaison.reports.selectors import policy_for_agency_id

    policy = policy_for_agency_id(report.agency_id)
    return substance_shortfalls(
        texts={field: getattr(report, field) for field, _, _ in TEXT_PARTS},
        recommendations=report.recommendations.count(),
        topics=report.topics.count(),
        policy=policy,
    )
