"""Account pages: sign-in (Django's LoginView, with a second step for MFA), MFA
enrolment, re-authentication, one's sessions, and the user's own API tokens."""

from __future__ import annotations

import time
from typing import Any, cast
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
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
from liaison.accounts.forms import (
    LOCAL_PASSWORDS_OFF,
    ApiTokenForm,
    LoginForm,
    MfaCodeForm,
    ReauthPasswordForm,
    UnlockForm,
    apply_service_errors,
)
from liaison.accounts.models import AuthEventKind, TokenScope, User
from liaison.accounts.reauth import (
    mark_authenticated,
    reauth_url,
    reauthentication_required,
    recently_authenticated,
)
from liaison.accounts.selectors import auth_event_log, auth_events_csv, user_sessions_of
from liaison.core.pagination import paginate
from liaison.core.views import domain_errors_as_http

# The sign-in waiting for its second step (ADR 0021): who, with which backend, since when,
# where to go next, and how many wrong codes so far. Kept in the (anonymous) session.
MFA_PENDING = "liaison_mfa_pending"
MFA_PENDING_SECONDS = 300
MFA_MAX_TRIES = 5


class LoginView(auth_views.LoginView):
    """Django's sign-in (django-axes counts its failures). When the password is right and
    the account has an authenticator, nobody is signed in yet: the account waits in the
    session for its code (``mfa_verify``), so no session exists without the second factor."""

    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # The CJIS system-use notification (LOGIN_BANNER), shown before anyone signs in,
        # and the single sign-on button when the department's provider is configured.
        from liaison.accounts.oidc import sso_enabled

        return {
            **super().get_context_data(**kwargs),
            "login_banner": settings.LOGIN_BANNER,
            "sso": sso_enabled(),
            "sso_name": settings.OIDC_PROVIDER_NAME,
        }

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if not services.mfa_enrolled(user):
            return super().form_valid(form)
        self.request.session[MFA_PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "at": int(time.time()),
            "next": self.get_success_url(),
            "tries": 0,
        }
        return redirect("accounts:mfa_verify")


def _pending(request: HttpRequest) -> dict[str, Any] | None:
    pending = request.session.get(MFA_PENDING)
    if not pending or time.time() - pending["at"] > MFA_PENDING_SECONDS:
        request.session.pop(MFA_PENDING, None)
        return None
    return cast(dict[str, Any], pending)


KEY_CHALLENGE = "liaison_webauthn_challenge"


def _relying_party(request: HttpRequest) -> tuple[str, str]:
    """WebAuthn's relying party id (this site's host name) and origin, from the request's
    host (already checked against ALLOWED_HOSTS)."""
    host = request.get_host()
    return host.rsplit(":", 1)[0] if not host.endswith("]") else host, (
        f"{request.scheme}://{host}"
    )


def _challenge(request: HttpRequest) -> bytes:
    from webauthn import base64url_to_bytes

    return bytes(base64url_to_bytes(request.session.pop(KEY_CHALLENGE, "") or "AA"))


def _key_options(request: HttpRequest, user: User) -> dict[str, Any] | None:
    """The options for signing in with one of ``user``'s security keys (and the
    challenge, remembered in the session), or ``None`` when they have none."""
    import json

    from webauthn.helpers import bytes_to_base64url

    from liaison.accounts.models import SecurityKey

    if not SecurityKey.objects.filter(user=user).exists():
        return None
    rp_id, _ = _relying_party(request)
    options, challenge = services.security_key_authentication_options(user=user, rp_id=rp_id)
    request.session[KEY_CHALLENGE] = bytes_to_base64url(challenge)
    return cast(dict[str, Any], json.loads(options))


def _second_factor(request: HttpRequest, user: User, form: MfaCodeForm) -> str:
    """Check the second factor a POST carries: a security key's answer (``credential``)
    or a code. Returns how (``"key"``, ``"totp"``, ``"recovery"``), or ``""`` with the
    reason on ``form``."""
    try:
        if request.POST.get("credential"):
            rp_id, origin = _relying_party(request)
            services.security_key_verify(
                user=user,
                credential=request.POST["credential"],
                challenge=_challenge(request),
                rp_id=rp_id,
                origin=origin,
            )
            return "key"
        if form.is_valid():
            if not form.cleaned_data["code"].strip():
                form.add_error("code", "Enter the code.")
                return ""
            return services.mfa_verify(user=user, code=form.cleaned_data["code"])
    except ValidationError as exc:
        apply_service_errors(form, exc, fields={"credential": "code"})
    return ""


