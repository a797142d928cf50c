"""API tokens (issue 10, part 5): expiry, scopes, one agency, last use, revoked on a
password change and on deactivation; rate limits per token and per address (429 with
Retry-After)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from liaison.accounts.models import Agency, ApiToken, AuthEvent, AuthEventKind, User
from liaison.accounts.services import api_token_create, user_deactivate
from liaison.accounts.tests.factories import RoleGrantFactory
from liaison.activities.models import Activity
from liaison.activities.tests.factories import ActivityFactory, CategoryFactory

API = "/api/v1"


def bearer(raw: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {raw}"})


def new_activity(agency: Agency) -> dict[str, Any]:
    category = CategoryFactory.create()
    return {
        "title": "Exchange by script",
        "direction": "outbound",
        "kind": "exchange",
        "category_id": category.pk,
        "purpose": "Test.",
        "start_date": "2027-03-01",
        "end_date": "2027-03-05",
        "agency_id": agency.pk,
        "locations": [{"country": "CA", "city": "Toronto"}],
    }


def post_json(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}{path}", json.dumps(body), content_type="application/json")


def test_a_token_expires_after_90_days_by_default_and_then_answers_401(clerk: User) -> None:
    token, raw = api_token_create(actor=clerk, user=clerk, name="script")
    assert token.expires_at - token.created_at == pytest.approx(
        dt.timedelta(days=90), abs=dt.timedelta(minutes=1)
    )
    assert bearer(raw).get(f"{API}/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    assert bearer(raw).get(f"{API}/me").status_code == 401


def test_a_token_may_not_outlive_the_limit(clerk: User) -> None:
    with pytest.raises(ValidationError) as refused:
        api_token_create(actor=clerk, user=clerk, name="forever", days=91)
    assert "days" in refused.value.message_dict
    assert not ApiToken.objects.exists()


def test_a_revoked_token_answers_401(clerk: User) -> None:
    token, raw = api_token_create(actor=clerk, user=clerk, name="script")
    assert bearer(raw).post(f"{API}/tokens/{token.pk}/revoke").status_code == 403  # read-only
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert bearer(raw).get(f"{API}/me").status_code == 401


def test_a_read_only_token_reads_but_may_not_write(clerk: User, agency: Agency) -> None:
    _, raw = api_token_create(actor=clerk, user=clerk, name="reader")
    assert bearer(raw).get(f"{API}/activities").status_code == 200
    response = post_json(bearer(raw), "/activities", new_activity(agency))
    assert response.status_code == 403
    assert "may only read" in response.json()["message"]
    assert not Activity.objects.exists()
    _, writer = api_token_create(actor=clerk, user=clerk, name="writer", scope="write")
    assert post_json(bearer(writer), "/activities", new_activity(agency)).status_code == 201


def test_a_token_for_one_agency_cannot_reach_another(
    clerk: User, agency: Agency, other_agency: Agency
) -> None:
    RoleGrantFactory.create(user=clerk, role="coordinator", agency=other_agency)
    theirs = ActivityFactory.create(agency=other_agency)
    _, raw = api_token_create(
        actor=clerk, user=clerk, name="one agency", scope="write", agency_id=agency.pk
    )
    # Reading a record of the other agency: not visible (404, as for a missing record).
    assert bearer(raw).get(f"{API}/activities/{theirs.pk}").status_code == 404
    listed = bearer(raw).get(f"{API}/activities").json()
    assert theirs.pk not in {a["id"] for a in listed["items"]}
    # Writing into the other agency: refused, nothing saved.
    response = post_json(bearer(raw), "/activities", new_activity(other_agency))
    assert response.status_code == 403
    assert not Activity.objects.filter(title="Exchange by script").exists()
    # With the session (no token), the same user reaches both agencies.
    session = Client()
    session.force_login(clerk)
    assert session.get(f"{API}/activities/{theirs.pk}").status_code == 200


def test_a_token_cannot_be_limited_to_an_agency_where_the_user_holds_no_role(
    clerk: User, other_agency: Agency
) -> None:
    with pytest.raises(ValidationError) as refused:
        api_token_create(actor=clerk, user=clerk, name="x", agency_id=other_agency.pk)
    assert "agency_id" in refused.value.message_dict


def test_use_is_recorded(clerk: User) -> None:
    token, raw = api_token_create(actor=clerk, user=clerk, name="script")
    assert token.last_used_at is None
    bearer(raw).get(f"{API}/me")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_password_change_revokes_every_token(clerk: User) -> None:
    token, raw = api_token_create(actor=clerk, user=clerk, name="script")
    clerk.set_password("a new and long passphrase")
    clerk.save()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer(raw).get(f"{API}/me").status_code == 401
    kinds = list(AuthEvent.objects.filter(user=clerk).values_list("kind", flat=True))
    assert AuthEventKind.PASSWORD_CHANGED in kinds
    assert AuthEventKind.TOKEN_REVOKED in kinds


def test_deactivation_revokes_every_token(clerk: User, administrator: User) -> None:
    token, raw = api_token_create(actor=clerk, user=clerk, name="script")
    user_deactivate(actor=administrator, user=clerk)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert bearer(raw).get(f"{API}/me").status_code == 401


def test_a_token_is_limited_to_its_rate_and_told_when_to_retry(clerk: User, settings: Any) -> None:
    settings.API_RATE_LIMIT_TOKEN = 3
    _, raw = api_token_create(actor=clerk, user=clerk, name="busy script")
    client = bearer(raw)
    assert [client.get(f"{API}/me").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(f"{API}/me")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= settings.API_RATE_WINDOW_SECONDS
    assert "Too many requests from this token" in refused.json()["message"]
    # Another token of the same user has its own count.
    _, other = api_token_create(actor=clerk, user=clerk, name="other script")
    assert bearer(other).get(f"{API}/me").status_code == 200


def test_an_address_is_limited_whoever_asks(db: None, settings: Any) -> None:
    settings.API_RATE_LIMIT_ADDRESS = 2
    anonymous = Client()
    assert [anonymous.get(f"{API}/me").status_code for _ in range(2)] == [401, 401]
    refused = anonymous.get(f"{API}/me")
    assert refused.status_code == 429
    assert refused.has_header("Retry-After")
    assert Client().get(f"{API}/me", REMOTE_ADDR="10.1.2.3").status_code == 401


def test_token_creation_and_revocation_are_in_the_authentication_log(clerk: User) -> None:
    token, _ = api_token_create(actor=clerk, user=clerk, name="script")
    from liaison.accounts.services import api_token_revoke

    api_token_revoke(actor=clerk, token_id=token.pk)
    events = AuthEvent.objects.filter(user=clerk).order_by("id")
    assert [e.kind for e in events] == [AuthEventKind.TOKEN_CREATED, AuthEventKind.TOKEN_REVOKED]
    assert all(token.prefix in e.detail for e in events)
