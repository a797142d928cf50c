"""Account pages: sign-in (Django's LoginView), and the user's own API tokens."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from liaison.accounts import services
from liaison.accounts.access import api_tokens_visible_to, grants_of
from liaison.accounts.forms import ApiTokenForm, LoginForm
from liaison.accounts.models import User
from liaison.core.views import domain_errors_as_http


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # The CJIS system-use notification (LOGIN_BANNER), shown before anyone signs in.
        return {**super().get_context_data(**kwargs), "login_banner": settings.LOGIN_BANNER}


@login_required
@never_cache
def token_list(request: HttpRequest) -> HttpResponse:
    """List the user's tokens and create one. A new token's raw value is rendered in the
    response to the POST itself and never stored (not in the session, not in a message),
    so it cannot be shown a second time; ``never_cache`` keeps it out of caches."""
    new_token = raw_token = None
    form = ApiTokenForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        user = cast(User, request.user)  # login_required: never anonymous here
        new_token, raw_token = services.api_token_create(
            actor=user, user=user, name=form.cleaned_data["name"]
        )
        form = ApiTokenForm()
    context = {
        "nav": "account",
        "form": form,
        "tokens": api_tokens_visible_to(request.user),
        "grants": grants_of(request.user),
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
