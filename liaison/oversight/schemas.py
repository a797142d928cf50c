"""API shapes for oversight figures.

Keys documented here and in docs/api.md are a stability promise: add keys freely, never
rename or remove one within /api/v1/. The page at /oversight/ shows the same figures.
"""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from liaison.accounts.schemas import AgencyRef
from liaison.activities.models import Direction
from liaison.activities.workflow import Status


class YearCount(Schema):
    year: int = Field(description="Calendar year in which activities started.")
    activities: int
    employees: int = Field(description="Distinct employees who took part that year.")


class CountryCount(Schema):
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    name: str
    activities: int = Field(description="Activities with at least one location in the country.")
    employees: int = Field(description="Distinct employees who took part in those activities.")


class CategoryCount(Schema):
    slug: str
    name: str
    activities: int


class DirectionCount(Schema):
    direction: Direction
    label: str
    activities: int


class StatusCount(Schema):
    status: Status
    label: str
    activities: int


class SummaryOut(Schema):
    """The registry in figures, from live data, over the agencies the caller oversees."""

    agency_id: int | None = Field(
        description="The agency asked for; empty means every agency the caller may oversee."
    )
    agencies: list[AgencyRef] = Field(description="The agencies these figures cover.")
    total_activities: int = Field(description="Activities in every status.")
    distinct_employees: int = Field(
        description="Employees who took part in at least one of them, each counted once."
    )
    first_date: dt.date | None = Field(description="Earliest start date.")
    last_date: dt.date | None = Field(description="Latest end date.")
    by_year: list[YearCount] = Field(
        description="Ascending; every year from the first to the last, zeros included."
    )
    by_country: list[CountryCount] = Field(
        description="Largest first. An activity held in several countries counts in each."
    )
    by_category: list[CategoryCount] = Field(description="Largest first.")
    by_direction: list[DirectionCount] = Field(
        description="Every direction, in declared order, zeros included."
    )
    by_status: list[StatusCount] = Field(
        description="Every status, in workflow order, zeros included."
    )
