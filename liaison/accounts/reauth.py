"""Re-authentication before sensitive actions (ADR 0021; ASVS 3.7.1, issue 10 part 4).

A sensitive page (granting roles in the admin, creating API tokens, changing one's MFA,
placing a records hold) asks again for the password, or for an MFA code when the user has
an authenticator, unless one was given within ``REAUTH_MINUTES``. Signing in counts as
giving one (``mark_authenticated`` runs on every sign-in).

For other apps:

- ``reauthentication_required`` — decorate a page view with it. A GET (or POST) made
  without a recent check is sent to ``/accounts/reauthenticate/?next=<this page>``; after
  the check the user comes back to the page. A POST is *not* carried out and not replayed:
  the user sends the form again (a message says nothing was changed).
- ``require_recent_authentication(request)`` — for an API handler reached with the browser
  session: raises ``Forbidden`` (403) without a recent check. Requests authenticated by a
  bearer token are not asked (a token is itself the credential of a script);
  ``authenticated_by_token(request)`` tells them apart.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from liaison.core.errors import Forbidden

AUTH_AT = "liaison_auth_at"
# Set on the request by the API's TokenAuth: the token that authenticated it.
TOKEN_ATTR = "liaison_api_token"  # noqa: S105  (an attribute name, not a secret)
REAUTH_NEEDED = (
    "Confirm it is you first (your password or an MFA code, at /accounts/reauthenticate/): "
    "this action needs a check made within the last {minutes} minutes."
)


def mark_authenticated(request: HttpRequest) -> None:
    """The user has just proved who they are (sign-in, MFA code, the re-authentication
    page): sensitive actions are open for ``REAUTH_MINUTES``."""
    session = getattr(request, "session", None)
    if session is not None:
        session[AUTH_AT] = int(time.time())


def recently_authenticated(request: HttpRequest) -> bool:
    at = getattr(request, "session", {}).get(AUTH_AT)
    return at is not None and time.time() - int(at) <= settings.REAUTH_MINUTES * 60


def authenticated_by_token(request: HttpRequest) -> bool:
    return getattr(request, TOKEN_ATTR, None) is not None


def require_recent_authentication(request: HttpRequest) -> None:
    """The API door's check: a session-authenticated request without a recent check is
    refused (403); a bearer-token request passes."""
    if authenticated_by_token(request) or recently_authenticated(request):
        return
    raise Forbidden(REAUTH_NEEDED.format(minutes=settings.REAUTH_MINUTES))


def reauth_url(next_url: str) -> str:
    return f"{reverse('accounts:reauthenticate')}?{urlencode({'next': next_url})}"


def reauthentication_required(
    view: Callable[..., HttpResponse] | None = None, *, methods: tuple[str, ...] | None = None
) -> Any:
    """Page views: without a recent password or MFA check, go to the re-authentication
    page and come back here afterwards. ``methods`` limits the check to some methods
    (``methods=("POST",)``: the page may be read, but its form asks first). Anonymous
    users pass through (put ``login_required`` outside it)."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if (
                request.user.is_authenticated
                and (methods is None or request.method in methods)
                and not recently_authenticated(request)
            ):
                if request.method not in ("GET", "HEAD"):
                    messages.info(
                        request,
                        "Nothing was changed: confirm it is you, then send the form again.",
                    )
                return redirect(reauth_url(request.get_full_path()))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator(view) if view is not None else decorator
