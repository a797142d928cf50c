"""The decision and adoption tables, and the API enums that must follow them."""

from __future__ import annotations

import typing

from liaison.accounts.models import Agency
from liaison.accounts.tests.factories import user_with_role
from liaison.outcomes.schemas import AdoptionTransitionIn, RecommendationDecisionIn
from liaison.outcomes.services import recommendation_decide
from liaison.outcomes.tests.factories import RecommendationFactory
from liaison.outcomes.workflow import (
    ADOPTION_NAMES,
    ADOPTION_TRANSITIONS,
    DECISION_NAMES,
    DECISION_TRANSITIONS,
    UNDECIDED,
    DecisionOutcome,
)


def test_the_api_offers_exactly_the_moves_of_the_tables() -> None:
    assert set(typing.get_args(RecommendationDecisionIn.model_fields["name"].annotation)) == set(
        DECISION_NAMES
    )
    assert {t.name for t in DECISION_TRANSITIONS} == set(DECISION_NAMES)
    assert set(typing.get_args(AdoptionTransitionIn.model_fields["name"].annotation)) == set(
        ADOPTION_NAMES
    )
    assert {t.name for t in ADOPTION_TRANSITIONS} == set(ADOPTION_NAMES)


def test_adopted_and_rejected_are_final_and_every_move_needs_a_reason() -> None:
    sources = {t.source for t in DECISION_TRANSITIONS}
    assert sources == {UNDECIDED, DecisionOutcome.DEFERRED}
    assert all(t.needs_reason for t in (*DECISION_TRANSITIONS, *ADOPTION_TRANSITIONS))


def test_higher_command_decides_too_named_with_its_role(agency: Agency) -> None:
    deputy = user_with_role("command", agency, "deputy")
    rec = RecommendationFactory.create(report__activity__agency=agency)
    decision = recommendation_decide(
        actor=deputy, recommendation=rec, name="defer", reason="Later."
    )
    assert decision.decided_by_role == "Higher command"
