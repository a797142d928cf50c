"""Account pages: sign-in (Django's LoginView), and the user's own API tokens."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from liaison.accounts import services
from liaison.accounts.access import (
    api_tokens_visible_to,
    capabilities_for,
    grants_of,
    lockouts_visible_to,
    require_auth_log_reader,
    require_unlocker,
)
from liaison.accounts.forms import ApiTokenForm, LoginForm, UnlockForm, apply_service_errors
from liaison.accounts.models import AuthEventKind, TokenScope, User
from liaison.accounts.selectors import auth_event_log, auth_events_csv
from liaison.core.pagination import paginate
from liaison.core.views import domain_errors_as_http


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # The CJIS system-use notification (LOGIN_BANNER), shown before anyone signs in.
        return {**super().get_context_data(**kwargs), "login_banner": settings.LOGIN_BANNER}


LOCKED_OUT = (
    "Too many failed sign-ins: signing in is paused for {minutes} minutes for this account "
    "name or from this address. Try again later, or ask an administrator to release it."
)


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer to a sign-in while locked (AXES_LOCKOUT_CALLABLE): the sign-in
    page again, with one sentence that is the same whether or not the account exists
    (ASVS 2.2.1 without account enumeration), and 429."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {
        "form": LoginForm(request),
        "login_banner": settings.LOGIN_BANNER,
        "lockout_message": LOCKED_OUT.format(minutes=minutes),
    }
    return render(request, "accounts/login.html", context, status=429)


@login_required
@never_cache
def token_list(request: HttpRequest) -> HttpResponse:
    """List the user's tokens and create one. A new token's raw value is rendered in the
    response to the POST itself and never stored (not in the session, not in a message),
    so it cannot be shown a second time; ``never_cache`` keeps it out of caches."""
    new_token = raw_token = None
    user = cast(User, request.user)  # login_required: never anonymous here
    form = ApiTokenForm(request.POST if request.method == "POST" else None, user=user)
    if form.is_bound and form.is_valid():
        agency = form.cleaned_data["agency"]
        try:
            new_token, raw_token = services.api_token_create(
                actor=user,
                user=user,
                name=form.cleaned_data["name"],
                scope=form.cleaned_data["scope"] or TokenScope.READ,
                agency_id=agency.pk if agency else None,
                days=form.cleaned_data["days"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc, fields={"agency_id": "agency"})
        else:
            form = ApiTokenForm(user=user)
    context = {
        "nav": "account",
        "form": form,
        "tokens": api_tokens_visible_to(request.user),
        "grants": grants_of(request.user),
        "caps": capabilities_for(request.user),
        "new_token": new_token,
        "raw_token": raw_token,
    }
    return render(
        request,
        "accounts/tokens.html",
        context,
        status=422 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
@domain_errors_as_http
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = services.api_token_revoke(actor=request.user, token_id=pk)
    messages.success(
        request,
        f"Token “{token.name}” ({token.prefix}…) is revoked; "
        "scripts using it can no longer sign in.",
    )
    return redirect("accounts:tokens")


@login_required
@domain_errors_as_http
def auth_log(request: HttpRequest) -> HttpResponse:
    """The authentication log (overseers, administrators), filtered by account name and
    kind of event; ``auth_log_csv`` is the same selection as a file."""
    require_auth_log_reader(request.user)
    username, kind = _log_filters(request)
    try:
        number = max(1, int(request.GET.get("page", "1")))
    except ValueError:
        number = 1
    page = paginate(auth_event_log(user=request.user, username=username, kind=kind), page=number)
    context = {
        "nav": "account",
        "page": page,
        "username": username,
        "kind": kind,
        "kinds": AuthEventKind.choices,
        "query": urlencode({"username": username, "kind": kind}),
    }
    return render(request, "accounts/auth_log.html", context)


def _log_filters(request: HttpRequest) -> tuple[str, str]:
    username = request.GET.get("username", "").strip()[:150]
    kind = request.GET.get("kind", "")
    return username, kind if kind in AuthEventKind.values else ""


@login_required
@domain_errors_as_http
def auth_log_csv(request: HttpRequest) -> HttpResponse:
    require_auth_log_reader(request.user)
    username, kind = _log_filters(request)
    events = auth_event_log(user=request.user, username=username, kind=kind)
    response = StreamingHttpResponse(
        auth_events_csv(events.iterator()), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="authentication-log.csv"'
    # Streamed (the log may be long); domain_errors_as_http is typed for HttpResponse.
    return response  # type: ignore[return-value]


@login_required
@domain_errors_as_http
def lockouts(request: HttpRequest) -> HttpResponse:
    """Lockouts in force, and a form to release one (administrators)."""
    require_unlocker(request.user)
    form = UnlockForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            services.account_unlock(
                actor=request.user,
                username=form.cleaned_data["username"],
                ip_address=form.cleaned_data["ip_address"] or "",
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            what = form.cleaned_data["username"] or form.cleaned_data["ip_address"]
            messages.success(request, f"{what} is unlocked: the next sign-in is checked afresh.")
            return redirect("accounts:lockouts")
    context = {
        "nav": "account",
        "lockouts": lockouts_visible_to(request.user),
        "form": form,
        "limit": settings.AXES_FAILURE_LIMIT,
    }
    return render(
        request,
        "accounts/lockouts.html",
        context,
        status=422 if form.is_bound and form.errors else 200,
    )
