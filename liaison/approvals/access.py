"""The choke points through which approval records and rules reach a user."""

from __future__ import annotations

from typing import Any

from liaison.accounts.access import REFERENCE_EDITORS, in_scope, scope_for
from liaison.accounts.models import Agency
from liaison.activities.access import access_activity
from liaison.activities.models import Activity
from liaison.core.errors import NotFound


def access_approval_record(user: Any, activity_id: int) -> Activity:
    """The approval record is part of the activity: whoever may see the activity may see
    who approved it (an inspector's question), and nobody else (404)."""
    return access_activity(user, activity_id)


def access_policy_agency(user: Any, agency_id: int) -> Agency:
    """The agency whose rules ``user`` may read and edit: coordinators and administrators
    of it. Any other agency, or a missing one, is 404."""
    scope = scope_for(user, *REFERENCE_EDITORS)
    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None or not in_scope(scope, agency.pk):
        raise NotFound("No approval rules with that agency id.")
    return agency
