"""When higher command must approve: the declared conditions of an agency's rules.

Declared like the workflow's guards (ADR 0009): a name, a check that reads through the
activity instance, and the sentence a user reads on the approval record saying why
higher command approves this request. Adding a condition is one entry in CONDITIONS
and, where the agency sets it, one field on ``ApprovalPolicy``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django_countries import countries

from liaison.approvals.models import ApprovalPolicy


@dataclass(frozen=True)
class Condition:
    name: str
    check: Callable[[Any, ApprovalPolicy], bool]
    # The sentence shown on the approval step, from the activity and the rules.
    sentence: Callable[[Any, ApprovalPolicy], str]


def _money(value: Any) -> str:
    return f"${value:,.2f}"


def _cost_above(activity: Any, policy: ApprovalPolicy) -> bool:
    return (
        policy.cost_threshold is not None
        and activity.estimated_cost is not None
        and activity.estimated_cost > policy.cost_threshold
    )


def advisory_levels(activity: Any) -> list[int]:
    """The advisory levels recorded *at the time* on the risk assessments of the activity's
    locations (``security.RiskAssessment``, one per location, reached as
    ``location.risk_assessment``). A location without an assessment contributes nothing;
    when the security app is not installed, no location has the relation at all."""
    levels = []
    for location in activity.locations.all():
        try:
            assessment = location.risk_assessment
        except (AttributeError, ObjectDoesNotExist):
            continue
        level = getattr(assessment, "advisory_level_at_time", None)
        if level is not None:
            levels.append(int(level))
    return levels


def _advisory_at_least(activity: Any, policy: ApprovalPolicy) -> bool:
    return any(level >= policy.advisory_level_threshold for level in advisory_levels(activity))


def _listed_countries(activity: Any, policy: ApprovalPolicy) -> list[str]:
    listed = {str(c).upper() for c in policy.countries or []}
    return [str(loc.country) for loc in activity.locations.all() if str(loc.country) in listed]


def _foreign_ministries(activity: Any) -> list[Any]:
    orgs = [activity.host_organisation, activity.organiser_organisation]
    return [
        o
        for o in orgs
        if o is not None and o.org_type == "ministry" and str(o.country) != settings.HOME_COUNTRY
    ]


def _foreign_ministry_inbound(activity: Any, policy: ApprovalPolicy) -> bool:
    return (
        policy.foreign_ministry_inbound
        and activity.direction == "inbound"
        and bool(_foreign_ministries(activity))
    )


COST_ABOVE_THRESHOLD = Condition(
    "cost_above_threshold",
    _cost_above,
    lambda a, p: (
        f"The estimated cost ({_money(a.estimated_cost)}) is above the agency's "
        f"threshold of {_money(p.cost_threshold)}."
    ),
)
# Reads the security app's risk assessments through the instance (ADR 0014): until that
# app records assessments, no request meets it.
ADVISORY_LEVEL = Condition(
    "advisory_level",
    _advisory_at_least,
    lambda a, p: (
        f"A location's travel advisory level, as assessed, is "
        f"{max(advisory_levels(a), default=0)} (higher command approves at "
        f"{p.advisory_level_threshold} or above)."
    ),
)
COUNTRY_ON_LIST = Condition(
    "country_on_list",
    lambda a, p: bool(_listed_countries(a, p)),
    lambda a, p: (
        "The activity takes place in "
        + ", ".join(sorted({str(countries.name(c)) for c in _listed_countries(a, p)}))
        + ", on the agency's list of countries where higher command approves."
    ),
)
FOREIGN_MINISTRY_INBOUND = Condition(
    "foreign_ministry_inbound",
    _foreign_ministry_inbound,
    lambda a, p: (
        "An inbound programme for a foreign ministry ("
        + ", ".join(o.name for o in _foreign_ministries(a))
        + ")."
    ),
)

CONDITIONS: tuple[Condition, ...] = (
    COST_ABOVE_THRESHOLD,
    ADVISORY_LEVEL,
    COUNTRY_ON_LIST,
    FOREIGN_MINISTRY_INBOUND,
)


def conditions_met(activity: Any, policy: ApprovalPolicy) -> list[Condition]:
    return [c for c in CONDITIONS if c.check(activity, policy)]
