"""Schemas shared by every API router."""

from __future__ import annotations

from ninja import Field, Schema


class ErrorOut(Schema):
    """The body of every error answer (docs/api.md, "Errors")."""

    message: str
    errors: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Messages per offending field, e.g. "
        "`locations[1].country`; empty when the error is not about a field.",
    )
