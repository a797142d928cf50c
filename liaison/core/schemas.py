"""Schemas shared by every API router: the error body, paging parameters and the one list
envelope (``list_of``) with the helper that fills it (``page_body``).

Keys documented in docs/api.md are a stability promise (docs/adr/0012-api-queries-and-lists.md):
every list endpoint answers ``{"items": [...], "count": N, "count_is_exact": bool}`` and is
built here, so the shape cannot drift between apps.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import BeforeValidator, ValidationInfo, create_model

from liaison.core.pagination import Page, paginate

MAX_PAGE_SIZE = 100
# Record ids are 64-bit database integers; a larger number names no record and would
# overflow the database driver (a 500), so every id the API reads is bounded here.
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_text(value: Any) -> Any:
    """A query's date must be written YYYY-MM-DD, as documented: pydantic would otherwise
    read a bare number as seconds since 1970 (``start_to=0`` → 1 Jan 1970)."""
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise ValueError("Give a date as YYYY-MM-DD.")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_text)]


def start_to_not_before_start_from(value: dt.date | None, info: ValidationInfo) -> dt.date | None:
    """The date-range rule of every query that takes ``start_from`` and ``start_to``
    (the activity list and the oversight summary): use it as
    ``field_validator("start_to")(start_to_not_before_start_from)``."""
    start_from = info.data.get("start_from")
    if value and start_from and start_from > value:
        raise ValueError("Choose a date on or after start_from.")
    return value


class ErrorOut(Schema):
    """The body of every error answer (docs/api.md, "Errors")."""

    message: str
    errors: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Messages per offending field, e.g. "
        "`locations[1].country`; empty when the error is not about a field.",
    )


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """Document in OpenAPI the error answers an operation may give. 401 (not signed in)
    and 422 (a bad or unknown parameter: every operation refuses unknown query
    parameters) apply to all. (The answers come from the handlers in liaison/api.py.)"""
    return {code: ErrorOut for code in sorted({401, 422, *codes})}


class PageParams(Schema):
    """``page`` and ``page_size``, taken by every list endpoint."""

    page: int = Field(1, ge=1, le=2**31 - 1, description="1-based page number.")
    page_size: int | None = Field(
        None,
        ge=1,
        le=MAX_PAGE_SIZE,
        description="Items per page (default: the PAGE_SIZE setting, 25 unless configured).",
    )


class ExportParams(Schema):
    """``format``, taken by every list's export endpoint (with the list's own filters and
    without ``page``: an export is every page). Anything but csv, xlsx or json is 422."""

    format: Literal["csv", "xlsx", "json"] = Field(
        "csv", description="csv (streamed), xlsx or json (streamed)."
    )


def export_file_responses(what: str) -> dict[str, Any]:
    """The OpenAPI description of an export's 200 answer: one file, in the asked format."""
    return {
        "responses": {
            200: {
                "description": f"The {what} as a file: CSV, XLSX or JSON (``format``).",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                        "schema": {"type": "string", "format": "binary"}
                    },
                    "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                },
            }
        }
    }


PDF_RESPONSE: dict[str, Any] = {
    "responses": {
        200: {
            "description": "The record as a PDF, stamped with when and by whom it was produced.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


COUNT_IS_EXACT_HELP = (
    "False when `count` is the cap (LIST_COUNT_LIMIT): there are more matches than that."
)


def list_of(item: type[Schema], name: str) -> type[Schema]:
    """The list envelope for ``item``, named ``name`` in the OpenAPI document:
    ``{"items": [item, ...], "count": int, "count_is_exact": bool}``."""
    model: type[Schema] = create_model(
        name,
        __base__=Schema,
        __doc__=f"One page of {item.__name__} records and how many match in all.",
        items=(list[item], ...),  # type: ignore[valid-type]
        count=(int, Field(description="Matching records across all pages.")),
        count_is_exact=(bool, Field(True, description=COUNT_IS_EXACT_HELP)),
    )
    return model


def page_body(page: Page) -> dict[str, Any]:
    """The envelope's values for one page (``core.pagination.paginate``)."""
    return {"items": page.items, "count": page.count, "count_is_exact": page.count_is_exact}


def all_body(items: list[Any]) -> dict[str, Any]:
    """The envelope for a list that is answered whole (an activity's history)."""
    return {"items": items, "count": len(items), "count_is_exact": True}


def page_of(queryset: QuerySet[Any], params: PageParams) -> dict[str, Any]:
    """The envelope for one page of ``queryset``. A page past the end is empty (not the
    last page again), so a client walking pages always stops."""
    return page_body(paginate(queryset, page=params.page, page_size=params.page_size, clamp=False))
