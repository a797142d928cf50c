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

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, django_auth

from liaison.accounts.services import api_token_authenticate
from liaison.core.errors import DomainError, validation_messages


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Liaison API",
    version="1",
    description=(
        "The registry of a police department's foreign and outside training. Every page's "
        "data is available here under the same permissions. List endpoints answer "
        '`{"items": [...], "count": N}` and take `page` (1-based).'
    ),
    auth=[TokenAuth(), django_auth],
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
        request, error_body("The input is not valid; nothing was saved.",
                            validation_messages(exc)), status=422)


@api.exception_handler(NinjaValidationError)
def on_schema_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "data")]
        field = ".".join(loc) or "__all__"
        errors.setdefault(field, []).append(err.get("msg", "Invalid value."))
    return api.create_response(
        request, error_body("The input is not valid; nothing was saved.", errors), status=422)


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, error_body("Authentication required: sign in or send a bearer token."),
        status=401)


def _register_routers() -> None:
    # Imported here so that each app's api module may import helpers from this one.
    from liaison.accounts.api import router as accounts_router
    from liaison.activities.api import router as activities_router
    from liaison.oversight.api import router as oversight_router
    from liaison.people.api import router as people_router

    api.add_router("/activities", activities_router)
    api.add_router("/", people_router)
    api.add_router("/tokens", accounts_router)
    api.add_router("/oversight", oversight_router)


_register_routers()
