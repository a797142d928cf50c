"""Writes for accounts: users, role grants and API tokens. Keyword-only, actor required,
audited: each leaves one history row per record written, attributed to the actor.

Users and role grants are set up by administrators (the Django admin, whose saves the
history middleware attributes) and by loaders and commands (through these functions);
no page or API endpoint writes them."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.accounts.models import Agency, ApiToken, RoleGrant, User
from liaison.core.audit import delete_audited, save_audited
from liaison.core.errors import Forbidden, NotFound

TOKEN_PREFIX = "lsn_"  # noqa: S105  (a public marker, not a secret)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def user_create(
    *,
    actor: Any,
    username: str,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    password: str | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Add a login. ``password`` may be a raw password or ``None`` (the user cannot sign
    in with a password until one is set); it is hashed here and never copied into the
    history. Usernames are unique (a sentence here, a constraint in the database)."""
    username = (username or "").strip()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": [f"The username “{username}” is taken."]})
    user = User(
        username=username,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
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
