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
    scope_for,
    scope_q,
)
from liaison.accounts.models import Role
from liaison.activities.models import Activity, Participation
from liaison.activities.workflow import EDITABLE_STATUSES, Status, Transition, transitions_from
from liaison.core.errors import Forbidden, NotFound

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


def activities_visible_to(user: Any) -> QuerySet[Activity]:
    if not getattr(user, "is_authenticated", False):
        return Activity.objects.none()
    if scope_for(user, *AGENCY_READERS, Role.EMPLOYEE) == frozenset():
        return Activity.objects.none()
    return Activity.objects.filter(activity_visibility_q(user))


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


def can_view_history(user: Any, activity: Activity) -> bool:
    return any(has_role(user, r, activity.agency_id) for r in HISTORY_READERS)


def can_make_transition(user: Any, activity: Activity, transition: Transition) -> bool:
    return any(has_role(user, r, activity.agency_id) for r in transition.roles)


def allowed_transitions(user: Any, activity: Activity) -> list[Transition]:
    """The moves the user may make on ``activity`` now, in table order: what a page offers
    as buttons and the API lists as ``allowed_transitions``."""
    return [t for t in transitions_from(activity.status) if can_make_transition(user, activity, t)]


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
    if action == "change" and not can_change_activity(user, activity):
        if activity.status not in EDITABLE_STATUSES:
            raise Forbidden(
                f"A {activity.get_status_display().lower()} activity can no longer be edited."
            )
        raise Forbidden("You may view this activity but not edit it.")
    if action == "view_history" and not can_view_history(user, activity):
        raise Forbidden("Only coordinators and overseers may see an activity's history.")
    return activity
