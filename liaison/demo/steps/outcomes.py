"""Outcomes, the policy library and alignment reviews (ADR 0018), through the services.

- The policy library: seed 002's thirteen entries (``outcomes.library.SEED_002``), loaded
  by the reviewer sign-in as a fresh install's ``load_policy_library`` would.
- Decisions on recommendations found by (activity key, position) in ``data/outcomes.csv``,
  made by the commander sign-in (an approver): the de-escalation lesson reasoning (A109) adopted,
  followed up and closed; the Royal Thai Police advancing baton line (A059) adopted and
  found **in conflict with Use of Force–Tactics Directive 16** (and needing change against
  130.25), its follow-up overdue; a body-worn-video change (A069) adopted and not yet
  reviewed; others rejected or deferred.
- Follow-ups (``follow_ups.csv``), alignment reviews by the reviewer sign-in
  (``alignment_reviews.csv``) and one explicit "nothing was adopted" statement by the
  commander for the Interpol crimes-against-children course (A102, ``nothing_adopted.csv``).

The recommendations come from the reports app's demo step. A row whose recommendation is
missing, or whose report is not acknowledged, is skipped with a log line, and the step does
nothing at all (one log line) when the demo has no recommendations. Idempotent: a decided
recommendation, an existing adoption, follow-up, review or statement is left as it is.
"""

from __future__ import annotations

import datetime as dt
import logging

from liaison.demo.context import DemoContext, read_rows
from liaison.outcomes.library import SEED_002
from liaison.outcomes.models import Adoption, AlignmentReview, Decision, NothingAdopted, Policy
from liaison.outcomes.services import (
    AdoptionInput,
    adoption_record,
    adoption_transition,
    alignment_review_record,
    follow_up_record,
    nothing_adopted_state,
    policy_library_load,
    recommendation_decide,
)
from liaison.reports.models import Recommendation

log = logging.getLogger(__name__)


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def load(ctx: DemoContext) -> None:
    assert ctx.agency is not None
    reviewer, commander = ctx.logins["reviewer"], ctx.logins["commander"]
    library = policy_library_load(actor=reviewer, agency=ctx.agency, entries=SEED_002)
    for _ in library.created:
        ctx.report.count("policies", True)
    for _ in library.existing:
        ctx.report.count("policies", False)
    recs = _recommendations(ctx)
    if not recs:
        log.warning("outcomes: the demo has no recommendations (no reports step ran); skipped")
        return
    adoptions = _decisions(ctx, commander, recs)
    _follow_ups(ctx, commander, adoptions)
    _reviews(ctx, reviewer, adoptions)
    _closings(ctx, commander, adoptions)
    _statements(ctx, commander)


def _recommendations(ctx: DemoContext) -> dict[tuple[str, int], Recommendation]:
    by_activity = {a.pk: key for key, a in ctx.activities.items()}
    found = {}
    for rec in Recommendation.objects.filter(agency=ctx.agency).select_related("report"):
        key = by_activity.get(rec.activity_id)
        if key is not None:
            found[(key, rec.position)] = rec
    return found


def _decisions(
    ctx: DemoContext, commander: object, recs: dict[tuple[str, int], Recommendation]
) -> dict[tuple[str, int], Adoption]:
    adoptions: dict[tuple[str, int], Adoption] = {}
    for row in read_rows("outcomes.csv"):
        ref = (row["key"], int(row["position"]))
        rec = recs.get(ref)
        if rec is None or rec.report.status != "acknowledged":
            log.warning("outcomes: no acknowledged recommendation %s #%s; row skipped", *ref)
            continue
        decision = Decision.objects.filter(recommendation=rec).first()
        ctx.report.count("decisions", decision is None)
        if decision is None:
            decision = recommendation_decide(
                actor=commander, recommendation=rec, name=row["decision"],
                reason=row["reason"], decided_on=_date(row["decided_on"]),
            )  # fmt: skip
        if row["decision"] != "adopt":
            continue
        adoption = Adoption.objects.filter(recommendation=rec).first()
        ctx.report.count("adoptions", adoption is None)
        if adoption is None:
            adoption = adoption_record(
                actor=commander,
                recommendation=rec,
                data=AdoptionInput(
                    kind=row["kind"],
                    what_changed=row["what_changed"],
                    effective_on=_date(row["effective_on"]),
                ),
            )
        adoption.demo_closing = (_date(row["closed_on"]), row["closing_reason"])  # type: ignore[attr-defined]
        adoptions[ref] = adoption
    return adoptions


def _follow_ups(
    ctx: DemoContext, commander: object, adoptions: dict[tuple[str, int], Adoption]
) -> None:
    done = {a.pk for a in adoptions.values() if a.follow_ups.exists()}
    for row in read_rows("follow_ups.csv"):
        adoption = adoptions.get((row["key"], int(row["position"])))
        if adoption is None:
            continue
        ctx.report.count("follow-ups", adoption.pk not in done)
        if adoption.pk not in done:
            follow_up_record(actor=commander, adoption=adoption, note=row["note"],
                             followed_up_on=_date(row["followed_up_on"]))  # fmt: skip


def _reviews(
    ctx: DemoContext, reviewer: object, adoptions: dict[tuple[str, int], Adoption]
) -> None:
    for row in read_rows("alignment_reviews.csv"):
        adoption = adoptions.get((row["key"], int(row["position"])))
        if adoption is None:
            continue
        policy = Policy.objects.get(agency=ctx.agency, identifier=row["policy"])
        exists = AlignmentReview.objects.filter(adoption=adoption, policy=policy).exists()
        ctx.report.count("alignment reviews", not exists)
        if not exists:
            alignment_review_record(
                actor=reviewer, adoption=adoption, policy=policy, verdict=row["verdict"],
                rationale=row["rationale"], reviewed_on=_date(row["reviewed_on"]),
            )  # fmt: skip


def _closings(
    ctx: DemoContext, commander: object, adoptions: dict[tuple[str, int], Adoption]
) -> None:
    for adoption in adoptions.values():
        closed_on, reason = adoption.demo_closing  # type: ignore[attr-defined]
        if closed_on is not None and adoption.status == "open":
            adoption_transition(actor=commander, adoption=adoption, name="close",
                                reason=reason, on=closed_on)  # fmt: skip


def _statements(ctx: DemoContext, commander: object) -> None:
    for row in read_rows("nothing_adopted.csv"):
        activity = ctx.activity(row["key"])
        exists = NothingAdopted.objects.filter(activity=activity).exists()
        ctx.report.count("nothing-adopted statements", not exists)
        if not exists:
            nothing_adopted_state(actor=commander, activity=activity, statement=row["statement"],
                                  stated_on=_date(row["stated_on"]))  # fmt: skip
