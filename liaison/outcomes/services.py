"""Writes for outcomes, the policy library and alignment reviews (ADR 0018).

Every write is keyword-only, names its ``actor``, checks the actor's role in the record's
agency itself, validates everything first (bad input names its field and changes
nothing), runs in one transaction on locked rows, and leaves one history row per record
written, attributed to the actor. Pages, the API, ``load_policy_library`` and
``load_demo`` all come through here.

Who acted is kept as they were named that day (name and role), beside the user: a later
promotion or renaming does not change who decided.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.accounts.access import has_role
from liaison.accounts.models import Agency, Role
from liaison.activities.models import Activity
from liaison.core.audit import save_audited
from liaison.core.errors import Forbidden, InvalidTransition
from liaison.outcomes.access import (
    NOT_A_DECIDER,
    NOT_A_POLICY_EDITOR,
    POLICY_EDITORS,
    REVIEWERS,
    require_decider,
    require_reviewer,
)
from liaison.outcomes.models import (
    Adoption,
    AdoptionKind,
    AlignmentReview,
    Decision,
    FollowUp,
    NothingAdopted,
    Policy,
    Verdict,
)
from liaison.outcomes.selectors import add_months, follow_up_due_of
from liaison.outcomes.workflow import (
    ADOPTION_TRANSITIONS,
    DECIDERS,
    DECISION_TRANSITIONS,
    UNDECIDED,
    AdoptionStatus,
    DecisionOutcome,
    find_transition,
    transitions_from,
)
from liaison.reports.models import Recommendation


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _required(value: Any, field: str, sentence: str) -> str:
    text = _text(value)
    if not text:
        raise ValidationError({field: [sentence]})
    return text


def _named(actor: Any, agency_id: int, roles: tuple[str, ...]) -> tuple[str, str]:
    """Who acted, as they are named today, and the role they acted in (kept on the
    record: history is the past as it was)."""
    employee = getattr(actor, "employee", None)
    name = f"{employee.first_name} {employee.last_name}".strip() if employee else ""
    name = name or actor.get_full_name() or actor.get_username()
    rank = getattr(employee, "rank", "") if employee else ""
    role = next((r for r in roles if has_role(actor, r, agency_id)), roles[0])
    label = str(Role(role).label)
    return name, f"{label}, {rank}" if rank else label


# A change is adopted when it is decided; one planned further ahead than this is not yet
# an adoption (and dates far outside it are typing errors).
MAX_YEARS_AHEAD = 2
EARLIEST = dt.date(1900, 1, 1)


def _plausible(day: dt.date, field: str, what: str) -> None:
    latest = add_months(timezone.localdate(), 12 * MAX_YEARS_AHEAD)
    if not EARLIEST <= day <= latest:
        raise ValidationError(
            {field: [f"The day the {what} must fall between {EARLIEST} and {latest}."]}
        )


def _not_in_future(day: dt.date, field: str, what: str) -> None:
    if day > timezone.localdate():
        raise ValidationError({field: [f"The {what} cannot be in the future."]})


# --- decisions ---------------------------------------------------------------------------


def _state(recommendation: Recommendation) -> tuple[str, Decision | None]:
    decision = Decision.objects.select_for_update().filter(recommendation=recommendation).first()
    return (UNDECIDED if decision is None else decision.outcome), decision


def no_move(state: str, name: str) -> str:
    """The sentence for a move the decision table does not have from ``state``."""
    if state in (DecisionOutcome.ADOPTED, DecisionOutcome.REJECTED):
        return (
            f"This recommendation has already been decided ({state}); a decision is not "
            "taken twice."
        )
    allowed = ", ".join(sorted({t.name for t in transitions_from(DECISION_TRANSITIONS, state)}))
    return f"A {state} recommendation cannot be {name!r}-ed (allowed: {allowed or 'none'})."


@transaction.atomic
def recommendation_decide(
    *,
    actor: Any,
    recommendation: Recommendation,
    name: str,
    reason: str,
    decided_on: dt.date | None = None,
) -> Decision:
    """Decide a recommendation: ``adopt``, ``reject`` or ``defer`` (a deferred one is
    decided again later, on the same row). The move must be in
    ``workflow.DECISION_TRANSITIONS``: deciding an adopted or rejected recommendation
    again is refused (409), as is any guard's refusal (the report not acknowledged; a
    standing "nothing was adopted" statement). The reason is required (422). Adopting
    records the decision only: what changed is ``adoption_record``."""
    require_decider(actor, recommendation.agency_id)
    if name not in ("adopt", "reject", "defer"):
        raise ValidationError({"name": ["Choose adopt, reject or defer."]})
    reason = _required(reason, "reason", "Say why: a decision without a reason cannot be checked.")
    decided_on = decided_on or timezone.localdate()
    _not_in_future(decided_on, "decided_on", "decision date")
    recommendation = (
        Recommendation.objects.select_for_update()
        .select_related("report", "activity")
        .get(pk=recommendation.pk)
    )
    state, decision = _state(recommendation)
    transition = find_transition(DECISION_TRANSITIONS, state, name)
    if transition is None:
        raise InvalidTransition(no_move(state, name))
    if not any(has_role(actor, r, recommendation.agency_id) for r in transition.roles):
        raise Forbidden(NOT_A_DECIDER)
    for guard in transition.guards:
        if not guard.check(actor, recommendation):
            raise InvalidTransition(guard.refusal)
    if decision is not None and decided_on < decision.decided_on:
        raise ValidationError(
            {
                "decided_on": [
                    f"The decision cannot come before the deferral ({decision.decided_on})."
                ]
            }
        )
    who, role = _named(actor, recommendation.agency_id, DECIDERS)
    decision = decision or Decision(
        agency_id=recommendation.agency_id, recommendation=recommendation
    )
    decision.outcome = transition.target
    decision.reason = reason
    decision.decided_on = decided_on
    decision.decided_by = actor
    decision.decided_by_name = who
    decision.decided_by_role = role
    # The history's change reason is the move (at most 100 characters in the history
    # table); the user's words are the record's own ``reason``, kept in every row.
    save_audited(decision, actor=actor, reason=transition.label)
    return decision


# --- adoptions and follow-ups -----------------------------------------------------------


@dataclass
class AdoptionInput:
    kind: str
    what_changed: str
    effective_on: dt.date | None


@transaction.atomic
def adoption_record(*, actor: Any, recommendation: Recommendation, data: AdoptionInput) -> Adoption:
    """Record what changed because of an adopted recommendation (kind, what, in effect
    from when). The recommendation must have been decided ``adopted`` (409 otherwise),
    and no standing "nothing was adopted" statement may exist for the activity (409:
    withdraw it first)."""
    require_decider(actor, recommendation.agency_id)
    if data.kind not in AdoptionKind.values:
        raise ValidationError(
            {"kind": ["Choose tactic, policy change, training programme or equipment."]}
        )
    what = _required(data.what_changed, "what_changed", "Say what changed.")
    if data.effective_on is None:
        raise ValidationError({"effective_on": ["Give the date the change took effect."]})
    _plausible(data.effective_on, "effective_on", "change took effect")
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    decision = Decision.objects.filter(recommendation=recommendation).first()
    if decision is None or decision.outcome != DecisionOutcome.ADOPTED:
        raise InvalidTransition(
            "Record the decision to adopt this recommendation first; only an adopted "
            "recommendation has adoptions."
        )
    activity = Activity.objects.select_for_update().get(pk=recommendation.activity_id)
    if activity.nothing_adopted_statements.filter(withdrawn_at__isnull=True).exists():  # type: ignore[attr-defined]
        raise InvalidTransition(
            "An official has stated that nothing was adopted from this activity; withdraw "
            "that statement (with a reason) before recording an adoption."
        )
    who, role = _named(actor, recommendation.agency_id, DECIDERS)
    adoption = Adoption(
        agency_id=recommendation.agency_id,
        activity=activity,
        recommendation=recommendation,
        kind=data.kind,
        what_changed=what,
        effective_on=data.effective_on,
        recorded_by=actor,
        recorded_by_name=who,
        recorded_by_role=role,
    )
    save_audited(adoption, actor=actor)
    return adoption


@transaction.atomic
def follow_up_record(
    *, actor: Any, adoption: Adoption, note: str, followed_up_on: dt.date | None = None
) -> FollowUp:
    """Record the six-monthly follow-up of an open adoption: when, by whom, a status
    note. Refused on a closed adoption (409). The follow-up answers the due date then
    current (``selectors.next_follow_up_due``), which it moves six months on."""
    require_decider(actor, adoption.agency_id)
    note = _required(note, "note", "Write a status note: what stands now, and what is next.")
    day = followed_up_on or timezone.localdate()
    _not_in_future(day, "followed_up_on", "follow-up date")
    adoption = Adoption.objects.select_for_update().get(pk=adoption.pk)
    if adoption.status != AdoptionStatus.OPEN:
        raise InvalidTransition("This adoption is closed; a closed adoption is not followed up.")
    if day < adoption.effective_on:
        raise ValidationError(
            {"followed_up_on": [f"A follow-up cannot come before the change took effect "
                                f"({adoption.effective_on})."]}
        )  # fmt: skip
    last = adoption.follow_ups.order_by("-followed_up_on").first()
    if last is not None and day < last.followed_up_on:
        raise ValidationError(
            {
                "followed_up_on": [
                    f"A follow-up cannot come before the last one ({last.followed_up_on})."
                ]
            }
        )
    due = follow_up_due_of(adoption)
    assert due is not None  # open
    who, role = _named(actor, adoption.agency_id, DECIDERS)
    follow_up = FollowUp(
        agency_id=adoption.agency_id,
        adoption=adoption,
        followed_up_on=day,
        due_on=due,
        note=note,
        by=actor,
        by_name=who,
        by_role=role,
    )
    save_audited(follow_up, actor=actor)
    return follow_up


@transaction.atomic
def adoption_transition(
    *, actor: Any, adoption: Adoption, name: str, reason: str, on: dt.date | None = None
) -> Adoption:
    """Move an adoption along ``workflow.ADOPTION_TRANSITIONS`` (``close``, with a reason
    and the day it was closed, default today)."""
    require_decider(actor, adoption.agency_id)
    adoption = Adoption.objects.select_for_update().get(pk=adoption.pk)
    transition = find_transition(ADOPTION_TRANSITIONS, adoption.status, name)
    if transition is None:
        raise InvalidTransition(f"A {adoption.status} adoption cannot be {name!r}-d.")
    if not any(has_role(actor, r, adoption.agency_id) for r in transition.roles):
        raise Forbidden(NOT_A_DECIDER)
    reason = _required(reason, "reason", "Say why the adoption is closed.")
    day = on or timezone.localdate()
    _not_in_future(day, "on", "closing date")
    if day < adoption.effective_on:
        raise ValidationError(
            {"on": [f"An adoption cannot close before it took effect ({adoption.effective_on})."]}
        )
    for guard in transition.guards:
        if not guard.check(actor, adoption):
            raise InvalidTransition(guard.refusal)
    adoption.status = transition.target
    adoption.closed_on = day
    adoption.closing_reason = reason
    save_audited(adoption, actor=actor, reason=transition.label)
    return adoption


# --- "nothing was adopted" ---------------------------------------------------------------


@transaction.atomic
def nothing_adopted_state(
    *, actor: Any, activity: Activity, statement: str, stated_on: dt.date | None = None
) -> NothingAdopted:
    """Record the explicit, dated statement by a named official (the actor) that nothing
    was adopted from ``activity``. Refused (409) when an adoption exists for the activity
    or a statement already stands; an official who wants to change it withdraws it."""
    require_decider(actor, activity.agency_id)
    text = _required(statement, "statement", "Say why nothing was adopted from this activity.")
    day = stated_on or timezone.localdate()
    _not_in_future(day, "stated_on", "statement date")
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if Adoption.objects.filter(activity=activity).exists():
        raise InvalidTransition(
            "Something was adopted from this activity (see its adoptions); the statement "
            "that nothing was adopted would be false."
        )
    if NothingAdopted.objects.filter(activity=activity, withdrawn_at__isnull=True).exists():
        raise InvalidTransition(
            "A statement that nothing was adopted already stands for this activity."
        )
    who, role = _named(actor, activity.agency_id, DECIDERS)
    record = NothingAdopted(
        agency_id=activity.agency_id,
        activity=activity,
        stated_on=day,
        statement=text,
        stated_by=actor,
        stated_by_name=who,
        stated_by_role=role,
    )
    save_audited(record, actor=actor)
    return record


@transaction.atomic
def nothing_adopted_withdraw(
    *, actor: Any, statement: NothingAdopted, reason: str
) -> NothingAdopted:
    """Withdraw a standing "nothing was adopted" statement, with a reason (it stays on
    record, withdrawn): adoptions may then be recorded for the activity."""
    require_decider(actor, statement.agency_id)
    reason = _required(reason, "reason", "Say why the statement is withdrawn.")
    statement = NothingAdopted.objects.select_for_update().get(pk=statement.pk)
    if statement.withdrawn_at is not None:
        raise InvalidTransition("This statement has already been withdrawn.")
    statement.withdrawn_at = timezone.now()
    statement.withdrawn_by = actor
    statement.withdrawal_reason = reason
    save_audited(statement, actor=actor, reason="Withdrawn")
    return statement


# --- alignment reviews -------------------------------------------------------------------


@transaction.atomic
def alignment_review_record(
    *,
    actor: Any,
    adoption: Adoption,
    policy: Policy | None,
    verdict: str,
    rationale: str,
    reviewed_on: dt.date | None = None,
) -> AlignmentReview:
    """A policy reviewer's verdict (aligned / conflicts / needs change) on ``adoption``
    against one policy of the agency's library, with a rationale (required). One review
    per adoption and policy: a second is refused (422 on ``policy``)."""
    require_reviewer(actor, adoption.agency_id)
    if policy is None or policy.agency_id != adoption.agency_id:
        raise ValidationError({"policy": ["Unknown policy: choose one from the policy library."]})
    if verdict not in Verdict.values:
        raise ValidationError({"verdict": ["Choose aligned, conflicts or needs change."]})
    rationale = _required(
        rationale, "rationale", "Give the rationale: which part of the policy, and why."
    )
    day = reviewed_on or timezone.localdate()
    _not_in_future(day, "reviewed_on", "review date")
    adoption = Adoption.objects.select_for_update().get(pk=adoption.pk)
    if AlignmentReview.objects.filter(adoption=adoption, policy=policy).exists():
        raise ValidationError(
            {"policy": [f"This adoption has already been reviewed against {policy.identifier}."]}
        )
    who, role = _named(actor, adoption.agency_id, REVIEWERS)
    review = AlignmentReview(
        agency_id=adoption.agency_id,
        adoption=adoption,
        policy=policy,
        verdict=verdict,
        rationale=rationale,
        reviewed_on=day,
        reviewed_by=actor,
        reviewed_by_name=who,
        reviewed_by_role=role,
    )
    save_audited(review, actor=actor)
    return review


# --- the policy library ------------------------------------------------------------------

POLICY_FIELDS = ("identifier", "title", "summary", "effective_from", "effective_to", "source_url")


def _require_policy_editor(actor: Any, agency_id: int) -> None:
    if not any(has_role(actor, r, agency_id) for r in POLICY_EDITORS):
        raise Forbidden(NOT_A_POLICY_EDITOR)


def _check_policy(policy: Policy) -> None:
    policy.identifier = _required(policy.identifier, "identifier", "Give the policy's identifier.")
    policy.title = _required(policy.title, "title", "Give the policy's title.")
    policy.summary = _text(policy.summary)
    policy.source_url = _text(policy.source_url)
    if (
        policy.effective_from
        and policy.effective_to
        and policy.effective_to < policy.effective_from
    ):
        raise ValidationError(
            {"effective_to": ["A policy cannot stop being in effect before it starts."]}
        )
    clash = Policy.objects.filter(agency_id=policy.agency_id, identifier__iexact=policy.identifier)
    if policy.pk:
        clash = clash.exclude(pk=policy.pk)
    if clash.exists():
        raise ValidationError(
            {"identifier": [f"The library already has a policy {policy.identifier!r}."]}
        )


@transaction.atomic
def policy_create(*, actor: Any, agency: Agency, **fields: Any) -> Policy:
    """Add an entry to an agency's policy library (policy reviewers). The identifier is
    unique within the agency (any case)."""
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationError({name: ["Unknown field."] for name in sorted(unknown)})
    _require_policy_editor(actor, agency.pk)
    return _policy_add(actor, agency, fields)


def _policy_add(actor: Any, agency: Agency, fields: dict[str, Any]) -> Policy:
    policy = Policy(agency=agency, **fields)
    _check_policy(policy)
    save_audited(policy, actor=actor)
    return policy


@transaction.atomic
def policy_update(*, actor: Any, policy: Policy, **changes: Any) -> Policy:
    """Change some fields of a policy (policy reviewers); its history keeps each version.
    A change that changes nothing writes no history row."""
    unknown = set(changes) - set(POLICY_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in sorted(unknown)})
    _require_policy_editor(actor, policy.agency_id)
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    before = {name: getattr(policy, name) for name in POLICY_FIELDS}
    for name, value in changes.items():
        setattr(
            policy,
            name,
            "" if value is None and name not in ("effective_from", "effective_to") else value,
        )
    _check_policy(policy)
    if {name: getattr(policy, name) for name in POLICY_FIELDS} == before:
        return policy
    save_audited(policy, actor=actor)
    return policy


@dataclass
class LibraryLoad:
    created: list[Policy]
    existing: list[Policy]


@transaction.atomic
def policy_library_load(
    *, actor: Any, agency: Agency, entries: list[dict[str, Any]]
) -> LibraryLoad:
    """Add the entries of a library file (``policies.load_entries``) that the agency's
    library lacks, by identifier; existing entries are left as they are (a reviewer may
    have edited them). Idempotent; all or nothing. ``actor`` is a policy reviewer of the
    agency, or ``None`` for the system (``load_policy_library`` run with shell access,
    as ``import_country_risk``)."""
    if actor is not None:
        _require_policy_editor(actor, agency.pk)
    have = {p.identifier.lower(): p for p in Policy.objects.filter(agency=agency)}
    result = LibraryLoad(created=[], existing=[])
    for entry in entries:
        found = have.get(str(entry.get("identifier", "")).strip().lower())
        if found is not None:
            result.existing.append(found)
            continue
        unknown = set(entry) - set(POLICY_FIELDS)
        if unknown:
            raise ValidationError({name: ["Unknown field."] for name in sorted(unknown)})
        policy = _policy_add(actor, agency, dict(entry))
        have[policy.identifier.lower()] = policy
        result.created.append(policy)
    return result
