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
    RecoveryCode,
    Role,
    RoleGrant,
    SecurityKey,
    TokenScope,
    TotpDevice,
    User,
    UserSession,
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
    if mfa_required(token.user) and not mfa_enrolled(token.user):
        # A role that requires MFA reaches nothing until its holder enrols (ADR 0021),
        # through a token no more than through a page.
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
_FAILURES = {AuthEventKind.SIGN_IN_FAILED, AuthEventKind.LOCKOUT, AuthEventKind.MFA_FAILED}


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


# --- MFA: authenticator app (TOTP) and recovery codes (ADR 0021) ------------------------

TOTP_STEP_SECONDS = 30
RECOVERY_CODE_COUNT = 10
MFA_ALREADY = "You already have an authenticator: remove it first to set up another."
MFA_WRONG_CODE = "That code is not right (or was already used). Enter the current code."


def _totp(secret: str) -> Any:
    import pyotp

    return pyotp.TOTP(secret, interval=TOTP_STEP_SECONDS)


def _normalise_code(code: str) -> str:
    return "".join((code or "").split()).replace("-", "").lower()


def _totp_step_accepted(device: TotpDevice, code: str) -> int | None:
    """The time step ``code`` belongs to, if it is the code of the current step or of one
    step either side (clock drift, RFC 6238 §5.2) and newer than the last accepted one
    (a code works once only, ASVS 2.8.4); otherwise ``None``."""
    import hmac
    import time

    if not re.fullmatch(r"\d{6}", code):
        return None
    totp = _totp(device.secret)
    now_step = int(time.time()) // TOTP_STEP_SECONDS
    for step in (now_step - 1, now_step, now_step + 1):
        if step > device.last_step and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def mfa_enrolled(user: Any) -> bool:
    """True when ``user`` has a confirmed authenticator app or a security key (sign-in
    then asks for the second factor)."""
    if not getattr(user, "pk", None):
        return False
    return (
        TotpDevice.objects.filter(user_id=user.pk, confirmed_at__isnull=False).exists()
        or SecurityKey.objects.filter(user_id=user.pk).exists()
    )


def totp_enrolled(user: Any) -> bool:
    return TotpDevice.objects.filter(user_id=user.pk, confirmed_at__isnull=False).exists()


def mfa_required(user: Any) -> bool:
    """True when ``user`` holds a role listed in ``MFA_REQUIRED_ROLES`` (by default the
    roles that see restricted data or manage accounts: security officer, overseer,
    administrator; CJIS 5.6.2.2 advanced authentication)."""
    from liaison.accounts.access import role_scopes

    required = set(settings.MFA_REQUIRED_ROLES)
    return bool(required & set(role_scopes(user)))


@transaction.atomic
def totp_begin(*, actor: User) -> TotpDevice:
    """Start setting up an authenticator for ``actor``: a new random secret (160 bits, as
    RFC 4226 recommends), not yet in force. Starting again replaces an unconfirmed secret;
    a confirmed authenticator must be removed first (``Forbidden``)."""
    import pyotp

    device = TotpDevice.objects.select_for_update().filter(user=actor).first()
    if device is not None and device.confirmed_at is not None:
        raise Forbidden(MFA_ALREADY)
    if device is None:
        device = TotpDevice(user=actor)
    device.secret = pyotp.random_base32(32)
    device.last_step = 0
    device.save()
    return device


def totp_provisioning_uri(device: TotpDevice) -> str:
    """The ``otpauth://`` address an authenticator app reads from the QR code."""
    return str(
        _totp(device.secret).provisioning_uri(
            name=device.user.get_username(), issuer_name=settings.SITE_NAME
        )
    )


