"""Who am I, and my API tokens. Mounted at the API root (/me, /tokens)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja import Status as HttpStatus

from liaison.accounts.access import (
    api_tokens_visible_to,
    grants_of,
    require_auth_log_reader,
    require_unlocker,
)
from liaison.accounts.reauth import require_recent_authentication
from liaison.accounts.schemas import (
    AuthEventList,
    AuthEventListParams,
    MeOut,
    PageParams,
    SessionOut,
    SessionsEndedOut,
    TokenCreatedOut,
    TokenIn,
    TokenList,
    TokenOut,
    UnlockIn,
    UnlockOut,
    errors,
    page_of,
)
from liaison.accounts.selectors import auth_event_log, user_sessions_of
from liaison.accounts.services import (
    account_unlock,
    api_token_create,
    api_token_revoke,
    user_session_end,
    user_sessions_end_others,
)

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
    # Through the browser session, as on the page: a recent password or MFA check first
    # (403 otherwise). A bearer token is not asked (ADR 0021).
    require_recent_authentication(request)
    token, raw = api_token_create(
        actor=user,
        user=user,
        name=data.name,
        scope=data.scope,
        agency_id=data.agency_id,
        days=data.days,
    )
    return HttpStatus(201, {**TokenOut.from_orm(token).model_dump(), "token": raw})


@router.get(
    "/auth-events",
    response={200: AuthEventList, **errors(403, 422)},
    operation_id="auth_event_list",
    url_name="auth_event_list",
    summary="The authentication log (overseers, administrators), newest first",
)
def auth_event_list(request: HttpRequest, params: Query[AuthEventListParams]) -> dict[str, Any]:
    require_auth_log_reader(request.user)
    events = auth_event_log(
        user=request.user, username=params.username, kind=params.kind.value if params.kind else ""
    )
    return page_of(events, params)


@router.post(
    "/lockouts/unlock",
    response={200: UnlockOut, **errors(403, 422)},
    operation_id="lockout_release",
    url_name="lockout_release",
    summary="Release a sign-in lockout of an account name or address (administrators)",
)
def lockout_release(request: HttpRequest, data: UnlockIn) -> dict[str, Any]:
    require_unlocker(request.user)
    cleared = account_unlock(actor=request.user, username=data.username, ip_address=data.ip_address)
    return {"cleared": cleared}


@router.post(
    "/tokens/{token_id}/revoke",
    response={200: TokenOut, **errors(403, 404)},
    operation_id="token_revoke",
    url_name="token_revoke",
    summary="Revoke one of my API tokens",
)
def token_revoke(request: HttpRequest, token_id: int) -> Any:
    return api_token_revoke(actor=request.user, token_id=token_id)


def _current_session_key(request: HttpRequest) -> str | None:
    # A bearer-token request has no browser session of its own.
    session = getattr(request, "session", None)
    return session.session_key if session is not None else None


@router.get(
    "/sessions",
    response={200: list[SessionOut], **errors()},
    operation_id="session_list",
    url_name="session_list",
    summary="My active browser sessions, most recently used first",
)
def session_list(request: HttpRequest) -> list[dict[str, Any]]:
    current = _current_session_key(request)
    return [
        {
            "id": s.pk,
            "user_agent": s.user_agent,
            "ip_address": s.ip_address,
            "started_at": s.started_at,
            "last_activity": s.last_activity,
            "current": s.session_key == current,
        }
        for s in user_sessions_of(request.user)
    ]


@router.post(
    "/sessions/{session_id}/end",
    response={200: SessionsEndedOut, **errors(404)},
    operation_id="session_end",
    url_name="session_end",
    summary="Sign out one of my browser sessions",
)
def session_end(request: HttpRequest, session_id: int) -> dict[str, int]:
    user: Any = request.user
    return {"ended": user_session_end(actor=user, session_id=session_id)}


@router.post(
    "/sessions/end-others",
    response={200: SessionsEndedOut, **errors()},
    operation_id="session_end_others",
    url_name="session_end_others",
    summary="Sign out every browser session of mine but this one (all of them, with a token)",
)
def session_end_others(request: HttpRequest) -> dict[str, int]:
    user: Any = request.user
    ended = user_sessions_end_others(actor=user, keep_session_key=_current_session_key(request))
    return {"ended": ended}
