"""Writes for accounts: role grants and API tokens. Keyword-only, actor required, audited."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from liaison.accounts.models import Agency, ApiToken, RoleGrant, User
from liaison.core.audit import save_audited
from liaison.core.errors import NotFound

TOKEN_PREFIX = "lsn_"  # noqa: S105  (a public marker, not a secret)


def token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


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
