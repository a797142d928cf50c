"""Writes for accounts: agencies, users, role grants and API tokens. Keyword-only, actor
required, audited: each leaves one history row per record written, attributed to the actor.

``agency_create`` and ``user_create`` accept ``actor=None``: the *system*, i.e. a management
command run by someone with shell access to the server (``load_demo``, a deployer's
set-up script). Their history rows then name no user ("system"). Any other actor must be
an administrator. No page or API endpoint writes users or role grants.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import Any

from django.contrib.auth.hashers import identify_hasher
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.accounts.access import ALL_AGENCIES, scope_for
from liaison.accounts.models import Agency, ApiToken, Role, RoleGrant, User
from liaison.core.audit import delete_audited, save_audited
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
    return user


@transaction.atomic
def role_revoke(*, actor: Any, grant: RoleGrant) -> None:
    """Take a role away. The grant's history keeps who held it, where, and who revoked it."""
    grant = RoleGrant.objects.select_for_update().get(pk=grant.pk)
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
    return grant


@transaction.atomic
def api_token_create(*, actor: Any, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a bearer token for ``user``. The raw token is returned once and never stored:
    only its SHA-256 digest is kept."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user, name=name.strip() or "API token", prefix=raw[:12], digest=token_digest(raw)
    )
    save_audited(token, actor=actor)
    return token, raw


@transaction.atomic
def api_token_revoke_as_administrator(*, actor: Any, token: ApiToken) -> ApiToken:
    """Revoke anyone's token (the admin's "Revoke" action). Only staff with the
    permission to change tokens may; a token is otherwise read-only, so its owner, digest
    and prefix never change and a revocation is never undone. Revoking a revoked token
    writes nothing."""
    if not (getattr(actor, "is_staff", False) and actor.has_perm("accounts.change_apitoken")):
        raise Forbidden("Only administrators revoke other people's tokens.")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        save_audited(token, actor=actor, validate=False)
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
    return token


def api_token_authenticate(raw: str) -> User | None:
    """The active user a raw token belongs to, or ``None``. Constant-time by construction:
    the lookup is by digest, never by comparing raw strings."""
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=token_digest(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
