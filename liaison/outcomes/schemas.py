"""API shapes for outcomes, alignment reviews and the policy library. Keys documented in
docs/api.md are a stability promise. Enumerations are the models' own choices."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.urls import reverse
from ninja import Field, Schema
from pydantic import ConfigDict

from liaison.core.schemas import Id, IsoDate, PageParams, list_of
from liaison.outcomes.models import AdoptionKind, Verdict
from liaison.outcomes.selectors import policy_history, policy_reviews
from liaison.outcomes.workflow import AdoptionStatus, DecisionOutcome


class Strict(Schema):
    model_config = ConfigDict(extra="forbid")


class RecommendationDecisionOut(Schema):
    outcome: DecisionOutcome
    reason: str
    decided_on: dt.date
    decided_by_name: str = Field(description="Who decided, as named that day.")
    decided_by_role: str = Field(description="Their role (and rank) that day.")


class AdoptionFollowUpOut(Schema):
    id: int
    followed_up_on: dt.date
    due_on: dt.date = Field(description="The due date this follow-up answered.")
    note: str
    by_name: str
    by_role: str


class AlignmentReviewOut(Schema):
    id: int
    adoption_id: int
    policy_id: int
    policy_identifier: str
    verdict: Verdict
    rationale: str
    reviewed_on: dt.date
    reviewed_by_name: str
    reviewed_by_role: str

    @staticmethod
    def resolve_policy_identifier(obj: Any) -> str:
        return str(obj.policy.identifier)


class AdoptionOut(Schema):
    id: int
    activity_id: int
    activity_title: str
    recommendation_id: int
    kind: AdoptionKind
    what_changed: str
    effective_on: dt.date
    status: AdoptionStatus
    closed_on: dt.date | None
    closing_reason: str
    recorded_by_name: str
    recorded_by_role: str
    next_follow_up_due: dt.date | None = Field(
        description="Six months after the last follow-up (or the effective date); empty "
        "once closed."
    )
    follow_up_overdue: bool
    reviewed: bool = Field(description="At least one alignment review is recorded.")
    in_conflict: bool = Field(description="A review found a conflict with a policy.")
    follow_ups: list[AdoptionFollowUpOut]
    reviews: list[AlignmentReviewOut]
    url: str

    @staticmethod
    def resolve_activity_title(obj: Any) -> str:
        return str(obj.activity.title)

    @staticmethod
    def resolve_follow_ups(obj: Any) -> list[Any]:
        return list(obj.follow_ups.all())

    @staticmethod
    def resolve_reviews(obj: Any) -> list[Any]:
        return list(obj.review_list)

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("api:adoption_detail", kwargs={"adoption_id": obj.pk})


AdoptionList = list_of(AdoptionOut, "AdoptionList")


class AdoptionListParams(PageParams):
    state: Literal["unreviewed", "conflicts", "follow_up_overdue", "open", "closed"] | None = Field(
        None, description="Only adoptions in this state."
    )
    agency: Id | None = Field(None, description="Only this agency's adoptions.")


class DecisionMoveOut(Schema):
    name: str
    label: str
    refusal: str | None = Field(description="Why a guard holds the move back, if one does.")


class RecommendationOutcomeOut(Schema):
    id: int
    activity_id: int
    report_id: int
    position: int
    text: str
    state: Literal["undecided", "adopted", "rejected", "deferred"]
    decision: RecommendationDecisionOut | None
    adoptions: list[AdoptionOut]
    moves: list[DecisionMoveOut] = Field(description="The decisions open to the caller now.")


class NothingAdoptedOut(Schema):
    id: int
    activity_id: int
    stated_on: dt.date
    statement: str
    stated_by_name: str
    stated_by_role: str
    withdrawn_at: dt.datetime | None
    withdrawal_reason: str


class ActivityOutcomesOut(Schema):
    activity_id: int
    nothing_adopted: NothingAdoptedOut | None = Field(
        description="The standing statement that nothing was adopted, if any."
    )
    statements: list[NothingAdoptedOut] = Field(description="Every statement, withdrawn ones too.")
    recommendations: list[RecommendationOutcomeOut]


class RecommendationDecisionIn(Strict):
    name: Literal["adopt", "reject", "defer"]
    reason: str = Field("", max_length=5000)
    decided_on: IsoDate | None = None


class AdoptionIn(Strict):
    kind: AdoptionKind
    what_changed: str = Field("", max_length=5000)
    effective_on: IsoDate


class AdoptionFollowUpIn(Strict):
    note: str = Field("", max_length=5000)
    followed_up_on: IsoDate | None = None


class AdoptionTransitionIn(Strict):
    name: Literal["close"]
    reason: str = Field("", max_length=5000)
    on: IsoDate | None = None


class NothingAdoptedIn(Strict):
    statement: str = Field("", max_length=5000)
    stated_on: IsoDate | None = None


class NothingAdoptedWithdrawIn(Strict):
    reason: str = Field("", max_length=5000)


class AlignmentReviewIn(Strict):
    policy_id: Id
    verdict: Verdict
    rationale: str = Field("", max_length=5000)
    reviewed_on: IsoDate | None = None


class LibraryPolicyVersion(Schema):
    history_date: dt.datetime
    history_user: str | None
    identifier: str
    title: str
    summary: str
    effective_from: dt.date | None
    effective_to: dt.date | None
    source_url: str

    @staticmethod
    def resolve_history_user(obj: Any) -> str | None:
        return obj.history_user.get_username() if obj.history_user else None


class LibraryPolicyOut(Schema):
    id: int
    agency_id: int
    identifier: str
    title: str
    summary: str
    effective_from: dt.date | None
    effective_to: dt.date | None
    source_url: str
    url: str

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("api:policy_detail", kwargs={"policy_id": obj.pk})


class LibraryPolicyDetail(LibraryPolicyOut):
    history: list[LibraryPolicyVersion] = Field(description="Every version, newest first.")
    reviews: list[AlignmentReviewOut] = Field(description="Alignment reviews against this policy.")

    @staticmethod
    def resolve_history(obj: Any) -> list[Any]:
        return policy_history(obj)

    @staticmethod
    def resolve_reviews(obj: Any) -> list[Any]:
        return list(policy_reviews(obj))


LibraryPolicyList = list_of(LibraryPolicyOut, "LibraryPolicyList")


class LibraryPolicyListParams(PageParams):
    q: str = Field("", max_length=100, description="Part of the identifier or title.")
    in_effect_on: IsoDate | None = Field(None, description="Only policies in effect that day.")


class LibraryPolicyIn(Strict):
    identifier: str = Field(max_length=100)
    title: str = Field(max_length=300)
    summary: str = Field("", max_length=20000)
    effective_from: IsoDate | None = None
    effective_to: IsoDate | None = None
    source_url: str = Field("", max_length=500)
    agency_id: Id | None = Field(None, description="Required if you review for several agencies.")


class LibraryPolicyPatch(Strict):
    identifier: str | None = Field(None, max_length=100)
    title: str | None = Field(None, max_length=300)
    summary: str | None = Field(None, max_length=20000)
    effective_from: IsoDate | None = None
    effective_to: IsoDate | None = None
    source_url: str | None = Field(None, max_length=500)
