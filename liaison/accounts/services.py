"""Writes for accounts: agencies, users, role grants and API tokens. Keyword-only, actor
required, audited: each leaves one history row per record written, attributed to the actor.

``agency_create`` and ``user_create`` accept ``actor=None``: the *system*, i.e. a management
command run by someone with shell access to the server (``load_demo``, a deployer's
set-up script). Their history rows then name no user ("system"). Any other actor must be
an administrator. No page or API endpoint writes users or role grants.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import re
import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from liaison.accounts.access import ALL_AGENCIES, narrow_to_agency, scope_for
from liaison.accounts.models import (
    Agency,
    ApiToken,
    AuthEvent,
    AuthEventKind,
    RateLimitWindow,
    Role,
    RoleGrant,
    TokenScope,
    User,
)
from liaison.core.audit import delete_audited, save_audited
from liaison.core.clients import ClientInfo, current_client
from liaison.core.errors import Forbidden, NotFound

TOKEN_PREFIX = "lsn_"  # noqa: S105  (a public marker, not a secret)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _clean_name(value: str) -> str:
    return " ".join((value or "").split())


@transaction.atomic
def agency_create(*, actor: User | None, name: str, ori_code: str, state: str) -> Agency:
    """Add an agency to the deployment. Only the system (``actor=None``) or an
    administrator of every agency may: an agency is a deployment-wide decision.

    Name and ORI code are unique (``ValidationError`` on ``name`` / ``ori_code``), the ORI
    has the FBI's nine-character form and the state is a two-letter postal code; nothing
    is written when any of them is wrong."""
    if actor is not None and scope_for(actor, Role.ADMIN) is not ALL_AGENCIES:
        raise Forbidden("Only an administrator of every agency may add an agency.")
    agency = Agency(
        name=_clean_name(name),
        ori_code=(ori_code or "").strip().upper(),
        state=(state or "").strip().upper(),
    )
    errors: dict[str, list[str]] = {}
    try:
        # The format constraints get a sentence on their field below, not "__all__".
        agency.full_clean(validate_constraints=False)
    except ValidationError as exc:
        errors = exc.message_dict
    if "ori_code" not in errors and not re.fullmatch(r"[A-Z]{2}[A-Z0-9]{7}", agency.ori_code):
        errors["ori_code"] = ["An ORI code is two letters and seven letters or digits."]
    if "state" not in errors and not re.fullmatch(r"[A-Z]{2}", agency.state):
        errors["state"] = ["Give the two-letter postal code, e.g. CA."]
    if errors:
        raise ValidationError(errors)
    save_audited(agency, actor=actor, validate=False)
    return agency


@transaction.atomic
def user_create(
    *,
    actor: User | None,
    username: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    password_hash: str | None = None,
    password: str | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Add a sign-in. Only the system (``actor=None``) or an administrator may.

    The password arrives already hashed (``make_password``), so a caller hashing one
    password for many accounts pays for it once; ``None`` gives an unusable password (the
    account cannot sign in until one is set). Roles are granted separately
    (``role_grant``). ``ValidationError`` on ``username`` when it is taken or malformed,
    on ``password_hash`` when it is not a hash Django knows."""
    if actor is not None and scope_for(actor, Role.ADMIN) == frozenset():
        raise Forbidden("Only administrators add users.")
    if (is_staff or is_superuser) and actor is not None and not actor.is_superuser:
        # The Django admin is the one door that ignores agencies; only a superuser opens it.
        raise Forbidden("Only a superuser may create an account that opens the Django admin.")
    user = User(
        username=(username or "").strip(),
        first_name=_clean_name(first_name),
        last_name=_clean_name(last_name),
        email=(email or "").strip(),
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    if password is not None:
        # A raw password (tests, set-up scripts) is hashed here, never kept.
        user.set_password(password)
    elif password_hash is None:
        user.set_unusable_password()
    else:
        try:
            identify_hasher(password_hash)
        except ValueError:
            raise ValidationError(
                {"password_hash": ["Give a password hash made by make_password."]}
            ) from None
        user.password = password_hash
    save_audited(user, actor=actor)
    return user


@transaction.atomic
def user_deactivate(*, actor: Any, user: User) -> User:
    """Stop ``user`` from signing in or using their API tokens. Users are never deleted:
    the history keeps naming them as the people who acted. Deactivating an inactive
    user writes nothing."""
    if actor is not None and getattr(actor, "pk", None) == user.pk:
        raise Forbidden("You cannot deactivate your own account.")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        user.is_active = False
        save_audited(user, actor=actor, validate=False)
        auth_event_record(kind=AuthEventKind.DEACTIVATED, user=user, by=actor)
        _revoke_all_tokens(user=user, actor=actor, why="the account was deactivated")
    return user


def _revoke_all_tokens(*, user: User, actor: Any, why: str) -> int:
    """Revoke every live token of ``user`` (deactivation, password change): each keeps
    its history row and leaves a ``token_revoked`` event saying why."""
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    now = timezone.now()
    for token in tokens:
        token.revoked_at = now
        save_audited(token, actor=actor, validate=False)
        auth_event_record(
            kind=AuthEventKind.TOKEN_REVOKED,
            user=user,
            by=actor,
            detail=f"{token.prefix}… “{token.name}”: {why}.",
        )
    return len(tokens)


@transaction.atomic
def role_revoke(*, actor: Any, grant: RoleGrant) -> None:
    """Take a role away. The grant's history keeps who held it, where, and who revoked it."""
    # No select_related: PostgreSQL refuses FOR UPDATE on the nullable side of an outer
    # join (agency is empty for a grant spanning every agency).
    grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
    auth_event_record(
        kind=AuthEventKind.ROLE_REVOKED, user=grant.user, by=actor, detail=_grant_words(grant)
    )
    delete_audited(grant, actor=actor)


@transaction.atomic
def role_grant(*, actor: Any, user: User, role: str, agency: Agency | None) -> RoleGrant:
    """Grant ``role`` to ``user`` in ``agency`` (``None``: every agency, overseers and
    administrators only — the model's clean() and a DB constraint both refuse others).
    Granting a role the user already holds returns the existing grant."""
    existing = RoleGrant.objects.filter(user=user, role=role, agency=agency).first()
    if existing:
        return existing
    grant = RoleGrant(user=user, role=role, agency=agency)
    save_audited(grant, actor=actor, validate=False)
    auth_event_record(
        kind=AuthEventKind.ROLE_GRANTED, user=user, by=actor, detail=_grant_words(grant)
    )
    return grant


def _grant_words(grant: RoleGrant) -> str:
    return f"{grant.get_role_display()} in {grant.agency or 'every agency'}"


@transaction.atomic
def api_token_create(
    *,
    actor: Any,
    user: User,
    name: str,
    scope: str = TokenScope.READ,
    agency_id: int | None = None,
    days: int | None = None,
) -> tuple[ApiToken, str]:
    """Create a bearer token for ``user``. The raw token is returned once and never stored:
    only its SHA-256 digest is kept.

    ``scope`` is ``read`` (the default: least privilege) or ``write``; ``agency_id``
    limits the token to one agency where the user holds a role (``None``: all of them);
    it expires after ``days`` (1 to ``API_TOKEN_DAYS``, default ``API_TOKEN_DAYS``, 90).
    A user creates only their own tokens. ``ValidationError`` on ``scope``, ``agency_id``
    or ``days`` when they are out of bounds; nothing is written then."""
    if getattr(actor, "pk", None) != user.pk:
        raise Forbidden("You may create API tokens only for yourself.")
    errors: dict[str, list[str]] = {}
    if scope not in TokenScope.values:
        errors["scope"] = ["Choose read or write."]
    max_days = settings.API_TOKEN_DAYS
    days = max_days if days is None else days
    if not 1 <= days <= max_days:
        errors["days"] = [f"A token lasts from 1 to {max_days} days."]
    agency = None
    if agency_id is not None:
        held = scope_for(user, *Role.values)
        agency = Agency.objects.filter(pk=agency_id).first()
        if agency is None or not (held is ALL_AGENCIES or agency_id in held):  # type: ignore[operator]
            errors["agency_id"] = ["Choose an agency where you hold a role."]
    if errors:
        raise ValidationError(errors)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip() or "API token",
        prefix=raw[:12],
        digest=token_digest(raw),
        scope=scope,
        agency=agency,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    save_audited(token, actor=actor)
    auth_event_record(
        kind=AuthEventKind.TOKEN_CREATED,
        user=user,
        by=actor,
        detail=f"{token.prefix}… “{token.name}”, {token.get_scope_display().lower()}, "
        f"{agency or 'every agency'}, {days} days.",
    )
    return token, raw


@transaction.atomic
def api_token_revoke_as_administrator(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke anyone's token (the admin's "Revoke" action). Only staff with the
    permission to change tokens may; a token is otherwise read-only, so its owner, digest
    and prefix never change and a revocation is never undone. Revoking a revoked token
    writes nothing."""
    if not (getattr(actor, "is_staff", False) and actor.has_perm("accounts.change_apitoken")):
        raise Forbidden("Only administrators revoke other people's tokens.")
    token = ApiToken.objects.select_for_update().select_related("user").get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        save_audited(token, actor=actor, validate=False)
        auth_event_record(
            kind=AuthEventKind.TOKEN_REVOKED,
            user=token.user,
            by=actor,
            detail=f"{token.prefix}… “{token.name}”.",
        )
    return token


@transaction.atomic
def api_token_revoke(*, actor: Any, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens. (Administrators revoke other people's tokens,
    or deactivate the account, in the Django admin.)"""
    token = ApiToken.objects.select_for_update().filter(user=actor, pk=token_id).first()
    if token is None:
        raise NotFound("No such token.")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        save_audited(token, actor=actor, validate=False)
        auth_event_record(
            kind=AuthEventKind.TOKEN_REVOKED,
            user=actor,
            by=actor,
            detail=f"{token.prefix}… “{token.name}”.",
        )
    return token


def api_token_authenticate(raw: str) -> ApiToken | None:
    """The live token a raw string is, with its active user, or ``None`` (unknown,
    revoked, expired, or its user deactivated). Constant-time by construction: the lookup
    is by digest, never by comparing raw strings. Records the time of use.

    A token limited to one agency narrows its user's roles to that agency for the rest
    of the request (``access.narrow_to_agency``), so every access check in every app
    honours the limit."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    if token.agency_id is not None:
        narrow_to_agency(token.user, token.agency_id)
    return token


def password_changed(*, user: User) -> None:
    """A password was set (the admin's form, ``changepassword``, ``set_password``): every
    API token of the account is revoked (ASVS 3.3.3 / issue 10: a token must not outlive
    the password that vouched for it) and the change is logged. Other sessions end through
    Django's session hash check. Called by ``RevokeTokensOnPasswordChange``."""
    if user.pk is None:
        return
    with transaction.atomic():
        revoked = _revoke_all_tokens(user=user, actor=None, why="the password changed")
        # A first password (a new account) is not a change: logged only once the
        # account has signed in or held tokens.
        if revoked or user.last_login is not None:
            auth_event_record(kind=AuthEventKind.PASSWORD_CHANGED, user=user)


class RevokeTokensOnPasswordChange:
    """Listed in AUTH_PASSWORD_VALIDATORS for its ``password_changed`` hook, which Django
    calls whenever a user's password is saved; it validates nothing."""

    def validate(self, password: str, user: Any = None) -> None:
        return None

    def password_changed(self, password: str, user: Any = None) -> None:
        if user is not None:
            password_changed(user=user)

    def get_help_text(self) -> str:
        return ""


# --- the authentication log --------------------------------------------------------------

# Events that record a refusal rather than something done.
_FAILURES = {AuthEventKind.SIGN_IN_FAILED, AuthEventKind.LOCKOUT}


def auth_event_record(
    *,
    kind: str,
    user: User | None = None,
    username: str = "",
    by: Any = None,
    client: ClientInfo | None = None,
    detail: str = "",
) -> AuthEvent:
    """Append one row to the authentication log (accounts.AuthEvent): what happened to
    which account, done ``by`` whom when not the account itself, from which address and
    browser (``client``; default: the request being served), and whether it succeeded.

    The one writer of the log. It writes in the caller's transaction, so an event and the
    write it describes (a token, a role grant) are kept or rolled back together; a refused
    sign-in has no such write and is logged on its own."""
    client = client or current_client() or ClientInfo(ip_address=None, user_agent="")
    actor = (
        by
        if getattr(by, "pk", None) and getattr(by, "pk", None) != getattr(user, "pk", None)
        else None
    )
    event = AuthEvent(
        at=timezone.now(),
        kind=kind,
        success=kind not in _FAILURES,
        user=user,
        username=(username or (user.get_username() if user else ""))[:150],
        actor=actor,
        ip_address=client.ip_address,
        user_agent=client.user_agent,
        detail=detail[:300],
    )
    event.save()
    return event


def _may_unlock(actor: Any, username: str) -> bool:
    """Administrators unlock: those of every agency any name or address, an agency's
    administrator the accounts that hold a role in one of their agencies."""
    scope = scope_for(actor, Role.ADMIN)
    if scope is ALL_AGENCIES:
        return True
    if not scope or not username:
        return False
    return RoleGrant.objects.filter(
        user__username=username,
        agency_id__in=sorted(scope),  # type: ignore[arg-type]
    ).exists()


@transaction.atomic
def account_unlock(*, actor: Any, username: str = "", ip_address: str = "") -> int:
    """Release a lockout before its time (CJIS 5.5.3: "unless released by an
    administrator"): the failed attempts recorded for ``username`` and/or ``ip_address``
    are forgotten, so the next sign-in is checked afresh, and an ``unlock`` event is
    logged. ``actor=None`` is the system (``manage.py unlock``). Returns the number of
    attempt records cleared; 0 when nothing was locked (still logged: an administrator
    acted)."""
    from axes.utils import reset

    username = (username or "").strip()
    ip_address = (ip_address or "").strip()
    if not username and not ip_address:
        raise ValidationError({"username": ["Give the account name or the address to unlock."]})
    if actor is not None and (
        (ip_address and scope_for(actor, Role.ADMIN) is not ALL_AGENCIES)
        or (username and not _may_unlock(actor, username))
    ):
        raise Forbidden("Only an administrator of the account's agency may unlock it.")
    cleared = 0
    if username:
        cleared += reset(username=username)
    if ip_address:
        cleared += reset(ip=ip_address)
    what = " and ".join(
        x for x in (username and f"account {username}", ip_address and f"address {ip_address}") if x
    )
    auth_event_record(
        kind=AuthEventKind.UNLOCK,
        user=User.objects.filter(username=username).first() if username else None,
        username=username,
        by=actor,
        detail=f"Unlocked {what}.",
    )
    return cleared


# --- API rate limits -----------------------------------------------------------------------


def rate_limit_hit(*, key: str, limit: int, window_seconds: int) -> int | None:
    """Count one request for ``key`` in the current fixed window. ``None`` while within
    ``limit``; otherwise the seconds until the window ends (the ``Retry-After``).

    One UPDATE (or INSERT for a new window) per request, atomic in the database, so
    concurrent workers never lose a count; old windows are swept when a key starts a
    new one."""
    now = timezone.now()
    epoch = int(now.timestamp())
    start = dt.datetime.fromtimestamp(epoch - epoch % window_seconds, tz=dt.UTC)
    with transaction.atomic():
        updated = RateLimitWindow.objects.filter(key=key, window_start=start).update(
            hits=F("hits") + 1
        )
        if not updated:
            RateLimitWindow.objects.filter(window_start__lt=start).delete()
            try:
                with transaction.atomic():
                    RateLimitWindow.objects.create(key=key, window_start=start, hits=1)
            except IntegrityError:  # another worker started the window first
                RateLimitWindow.objects.filter(key=key, window_start=start).update(
                    hits=F("hits") + 1
                )
        hits = RateLimitWindow.objects.filter(key=key, window_start=start).values_list(
            "hits", flat=True
        )[0]
    if hits <= limit:
        return None
    return max(1, math.ceil((start.timestamp() + window_seconds) - now.timestamp()))
