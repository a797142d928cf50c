"""Reads for outcomes, the policy library and alignment reviews (ADR 0018).

Everything starts from what the user may see (``access.*_visible_to``). The follow-up
rule: an open adoption is followed up every six months, counted from its effective date
or from the last follow-up; ``next_follow_up_due`` gives the day, and a follow-up not
recorded by that day is overdue.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from liaison.accounts.access import Scope, has_role, scope_q
from liaison.activities.models import Activity
from liaison.outcomes.access import (
    adoptions_visible_to,
    policies_visible_to,
    recommendations_visible_to,
    statements_visible_to,
)
from liaison.outcomes.models import (
    Adoption,
    AlignmentReview,
    FollowUp,
    NothingAdopted,
    Policy,
    Verdict,
)
from liaison.outcomes.workflow import (
    DECISION_TRANSITIONS,
    UNDECIDED,
    AdoptionStatus,
    transitions_from,
)
from liaison.reports.models import Recommendation

FOLLOW_UP_MONTHS = 6


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved ``months`` calendar months on; a day the target month lacks becomes
    its last day (31 August + 6 months = 28 or 29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_follow_up_due(
    *, effective_on: dt.date, last_follow_up_on: dt.date | None, status: str
) -> dt.date | None:
    """The day the next follow-up of an adoption is due: six months after the last
    follow-up, or after the effective date when there is none; ``None`` once closed."""
    if status != AdoptionStatus.OPEN:
        return None
    base = last_follow_up_on if last_follow_up_on is not None else effective_on
    return add_months(max(base, effective_on), FOLLOW_UP_MONTHS)


def follow_up_due_of(adoption: Adoption) -> dt.date | None:
    last = max((f.followed_up_on for f in adoption.follow_ups.all()), default=None)
    return next_follow_up_due(
        effective_on=adoption.effective_on, last_follow_up_on=last, status=adoption.status
    )


def _annotate(adoption: Adoption, today: dt.date) -> Adoption:
    due = follow_up_due_of(adoption)
    adoption.next_follow_up_due = due  # type: ignore[attr-defined]
    adoption.follow_up_overdue = due is not None and due < today  # type: ignore[attr-defined]
    reviews = list(adoption.reviews.all())
    adoption.review_list = reviews  # type: ignore[attr-defined]
    adoption.reviewed = bool(reviews)  # type: ignore[attr-defined]
    adoption.in_conflict = any(r.verdict == Verdict.CONFLICTS for r in reviews)  # type: ignore[attr-defined]
    return adoption


def _adoptions(qs: QuerySet[Adoption]) -> QuerySet[Adoption]:
    return qs.select_related("activity", "recommendation__report").prefetch_related(
        Prefetch("follow_ups", queryset=FollowUp.objects.order_by("followed_up_on", "id")),
        Prefetch(
            "reviews",
            queryset=AlignmentReview.objects.select_related("policy").order_by(
                "policy__identifier", "id"
            ),
        ),
    )


def adoption_detail(adoption: Adoption, *, today: dt.date) -> Adoption:
    """``adoption`` with its follow-ups, reviews, next follow-up due date and flags."""
    fresh = _adoptions(Adoption.objects.filter(pk=adoption.pk)).get()
    return _annotate(fresh, today)


# --- lists -------------------------------------------------------------------------------

ADOPTION_FILTERS = ("", "unreviewed", "conflicts", "follow_up_overdue", "open", "closed")


def unreviewed_q() -> Q:
    return ~Q(Exists(AlignmentReview.objects.filter(adoption_id=OuterRef("pk"))))


def conflicts_q() -> Q:
    return Q(
        Exists(
            AlignmentReview.objects.filter(adoption_id=OuterRef("pk"), verdict=Verdict.CONFLICTS)
        )
    )


def adoption_list(
    *,
    user: Any,
    today: dt.date,
    state: str = "",
    activity: Activity | None = None,
    scope: Scope | None = None,
) -> list[Adoption]:
    """Adoptions the user may read, newest first, annotated. ``state``: ``unreviewed``
    (no alignment review yet), ``conflicts`` (a review found a conflict),
    ``follow_up_overdue`` (open, next follow-up due before today), ``open``, ``closed``.
    ``scope`` narrows to agencies (the oversight counts use the same function)."""
    qs = adoptions_visible_to(user)
    if scope is not None:
        qs = qs.filter(scope_q(scope))
    if activity is not None:
        qs = qs.filter(activity=activity)
    if state == "unreviewed":
        qs = qs.filter(unreviewed_q())
    elif state == "conflicts":
        qs = qs.filter(conflicts_q())
    elif state in ("open", "closed", "follow_up_overdue"):
        qs = qs.filter(status="closed" if state == "closed" else "open")
    rows = [_annotate(a, today) for a in _adoptions(qs.order_by("-effective_on", "-id"))]
    if state == "follow_up_overdue":
        rows = [a for a in rows if a.follow_up_overdue]  # type: ignore[attr-defined]
    return rows


@dataclass(frozen=True)
class AlignmentCounts:
    """What /oversight/ shows: adoptions in conflict with a policy, adoptions not yet
    reviewed, open adoptions whose follow-up is overdue; each links to its list."""

    conflicts: int
    unreviewed: int
    follow_up_overdue: int


def alignment_counts(*, user: Any, scope: Scope, today: dt.date) -> AlignmentCounts:
    """Counted with ``adoption_list`` itself, so a count always equals its list."""
    return AlignmentCounts(
        conflicts=len(adoption_list(user=user, today=today, state="conflicts", scope=scope)),
        unreviewed=len(adoption_list(user=user, today=today, state="unreviewed", scope=scope)),
        follow_up_overdue=len(
            adoption_list(user=user, today=today, state="follow_up_overdue", scope=scope)
        ),
    )


# --- an activity's outcomes --------------------------------------------------------------


@dataclass
class ActivityOutcomes:
    activity: Activity
    recommendations: list[Recommendation]
    statements: list[NothingAdopted]

    @property
    def standing_statement(self) -> NothingAdopted | None:
        return next((s for s in self.statements if s.withdrawn_at is None), None)

    @property
    def adoptions(self) -> list[Adoption]:
        return [a for r in self.recommendations for a in r.adoption_list]  # type: ignore[attr-defined]


def activity_outcomes(*, user: Any, activity: Activity, today: dt.date) -> ActivityOutcomes:
    """Each recommendation of the activity's reports with its decision and adoptions
    (follow-ups, reviews), and the activity's "nothing was adopted" statements."""
    recs = list(
        recommendations_visible_to(user)
        .filter(activity=activity)
        .select_related("report", "decision")
        .order_by("report_id", "position", "id")
    )
    adoptions = adoption_list(user=user, today=today, activity=activity)
    by_rec: dict[int, list[Adoption]] = {}
    for a in adoptions:
        by_rec.setdefault(a.recommendation_id, []).append(a)
    for r in recs:
        r.adoption_list = by_rec.get(r.pk, [])  # type: ignore[attr-defined]
        r.current_decision = getattr(r, "decision", None)  # type: ignore[attr-defined]
    statements = list(statements_visible_to(user).filter(activity=activity))
    return ActivityOutcomes(activity=activity, recommendations=recs, statements=statements)