def totp_confirm(*, actor: User, code: str) -> list[str]:
    """Put ``actor``'s new authenticator in force once they typed a correct code from it,
    and return fresh recovery codes (shown once, only their digests are kept). A wrong
    code is logged (``mfa_failed``) and refused with ``ValidationError`` on ``code``;
    nothing else changes then."""
    device = TotpDevice.objects.filter(user=actor, confirmed_at__isnull=True).first()
    if device is None:
        raise ValidationError({"code": ["Start again: no authenticator is being set up."]})
    step = _totp_step_accepted(device, _normalise_code(code))
    if step is None:
        auth_event_record(
            kind=AuthEventKind.MFA_FAILED, user=actor, detail="Wrong code while enrolling."
        )
        raise ValidationError({"code": [MFA_WRONG_CODE]})
    with transaction.atomic():
        device.confirmed_at = timezone.now()
        device.last_step = step
        device.save()
        codes = _recovery_codes_replace(actor)
        auth_event_record(
            kind=AuthEventKind.MFA_ENROLLED,
            user=actor,
            detail=f"Authenticator app (TOTP); {len(codes)} recovery codes issued.",
        )
    return codes


def _recovery_codes_replace(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = secrets.token_hex(5)  # 40 bits each; single use, and sign-in is rate-limited
        codes.append(f"{raw[:5]}-{raw[5:]}")
        RecoveryCode.objects.create(user=user, digest=token_digest(raw))
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, actor: User) -> list[str]:
    """Replace ``actor``'s recovery codes with ten new ones (the old ones stop working)."""
    if not mfa_enrolled(actor):
        raise Forbidden("Set up an authenticator first: recovery codes go with it.")
    codes = _recovery_codes_replace(actor)
    auth_event_record(kind=AuthEventKind.RECOVERY_CODES_NEW, user=actor)
    return codes


def recovery_codes_left(user: Any) -> int:
    return RecoveryCode.objects.filter(user_id=user.pk, used_at__isnull=True).count()


MFA_LOCKED = "Too many wrong codes for this account: try again in {minutes} minutes."


