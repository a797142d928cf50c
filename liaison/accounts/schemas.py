"""API shapes for accounts.

Keys documented in docs/api.md are a stability promise: add keys freely, never rename
or remove one within /api/v1/.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from liaison.accounts.models import Role

# The list envelope and paging live in core (one definition for every app); these names
# stay importable from here for the routers that always took them from accounts.
from liaison.core.schemas import PageParams, errors, list_of, page_of

__all__ = ["PageParams", "errors", "page_of"]


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


TokenList = list_of(TokenOut, "TokenList")
