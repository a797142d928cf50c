"""API shapes of the exchange: an import batch and its problems."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from liaison.exchange import progress
from liaison.exchange.models import BatchStatus


class ProblemOut(Schema):
    row: int = Field(description="The file's row (the header is row 1).")
    column: str
    value: str
    message: str = Field(description="Why the row cannot be imported.")


class PlanRowOut(Schema):
    row: int
    action: str = Field(description="create, update, unchanged or error.")
    source_system: str
    source_id: str
    title: str


class ProgressOut(Schema):
    phase: str
    done: int
    total: int


class ImportBatchOut(Schema):
    id: int
    agency_id: int
    file_name: str
    file_format: str
    sha256: str
    size: int
    uploaded_by: str
    uploaded_at: dt.datetime
    status: BatchStatus
    rows: int
    created: int
    updated: int
    unchanged: int
    problems: list[ProblemOut]
    plan: list[PlanRowOut]
    progress: ProgressOut | None = Field(
        None, description="While the batch is checking or importing: rows done so far."
    )

    @staticmethod
    def resolve_uploaded_by(obj: Any) -> str:
        return str(obj.uploaded_by.get_username())

    @staticmethod
    def resolve_problems(obj: Any) -> list[dict[str, Any]]:
        return [
            {**p, "value": str(p.get("value", "")), "column": str(p.get("column", ""))}
            for p in obj.errors or []
        ]

    @staticmethod
    def resolve_plan(obj: Any) -> list[dict[str, Any]]:
        keys = ("row", "action", "source_system", "source_id", "title")
        return [dict(zip(keys, row, strict=True)) for row in obj.plan or []]

    @staticmethod
    def resolve_progress(obj: Any) -> dict[str, Any] | None:
        return progress.read(obj.token) if obj.running else None


class CandidateOut(Schema):
    id: int = Field(description="The employee's id: answer with it.")
    serial_number: str
    name: str
    rank: str
    unit: str
    agency: str


class MatchOut(Schema):
    row: int = Field(description="The file's row (the header is row 1).")
    participant: int = Field(description="The participant's position in the row's cell (from 1).")
    column: str
    value: str = Field(description="The participant as the file writes it.")
    name: str
    candidates: list[CandidateOut] = Field(
        description="The employees of this name the caller may see."
    )
    decided: bool = Field(description="Whether an answer is stored for this name.")
    employee_id: int | None = Field(
        description="The answer stored: an employee id, or null for none of these."
    )


class ResolutionIn(Schema):
    row: int
    participant: int
    employee_id: int | None = Field(
        description="One of the match's candidates, or null for none of these (the row "
        "stays an error)."
    )


class ResolutionsIn(Schema):
    resolutions: list[ResolutionIn]
