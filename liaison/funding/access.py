"""The choke point through which funders, contributions and filings reach a user
(ADR 0019).

An activity's funding is seen by whoever may see the activity (the traveller sees who
paid for their trip); the funders registry, the filings and the money views by the
agency's readers of every activity. Coordinators record funders, contributions,
selections and Form 801 filings; approvers and higher command screen funders for conflicts
of interest; higher command alone overrides anonymous funding. Everyone else is refused
(``Forbidden``) when they try to write what they may read.
"""

from __future__ import annotations

from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from liaison.accounts.access import AGENCY_READERS, agencies_where, has_role, scope_for, scope_q
from liaison.accounts.models import Agency, Role
from liaison.activities.access import access_activity
from liaison.activities.models import Activity
from liaison.core.errors import Forbidden, NotFound
from liaison.funding.models import Contribution, Form801, Funder

FUNDING_READERS = AGENCY_READERS
FUNDING_EDITORS = (Role.COORDINATOR,)
SCREENERS = (Role.APPROVER, Role.COMMAND)
OVERRIDERS = (Role.COMMAND,)

NOT_A_FUNDING_EDITOR = "Only coordinators may record funders, contributions and filings."
NOT_A_SCREENER = "Only approvers and higher command may screen funders for conflicts of interest."
NOT_AN_OVERRIDER = "Only higher command may override anonymous funding."

Action = Literal["view", "change"]


def _any_role(user: Any, roles: tuple[str, ...], agency_id: int) -> bool:
    return any(has_role(user, r, agency_id) for r in roles)


def can_edit_funding(user: Any, agency_id: int) -> bool:
    return _any_role(user, FUNDING_EDITORS, agency_id)


def can_screen(user: Any, agency_id: int) -> bool:
    return _any_role(user, SCREENERS, agency_id)


def can_override_anonymous(user: Any, agency_id: int) -> bool:
    return _any_role(user, OVERRIDERS, agency_id)


def _scoped(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    scope = scope_for(user, *FUNDING_READERS)
    if scope == frozenset():
        return qs.none()
    return qs.filter(scope_q(scope))


def funders_visible_to(user: Any) -> QuerySet[Funder]:
    return _scoped(user, Funder.objects.all())


def contributions_visible_to(user: Any) -> QuerySet[Contribution]:
    return _scoped(user, Contribution.objects.all())


def forms_801_visible_to(user: Any) -> QuerySet[Form801]:
    return _scoped(user, Form801.objects.all())


def require_funding_reader(user: Any) -> None:
    """The registry, the filings and the money views: ``NotFound`` for anyone who reads
    no agency's activities (they do not exist for them, as a record does not)."""
    if scope_for(user, *FUNDING_READERS) == frozenset():
        raise NotFound("Not found.")


def access_funding_activity(user: Any, pk: int, *, action: Action = "view") -> Activity:
    """An activity whose funding the user may read (``change``: record contributions)."""
    activity = access_activity(user, pk)
    if action == "change" and not can_edit_funding(user, activity.agency_id):
        raise Forbidden(NOT_A_FUNDING_EDITOR)
    return activity


def access_funder(user: Any, pk: int, *, action: Action = "view") -> Funder:
    funder = funders_visible_to(user).filter(pk=pk).first()
    if funder is None:
        raise NotFound("No funder with that id.")
    if action == "change" and not can_edit_funding(user, funder.agency_id):
        raise Forbidden(NOT_A_FUNDING_EDITOR)
    return funder


def access_contribution(user: Any, pk: int, *, action: Action = "view") -> Contribution:
    contribution = (
        contributions_visible_to(user)
        .select_related("activity", "funder", "participation")
        .filter(pk=pk)
        .first()
    )
    if contribution is None:
        raise NotFound("No contribution with that id.")
    if action == "change" and not can_edit_funding(user, contribution.agency_id):
        raise Forbidden(NOT_A_FUNDING_EDITOR)
    return contribution


def access_form801(user: Any, pk: int, *, action: Action = "view") -> Form801:
    form = (
        forms_801_visible_to(user)
        .select_related("contribution__activity", "contribution__funder", "agency")
        .filter(pk=pk)
        .first()
    )
    if form is None:
        raise NotFound("No Form 801 with that id.")
    if action == "change" and not can_edit_funding(user, form.agency_id):
        raise Forbidden(NOT_A_FUNDING_EDITOR)
    return form


def money_activities(user: Any) -> QuerySet[Activity]:
    """The activities the money views count: every activity of the agencies whose
    activities the user reads (all of them, whoever took part)."""
    return _scoped(user, Activity.objects.all())


def reader_agency(user: Any, agency_id: int | None) -> Agency:
    """The agency a report is for: the one named (which the user must read), or the only
    one the user reads. ``NotFound`` for an agency outside their scope."""
    ids = agencies_where(user, *FUNDING_READERS)
    if agency_id is not None:
        if ids is not None and agency_id not in ids:
            raise NotFound("No agency with that id.")
        agency = Agency.objects.filter(pk=agency_id).first()
        if agency is None:
            raise NotFound("No agency with that id.")
        return agency
    if ids is None or len(ids) != 1:
        raise ValidationError({"agency_id": ["Name the agency: you read more than one."]})
    return Agency.objects.get(pk=ids[0])