@never_cache
def mfa_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a security key, a code from the authenticator app,
    or a recovery code. Five wrong answers, or five minutes, and the password must be
    given again."""
    pending = _pending(request)
    if pending is None:
        if request.method == "POST":
            messages.info(request, "Your sign-in timed out: give your password again.")
        return redirect("accounts:login")
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        request.session.pop(MFA_PENDING, None)
        return redirect("accounts:login")
    posted = request.method == "POST"
    form = MfaCodeForm(request.POST if posted else None)
    if posted:
        how = _second_factor(request, user, form)
        if how:
            request.session.pop(MFA_PENDING, None)
            login(request, user, backend=pending["backend"])
            if how == "recovery":
                left = services.recovery_codes_left(user)
                messages.warning(
                    request,
                    f"You used a recovery code; {left} left. Each works once: make new ones "
                    "on your MFA page if you are running low.",
                )
            return redirect(pending["next"])
        pending["tries"] += 1
        if pending["tries"] >= MFA_MAX_TRIES:
            request.session.pop(MFA_PENDING, None)
            messages.error(request, "Too many wrong codes: sign in again.")
            return redirect("accounts:login")
        request.session[MFA_PENDING] = pending
    context = {
        "form": form,
        "key_options": _key_options(request, user),
        "has_app": services.totp_enrolled(user),
    }
    return render(request, "accounts/mfa_verify.html", context, status=422 if form.errors else 200)


@login_required
@never_cache
def mfa(request: HttpRequest) -> HttpResponse:
    """One's MFA: whether an authenticator is set up, recovery codes left, and whether
    one's roles require it."""
    user = cast(User, request.user)
    from liaison.accounts.models import SecurityKey

    context = {
        "nav": "account",
        "enrolled": services.mfa_enrolled(user),
        "totp": services.totp_enrolled(user),
        "keys": SecurityKey.objects.filter(user=user),
        "required": services.mfa_required(user),
        "codes_left": services.recovery_codes_left(user),
    }
    return render(request, "accounts/mfa.html", context)


