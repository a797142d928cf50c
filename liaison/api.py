"""The one NinjaAPI, served at /api/v1/ with its OpenAPI document at /api/v1/openapi.json
and interactive docs at /api/v1/docs.

Authentication: a bearer token (``Authorization: Bearer lsn_…``, see accounts/services.py)
or the browser session (with CSRF on unsafe methods). Errors are always JSON:
``{"message": "...", "errors": {"field": ["..."]}}`` — 404 for missing *or* not visible,
403 for visible but not allowed, 409 for a status move the workflow refuses, 422 for bad
input naming each offending field.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from liaison.accounts.services import api_token_authenticate
from liaison.core.errors import DomainError, validation_messages


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The browser session, with Django's CSRF check on unsafe methods.

    Unlike ninja's ``django_auth`` it steps aside *before* the CSRF check when nobody is
    signed in, so a request with no session (say, a script whose token was revoked)
    answers 401 "authenticate", not 403 "CSRF check failed". Bearer-token requests never
    reach this class and need no CSRF token: a browser cannot forge that header.
    """

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return request.user if request.user.is_authenticated else None


api = NinjaAPI(
    title="Liaison API",
    version="1",
    description=(
        "The registry of a police department's foreign and outside training. Every page's "
        "data is available here under the same permissions. List endpoints answer "
        '`{"items": [...], "count": N, "count_is_exact": true}` and take `page` (1-based).'
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


def error_body(message: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"message": message, "errors": errors or {}}


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, error_body(exc.message), status=exc.status_code)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        error_body("The input is not valid; nothing was saved.", validation_messages(exc)),
        status=422,
    )


def field_key(loc: Any) -> str:
    """Name a schema error's location the way services name fields: ``("body", "data",
    "locations", 0, "country")`` → ``locations[0].country``. The leading source and the
    handler's parameter name (body parameters are called ``data``) are dropped."""
    key = ""
    in_query = bool(loc) and loc[0] == "query"
    for part in loc:
        if isinstance(part, int):
            # A repeated query parameter (``status=a&status=b``) is named, not indexed.
            key += "" if in_query else f"[{part}]"
        elif part not in ("body", "query", "path", "data", "params"):
            key += f".{part}" if key else str(part)
    return key or "__all__"


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        errors.setdefault(field_key(err.get("loc", ())), []).append(
            err.get("msg", "Invalid value.")
        )
    return api.create_response(
        request, error_body("The input is not valid; nothing was saved.", errors), status=422
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, error_body("Authentication required: sign in or send a bearer token."), status=401
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja's own refusals (e.g. a failed CSRF check) in the same shape as ours.
    return api.create_response(request, error_body(str(exc)), status=exc.status_code)


@api.exception_handler(Http404)
def on_http404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, error_body("Not found."), status=404)


def _register_routers() -> None:
    # Imported here so that each app's api module may import helpers from this one.
    from liaison.accounts.api import router as accounts_router
    from liaison.activities.api import root_router as activities_root_router
    from liaison.activities.api import router as activities_router
    from liaison.oversight.api import router as oversight_router
    from liaison.people.api import router as people_router

    api.add_router("/activities", activities_router)
    # /categories, /employees/{id}/activities, /organisations/{id}/activities
    api.add_router("/", activities_root_router)
    api.add_router("/", people_router)
    api.add_router("/", accounts_router)
    api.add_router("/oversight", oversight_router)


_register_routers()
