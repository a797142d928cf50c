"""API shapes for accounts.

Keys documented in docs/api.md are a stability promise: add keys freely, never rename
or remove one within /api/v1/.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema

from liaison.accounts.models import AuthEventKind, Role, TokenScope

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
    scope: TokenScope = Field(
        TokenScope.READ, description="`read` (the default) or `write` (read and write)."
    )
    agency_id: int | None = Field(
        None, description="Limit the token to this agency (one where you hold a role)."
    )
    days: int | None = Field(
        None, description="Days until it expires: 1 to API_TOKEN_DAYS (default 90, the most)."
    )


class _TokenFields(Schema):
    id: int
    name: str
    prefix: str = Field(description="The token's first characters, to recognise it.")
    created_at: dt.datetime
    expires_at: dt.datetime
    scope: TokenScope
    agency_id: int | None = Field(description="Empty: every agency where you hold a role.")
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None
    active: bool = Field(description="Neither revoked nor expired.")


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


class AuthEventListParams(PageParams):
    username: str = Field("", max_length=150, description="Only this account name's events.")
    kind: AuthEventKind | None = Field(None, description="Only events of this kind.")


class AuthEventOut(Schema):
    id: int
    at: dt.datetime
    kind: AuthEventKind
    success: bool = Field(description="False: the attempt was refused.")
    username: str = Field(description="The account name (as typed, for a failed sign-in).")
    by: str | None = Field(description="Who did it, when not the account itself.")
    ip_address: str | None
    user_agent: str
    detail: str

    @staticmethod
    def resolve_by(obj: Any) -> str | None:
        return obj.actor.get_username() if obj.actor_id else None


AuthEventList = list_of(AuthEventOut, "AuthEventList")


class UnlockIn(Schema):
    username: str = Field("", max_length=150, description="The account name to release.")
    ip_address: str = Field("", max_length=45, description="The client address to release.")


class UnlockOut(Schema):
    cleared: int = Field(description="Attempt records forgotten (0: nothing was locked).")


class SessionOut(Schema):
    id: int
    user_agent: str = Field(description="The browser, as it named itself.")
    ip_address: str | None
    started_at: dt.datetime
    last_activity: dt.datetime = Field(description="Updated at most once a minute.")
    current: bool = Field(description="The session this request was made with.")


class SessionsEndedOut(Schema):
    ended: int = Field(description="How many sessions were signed out.")
