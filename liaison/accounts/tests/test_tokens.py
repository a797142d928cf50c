"""API tokens: hashed at rest, shown once, revocable."""

from __future__ import annotations

import hashlib

import pytest

from liaison.accounts.models import ApiToken, User
from liaison.accounts.services import api_token_authenticate, api_token_create, api_token_revoke
from liaison.core.errors import NotFound


def test_only_a_digest_of_the_token_is_stored(clerk: User) -> None:
    token, raw = api_token_create(actor=clerk, user=clerk, name="nightly export")
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in (stored.digest, stored.prefix, stored.name)
    assert stored.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert raw.startswith(stored.prefix)


def test_a_token_authenticates_its_user_until_revoked(clerk: User) -> None:
    token, raw = api_token_create(actor=clerk, user=clerk, name="script")
    assert getattr(api_token_authenticate(raw), "user", None) == clerk
    api_token_revoke(actor=clerk, token_id=token.pk)
    assert api_token_authenticate(raw) is None


def test_a_wrong_or_malformed_token_authenticates_no_one(clerk: User) -> None:
    _, raw = api_token_create(actor=clerk, user=clerk, name="script")
    assert api_token_authenticate(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None
    assert api_token_authenticate("not-a-token") is None


def test_a_deactivated_user_cannot_use_their_token(clerk: User) -> None:
    _, raw = api_token_create(actor=clerk, user=clerk, name="script")
    clerk.is_active = False
    clerk.save()
    assert api_token_authenticate(raw) is None


def test_no_one_revokes_another_users_token(clerk: User, commander: User) -> None:
    token, _ = api_token_create(actor=clerk, user=clerk, name="script")
    with pytest.raises(NotFound):
        api_token_revoke(actor=commander, token_id=token.pk)
    token.refresh_from_db()
    assert token.revoked_at is None
