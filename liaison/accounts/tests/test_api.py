"""The accounts API: /me, and API tokens created, listed and revoked over the API."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client

from conftest import client_for
from liaison.accounts.models import Agency, ApiToken, User
from liaison.accounts.services import api_token_create
from liaison.accounts.tests.factories import user_with_role

API = "/api/v1"


def token_client(user: User) -> tuple[Client, ApiToken]:
    """A script with a bearer token; CSRF is enforced, as in production."""
    token, raw = api_token_create(actor=user, user=user, name="test script", scope="write")
    return Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"}), token


def post(client: Client, path: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(API + path, json.dumps(body or {}), content_type="application/json")


def test_me_names_the_user_and_their_roles(inspector: User, agency: Agency) -> None:
    inspector.first_name, inspector.last_name = "Ines", "Park"
    inspector.save()
    body = client_for(inspector).get(f"{API}/me").json()
    assert body == {
        "username": "inspector",
        "full_name": "Ines Park",
        "roles": [{"role": "overseer", "agency_id": agency.pk, "agency_name": agency.name}],
    }


def test_a_role_over_every_agency_has_no_agency(db: None) -> None:
    overseer = user_with_role("overseer", None, "state_auditor")
    roles = client_for(overseer).get(f"{API}/me").json()["roles"]
    assert roles == [{"role": "overseer", "agency_id": None, "agency_name": None}]


def test_me_without_signing_in_is_401_json(db: None) -> None:
    response = Client().get(f"{API}/me")
    assert response.status_code == 401
    assert set(response.json()) == {"message", "errors"}


def test_a_token_made_over_the_api_is_shown_once_and_works(clerk: User) -> None:
    script, _ = token_client(clerk)
    response = post(script, "/tokens", {"name": "nightly export"})
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["token"].startswith(created["prefix"])
    assert (created["name"], created["active"]) == ("nightly export", True)
    new_client = Client(headers={"Authorization": f"Bearer {created['token']}"})
    assert new_client.get(f"{API}/me").json()["username"] == "clerk"
    listed = script.get(f"{API}/tokens").json()
    assert listed["count"] == 2
    assert all("token" not in t and "digest" not in t for t in listed["items"])
    assert created["token"] not in json.dumps(listed)


def test_the_token_list_shows_only_my_own(clerk: User, commander: User) -> None:
    api_token_create(actor=commander, user=commander, name="someone else's")
    body = client_for(clerk).get(f"{API}/tokens").json()
    assert body == {"items": [], "count": 0, "count_is_exact": True}


def test_a_revoked_token_stops_working(clerk: User) -> None:
    script, token = token_client(clerk)
    response = post(script, f"/tokens/{token.pk}/revoke")
    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    assert response.json()["revoked_at"]
    assert script.get(f"{API}/me").status_code == 401
    assert post(script, "/tokens", {"name": "sneaky"}).status_code == 401
    assert ApiToken.objects.filter(user=clerk).count() == 1


def test_no_one_revokes_another_users_token_over_the_api(clerk: User, commander: User) -> None:
    theirs, _ = api_token_create(actor=commander, user=commander, name="theirs")
    script, _ = token_client(clerk)
    response = post(script, f"/tokens/{theirs.pk}/revoke")
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_token_name_that_is_too_long_is_refused_naming_the_field(clerk: User) -> None:
    script, _ = token_client(clerk)
    response = post(script, "/tokens", {"name": "x" * 101})
    assert response.status_code == 422
    assert "name" in response.json()["errors"]
    assert ApiToken.objects.filter(user=clerk).count() == 1


def test_a_session_needs_a_csrf_token_to_make_a_token(clerk: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(clerk)
    response = post(browser, "/tokens", {"name": "from a forged form"})
    assert response.status_code == 403
    assert not ApiToken.objects.exists()