def _cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def mfa_locked(user: User) -> bool:
    """True after ``2 × LOGIN_FAILURE_LIMIT`` refused second-factor answers within
    ``LOGIN_LOCKOUT_MINUTES``: whoever knows the password cannot go on guessing codes
    by giving it again and again (the sign-in step allows five codes per password)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    failures = AuthEvent.objects.filter(user=user, kind=AuthEventKind.MFA_FAILED, at__gte=since)
    return failures.count() >= 2 * settings.AXES_FAILURE_LIMIT


def mfa_verify(*, user: User, code: str) -> str:
    """Check a second-factor ``code`` of ``user`` at sign-in or re-authentication: the
    current code of their authenticator, or one of their unused recovery codes (which is
    then used up). Returns ``"totp"`` or ``"recovery"``; each success and each failure
    leaves a row in the authentication log. ``ValidationError`` on ``code`` when wrong.

    Accepting a code is one conditional UPDATE (the step must still be newer, the recovery
    code still unused), so two requests racing with one code cannot both succeed."""
    if mfa_locked(user):
        auth_event_record(
            kind=AuthEventKind.MFA_FAILED, user=user, detail="Refused: too many wrong codes."
        )
        raise ValidationError({"code": [MFA_LOCKED.format(minutes=_cooloff_minutes())]})
    normal = _normalise_code(code)
    device = TotpDevice.objects.filter(user=user, confirmed_at__isnull=False).first()
    if device is not None:
        step = _totp_step_accepted(device, normal)
        if (
            step is not None
            and TotpDevice.objects.filter(pk=device.pk, last_step__lt=step).update(last_step=step)
            == 1
        ):
            auth_event_record(kind=AuthEventKind.MFA_VERIFIED, user=user, detail="TOTP code.")
            return "totp"
    if re.fullmatch(r"[0-9a-f]{10}", normal):
        used = RecoveryCode.objects.filter(
            user=user, digest=token_digest(normal), used_at__isnull=True
        ).update(used_at=timezone.now())
        if used == 1:
            auth_event_record(
                kind=AuthEventKind.RECOVERY_CODE_USED,
                user=user,
                detail=f"{recovery_codes_left(user)} recovery codes left.",
            )
            return "recovery"
    auth_event_record(kind=AuthEventKind.MFA_FAILED, user=user, detail="Wrong code.")
    raise ValidationError({"code": [MFA_WRONG_CODE]})


@transaction.atomic
def mfa_remove(*, actor: Any, user: User) -> bool:
    """Remove ``user``'s authenticator and recovery codes: by the user themself, or by an
    administrator of the user's agency when the device is lost (the user then enrols
    again at their next sign-in if their role requires MFA). Returns whether there was
    one to remove; the removal is logged."""
    if not _may_manage(actor, user):
        raise Forbidden("Only the account itself or an administrator of its agency may.")
    removed, _ = TotpDevice.objects.filter(user=user).delete()
    keys, _ = SecurityKey.objects.filter(user=user).delete()
    removed += keys
    RecoveryCode.objects.filter(user=user).delete()
    if removed:
        auth_event_record(kind=AuthEventKind.MFA_REMOVED, user=user, by=actor)
    return bool(removed)


def _may_manage(actor: Any, user: User) -> bool:
    """The account itself, a superuser (the Django admin's own door), or an administrator
    of an agency where the account holds a role."""
    if getattr(actor, "pk", None) == user.pk or getattr(actor, "is_superuser", False):
        return True
    return _may_unlock(actor, user.get_username())


# --- MFA: security keys and passkeys (WebAuthn; ADR 0021) ------------------------------
#
# The page gives the relying party's id (the site's host name) and origin; the challenge
# is made here, kept by the page in the session, and handed back with the answer.

KEY_REFUSED = "The security key's answer was not accepted. Try again, or use a code."


def _descriptor(key: SecurityKey) -> Any:
    from webauthn import base64url_to_bytes
    from webauthn.helpers.structs import PublicKeyCredentialDescriptor

    return PublicKeyCredentialDescriptor(id=base64url_to_bytes(key.credential_id))


def security_key_registration_options(*, user: User, rp_id: str) -> tuple[str, bytes]:
    """Options for the browser's ``navigator.credentials.create`` (JSON) and the challenge
    the answer must sign. Keys the user already has are excluded."""
    from webauthn import generate_registration_options, options_to_json
    from webauthn.helpers.structs import (
        AuthenticatorSelectionCriteria,
        ResidentKeyRequirement,
        UserVerificationRequirement,
    )

    options = generate_registration_options(
        rp_id=rp_id,
        rp_name=settings.SITE_NAME,
        user_name=user.get_username(),
        user_id=str(user.pk).encode(),
        user_display_name=str(user),
        exclude_credentials=[_descriptor(k) for k in SecurityKey.objects.filter(user=user)],
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    return str(options_to_json(options)), bytes(options.challenge)


def security_key_register(
    *, actor: User, name: str, credential: str, challenge: bytes, rp_id: str, origin: str
) -> tuple[SecurityKey, list[str]]:
    """Keep the public key of a new security key or passkey once its answer to
    ``challenge`` checks out (py_webauthn: origin, relying party, signature). Returns the
    key and, when it is the account's first second factor, fresh recovery codes (else
    none). A refused answer is logged (``mfa_failed``) and raises ``ValidationError`` on
    ``credential``; nothing is stored then."""
    from webauthn import verify_registration_response
    from webauthn.helpers import bytes_to_base64url
    from webauthn.helpers.exceptions import WebAuthnException

    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError) as exc:
        auth_event_record(
            kind=AuthEventKind.MFA_FAILED, user=actor, detail=f"Security key refused: {exc}"
        )
        raise ValidationError({"credential": [KEY_REFUSED]}) from None
    with transaction.atomic():
        first = not mfa_enrolled(actor)
        key = SecurityKey(
            user=actor,
            name=(name or "").strip()[:100] or "Security key",
            credential_id=bytes_to_base64url(verified.credential_id),
            public_key=verified.credential_public_key,
            sign_count=verified.sign_count,
        )
        key.save()
        codes = _recovery_codes_replace(actor) if first else []
        auth_event_record(
            kind=AuthEventKind.MFA_ENROLLED,
            user=actor,
            detail=f"Security key “{key.name}”"
            + (f"; {len(codes)} recovery codes issued." if codes else "."),
        )
    return key, codes


def security_key_authentication_options(*, user: User, rp_id: str) -> tuple[str, bytes]:
    """Options for ``navigator.credentials.get`` naming the user's keys, and the
    challenge."""
    from webauthn import generate_authentication_options, options_to_json
    from webauthn.helpers.structs import UserVerificationRequirement

    options = generate_authentication_options(
        rp_id=rp_id,
        allow_credentials=[_descriptor(k) for k in SecurityKey.objects.filter(user=user)],
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return str(options_to_json(options)), bytes(options.challenge)


def security_key_verify(
    *, user: User, credential: str, challenge: bytes, rp_id: str, origin: str
) -> SecurityKey:
    """Check a security key's signed answer at sign-in or re-authentication: one of the
    user's keys, over ``challenge``, from this origin, with a signature counter that did
    not go backwards. Logged either way; ``ValidationError`` on ``credential`` when refused."""
    import json

    from webauthn import verify_authentication_response
    from webauthn.helpers.exceptions import WebAuthnException

    key = None
    try:
        raw_id = str(json.loads(credential).get("rawId") or "")
        key = SecurityKey.objects.filter(user=user, credential_id=raw_id).first()
        if key is None:
            raise ValueError("not one of this account's keys")
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp_id,
            expected_origin=origin,
            credential_public_key=bytes(key.public_key),
            credential_current_sign_count=key.sign_count,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError, AttributeError) as exc:
        auth_event_record(
            kind=AuthEventKind.MFA_FAILED, user=user, detail=f"Security key refused: {exc}"
        )
        raise ValidationError({"credential": [KEY_REFUSED]}) from None
    SecurityKey.objects.filter(pk=key.pk).update(
        sign_count=verified.new_sign_count, last_used_at=timezone.now()
    )
    auth_event_record(
        kind=AuthEventKind.MFA_VERIFIED, user=user, detail=f"Security key “{key.name}”."
    )
    return key


# --- sessions: one's list of sessions, signing out elsewhere (ADR 0021) -----------------


def _session_store(session_key: str) -> Any:
    from importlib import import_module

    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def user_session_touch(
    *, user: User, session_key: str, client: ClientInfo | None, started: bool
) -> None:
    """Record that ``session_key`` of ``user`` was active now (called by the session
    middleware at most once a minute per session, and at its first request)."""
    now = timezone.now()
    client = client or ClientInfo(ip_address=None, user_agent="")
    defaults: dict[str, Any] = {
        "user": user,
        "last_activity": now,
        "ip_address": client.ip_address,
        "user_agent": client.user_agent,
    }
    updated = UserSession.objects.filter(session_key=session_key, user=user).update(**defaults)
    if not updated:
        UserSession.objects.filter(session_key=session_key).delete()
        try:
            with transaction.atomic():
                UserSession.objects.create(session_key=session_key, started_at=now, **defaults)
        except IntegrityError:
            # A concurrent first request of the same new session created the row first
            # (a browser opens a page and its htmx requests at once): it is this session's
            # row, so record the activity on it instead of answering 500.
            UserSession.objects.filter(session_key=session_key, user=user).update(**defaults)
    if started:
        # Sweep the user's sessions that ended by themselves (idle lock, lifetime).
        idle_since = now - dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES)
        UserSession.objects.filter(user=user, last_activity__lt=idle_since).delete()


def user_session_forget(*, session_key: str | None) -> None:
    """The session was signed out: its row goes (the log has the sign-out)."""
    if session_key:
        UserSession.objects.filter(session_key=session_key).delete()


def _end_sessions(sessions: list[UserSession], *, actor: Any, user: User, why: str) -> int:
    for session in sessions:
        _session_store(session.session_key).delete()
        session.delete()
    if sessions:
        auth_event_record(
            kind=AuthEventKind.SESSION_ENDED,
            user=user,
            by=actor,
            detail=f"{len(sessions)} session(s) signed out: {why}.",
        )
    return len(sessions)


@transaction.atomic
def user_session_end(*, actor: User, session_id: int) -> int:
    """Sign out one of ``actor``'s own sessions (another browser): it is deleted from the
    session store, so its next request is anonymous. ``NotFound`` for a session that is
    not the actor's."""
    session = UserSession.objects.filter(pk=session_id, user=actor).first()
    if session is None:
        raise NotFound("No such session.")
    return _end_sessions([session], actor=actor, user=actor, why="ended from the sessions list")


