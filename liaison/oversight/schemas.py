"""API shapes for oversight figures.

Keys documented here and in docs/api.md are a stability promise: add keys freely, never
rename or remove one within /api/v1/. The page at /oversight/ shows the same figures.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Field, Schema
from pydantic import field_validator

from liaison.accounts.schemas import AgencyRef
from liaison.activities.models import Direction
from liaison.activities.schemas import DirectionGroup
from liaison.activities.workflow import Status
from liaison.core.schemas import IsoDate, start_to_not_before_start_from

LIST_QUERY = Field(
    description="Query string of the activity list that shows exactly the activities "
    "counted: /activities/?<list_query> on the site, /api/v1/activities?<list_query> here."
)


class SummaryParams(Schema):
    """What a summary may be narrowed by; the page at /oversight/ takes the same names."""

    agency: int | None = Field(
        None, ge=1, le=2**63 - 1, description="Only this agency (one the caller oversees)."
    )
    start_from: IsoDate | None = Field(
        None, description="Activities that started on or after this date (YYYY-MM-DD)."
    )
    start_to: IsoDate | None = Field(
        None, description="Activities that started on or before this date (YYYY-MM-DD)."
    )
    status: list[Status] = Field(
        [],
        description="Repeat for several. None given: every status except draft, "
        "cancelled and denied.",
    )
    direction_group: list[DirectionGroup] = Field(
        [],
        description="Repeat for several: abroad (outbound), at_home (inbound and foreign "
        "trainers), virtual. None given: every direction.",
    )

    _dates_in_order = field_validator("start_to")(start_to_not_before_start_from)


class YearCount(Schema):
    year: int = Field(description="Calendar year in which activities started.")
    activities: int
    employees: int = Field(description="Distinct employees who took part that year.")
    list_query: str = LIST_QUERY


class CoverageCount(Schema):
    key: Literal["reconstructed", "no_report", "no_approval", "no_funding"]
    label: str
    activities: int = Field(description="Activities counted under the summary's filters.")
    list_query: str = LIST_QUERY


class DestroyedYear(Schema):
    year: int = Field(description="The year the destroyed activities started.")
    records: int = Field(description="Records destroyed under retention (tombstones).")
    list_query: str = Field(
        description="Query string of the tombstone list that shows exactly these: "
        "/retention/tombstones/?<list_query> on the site, /api/v1/retention/tombstones?"
        "<list_query> here."
    )


class Coverage(Schema):
    """What the record does not know (ADR 0024)."""

    activities: list[CoverageCount] = Field(
        description="Reconstructed records and activities with no report, approval or "
        "funding on record, under the summary's filters."
    )
    destroyed_by_year: list[DestroyedYear] = Field(
        description="Records destroyed under retention, by the year the activity started "
        "(not filtered by the summary's dates or statuses)."
    )
    destroyed_total: int


class CountryCount(Schema):
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    name: str
    activities: int = Field(description="Activities with at least one location in the country.")
    employees: int = Field(description="Distinct employees who took part in those activities.")
    list_query: str = LIST_QUERY


class CategoryCount(Schema):
    slug: str
    name: str
    activities: int
    list_query: str = LIST_QUERY


class DirectionCount(Schema):
    direction: Direction
    label: str
    activities: int
    list_query: str = LIST_QUERY


class StatusCount(Schema):
    status: Status
    label: str
    activities: int
    list_query: str = LIST_QUERY


class EvaluationReportCounts(Schema):
    """Evaluation reports of the agencies covered, as of today (not filtered by date)."""

    overdue: int = Field(description="Owed past their day, participants not started included.")
    due_soon: int = Field(description="Owed within the agency's due-soon window.")
    submitted_awaiting_review: int
    returned: int
    acknowledged: int
    insufficient: int = Field(
        description="Filed reports (not drafts) below the agency's minimums, legacy included."
    )


class AdoptionCount(Schema):
    adoptions: int
    list_query: str = Field(
        description="Query string of the adoption list that shows exactly these adoptions: "
        "/outcomes/adoptions/?<list_query> on the site, "
        "/api/v1/outcomes/adoptions?<list_query> here."
    )


class OutcomeFigures(Schema):
    """Adoptions as they stand today (the summary's date filters do not apply)."""

    conflicts: AdoptionCount = Field(
        description="Adoptions a review found in conflict with a policy."
    )
    unreviewed: AdoptionCount = Field(description="Adoptions with no alignment review yet.")
    follow_up_overdue: AdoptionCount = Field(
        description="Open adoptions whose six-monthly follow-up is overdue."
    )


class SummaryOut(Schema):
    """The registry in figures, from live data, over the agencies the caller oversees.
    Activities are counted by the date they started."""

    agency_id: int | None = Field(
        description="The agency asked for; empty means every agency the caller may oversee."
    )
    as_of: dt.datetime = Field(description="When these figures were computed (with zone).")
    start_from: dt.date | None = Field(description="Start dates on or after, if asked.")
    start_to: dt.date | None = Field(description="Start dates on or before, if asked.")
    statuses: list[Status] = Field(description="The statuses counted.")
    direction_groups: list[DirectionGroup] = Field(
        description="The direction groups counted; empty means every direction."
    )
    home_country: str = Field(
        description="The agencies' own country (HOME_COUNTRY), not counted in by_country."
    )
    agencies: list[AgencyRef] = Field(description="The agencies these figures cover.")
    total_activities: int = Field(description="Activities counted (in the statuses counted).")
    list_query: str = LIST_QUERY
    distinct_employees: int = Field(
        description="Employees who took part in at least one of them, each counted once."
    )
    first_date: dt.date | None = Field(description="Earliest start date.")
    last_date: dt.date | None = Field(description="Latest end date.")
    by_year: list[YearCount] = Field(
        description="By year of the start date, ascending; every year from the first to the "
        "last, zeros included."
    )
    by_country: list[CountryCount] = Field(
        description="Foreign countries, largest first. An activity held in several "
        "countries counts in each; the home country and virtual events are not counted."
    )
    by_category: list[CategoryCount] = Field(description="Largest first.")
    by_direction: list[DirectionCount] = Field(
        description="Every direction, in declared order, zeros included."
    )
    by_status: list[StatusCount] = Field(
        description="Every status counted, in workflow order, zeros included."
    )
    evaluation_reports: EvaluationReportCounts
    coverage: Coverage
    outcomes: OutcomeFigures = Field(
        description="Adoptions in conflict, unreviewed and with follow-ups overdue (ADR 0018)."
    )