@login_required
@never_cache
@domain_errors_as_http
def mfa_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator: a new secret as a QR code (an SVG drawn here, shown as an
    image: no script) and as text, then a code from the app to prove it works. The
    recovery codes are shown once, in the answer to that POST, and never stored raw."""
    import segno

    from liaison.accounts.models import TotpDevice

    user = cast(User, request.user)
    if services.totp_enrolled(user):
        messages.info(request, "You already have an authenticator app.")
        return redirect("accounts:mfa")
    if services.mfa_enrolled(user) and not recently_authenticated(request):
        # Adding a second factor to an account that has one: confirm it is you first.
        return redirect(reauth_url(request.get_full_path()))
    form = MfaCodeForm(request.POST if request.method == "POST" else None, recovery=False)
    if form.is_bound and form.is_valid() and not form.cleaned_data["code"].strip():
        form.add_error("code", "Enter the code your app shows.")
    if form.is_bound and form.is_valid():
        try:
            codes = services.totp_confirm(actor=user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            mark_authenticated(request)
            return render(
                request, "accounts/recovery_codes.html", {"nav": "account", "codes": codes}
            )
    if form.is_bound:
        device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=True).first()
    else:
        device = None
    if device is None:
        device = services.totp_begin(actor=user)
    uri = services.totp_provisioning_uri(device)
    context = {
        "nav": "account",
        "form": form,
        "secret": " ".join(device.secret[i : i + 4] for i in range(0, len(device.secret), 4)),
        "qr": segno.make(uri, error="m").svg_data_uri(scale=5, border=2),
    }
    return render(
        request,
        "accounts/mfa_setup.html",
        context,
        status=422 if form.is_bound and form.errors else 200,
    )


@login_required
@require_POST
@reauthentication_required
@domain_errors_as_http
def mfa_recovery_codes(request: HttpRequest) -> HttpResponse:
    codes = services.recovery_codes_regenerate(actor=cast(User, request.user))
    return render(request, "accounts/recovery_codes.html", {"nav": "account", "codes": codes})


@login_required
@require_POST
@reauthentication_required
@domain_errors_as_http
def mfa_remove(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    if services.mfa_remove(actor=user, user=user):
        messages.success(
            request, "Your authenticator is removed: sign-in asks only for your password now."
        )
    return redirect("accounts:mfa")


@login_required
@never_cache
def reauthenticate(request: HttpRequest) -> HttpResponse:
    """Confirm it is you before a sensitive action: the second factor when the account has
    one (security key, app code or recovery code), otherwise the password (through
    django-axes, so wrong passwords count towards the lockout and are logged like failed
    sign-ins), or single sign-on when it is set up. Then back to ``next``."""
    user = cast(User, request.user)
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("accounts:tokens")
    enrolled = services.mfa_enrolled(user)
    posted = request.method == "POST"
    data = request.POST if posted else None
    form: MfaCodeForm | ReauthPasswordForm = (
        MfaCodeForm(data) if enrolled else ReauthPasswordForm(data)
    )
    how = ""
    if posted and isinstance(form, MfaCodeForm):
        how = _second_factor(request, user, form)
    elif posted and form.is_valid():
        if not services.local_passwords_allowed(user):
            form.add_error("password", LOCAL_PASSWORDS_OFF)
        elif authenticate(
            request, username=user.get_username(), password=form.cleaned_data["password"]
        ):
            how = "password"
        else:
            form.add_error("password", "That password is not right.")
    if how:
        mark_authenticated(request)
        services.auth_event_record(
            kind=AuthEventKind.REAUTHENTICATED, user=user, detail=f"By {how}."
        )
        return redirect(next_url)
    from liaison.accounts.oidc import sso_enabled

    context = {
        "nav": "account",
        "form": form,
        "next": next_url,
        "enrolled": enrolled,
        "key_options": _key_options(request, user) if enrolled else None,
        "has_app": services.totp_enrolled(user),
        "minutes": settings.REAUTH_MINUTES,
        "sso": sso_enabled(),
        "sso_name": settings.OIDC_PROVIDER_NAME,
        "sso_url": reverse("accounts:oidc_login")
        + "?"
        + urlencode({"next": next_url, "reauth": "1"}),
    }
    return render(
        request, "accounts/reauthenticate.html", context, status=422 if form.errors else 200
    )


@login_required
@never_cache
def security_key_add(request: HttpRequest) -> HttpResponse:
    """Register a security key or passkey: the page hands the browser the options (in a
    JSON data block) and ``webauthn.js`` returns the key's answer in the form; the first
    second factor of an account also brings its recovery codes. Adding one to an account
    that already has a second factor asks to confirm it is you first."""
    import json

    from webauthn.helpers import bytes_to_base64url

    user = cast(User, request.user)
    if services.mfa_enrolled(user) and not recently_authenticated(request):
        return redirect(reauth_url(request.get_full_path()))
    rp_id, origin = _relying_party(request)
    error = ""
    if request.method == "POST":
        try:
            key, codes = services.security_key_register(
                actor=user,
                name=request.POST.get("name", ""),
                credential=request.POST.get("credential", ""),
                challenge=_challenge(request),
                rp_id=rp_id,
                origin=origin,
            )
        except ValidationError as exc:
            error = exc.message_dict["credential"][0]
        else:
            mark_authenticated(request)
            if codes:
                return render(
                    request, "accounts/recovery_codes.html", {"nav": "account", "codes": codes}
                )
            messages.success(request, f"Security key “{key.name}” added.")
            return redirect("accounts:mfa")
    options, challenge = services.security_key_registration_options(user=user, rp_id=rp_id)
    request.session[KEY_CHALLENGE] = bytes_to_base64url(challenge)
    context = {
        "nav": "account",
        "options": json.loads(options),
        "error": error,
        "name": request.POST.get("name", "") if request.method == "POST" else "",
    }
    return render(request, "accounts/security_key_add.html", context, status=422 if error else 200)


@login_required
@never_cache
@domain_errors_as_http
def sessions(request: HttpRequest) -> HttpResponse:
    """One's active sessions (browser, address, started, last active), with "sign out"
    for each other one and "sign out everywhere else"."""
    user = cast(User, request.user)
    current = request.session.session_key
    if request.method == "POST":
        if request.POST.get("action") == "others":
            ended = services.user_sessions_end_others(actor=user, keep_session_key=current)
            messages.success(request, f"Signed out of {ended} other session(s).")
        else:
            try:
                session_id = int(request.POST.get("session", ""))
            except ValueError:
                messages.error(request, "Choose a session to sign out.")
                return redirect("accounts:sessions")
            services.user_session_end(actor=user, session_id=session_id)
            messages.success(request, "That session is signed out.")
        return redirect("accounts:sessions")
    context = {"nav": "account", "sessions": user_sessions_of(user), "current": current}
    return render(request, "accounts/sessions.html", context)


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
@reauthentication_required(methods=("POST",))
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
        # Creating a token asks for the password again unless it was given lately.
        "recent": recently_authenticated(request),
        "reauth": reauth_url(reverse("accounts:tokens") + "#create"),
        "mfa_enrolled": services.mfa_enrolled(user),
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
