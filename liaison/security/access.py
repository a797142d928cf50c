"""Who may read and write the country risk register and the risk assessments.

- The register is deployment-wide reference data, not restricted: every signed-in user
  reads it; security officers and administrators (of any agency) edit and import it.
- An assessment's summary (level at the time, decision, conditions, briefings, assessor)
  is part of the activity: whoever may read the activity reads it.
- Its concerns and mitigations are restricted: only security officers and overseers of
  the activity's agency read them, everyone else gets 404 on both doors, and every read is
  logged (``records.services.log_restricted_read``).
- Security officers of the activity's agency record and edit assessments (403 for other
  roles that may see the activity).
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import QuerySet

from liaison.accounts.access import has_role, scope_for
from liaison.accounts.models import Role
from liaison.activities.access import activities_visible_to
from liaison.activities.models import Location
from liaison.core.errors import Forbidden, NotFound
from liaison.security.models import CountryRisk, RiskAssessment

RISK_REGISTER_EDITORS = (Role.SECURITY, Role.ADMIN)
ASSESSORS = (Role.SECURITY,)
RESTRICTED_READERS = (Role.SECURITY, Role.OVERSEER)
# Who reads the gap figure ("outbound activities without a risk assessment").
GAP_READERS = (Role.SECURITY, Role.OVERSEER, Role.COORDINATOR)

AssessmentAction = Literal["view", "view_restricted", "change"]


def require_signed_in(user: Any) -> None:
    if not getattr(user, "is_authenticated", False):
        raise NotFound("Sign in to read the country risk register.")


def can_edit_register(user: Any) -> bool:
    return scope_for(user, *RISK_REGISTER_EDITORS) != frozenset()


def require_register_editor(user: Any) -> None:
    if not can_edit_register(user):
        raise Forbidden("Only security officers and administrators edit the country risk register.")


def access_country_risk(user: Any, code: str) -> CountryRisk:
    require_signed_in(user)
    entry = CountryRisk.objects.filter(country=(code or "").upper()[:2]).first()
    if entry is None:
        raise NotFound("No country with that code in the risk register.")
    return entry


def can_assess(user: Any, agency_id: int) -> bool:
    return any(has_role(user, role, agency_id) for role in ASSESSORS)


def can_read_restricted(user: Any, agency_id: int) -> bool:
    return any(has_role(user, role, agency_id) for role in RESTRICTED_READERS)


def access_location_to_assess(user: Any, pk: int) -> Location:
    """A location of an activity the user may read (404 otherwise), that the user may
    assess (403: not a security officer of the activity's agency)."""
    location = (
        Location.objects.filter(activity__in=activities_visible_to(user), pk=pk)
        .select_related("activity", "activity__agency")
        .first()
    )
    if location is None:
        raise NotFound("No location with that id.")
    if not can_assess(user, location.activity.agency_id):
        raise Forbidden("Only security officers of this agency assess a location's risks.")
    return location


def risk_assessments_visible_to(user: Any) -> QuerySet[RiskAssessment]:
    return RiskAssessment.objects.filter(activity__in=activities_visible_to(user))


def access_risk_assessment(
    user: Any, pk: int, *, action: AssessmentAction = "view"
) -> RiskAssessment:
    """``view``: whoever may read the activity. ``view_restricted`` (concerns and
    mitigations): security officers and overseers of its agency, 404 for everyone else
    (the restricted text does not exist for them). ``change``: security officers of its
    agency, 403 for others who may see it."""
    assessment = (
        risk_assessments_visible_to(user)
        .select_related("activity", "activity__agency", "location", "assessor")
        .filter(pk=pk)
        .first()
    )
    if assessment is None:
        raise NotFound("No risk assessment with that id.")
    agency_id = assessment.activity.agency_id
    if action in ("view_restricted", "change") and not can_read_restricted(user, agency_id):
        raise NotFound("No risk assessment with that id.")
    if action == "change" and not can_assess(user, agency_id):
        raise Forbidden("Only security officers of this agency edit a risk assessment.")
    return assessment


def require_gap_reader(user: Any) -> Any:
    scope = scope_for(user, *GAP_READERS)
    if scope == frozenset():
        raise Forbidden("Only security officers, coordinators and overseers see this figure.")
    return scope
