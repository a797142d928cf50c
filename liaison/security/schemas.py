"""API shapes for the country risk register and the risk assessments.

Keys documented in docs/api.md are a stability promise. The restricted part of an
assessment (``concerns``, ``mitigations``) appears only in ``RiskAssessmentDetail``,
answered by the restricted endpoint (ADR 0015)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.urls import reverse
from ninja import Field, Schema

from liaison.core.schemas import IsoDate, PageParams, list_of
from liaison.security.models import BriefingKind, Decision, RiskIndicator

Level = Literal[1, 2, 3, 4]


class IndicatorOut(Schema):
    letter: RiskIndicator
    label: str


def _indicators(letters: str) -> list[dict[str, str]]:
    return [{"letter": ch, "label": RiskIndicator(ch).label} for ch in letters or ""]


class AdvisoryOut(Schema):
    level: int = Field(description="1 (normal precautions) to 4 (do not travel).")
    effective_date: dt.date
    indicators: list[IndicatorOut]
    source_name: str
    source_reference: str

    @staticmethod
    def resolve_indicators(obj: Any) -> list[dict[str, str]]:
        return _indicators(obj.indicators)


class CountryItem(Schema):
    code: str = Field(description="ISO 3166-1 alpha-2 code.")
    name: str
    current_level: int | None = Field(description="The level in force today (null: none).")
    current_since: dt.date | None
    current_indicators: list[IndicatorOut]
    url: str

    @staticmethod
    def resolve_code(obj: Any) -> str:
        return str(obj.country.code)

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.country.name)

    @staticmethod
    def resolve_current_indicators(obj: Any) -> list[dict[str, str]]:
        return _indicators(getattr(obj, "current_indicators", "") or "")

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("api:country_risk_detail", kwargs={"code": obj.country.code})


CountryList = list_of(CountryItem, "CountryRiskList")


class CountryListParams(PageParams):
    q: str = Field("", max_length=100, description="Part of a country's name, or its code.")
    level: Level | None = Field(None, description="Only countries whose current level is this.")
    indicator: RiskIndicator | None = Field(
        None, description="Only countries with this indicator now."
    )


class ConcernOut(Schema):
    text: str
    source_name: str
    source_reference: str


class RegisterChange(Schema):
    at: dt.datetime
    who: str
    kind: Literal["added", "changed", "removed"]
    what: str
    reason: str


class CountryDetail(Schema):
    code: str
    name: str
    current: AdvisoryOut | None
    advisories: list[AdvisoryOut] = Field(description="The dated series, newest first.")
    concerns: list[ConcernOut]
    history: list[RegisterChange] = Field(description="Every change, newest first.")


class AdvisoryIn(Schema):
    level: int = Field(description="1 to 4.")
    effective_date: IsoDate
    indicators: list[str] = Field([], description='Indicator letters, e.g. ["T", "U"].')
    source_name: str = Field(max_length=300)
    source_reference: str = Field("", max_length=500)


class ImportIn(Schema):
    csv: str = Field(
        description="The CSV file's text (columns in docs/api.md).", max_length=2_000_000
    )
    dry_run: bool = Field(True, description="Check and preview only (the default).")


class ImportChangeOut(Schema):
    row: int
    country: str
    record: Literal["advisory", "concern"]
    action: Literal["create", "update", "unchanged"]
    summary: str


class ImportOut(Schema):
    dry_run: bool
    counts: dict[str, int]
    changes: list[ImportChangeOut]


# --- assessments -----------------------------------------------------------------------


class BriefingOut(Schema):
    id: int
    kind: BriefingKind
    kind_label: str
    given_on: dt.date
    given_by: str
    notes: str

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())


class RiskAssessmentSummary(Schema):
    """What anyone who may read the activity reads: not the concerns or mitigations."""

    id: int
    location_id: int | None = Field(description="Null when the location was removed since.")
    country: str
    city: str
    status: Literal["done", "reopened"]
    counts_for_approval: bool
    reopened_reason: str
    advisory_level_at_time: int | None = Field(
        description="The register's level when the assessment was made (never looked up again)."
    )
    advisory_effective_date_at_time: dt.date | None
    advisory_indicators_at_time: list[IndicatorOut]
    advisory_source_at_time: str
    decision: Decision
    conditions: str
    assessor_name_at_time: str
    assessor_rank_at_time: str
    assessed_at: dt.datetime
    briefings: list[BriefingOut]
    url: str = Field(description="The full assessment (security officers and overseers).")

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.country.code)

    @staticmethod
    def resolve_counts_for_approval(obj: Any) -> bool:
        return bool(obj.is_done)

    @staticmethod
    def resolve_advisory_indicators_at_time(obj: Any) -> list[dict[str, str]]:
        return _indicators(obj.advisory_indicators_at_time)

    @staticmethod
    def resolve_briefings(obj: Any) -> list[Any]:
        return list(obj.briefings.all())

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("api:risk_assessment_detail", kwargs={"assessment_id": obj.pk})


class RiskAssessmentDetail(RiskAssessmentSummary):
    activity_id: int
    concerns: str = Field(description="Restricted: every read is logged.")
    mitigations: str = Field(description="Restricted: every read is logged.")


class LocationAssessmentOut(Schema):
    location_id: int | None
    place: str
    needs_assessment: bool
    risk_assessment: RiskAssessmentSummary | None


LocationAssessmentList = list_of(LocationAssessmentOut, "LocationAssessmentList")


class RiskAssessmentIn(Schema):
    decision: Decision
    concerns: str = Field("", max_length=10_000)
    mitigations: str = Field("", max_length=10_000)
    conditions: str = Field("", max_length=10_000)


class RiskAssessmentPatch(Schema):
    decision: Decision | None = None
    concerns: str | None = Field(None, max_length=10_000)
    mitigations: str | None = Field(None, max_length=10_000)
    conditions: str | None = Field(None, max_length=10_000)


class BriefingIn(Schema):
    kind: BriefingKind
    given_on: IsoDate
    given_by: str = Field(max_length=200)
    notes: str = Field("", max_length=500)


class GapOut(Schema):
    outbound_activities: int
    without_risk_assessment: int = Field(
        description="Outbound activities with a location abroad that has no done assessment."
    )
    without_risk_assessment_imported: int = Field(description="Of those, records of the past.")
    without_risk_assessment_entered: int = Field(description="Of those, requests entered here.")
