"""Single sign-on with the department's identity provider over OpenID Connect (ADR 0021):
the sign-in page's "Sign in with …" button and the provider's answer. The protocol is
Authlib's (authorization code flow, state and nonce checked, the ID token's signature
checked against the provider's published keys); which account it is, is
``services.sso_user_for``'s rule.

Configured by the environment: ``OIDC_ISSUER`` (on when set), ``OIDC_CLIENT_ID``,
``OIDC_CLIENT_SECRET``. The provider sends the browser back to
``/accounts/oidc/callback/``: register that address with it.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache

from liaison.accounts import services
from liaison.accounts.models import AuthEventKind
from liaison.accounts.reauth import mark_authenticated
from liaison.core.errors import Forbidden

SSO_NEXT = "liaison_sso_next"
SSO_REAUTH = "liaison_sso_reauth"
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
_clients: dict[tuple[str, str, str], Any] = {}


def sso_enabled() -> bool:
    return bool(settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID)


def _client() -> Any:
    """Authlib's client for the configured provider (its discovery document is read
    once per configuration)."""
    from authlib.integrations.django_client import OAuth

    key = (settings.OIDC_ISSUER, settings.OIDC_CLIENT_ID, settings.OIDC_CLIENT_SECRET)
    if key not in _clients:
        oauth = OAuth()
        _clients[key] = oauth.register(
            name="department",
            client_id=settings.OIDC_CLIENT_ID,
            client_secret=settings.OIDC_CLIENT_SECRET,
            server_metadata_url=f"{settings.OIDC_ISSUER}/.well-known/openid-configuration",
            client_kwargs={"scope": "openid email profile"},
        )
    return _clients[key]


def _safe_next(request: HttpRequest, value: str) -> str:
    if value and url_has_allowed_host_and_scheme(
        value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return value
    return reverse(settings.LOGIN_REDIRECT_URL)


@never_cache
def oidc_login(request: HttpRequest) -> HttpResponse:
    """Send the browser to the identity provider. ``reauth=1`` (from the
    re-authentication page) asks the provider for a fresh sign-in (``max_age=0``)."""
    if not sso_enabled():
        messages.error(request, "Single sign-on is not set up on this server.")
        return redirect("accounts:login")
    request.session[SSO_NEXT] = _safe_next(request, request.GET.get("next", ""))
    extra: dict[str, Any] = {}
    if request.GET.get("reauth") and request.user.is_authenticated:
        request.session[SSO_REAUTH] = request.user.pk
        extra["max_age"] = 0
    else:
        request.session.pop(SSO_REAUTH, None)
    callback = request.build_absolute_uri(reverse("accounts:oidc_callback"))
    return _client().authorize_redirect(request, callback, **extra)  # type: ignore[no-any-return]


def _refused(request: HttpRequest, why: str, username: str = "") -> HttpResponse:
    services.auth_event_record(
        kind=AuthEventKind.SIGN_IN_FAILED,
        username=username,
        detail=f"Single sign-on refused: {why}"[:300],
    )
    messages.error(request, f"Single sign-on did not sign you in: {why}")
    return redirect("accounts:login")


@never_cache
def oidc_callback(request: HttpRequest) -> HttpResponse:
    """The provider's answer: check it (state, nonce, signature: Authlib), find or create
    the account (``sso_user_for``), then sign in — through the MFA step when the account
    has an authenticator, like a password sign-in."""
    from authlib.integrations.base_client.errors import OAuthError

    if not sso_enabled():
        return redirect("accounts:login")
    try:
        token = _client().authorize_access_token(request)
    except OAuthError as exc:
        return _refused(request, exc.description or exc.error or "the answer was not valid.")
    claims = dict(token.get("userinfo") or {})
    email = str(claims.get("email") or "")
    next_url = request.session.pop(SSO_NEXT, None) or reverse(settings.LOGIN_REDIRECT_URL)
    reauth_for = request.session.pop(SSO_REAUTH, None)
    if reauth_for is not None and request.user.is_authenticated:
        # Confirming who is already signed in: the provider must vouch for the same
        # account (its verified e-mail), and no account is created or switched here.
        same = (
            request.user.pk == reauth_for
            and claims.get("email_verified") is True
            and email.lower() == (getattr(request.user, "email", "") or "").lower()
        )
        if not same:
            return _refused(request, "you signed in as someone else.", username=email)
        mark_authenticated(request)
        services.auth_event_record(
            kind=AuthEventKind.REAUTHENTICATED, user=request.user, detail="By single sign-on."
        )
        return redirect(next_url)
    try:
        user = services.sso_user_for(claims=claims)
    except Forbidden as exc:
        return _refused(request, exc.message, username=email)
    if services.mfa_enrolled(user):
        from liaison.accounts.views import MFA_PENDING

        request.session[MFA_PENDING] = {
            "user": user.pk,
            "backend": MODEL_BACKEND,
            "at": int(time.time()),
            "next": next_url,
            "tries": 0,
        }
        return redirect("accounts:mfa_verify")
    login(request, user, backend=MODEL_BACKEND)
    return redirect(next_url)
