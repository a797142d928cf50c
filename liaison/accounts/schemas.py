"""API shapes for accounts, plus the list envelope every app's API shares.

Keys documented in docs/api.md are a stability promise: add keys freely, never rename
or remove one within /api/v1/.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema

from liaison.accounts.models import Role
from liaison.core.pagination import paginate
from liaison.core.schemas import ErrorOut

MAX_PAGE_SIZE = 100


class PageParams(Schema):
    """``page`` and ``page_size``, taken by every list endpoint."""

    page: int = Field(1, ge=1, description="1-based page number.")
    page_size: int | None = Field(
        None,
        ge=1,
        le=MAX_PAGE_SIZE,
        description="Items per page (default: the PAGE_SIZE setting, 25 unless configured).",
    )


def page_of(queryset: QuerySet[Any], params: PageParams) -> dict[str, Any]:
    """The ``{"items", "count"}`` envelope for one page of ``queryset``. A page past the
    end is empty (not the last page again), so a client walking pages always stops."""
    page = paginate(queryset, page=params.page, page_size=params.page_size, clamp=False)
    return {"items": page.items, "count": page.count, "count_is_exact": page.count_is_exact}


def errors(*codes: int) -> dict[int, type[ErrorOut]]:
    """Document in OpenAPI the error answers an operation may give; 401 applies to all.
    (The answers themselves come from the exception handlers in liaison/api.py.)"""
    return {code: ErrorOut for code in (401, *codes)}


class AgencyRef(Schema):
    id: int
    name: str


class RoleOut(Schema):
    role: Role
    agency_id: int | None = Field(description="Empty: the role covers every agency.")
    agency_name: str | None

    @staticmethod
    def resolve_agency_name(obj: Any) -> str | None:
        return obj.agency.name if obj.agency_id else None


class MeOut(Schema):
    username: str
    full_name: str
    roles: list[RoleOut]


class TokenIn(Schema):
    name: str = Field(max_length=100, description="What the token is for, e.g. the script.")


class _TokenFields(Schema):
    id: int
    name: str
    prefix: str = Field(description="The token's first characters, to recognise it.")
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    active: bool


class TokenOut(_TokenFields):
    @staticmethod
    def resolve_active(obj: Any) -> bool:
        return bool(obj.is_active)


class TokenCreatedOut(_TokenFields):
    """Built from a TokenOut plus the raw token (which the model never holds)."""

    token: str = Field(
        description="The raw bearer token. Shown once, never stored: only "
        "its SHA-256 digest is kept."
    )


class TokenList(Schema):
    items: list[TokenOut]
    count: int
    count_is_exact: bool = Field(
        True,
        description="False when `count` is the cap "
        "(LIST_COUNT_LIMIT): there are more matches than that.",
    )
