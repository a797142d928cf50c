"""The risk assessments on an activity's page: ``{% load security_tags %}`` then
``{% risk_assessments activity %}``. A template tag rather than view code so that the
activities app (below security) need not import it; the tag asks the same selector and
access functions as the API's ``/activities/{id}/risk-assessments``."""

from __future__ import annotations

from typing import Any

from django import template

from liaison.security.access import can_assess, can_read_restricted
from liaison.security.selectors import activity_risk_assessments

register = template.Library()

_CLOSED = {"denied", "cancelled", "completed", "closed"}


@register.inclusion_tag("security/_summary.html", takes_context=True)
def risk_assessments(context: dict[str, Any], activity: Any) -> dict[str, Any]:
    user = context["request"].user
    rows = activity_risk_assessments(activity=activity)
    return {
        "rows": rows,
        "rows_needed": any(r.needed for r in rows),
        "rows_kept": any(r.assessment for r in rows),
        "can_assess": can_assess(user, activity.agency_id),
        "can_read_restricted": can_read_restricted(user, activity.agency_id),
        "assessable": activity.status not in _CLOSED,
    }
