"""Who am I, and my API tokens. Mounted at the API root (/me, /tokens)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja import Status as HttpStatus

from liaison.accounts.access import api_tokens_visible_to, grants_of
from liaison.accounts.schemas import (
    MeOut,
    PageParams,
    TokenCreatedOut,
    TokenIn,
    TokenList,
    TokenOut,
    errors,
    page_of,
)
from liaison.accounts.services import api_token_create, api_token_revoke

router = Router(tags=["accounts"])


@router.get(
    "/me",
    response={200: MeOut, **errors()},
    operation_id="me",
    url_name="me",
    summary="The signed-in user and their roles",
)
def me(request: HttpRequest) -> dict[str, Any]:
    user: Any = request.user
    return {
        "username": user.username,
        "full_name": user.get_full_name(),
        "roles": list(grants_of(user)),
    }


@router.get(
    "/tokens",
    response={200: TokenList, **errors(422)},
    operation_id="token_list",
    url_name="token_list",
    summary="My API tokens, revoked ones included",
)
def token_list(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    return page_of(api_tokens_visible_to(request.user), params)


@router.post(
    "/tokens",
    response={201: TokenCreatedOut, **errors(403, 422)},
    operation_id="token_create",
    summary="Create an API token for myself (the raw token is shown once)",
)
def token_create(request: HttpRequest, data: TokenIn) -> HttpStatus[dict[str, Any]]:
    user: Any = request.user
    token, raw = api_token_create(actor=user, user=user, name=data.name)
    return HttpStatus(201, {**TokenOut.from_orm(token).model_dump(), "token": raw})


@router.post(
    "/tokens/{token_id}/revoke",
    response={200: TokenOut, **errors(403, 404)},
    operation_id="token_revoke",
    url_name="token_revoke",
    summary="Revoke one of my API tokens",
)
def token_revoke(request: HttpRequest, token_id: int) -> Any:
    return api_token_revoke(actor=request.user, token_id=token_id)
