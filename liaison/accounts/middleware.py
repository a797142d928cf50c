"""Account security around every request (ADR 0020): API rate limits per bearer token and
per client address (429 with ``Retry-After`` before any view runs), and the session lock
(idle time and absolute lifetime)."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect

from liaison.accounts.services import (
    mfa_enrolled,
    mfa_required,
    rate_limit_hit,
    token_digest,
    user_session_touch,
)
from liaison.core.clients import client_ip, client_of

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


SIGNED_IN_AT = "liaison_signed_in_at"
LAST_SEEN = "liaison_last_seen"
# Refresh "last seen" at most this often: one session write a minute, not one a request.
LAST_SEEN_GRANULARITY = 60


class SessionLockMiddleware:
    """Sessions end after ``SESSION_IDLE_MINUTES`` without a request (CJIS 5.5.5 session
    lock: 30 minutes) and ``SESSION_ABSOLUTE_HOURS`` after sign-in whatever happens
    (ASVS 3.3.1/3.3.2). The user is signed out (the authentication log records it) and a
    page request is sent to the sign-in page, which brings them back afterwards; an API
    request goes on as anonymous and answers 401."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            ended = self._ended(request)
            if ended:
                logout(request)
                if not request.path.startswith(API_PREFIX):
                    messages.info(request, ended)
                    return redirect_to_login(request.get_full_path())
        return self.get_response(request)

    def _ended(self, request: HttpRequest) -> str:
        now = int(time.time())
        session = request.session
        signed_in = session.get(SIGNED_IN_AT)
        last_seen = session.get(LAST_SEEN)
        if signed_in is None:
            session[SIGNED_IN_AT] = session[LAST_SEEN] = now
            self._touch(request, started=True)
            return ""
        idle = settings.SESSION_IDLE_MINUTES * 60
        if last_seen is not None and now - int(last_seen) > idle:
            return (
                f"You were signed out after {settings.SESSION_IDLE_MINUTES} minutes without "
                "activity. Sign in again to go on."
            )
        if now - int(signed_in) > settings.SESSION_ABSOLUTE_HOURS * 3600:
            return (
                f"Sessions last at most {settings.SESSION_ABSOLUTE_HOURS} hours. Sign in "
                "again to go on."
            )
        if last_seen is None or now - int(last_seen) >= LAST_SEEN_GRANULARITY:
            session[LAST_SEEN] = now
            self._touch(request, started=False)
        return ""

    @staticmethod
    def _touch(request: HttpRequest, *, started: bool) -> None:
        # The list of one's sessions (ADR 0021) learns of the session and its activity at
        # the same moments "last seen" is written: at most once a minute.
        key = request.session.session_key
        if key:
            user_session_touch(
                user=request.user,  # type: ignore[arg-type]
                session_key=key,
                client=client_of(request),
                started=started,
            )


# Where a user who must enrol in MFA may still go: the enrolment pages, signing out, and
# the assets those pages need.
MFA_ENROLMENT_PATHS = ("/accounts/mfa/", "/accounts/logout/", "/static/")
MFA_REQUIRED_MESSAGE = (
    "Your role ({roles}) requires a second factor: set up an authenticator app before you go on."
)


class MfaRequiredMiddleware:
    """A signed-in user who holds a role in ``MFA_REQUIRED_ROLES`` and has no
    authenticator yet reaches nothing but the enrolment pages (ADR 0021): pages are sent
    to ``/accounts/mfa/``, API calls made with the browser session answer 403. (Bearer
    tokens are refused for such a user by ``api_token_authenticate``.) Once enrolled,
    signing in asks for a code before any session exists, so an enrolled user's session
    has always passed the second factor."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(MFA_ENROLMENT_PATHS)
            and mfa_required(user)
            and not mfa_enrolled(user)
        ):
            from liaison.accounts.access import role_scopes
            from liaison.accounts.models import Role

            held = ", ".join(
                str(Role(r).label) for r in role_scopes(user) if r in settings.MFA_REQUIRED_ROLES
            )
            text = MFA_REQUIRED_MESSAGE.format(roles=held)
            if request.path.startswith(API_PREFIX):
                return JsonResponse({"message": text, "errors": {}}, status=403)
            messages.warning(request, text)
            return redirect("accounts:mfa")
        return self.get_response(request)
