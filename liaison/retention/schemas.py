"""API input and output for retention (ADR 0024)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from liaison.accounts.schemas import AgencyRef, PageParams
from liaison.core.schemas import Id, list_of
from liaison.retention.models import HoldScope, RecordType


def _username(user: Any) -> str | None:
    return user.get_username() if user is not None else None


class ScheduleIn(Schema):
    agency: Id = Field(description="The agency whose schedule this is.")
    record_type: RecordType = RecordType.ACTIVITY
    years: int = Field(description="Years kept after the activity ends (1–100).")
    authority: str = Field(max_length=300, description="The retention rule it follows.")


class ScheduleOut(Schema):
    id: int
    agency: AgencyRef
    record_type: RecordType
    years: int
    authority: str
    updated_at: dt.datetime


class HoldIn(Schema):
    agency: Id
    scope: HoldScope
    reason: str = Field(max_length=2000)
    activity: Id | None = Field(None, description="For scope=activity: the activity's id.")
    employee: Id | None = Field(None, description="For scope=employee: the employee's id.")
    external_person: Id | None = Field(
        None, description="For scope=external_person: the person's id."
    )


class HoldReleaseIn(Schema):
    reason: str = Field(max_length=2000)


class HoldOut(Schema):
    id: int
    agency: AgencyRef
    scope: HoldScope
    scope_label: str = Field(description="What the scope named when the hold was placed.")
    activity_number: int | None
    employee_id: int | None
    external_person_id: int | None
    reason: str
    placed_by: str | None
    placed_at: dt.datetime
    in_force: bool
    released_by: str | None
    released_at: dt.datetime | None
    release_reason: str

    @staticmethod
    def resolve_placed_by(obj: Any) -> str | None:
        return _username(obj.placed_by)

    @staticmethod
    def resolve_released_by(obj: Any) -> str | None:
        return _username(obj.released_by)


class HoldListParams(PageParams):
    in_force: bool | None = Field(None, description="true: in force only; false: released.")


class TombstoneOut(Schema):
    id: int
    agency: AgencyRef
    record_type: RecordType
    record_number: int = Field(description="The destroyed record's id.")
    title: str
    start_date: dt.date
    end_date: dt.date
    status: str
    origin: str
    source: str
    schedule_years: int
    schedule_authority: str
    due_on: dt.date
    destroyed_by: str | None
    destroyed_at: dt.datetime
    content_sha256: str = Field(
        description="SHA-256 of the canonical JSON of the destroyed rows (ADR 0024)."
    )
    contents: dict[str, int] = Field(description="Rows destroyed, by kind.")

    @staticmethod
    def resolve_destroyed_by(obj: Any) -> str | None:
        return _username(obj.destroyed_by)


class TombstoneListParams(PageParams):
    agency: list[Id] = Field([], description="Agency id; repeat for several.")
    year: int | None = Field(None, ge=1900, le=2100, description="Year the activity started.")


ScheduleList = list_of(ScheduleOut, "ScheduleList")
HoldList = list_of(HoldOut, "HoldList")
TombstoneList = list_of(TombstoneOut, "TombstoneList")