@transaction.atomic
def user_sessions_end_others(*, actor: User, keep_session_key: str | None) -> int:
    """ "Sign out everywhere else": every session of ``actor`` but the current one."""
    others = list(UserSession.objects.filter(user=actor).exclude(session_key=keep_session_key))
    return _end_sessions(others, actor=actor, user=actor, why="signed out everywhere else")


@transaction.atomic
def user_sign_out_everywhere(*, actor: Any, user: User) -> int:
    """An administrator of the user's agency (or of every agency) ends every session of
    ``user``, e.g. when a device is lost. API tokens are not sessions: revoke those
    separately (or deactivate the account)."""
    if not _may_manage(actor, user):
        raise Forbidden("Only an administrator of the account's agency may sign it out.")
    sessions = list(UserSession.objects.filter(user=user))
    return _end_sessions(sessions, actor=actor, user=user, why="signed out everywhere")


# --- single sign-on (OpenID Connect; ADR 0021) --------------------------------------------


def local_passwords_allowed(user: Any) -> bool:
    """False when ``user`` holds a role in an agency that switched Liaison's passwords off
    (``Agency.local_passwords``): they sign in through single sign-on only."""
    return not RoleGrant.objects.filter(user_id=user.pk, agency__local_passwords=False).exists()


SSO_UNVERIFIED = "Your identity provider did not vouch for your e-mail address."
SSO_AMBIGUOUS = "More than one Liaison account has your e-mail address: ask an administrator."
SSO_INACTIVE = "Your Liaison account is deactivated."


