"""The choke point through which activities reach a user.

``access_activity`` answers ``NotFound`` both for an id that does not exist and for one the
user may not see (another agency's record looks exactly like a missing one), and
``Forbidden`` when the user may see the activity but not perform the action.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import Exists, OuterRef, Q, QuerySet

from liaison.accounts.access import (
    ACTIVITY_CREATORS,
    AGENCY_READERS,
    HISTORY_READERS,
    has_role,
    role_scopes,
    scope_for,
    scope_q,
)
from liaison.accounts.models import Role
from liaison.activities.models import Activity, Participation
from liaison.activities.workflow import (
    EDITABLE_STATUSES,
    LAST_STEP,
    MORE_STEPS,
    WITHDRAWABLE_STATUSES,
    Guard,
    Status,
    Transition,
    transitions_from,
)
from liaison.core.errors import DomainError, Forbidden, InvalidTransition, NotFound

ActivityAction = Literal["view", "change", "view_history"]


def activity_visibility_q(user: Any) -> Q:
    """Rows the user may read: every activity of an agency where they hold a reading role,
    plus — as an employee — the activities they created or take part in."""
    readers = scope_for(user, *AGENCY_READERS)
    own_scope = scope_for(user, Role.EMPLOYEE)
    mine = Q(created_by_id=user.pk) | Q(
        Exists(Participation.objects.filter(activity_id=OuterRef("pk"), employee__user_id=user.pk))
    )
    visible = Q(pk__in=[])
    if readers != frozenset():
        visible |= scope_q(readers)
    if own_scope != frozenset():
        visible |= scope_q(own_scope) & mine
    return visible


_VISIBLE_ATTR = "_liaison_visible_activities"


def activities_visible_to(user: Any) -> QuerySet[Activity]:
    if not getattr(user, "is_authenticated", False):
        return Activity.objects.none()
    # Built once per user object and role scopes (the list page asks twice: its year
    # filter and its rows) and handed out as fresh unevaluated copies. Keyed on the scopes
    # object itself, so a re-read or narrowed set of roles (``narrow_to_agency``) builds
    # the rule anew.
    scopes = role_scopes(user)
    cached = getattr(user, _VISIBLE_ATTR, None)
    if cached is not None and cached[0] is scopes:
        return cached[1].all()  # type: ignore[no-any-return]
    if scope_for(user, *AGENCY_READERS, Role.EMPLOYEE) == frozenset():
        visible = Activity.objects.none()
    else:
        visible = Activity.objects.filter(activity_visibility_q(user))
    if scopes:
        setattr(user, _VISIBLE_ATTR, (scopes, visible))
    return visible.all()


def visibility_key(user: Any) -> tuple[Any, ...] | None:
    """Everything ``activities_visible_to(user)``'s statement is built from: the user's id
    (an employee's own activities) and role scopes (the agencies read). Two users with the
    same key get the same SQL and parameters, so a statement built from the rule may be
    kept under it (``core/statements.py``); ``None`` for a user with no rule to key."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (user.pk, frozenset(role_scopes(user).items()))


def can_change_activity(user: Any, activity: Activity) -> bool:
    if activity.status not in EDITABLE_STATUSES:
        return False
    if has_role(user, Role.COORDINATOR, activity.agency_id):
        return True
    # An employee may edit their own request until it is decided.
    return (
        has_role(user, Role.EMPLOYEE, activity.agency_id)
        and activity.created_by_id == user.pk
        and activity.status in (Status.DRAFT, Status.SUBMITTED)
    )


def change_refusal(user: Any, activity: Activity) -> Forbidden | None:
    """Why ``user`` may not edit ``activity``, or ``None``: ``access_activity(change)`` and
    ``activity_update`` (on the locked row) both ask this."""
    if can_change_activity(user, activity):
        return None
    if activity.status not in EDITABLE_STATUSES:
        return Forbidden(
            f"A {activity.get_status_display().lower()} activity can no longer be edited."
        )
    return Forbidden("You may view this activity but not edit it.")


def can_view_history(user: Any, activity: Activity) -> bool:
    return any(has_role(user, r, activity.agency_id) for r in HISTORY_READERS)


def transition_refusal(user: Any, activity: Activity, transition: Transition) -> DomainError | None:
    """Why ``user`` may not make ``transition`` on ``activity`` now, or ``None`` if they may.

    ``Forbidden`` when none of the user's roles in the activity's agency may make the move;
    ``InvalidTransition`` carrying the guard's own sentence when a role may but a guard
    (its own or the move's) says no. The one rule behind the service, the page's buttons
    and the API's ``allowed_transitions``."""
    role_guards = [
        guards for role, guards in transition.roles.items()
        if has_role(user, role, activity.agency_id)
    ]  # fmt: skip
    if not role_guards:
        return Forbidden(
            f"Your role does not allow you to {transition.label.lower()} this activity."
        )
    # Any one of the user's roles whose own guards all pass is enough.
    failed: Guard | None = None
    for guards in role_guards:
        failing = next((g for g in guards if not g.check(user, activity)), None)
        if failing is None:
            break
        failed = failed or failing
    else:
        assert failed is not None
        return InvalidTransition(failed.refusal)
    for guard in transition.guards:
        if not guard.check(user, activity):
            return InvalidTransition(guard.refusal)
    return None


def can_make_transition(user: Any, activity: Activity, transition: Transition) -> bool:
    return transition_refusal(user, activity, transition) is None


def allowed_transitions(user: Any, activity: Activity) -> list[Transition]:
    """The moves the user may make on ``activity`` now, in table order: what a page offers
    as buttons and the API lists as ``allowed_transitions``."""
    return [t for t in transitions_from(activity.status) if can_make_transition(user, activity, t)]


# Where a step sits in the chain: said only when no other reason refuses the same verb.
CHAIN_POSITION_REFUSALS = frozenset({LAST_STEP.refusal, MORE_STEPS.refusal})


def refused_transitions(user: Any, activity: Activity) -> list[tuple[Transition, str]]:
    """Moves one of the user's roles could make but a guard refuses, with the sentence: the
    page says why a button is missing rather than leaving the user to guess."""
    # One verb may be declared twice (``approve_step`` and ``approve`` are both "Approve"):
    # when one of them is open, the other's refusal says nothing the user needs; when both
    # are refused, the sentence that matters is not "this is (not) the last step" but the
    # other move's (say, a funding guard's, ADR 0019).
    open_labels = {t.label for t in allowed_transitions(user, activity)}
    by_label: dict[str, list[tuple[Transition, str]]] = {}
    for t in transitions_from(activity.status):
        if t.label in open_labels:
            continue
        refusal = transition_refusal(user, activity, t)
        if isinstance(refusal, InvalidTransition):
            by_label.setdefault(t.label, []).append((t, refusal.message))
    result: list[tuple[Transition, str]] = []
    for refusals in by_label.values():
        telling = [r for r in refusals if r[1] not in CHAIN_POSITION_REFUSALS]
        result.append((telling or refusals)[0])
    return result


def can_create_activity_in(user: Any, agency_id: int) -> bool:
    return any(has_role(user, r, agency_id) for r in ACTIVITY_CREATORS)


def access_activity(user: Any, pk: int, *, action: ActivityAction = "view") -> Activity:
    activity = (
        activities_visible_to(user)
        .select_related(
            "agency", "category", "host_organisation", "organiser_organisation", "created_by"
        )
        .filter(pk=pk)
        .first()
    )
    if activity is None:
        raise NotFound("No activity with that id.")
    if action == "change":
        refusal = change_refusal(user, activity)
        if refusal is not None:
            raise refusal
    if action == "view_history" and not can_view_history(user, activity):
        raise Forbidden("Only coordinators and overseers may see an activity's history.")
    return activity


def can_withdraw_participation(user: Any, participation: Participation, activity: Activity) -> bool:
    """What the page offers: the participant themself or a coordinator, while the
    activity has not run and the participant has not withdrawn (the service decides)."""
    if participation.withdrawn_at is not None or activity.status not in WITHDRAWABLE_STATUSES:
        return False
    if has_role(user, Role.COORDINATOR, activity.agency_id):
        return True
    return (
        participation.employee is not None
        and participation.employee.user_id == user.pk
        and has_role(user, Role.EMPLOYEE, activity.agency_id)
    )


def access_participation(user: Any, activity_id: int, participation_id: int) -> Participation:
    """A participant of an activity the user may see; 404 for a missing activity, one
    the user may not see, or a participation of another activity."""
    activity = access_activity(user, activity_id)
    participation = (
        Participation.objects.select_related("employee", "activity")
        .filter(pk=participation_id, activity_id=activity.pk)
        .first()
    )
    if participation is None:
        raise NotFound("No such participant on this activity.")
    return participation
