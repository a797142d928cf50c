from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "liaison.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Sign-ins, sign-outs, failures and lockouts happen inside Django's and django-axes'
        # authentication (the sign-in page, the admin's sign-in): their signals are the
        # one place every door passes, so the authentication log listens there (ADR 0020).
        # Our own writes (tokens, roles) log from their services, not from signals.
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

        user_logged_in.connect(_on_signed_in, dispatch_uid="liaison_auth_sign_in")
        user_logged_out.connect(_on_signed_out, dispatch_uid="liaison_auth_sign_out")
        user_login_failed.connect(_on_sign_in_failed, dispatch_uid="liaison_auth_failed")
        user_locked_out.connect(_on_locked_out, dispatch_uid="liaison_auth_lockout")


def _client(request: Any) -> Any:
    from liaison.core.clients import client_of

    return client_of(request) if request is not None else None


def _on_signed_in(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    from liaison.accounts.models import AuthEventKind
    from liaison.accounts.reauth import mark_authenticated
    from liaison.accounts.services import auth_event_record

    auth_event_record(kind=AuthEventKind.SIGN_IN, user=user, client=_client(request))
    if request is not None:
        # Signing in is a fresh proof of identity for sensitive actions (ADR 0021).
        mark_authenticated(request)


def _on_signed_out(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
    from liaison.accounts.models import AuthEventKind
    from liaison.accounts.services import auth_event_record, user_session_forget

    if user is not None:
        auth_event_record(kind=AuthEventKind.SIGN_OUT, user=user, client=_client(request))
    session = getattr(request, "session", None)
    user_session_forget(session_key=session.session_key if session is not None else None)


def _on_sign_in_failed(
    sender: Any, credentials: Any = None, request: Any = None, **kwargs: Any
) -> None:
    from liaison.accounts.models import AuthEventKind, User
    from liaison.accounts.services import auth_event_record

    username = str((credentials or {}).get("username", ""))
    # Refused by an earlier lockout (not the failure that caused one).
    locked = bool(getattr(request, "axes_locked_out", False)) and (
        getattr(request, "axes_failures_since_start", None) is None
    )
    auth_event_record(
        kind=AuthEventKind.SIGN_IN_FAILED,
        user=User.objects.filter(username=username).first() if username else None,
        username=username,
        client=_client(request),
        detail="Refused: the account or the address is locked." if locked else "",
    )


def _on_locked_out(
    sender: Any, request: Any = None, username: Any = None, ip_address: Any = None, **kwargs: Any
) -> None:
    from django.conf import settings
    from django.utils import timezone

    from liaison.accounts.models import AuthEventKind, User
    from liaison.accounts.services import auth_event_record

    if getattr(request, "axes_failures_since_start", None) is None:
        # A sign-in refused *during* a lockout (axes signals again): it is logged as a
        # failed sign-in; the lockout itself was logged when it began.
        return
    until = timezone.localtime(timezone.now() + settings.AXES_COOLOFF_TIME)
    auth_event_record(
        kind=AuthEventKind.LOCKOUT,
        user=User.objects.filter(username=username).first() if username else None,
        username=str(username or ""),
        client=_client(request),
        detail=f"Locked until {until:%Y-%m-%d %H:%M %Z} after "
        f"{settings.AXES_FAILURE_LIMIT} failed sign-ins (account {username or '?'}, "
        f"address {ip_address or '?'}).",
    )
