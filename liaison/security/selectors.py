"""Reads of the risk register and the assessments, shared by pages, API and the demo."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django_countries import countries

from liaison.accounts.access import Scope, scope_q
from liaison.activities.models import Activity, Location
from liaison.security.models import (
    AdvisoryLevel,
    AssessmentStatus,
    CountryRisk,
    HumanRightsConcern,
    RiskAssessment,
)


def advisory_level_on(country: str, date: dt.date) -> AdvisoryLevel | None:
    """The advisory in force for ``country`` (ISO code) on ``date``: the latest one whose
    effective date is on or before it. ``None`` when the register has none that early."""
    return (
        AdvisoryLevel.objects.filter(
            country_risk__country=str(country).upper(), effective_date__lte=date
        )
        .order_by("-effective_date")
        .first()
    )


@dataclass(frozen=True)
class CountryFilters:
    q: str = ""
    level: int | None = None
    indicator: str = ""


def country_risk_list(*, filters: CountryFilters, today: dt.date | None = None) -> QuerySet[Any]:
    """Every country in the register with its current level (``current_level``,
    ``current_since``, ``current_indicators``), filtered; ordered by country code."""
    today = today or dt.date.today()
    current = AdvisoryLevel.objects.filter(
        country_risk=OuterRef("pk"), effective_date__lte=today
    ).order_by("-effective_date")
    qs = CountryRisk.objects.annotate(
        current_level=Subquery(current.values("level")[:1]),
        current_since=Subquery(current.values("effective_date")[:1]),
        current_indicators=Subquery(current.values("indicators")[:1]),
    )
    if filters.q:
        text = filters.q.strip()
        codes = [code for code, name in countries if text.lower() in name.lower()]
        qs = qs.filter(Q(country__in=codes) | Q(country__iexact=text))
    if filters.level is not None:
        qs = qs.filter(current_level=filters.level)
    if filters.indicator:
        qs = qs.filter(current_indicators__contains=filters.indicator)
    return qs.order_by("country")


def country_risk_detail(entry: CountryRisk) -> dict[str, Any]:
    today = dt.date.today()
    advisories = list(entry.advisories.order_by("-effective_date"))
    current = next((a for a in advisories if a.effective_date <= today), None)
    return {
        "entry": entry,
        "current": current,
        "advisories": advisories,
        "concerns": list(entry.concerns.order_by("id")),
    }


def country_risk_history(entry: CountryRisk) -> list[dict[str, Any]]:
    """Every change to a country's entry, its advisory levels and concerns, newest first:
    what, who, when, and the kind of change."""
    rows: list[Any] = list(entry.history.all())  # type: ignore[attr-defined]
    rows += list(AdvisoryLevel.history.filter(country_risk_id=entry.pk))  # type: ignore[attr-defined]
    rows += list(HumanRightsConcern.history.filter(country_risk_id=entry.pk))  # type: ignore[attr-defined]
    rows.sort(key=lambda r: (r.history_date, r.history_id), reverse=True)
    kinds = {"+": "added", "~": "changed", "-": "removed"}
    result = []
    for row in rows:
        if row.instance_type is CountryRisk:
            what = f"{entry} entered in the register"
        elif row.instance_type is AdvisoryLevel:
            what = f"Advisory level {row.level} from {row.effective_date.isoformat()}"
            if row.indicators:
                what += f" (indicators {', '.join(row.indicators)})"
            what += f"; source: {row.source_name}"
        else:
            what = f"Human-rights concern: {row.text[:120]}; source: {row.source_name}"
        result.append(
            {
                "at": row.history_date,
                "who": row.history_user.get_username() if row.history_user else "system",
                "kind": kinds.get(row.history_type, row.history_type),
                "what": what,
                "reason": row.history_change_reason or "",
            }
        )
    return result


def needs_assessment(location: Location) -> bool:
    """An outbound activity's location outside the home country needs a risk assessment;
    inbound, foreign-trainer and virtual activities, and home locations, do not."""
    return (
        location.activity.direction == "outbound" and str(location.country) != settings.HOME_COUNTRY
    )


@dataclass(frozen=True)
class LocationAssessment:
    location: Location | None
    assessment: RiskAssessment | None
    needed: bool

    @property
    def place(self) -> str:
        if self.location is not None:
            return str(self.location)
        assert self.assessment is not None
        return self.assessment.place


def activity_risk_assessments(*, activity: Activity) -> list[LocationAssessment]:
    """Each location of ``activity`` with its assessment (or none), then assessments kept
    for locations since removed from the itinerary."""
    locations = list(activity.locations.select_related("activity").order_by("position", "id"))
    assessments = list(
        RiskAssessment.objects.filter(activity_id=activity.pk)
        .select_related("assessor")
        .prefetch_related("briefings")
    )
    by_location = {a.location_id: a for a in assessments if a.location_id}
    result = [
        LocationAssessment(loc, by_location.get(loc.pk), needs_assessment(loc)) for loc in locations
    ]
    result += [LocationAssessment(None, a, False) for a in assessments if a.location_id is None]
    return result


def _missing_assessment_q() -> Q:
    abroad_unassessed = (
        Location.objects.filter(activity_id=OuterRef("pk"))
        .exclude(country=settings.HOME_COUNTRY)
        .exclude(risk_assessment__status=AssessmentStatus.DONE)
    )
    return Q(Exists(abroad_unassessed))


def outbound_without_risk_assessment(*, scope: Scope) -> dict[str, int]:
    """The IG's gap as a figure: outbound activities of the agencies in ``scope``, how
    many have a location abroad with no done assessment, and of those how many are
    imported records of the past (legacy) versus requests entered in Liaison."""
    outbound = Activity.objects.filter(scope_q(scope), direction="outbound")
    missing = outbound.filter(_missing_assessment_q())
    return {
        "outbound_activities": outbound.count(),
        "without_risk_assessment": missing.count(),
        "without_risk_assessment_imported": missing.filter(origin="imported").count(),
        "without_risk_assessment_entered": missing.filter(origin="entered").count(),
    }
