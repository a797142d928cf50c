"""The outcome services: decisions, adoptions, follow-ups, "nothing was adopted"
statements, alignment reviews and the policy library. Bad input names its field and
saves nothing; a refused move says why and changes nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from liaison.accounts.models import Agency, User
from liaison.core.errors import Forbidden, InvalidTransition
from liaison.outcomes.library import SEED_002
from liaison.outcomes.models import (
    Adoption,
    AlignmentReview,
    Decision,
    FollowUp,
    NothingAdopted,
    Policy,
)
from liaison.outcomes.services import (
    AdoptionInput,
    adoption_record,
    adoption_transition,
    alignment_review_record,
    follow_up_record,
    nothing_adopted_state,
    nothing_adopted_withdraw,
    policy_create,
    policy_library_load,
    policy_update,
    recommendation_decide,
)
from liaison.outcomes.tests.factories import (
    PolicyFactory,
    RecommendationFactory,
    ReportFactory,
)
from liaison.reports.models import Recommendation

CROWD_TACTIC = AdoptionInput(
    kind="tactic",
    what_changed="Mounted units push crowds back with batons before dispersal orders.",
    effective_on=dt.date(2024, 3, 1),
)


@pytest.fixture
def rec(agency: Agency) -> Recommendation:
    return RecommendationFactory.create(report__activity__agency=agency)


def adopted(rec: Recommendation, who: User) -> Adoption:
    recommendation_decide(actor=who, recommendation=rec, name="adopt", reason="Useful.",
                          decided_on=dt.date(2024, 2, 1))  # fmt: skip
    return adoption_record(actor=who, recommendation=rec, data=CROWD_TACTIC)


# --- decisions ---------------------------------------------------------------------------


def test_a_commander_adopts_a_recommendation_named_with_role(
    rec: Recommendation, commander: User
) -> None:
    decision = recommendation_decide(
        actor=commander, recommendation=rec, name="adopt", reason="Tested in two divisions."
    )
    assert decision.outcome == "adopted"
    assert decision.decided_by_role == "Approver"
    assert decision.decided_by_name
    assert decision.history.get().history_user == commander


def test_a_decision_without_a_reason_is_refused_and_nothing_is_saved(
    rec: Recommendation, commander: User
) -> None:
    with pytest.raises(ValidationError) as exc:
        recommendation_decide(actor=commander, recommendation=rec, name="adopt", reason="  ")
    assert "reason" in exc.value.message_dict
    assert not Decision.objects.exists()


def test_a_recommendation_is_not_decided_twice(rec: Recommendation, commander: User) -> None:
    recommendation_decide(actor=commander, recommendation=rec, name="reject", reason="Unsafe.")
    with pytest.raises(InvalidTransition, match="already been decided"):
        recommendation_decide(actor=commander, recommendation=rec, name="adopt", reason="Changed.")
    assert Decision.objects.get().outcome == "rejected"
    assert Decision.objects.get().history.count() == 1


def test_a_deferred_recommendation_is_decided_later_and_history_keeps_the_deferral(
    rec: Recommendation, clerk: User
) -> None:
    recommendation_decide(actor=clerk, recommendation=rec, name="defer", reason="Budget.",
                          decided_on=dt.date(2024, 1, 2))  # fmt: skip
    decision = recommendation_decide(actor=clerk, recommendation=rec, name="adopt",
                                     reason="Funded.", decided_on=dt.date(2024, 7, 1))  # fmt: skip
    assert decision.outcome == "adopted"
    assert [h.outcome for h in decision.history.order_by("history_date")] == ["deferred", "adopted"]


def test_a_recommendation_of_an_unacknowledged_report_waits(
    agency: Agency, commander: User
) -> None:
    rec = RecommendationFactory.create(
        report=ReportFactory.create(activity__agency=agency, status="submitted")
    )
    with pytest.raises(InvalidTransition, match="acknowledged"):
        recommendation_decide(actor=commander, recommendation=rec, name="adopt", reason="Yes.")
    assert not Decision.objects.exists()


def test_a_reviewer_may_not_decide(rec: Recommendation, reviewer: User) -> None:
    with pytest.raises(Forbidden):
        recommendation_decide(actor=reviewer, recommendation=rec, name="adopt", reason="Yes.")
    assert not Decision.objects.exists()


# --- adoptions and follow-ups -------------------------------------------------------------


def test_an_adoption_needs_an_adopt_decision(rec: Recommendation, commander: User) -> None:
    with pytest.raises(InvalidTransition, match="decision to adopt"):
        adoption_record(actor=commander, recommendation=rec, data=CROWD_TACTIC)
    assert not Adoption.objects.exists()


def test_an_adoption_without_saying_what_changed_is_refused(
    rec: Recommendation, commander: User
) -> None:
    recommendation_decide(actor=commander, recommendation=rec, name="adopt", reason="Yes.")
    bad = AdoptionInput(kind="equipment", what_changed="", effective_on=dt.date(2024, 3, 1))
    with pytest.raises(ValidationError) as exc:
        adoption_record(actor=commander, recommendation=rec, data=bad)
    assert "what_changed" in exc.value.message_dict
    assert not Adoption.objects.exists()


def test_a_follow_up_answers_the_due_date_and_moves_it_six_months_on(
    rec: Recommendation, commander: User
) -> None:
    adoption = adopted(rec, commander)
    first = follow_up_record(actor=commander, adoption=adoption, note="Rolled out to Metro.",
                             followed_up_on=dt.date(2024, 9, 2))  # fmt: skip
    assert first.due_on == dt.date(2024, 9, 1)
    second = follow_up_record(actor=commander, adoption=adoption, note="All divisions.",
                              followed_up_on=dt.date(2025, 3, 2))  # fmt: skip
    assert second.due_on == dt.date(2025, 3, 2)


def test_a_closed_adoption_takes_no_follow_up(rec: Recommendation, commander: User) -> None:
    adoption = adopted(rec, commander)
    adoption_transition(actor=commander, adoption=adoption, name="close",
                        reason="Part of standard training.", on=dt.date(2024, 9, 1))  # fmt: skip
    with pytest.raises(InvalidTransition, match="closed"):
        follow_up_record(actor=commander, adoption=adoption, note="Checked.")
    assert not FollowUp.objects.exists()


def test_a_follow_up_without_a_note_is_refused(rec: Recommendation, commander: User) -> None:
    adoption = adopted(rec, commander)
    with pytest.raises(ValidationError) as exc:
        follow_up_record(actor=commander, adoption=adoption, note="")
    assert "note" in exc.value.message_dict
    assert not FollowUp.objects.exists()


def test_closing_needs_a_reason(rec: Recommendation, commander: User) -> None:
    adoption = adopted(rec, commander)
    with pytest.raises(ValidationError):
        adoption_transition(actor=commander, adoption=adoption, name="close", reason="")
    assert Adoption.objects.get().status == "open"


# --- "nothing was adopted" ----------------------------------------------------------------


def test_nothing_adopted_is_refused_when_something_was(
    rec: Recommendation, commander: User
) -> None:
    adopted(rec, commander)
    with pytest.raises(InvalidTransition, match="would be false"):
        nothing_adopted_state(actor=commander, activity=rec.activity, statement="Nothing useful.")
    assert not NothingAdopted.objects.exists()


def test_an_adoption_after_the_statement_waits_for_its_withdrawal(
    rec: Recommendation, commander: User
) -> None:
    statement = nothing_adopted_state(
        actor=commander, activity=rec.activity, statement="Practices differ too much from ours."
    )
    assert statement.stated_by_role == "Approver"
    with pytest.raises(InvalidTransition, match="withdraw"):
        recommendation_decide(actor=commander, recommendation=rec, name="adopt", reason="Yes.")
    assert not Decision.objects.exists()
    nothing_adopted_withdraw(actor=commander, statement=statement, reason="Reconsidered.")
    adopted(rec, commander)
    assert Adoption.objects.count() == 1


def test_a_statement_needs_its_text(rec: Recommendation, commander: User) -> None:
    with pytest.raises(ValidationError) as exc:
        nothing_adopted_state(actor=commander, activity=rec.activity, statement="")
    assert "statement" in exc.value.message_dict
    assert not NothingAdopted.objects.exists()


# --- alignment reviews ------------------------------------------------------------------


def test_a_reviewer_finds_a_conflict(rec: Recommendation, commander: User, reviewer: User) -> None:
    adoption = adopted(rec, commander)
    policy = PolicyFactory.create(agency=rec.agency)
    review = alignment_review_record(
        actor=reviewer, adoption=adoption, policy=policy, verdict="conflicts",
        rationale="Pushing crowds before any warning is force before de-escalation.",
    )  # fmt: skip
    assert review.reviewed_by_role == "Policy reviewer"


def test_a_review_without_rationale_is_refused(
    rec: Recommendation, commander: User, reviewer: User
) -> None:
    adoption = adopted(rec, commander)
    policy = PolicyFactory.create(agency=rec.agency)
    with pytest.raises(ValidationError) as exc:
        alignment_review_record(actor=reviewer, adoption=adoption, policy=policy,
                                verdict="aligned", rationale=" ")  # fmt: skip
    assert "rationale" in exc.value.message_dict
    assert not AlignmentReview.objects.exists()


def test_a_review_against_another_agencys_policy_is_an_unknown_policy(
    rec: Recommendation, commander: User, reviewer: User, other_agency: Agency
) -> None:
    adoption = adopted(rec, commander)
    foreign = PolicyFactory.create(agency=other_agency)
    with pytest.raises(ValidationError) as exc:
        alignment_review_record(actor=reviewer, adoption=adoption, policy=foreign,
                                verdict="aligned", rationale="Fine.")  # fmt: skip
    assert exc.value.message_dict["policy"] == [
        "Unknown policy: choose one from the policy library."
    ]
    assert not AlignmentReview.objects.exists()


def test_one_review_per_adoption_and_policy(
    rec: Recommendation, commander: User, reviewer: User
) -> None:
    adoption = adopted(rec, commander)
    policy = PolicyFactory.create(agency=rec.agency)
    alignment_review_record(actor=reviewer, adoption=adoption, policy=policy,
                            verdict="aligned", rationale="Fine.")  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        alignment_review_record(actor=reviewer, adoption=adoption, policy=policy,
                                verdict="conflicts", rationale="Not fine.")  # fmt: skip
    assert "policy" in exc.value.message_dict
    assert AlignmentReview.objects.get().verdict == "aligned"


def test_a_commander_may_not_review(rec: Recommendation, commander: User) -> None:
    adoption = adopted(rec, commander)
    with pytest.raises(Forbidden):
        alignment_review_record(actor=commander, adoption=adoption,
                                policy=PolicyFactory.create(agency=rec.agency),
                                verdict="aligned", rationale="Fine.")  # fmt: skip


# --- the policy library -----------------------------------------------------------------


def test_identifiers_are_unique_within_an_agency_in_any_case(
    agency: Agency, other_agency: Agency, reviewer: User
) -> None:
    policy_create(actor=reviewer, agency=agency, identifier="130.25", title="Reverence")
    with pytest.raises(ValidationError) as exc:
        policy_create(actor=reviewer, agency=agency, identifier=" 130.25 ", title="Copy")
    assert "identifier" in exc.value.message_dict
    assert Policy.objects.count() == 1
    PolicyFactory.create(agency=other_agency, identifier="130.25")  # another agency's library


def test_a_policy_edit_keeps_its_history(agency: Agency, reviewer: User) -> None:
    policy = policy_create(actor=reviewer, agency=agency, identifier="345", title="Bias")
    policy_update(actor=reviewer, policy=policy, title="Policy Prohibiting Biased Policing")
    assert [h.title for h in policy.history.order_by("history_date")] == [
        "Bias", "Policy Prohibiting Biased Policing"
    ]  # fmt: skip
    with pytest.raises(ValidationError) as exc:
        policy_update(actor=reviewer, policy=policy, effective_from=dt.date(2020, 1, 2),
                      effective_to=dt.date(2020, 1, 1))  # fmt: skip
    assert "effective_to" in exc.value.message_dict
    assert Policy.objects.get().effective_from is None


def test_only_reviewers_edit_the_library(agency: Agency, commander: User) -> None:
    with pytest.raises(Forbidden):
        policy_create(actor=commander, agency=agency, identifier="105", title="Mission")
    assert not Policy.objects.exists()


def test_the_seed_library_loads_once(agency: Agency, reviewer: User) -> None:
    first = policy_library_load(actor=reviewer, agency=agency, entries=SEED_002)
    assert len(first.created) == 13
    again = policy_library_load(actor=reviewer, agency=agency, entries=SEED_002)
    assert (len(again.created), len(again.existing)) == (0, 13)
    identifiers = set(Policy.objects.values_list("identifier", flat=True))
    assert {"Use of Force–Tactics Directive 16", "130.25", "105", "345", "Special Order 12",
            "Special Order 45", "Training Bulletin: Procedural Justice"} <= identifiers  # fmt: skip
    assert {f"110.{n}0" for n in range(1, 7)} <= identifiers


def test_the_command_loads_the_library_for_a_fresh_install(agency: Agency) -> None:
    call_command("load_policy_library", "--agency", agency.ori_code, stdout=StringIO())
    assert Policy.objects.filter(agency=agency).count() == 13
    assert Policy.objects.get(identifier="130.25").history.get().history_user is None


def test_an_effective_date_far_ahead_is_a_typing_error(
    rec: Recommendation, commander: User
) -> None:
    recommendation_decide(actor=commander, recommendation=rec, name="adopt", reason="Yes.")
    far = AdoptionInput(kind="tactic", what_changed="Drills.", effective_on=dt.date(9999, 9, 1))
    with pytest.raises(ValidationError) as exc:
        adoption_record(actor=commander, recommendation=rec, data=far)
    assert "effective_on" in exc.value.message_dict
    assert not Adoption.objects.exists()


def test_a_long_reason_is_kept_whole_on_the_record_and_the_history_names_the_move(
    rec: Recommendation, commander: User
) -> None:
    # The history table's change reason holds 100 characters (PostgreSQL enforces it).
    reason = "Proven in three divisions abroad; " * 10
    decision = recommendation_decide(actor=commander, recommendation=rec, name="defer",
                                     reason=reason)  # fmt: skip
    row = decision.history.get()
    assert row.history_change_reason == "Defer"
    assert row.reason == reason.strip()
