from __future__ import annotations

import datetime as dt

from ninja import Field, Schema

from liaison.core.schemas import ExportParams, PageParams, list_of
from liaison.records.selectors import EventFilters


class AuditBreakOut(Schema):
    kind: str = Field(description="changed, missing, reordered or inserted.")
    table: str = Field(description="The table of the broken link's row.")
    row_id: int | None = Field(description="The row's id in that table (empty: a link).")
    seq: int | None = Field(description="The link's number in the chain.")
    detail: str
    sentence: str = Field(description="The whole finding, as the page says it.")


class AuditVerificationOut(Schema):
    intact: bool
    links_checked: int
    rows_checked: int
    destroyed_under_retention: int = Field(
        description="Rows gone under a destruction permit (accounted for, not a break)."
    )
    problems: int = Field(description="How many breaks were found in all.")
    first_break: AuditBreakOut | None = Field(description="The first, in chain order.")
    head_seq: int = Field(description="The number of the chain's last link.")
    head_hash: str = Field(description="Its hash: note it outside the system (an anchor).")
    seconds: float


class AuditEventFilterParams(Schema):
    date_from: dt.date | None = Field(None, description="Events on or after this date.")
    date_to: dt.date | None = Field(None, description="Events on or before this date.")
    table: str = Field("", max_length=63, description="One audit table (source) only.")
    actor: str = Field("", max_length=150, description="Only this account name's events.")

    def to_filters(self) -> EventFilters:
        return EventFilters(
            date_from=self.date_from,
            date_to=self.date_to,
            table=self.table,
            actor=self.actor.strip(),
        )


class AuditEventParams(PageParams, AuditEventFilterParams):
    pass


class AuditEventExportParams(ExportParams, AuditEventFilterParams):
    pass


class AuditEventOut(Schema):
    at: dt.datetime
    source: str = Field(description="The audit table the row is in.")
    row_id: int = Field(description="The row's id in that table.")
    record_type: str
    record_id: int | None
    action: str
    actor: str = Field(description="The account that did it (empty: the system).")
    detail: str


AuditEventList = list_of(AuditEventOut, "AuditEventList")