def decision_of(recommendation: Recommendation) -> Any:
    # The reverse one-to-one raises a subclass of AttributeError when there is no row.
    return getattr(recommendation, "decision", None)


def recommendation_state(recommendation: Recommendation) -> str:
    decision = decision_of(recommendation)
    return "undecided" if decision is None else str(decision.outcome)


def standing_statement(activity: Activity) -> NothingAdopted | None:
    return activity.nothing_adopted_statements.filter(withdrawn_at__isnull=True).first()  # type: ignore[attr-defined]


def statement_list(*, user: Any) -> QuerySet[NothingAdopted]:
    return statements_visible_to(user).select_related("activity").order_by("-stated_on", "-id")


# --- the policy library ------------------------------------------------------------------


def policy_list(*, user: Any, q: str = "", in_effect_on: dt.date | None = None) -> QuerySet[Policy]:
    """The policy library entries the user may read, by identifier; ``q`` matches the
    identifier or title; ``in_effect_on`` keeps those in effect on that day."""
    qs = policies_visible_to(user)
    if q:
        qs = qs.filter(Q(identifier__icontains=q) | Q(title__icontains=q))
    if in_effect_on is not None:
        qs = qs.filter(
            Q(effective_from__isnull=True) | Q(effective_from__lte=in_effect_on),
            Q(effective_to__isnull=True) | Q(effective_to__gte=in_effect_on),
        )
    return qs.order_by("identifier", "id")


def policy_reviews(policy: Policy) -> QuerySet[AlignmentReview]:
    return policy.reviews.select_related("adoption__activity").order_by("-reviewed_on", "-id")


def policy_history(policy: Policy) -> list[Any]:
    """The policy's history rows, newest first (who changed what, when)."""
    return list(policy.history.select_related("history_user").order_by("-history_date"))  # type: ignore[attr-defined]


# --- what a user may do next (the page's buttons, the API's lists) ------------------------


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    refusal: str | None  # the guard's sentence when a guard holds it back


def decision_moves(*, user: Any, recommendation: Recommendation) -> list[Move]:
    """The decision moves open to ``user`` on ``recommendation`` now, each with the
    guard's sentence when one holds it back; empty when their role may not decide."""
    decision = decision_of(recommendation)
    state = UNDECIDED if decision is None else str(decision.outcome)
    moves = []
    for t in transitions_from(DECISION_TRANSITIONS, state):
        if not any(has_role(user, r, recommendation.agency_id) for r in t.roles):
            continue
        refusal = next((g.refusal for g in t.guards if not g.check(user, recommendation)), None)
        moves.append(Move(t.name, t.label, refusal))
    return moves