def _free_username(base: str) -> str:
    base = re.sub(r"[^\w.@+-]", "", base)[:140] or "user"
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}{n}"
    return name


@transaction.atomic
def sso_user_for(*, claims: dict[str, Any]) -> User:
    """The Liaison account an identity provider's sign-in is for: matched by e-mail,
    case-insensitively, only when the provider says the address is verified
    (``email_verified``); with no match, a new account is created holding **no role**
    (it can see nothing until an administrator grants one) and no usable password.
    ``Forbidden`` (and a ``sign_in_failed`` event) when the address is unverified,
    matches several accounts or a deactivated one."""
    email = str(claims.get("email") or "").strip()
    refusal = ""
    if not email or claims.get("email_verified") is not True:
        refusal = SSO_UNVERIFIED
    matches = list(User.objects.filter(email__iexact=email)) if email else []
    if not refusal and len(matches) > 1:
        refusal = SSO_AMBIGUOUS
    if not refusal and matches and not matches[0].is_active:
        refusal = SSO_INACTIVE
    if refusal:
        # The caller logs the refusal (a row written here would roll back with it).
        raise Forbidden(refusal)
    if matches:
        return matches[0]
    wanted = str(claims.get("preferred_username") or email.split("@")[0])
    return user_create(
        actor=None,
        username=_free_username(wanted),
        first_name=str(claims.get("given_name") or ""),
        last_name=str(claims.get("family_name") or ""),
        email=email,
    )
