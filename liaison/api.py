"""The one NinjaAPI, served at /api/v1/ with its OpenAPI document at /api/v1/openapi.json
and interactive docs at /api/v1/docs.

Authentication: a bearer token (``Authorization: Bearer lsn_…``, see accounts/services.py)
or the browser session (with CSRF on unsafe methods). Errors are always JSON:
``{"message": "...", "errors": {"field": ["..."]}}`` — 404 for missing *or* not visible,
403 for visible but not allowed, 409 for a status move the workflow refuses, 422 for bad
input naming each offending field.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer

from liaison.accounts.models import TokenScope
from liaison.accounts.reauth import TOKEN_ATTR
from liaison.accounts.services import api_token_authenticate
from liaison.core.errors import DomainError, Forbidden, validation_messages
from liaison.core.schemas import MAX_ID

QUERY_METHODS = ("GET", "HEAD")
READ_ONLY_TOKEN = (
    "This API token may only read: create a token with the write scope to change records."  # noqa: S105
)


class TokenAuth(HttpBearer):
    """A bearer token: unknown, revoked or expired answers 401; a read-only token asking
    to write answers 403 (ADR 0020). A token limited to one agency narrows its user's
    roles to that agency (``api_token_authenticate``)."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_token_authenticate(token)
        if found is None:
            return None
        if found.scope != TokenScope.WRITE and request.method not in QUERY_METHODS:
            raise Forbidden(READ_ONLY_TOKEN)
        request.user = found.user
        # Sensitive actions ask a browser session to re-authenticate, never a token
        # (accounts/reauth.py, ADR 0021): remember what authenticated this request.
        setattr(request, TOKEN_ATTR, found)
        return found.user


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


class BodyNotValid(ValueError):
    """A request body that is not a JSON object (or holds a NUL character)."""


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


class ObjectBodyParser(Parser):
    """Every body this API takes is a JSON object. ninja would read ``[null, null]`` as an
    object with no keys (so a PATCH of it "succeeded"); here it is refused, and so is a NUL
    character, which PostgreSQL cannot store. ninja wraps the error in a 400 "Cannot
    parse request body"; ``on_http_error`` answers it as the 422 it is."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        try:
            data = json.loads(request.body)
        except ValueError as exc:  # UnicodeDecodeError and JSONDecodeError alike
            raise BodyNotValid("The body is not valid JSON.") from exc
        if not isinstance(data, dict):
            raise BodyNotValid("The body must be a JSON object.")
        if _has_nul(data):
            raise BodyNotValid("Text must not contain NUL characters.")
        return data


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
    parser=ObjectBodyParser(),
)


def input_error_message(request: HttpRequest) -> str:
    """A query that is refused changed nothing, and never claims it could have."""
    if request.method in QUERY_METHODS:
        return "The query is not valid."
    return "The input is not valid; nothing was saved."


def error_body(message: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"message": message, "errors": errors or {}}


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, error_body(exc.message), status=exc.status_code)


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request,
        error_body(input_error_message(request), validation_messages(exc)),
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
        request, error_body(input_error_message(request), errors), status=422
    )


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, error_body("Authentication required: sign in or send a bearer token."), status=401
    )


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja's own refusals (e.g. a failed CSRF check) in the same shape as ours.
    if isinstance(exc.__cause__, BodyNotValid):
        return api.create_response(
            request,
            error_body(input_error_message(request), {"__all__": [str(exc.__cause__)]}),
            status=422,
        )
    return api.create_response(request, error_body(str(exc)), status=exc.status_code)


@api.exception_handler(Http404)
def on_http404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, error_body("Not found."), status=404)


def _refusal(operation: Any, request: HttpRequest, kw: dict[str, Any]) -> dict[str, list[str]]:
    """What is wrong with the query string and path of a request to ``operation``, field by
    field: unknown query parameters, NUL characters, and path ids beyond 64 bits."""
    problems: dict[str, list[str]] = {}
    declared: set[str] = set()
    for model in operation.models:
        if model.__ninja_param_source__ == "query":
            declared |= set(model.__ninja_flatten_map__)
    for key in request.GET:
        if key not in declared:
            known = ", ".join(sorted(declared)) or "none"
            problems[key or "(empty name)"] = [f"Unknown parameter; this endpoint takes: {known}."]
        elif any("\x00" in value for value in request.GET.getlist(key)):
            problems[key] = ["Text must not contain NUL characters."]
    for name, value in kw.items():
        # ASCII digits only: "²".isdigit() is true, but int("²") fails.
        if isinstance(value, str) and value.isascii() and value.isdigit() and int(value) > MAX_ID:
            problems[name] = [f"Ensure this value is less than or equal to {MAX_ID}."]
    return problems


def refuse_unknown_query(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wrap every operation (``api.add_decorator(..., mode="view")``): a request naming a
    query parameter the operation does not declare answers 422 naming it, so a typo such
    as ``contry=IL`` is never silently read as "no filter" (ADR 0012). The allowed
    names come from the operation's own declared parameters, the same ones the OpenAPI
    document lists, so the check cannot drift from the document. Authentication is
    checked first: an anonymous caller learns nothing about an endpoint's parameters."""
    operation = getattr(run, "__self__", None)

    def wrapper(request: HttpRequest, **kw: Any) -> HttpResponse:
        problems = _refusal(operation, request, kw) if operation is not None else {}
        if not problems:
            return run(request, **kw)
        refused = operation._run_checks(request)  # type: ignore[union-attr]
        if refused is not None:
            return refused  # type: ignore[no-any-return]
        return api.create_response(
            request, error_body(input_error_message(request), problems), status=422
        )

    return wrapper


api.add_decorator(refuse_unknown_query, mode="view")


def _register_routers() -> None:
    # Imported here so that each app's api module may import helpers from this one.
    from liaison.accounts.api import router as accounts_router
    from liaison.activities.api import root_router as activities_root_router
    from liaison.activities.api import router as activities_router
    from liaison.approvals.api import router as approvals_router
    from liaison.core.api import router as core_router
    from liaison.exchange.api import router as exchange_router
    from liaison.funding.api import router as funding_router
    from liaison.outcomes.api import router as outcomes_router
    from liaison.oversight.api import router as oversight_router
    from liaison.people.api import router as people_router
    from liaison.records.api import router as records_router
    from liaison.reports.api import router as reports_router
    from liaison.retention.api import router as retention_router
    from liaison.security.api import root_router as security_root_router
    from liaison.security.api import router as security_router
    from liaison.vetting.api import router as vetting_router

    api.add_router("/activities", activities_router)
    # /categories, /employees/{id}/activities, /organisations/{id}/activities
    api.add_router("/", activities_root_router)
    api.add_router("/", approvals_router)
    api.add_router("/", people_router)
    api.add_router("/", accounts_router)
    api.add_router("/oversight", oversight_router)
    api.add_router("/retention", retention_router)
    # /vetting/…, /activities/{id}/contacts and /activities/{id}/trainees
    api.add_router("/", vetting_router)
    api.add_router("/", funding_router)
    api.add_router("/security", security_router)
    # /activities/{id}/risk-assessments
    api.add_router("/", security_root_router)
    # /reports…, /activities/{id}/reports, /report-policies…
    api.add_router("/", reports_router)
    # /activities/{id}/outcomes, /activities/{id}/nothing-adopted, /outcomes/…, /policies…
    api.add_router("/", outcomes_router)
    # /audit/verification, /audit/events
    api.add_router("/", records_router)
    # /data-dictionary
    api.add_router("/", core_router)
    api.add_router("/", exchange_router)


_register_routers()
