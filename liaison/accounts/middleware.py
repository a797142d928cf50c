"""API rate limits (issue 10, part 5; ADR 0020): per bearer token and per client
address, answered with 429 and ``Retry-After`` before any view runs."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from liaison.accounts.services import rate_limit_hit, token_digest
from liaison.core.clients import client_ip

API_PREFIX = "/api/"


class ApiRateLimitMiddleware:
    """Count every /api/ request against its client address (``API_RATE_LIMIT_ADDRESS``
    per ``API_RATE_WINDOW_SECONDS``) and, when it carries a bearer token, against that
    token (``API_RATE_LIMIT_TOKEN``), whether or not the token turns out valid: guessing
    tokens is rate-limited too. The token is counted by its digest, never stored raw."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(API_PREFIX):
            refused = self._refusal(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _refusal(self, request: HttpRequest) -> HttpResponse | None:
        window = settings.API_RATE_WINDOW_SECONDS
        keys = [(f"ip:{client_ip(request) or 'unknown'}", settings.API_RATE_LIMIT_ADDRESS)]
        auth = request.META.get("HTTP_AUTHORIZATION", "")
        if auth.lower().startswith("bearer "):
            digest = token_digest(auth[7:].strip())[:40]
            keys.append((f"token:{digest}", settings.API_RATE_LIMIT_TOKEN))
        for key, limit in keys:
            retry_after = rate_limit_hit(key=key, limit=limit, window_seconds=window)
            if retry_after is not None:
                what = "token" if key.startswith("token:") else "address"
                response = JsonResponse(
                    {
                        "message": f"Too many requests from this {what}: at most {limit} "
                        f"every {window} seconds. Try again in {retry_after} seconds.",
                        "errors": {},
                    },
                    status=429,
                )
                response["Retry-After"] = str(retry_after)
                return response
        return None
