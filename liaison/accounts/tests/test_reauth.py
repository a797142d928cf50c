"""Re-authentication before sensitive actions (issue 10 part 4, ADR 0021): creating an API
token and granting roles ask for the password (or an MFA code) again unless one was given
within REAUTH_MINUTES; then the user goes on to the action. Bearer tokens are not asked."""

from __future__ import annotations

import time
from typing import Any

import pyotp
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from liaison.accounts.models import ApiToken, AuthEvent, AuthEventKind, RoleGrant, User
from liaison.accounts.reauth import AUTH_AT
from liaison.accounts.services import api_token_create, totp_begin, totp_confirm
from liaison.accounts.tests.factories import UserFactory

REAUTH = "/accounts/reauthenticate/"


def signed_in_long_ago(user: User, minutes: int = 11) -> Client:
    client = Client()
    client.post("/accounts/login/", {"username": user.get_username(), "password": PASSWORD})
    session = client.session
    session[AUTH_AT] = int(time.time()) - minutes * 60
    session.save()
    return client


def test_a_token_is_created_without_a_prompt_right_after_signing_in(clerk: User) -> None:
    client = Client()
    client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    response = client.post("/accounts/tokens/", {"name": "nightly", "scope": "read"})
    assert response.status_code == 200
    assert ApiToken.objects.filter(user=clerk, name="nightly").exists()


def test_creating_a_token_later_asks_for_the_password_first(clerk: User) -> None:
    client = signed_in_long_ago(clerk)
    refused = client.post("/accounts/tokens/", {"name": "nightly", "scope": "read"})
    assert refused.status_code == 302
    assert refused["Location"].startswith(REAUTH + "?next=")
    assert not ApiToken.objects.filter(user=clerk).exists()
    page = client.get("/accounts/tokens/").content.decode()
    assert "Confirm it is you" in page and 'name="days"' not in page

    wrong = client.post(REAUTH, {"password": "not it", "next": "/accounts/tokens/#create"})
    assert wrong.status_code == 422
    assert "That password is not right" in wrong.content.decode()
    assert AuthEvent.objects.filter(user=clerk, kind=AuthEventKind.SIGN_IN_FAILED).exists()
    assert not ApiToken.objects.filter(user=clerk).exists()

    right = client.post(REAUTH, {"password": PASSWORD, "next": "/accounts/tokens/#create"})
    assert right["Location"] == "/accounts/tokens/#create"
    assert AuthEvent.objects.filter(user=clerk, kind=AuthEventKind.REAUTHENTICATED).exists()
    client.post("/accounts/tokens/", {"name": "nightly", "scope": "read"})
    assert ApiToken.objects.filter(user=clerk, name="nightly").exists()


def test_nine_minutes_are_recent_enough(clerk: User) -> None:
    client = signed_in_long_ago(clerk, minutes=9)
    client.post("/accounts/tokens/", {"name": "nightly", "scope": "read"})
    assert ApiToken.objects.filter(user=clerk, name="nightly").exists()


def test_the_api_asks_a_browser_session_but_never_a_bearer_token(clerk: User) -> None:
    client = signed_in_long_ago(clerk)
    refused = client.post("/api/v1/tokens", {"name": "x"}, content_type="application/json")
    assert refused.status_code == 403
    assert "Confirm it is you" in refused.json()["message"]
    assert not ApiToken.objects.filter(user=clerk).exists()

    _, raw = api_token_create(actor=clerk, user=clerk, name="writer", scope="write")
    by_token = Client().post(
        "/api/v1/tokens",
        {"name": "from a script"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert by_token.status_code == 201
    assert ApiToken.objects.filter(user=clerk, name="from a script").exists()

    fresh = Client()
    fresh.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    ok = fresh.post("/api/v1/tokens", {"name": "fresh"}, content_type="application/json")
    assert ok.status_code == 201


def test_an_enrolled_user_confirms_with_a_code(clerk: User) -> None:
    device = totp_begin(actor=clerk)
    totp_confirm(actor=clerk, code=pyotp.TOTP(device.secret).now())
    client = Client()
    client.force_login(clerk)
    session = client.session
    session[AUTH_AT] = 0
    session.save()
    page = client.get(REAUTH + "?next=/accounts/tokens/")
    assert 'name="code"' in page.content.decode()
    assert 'name="password"' not in page.content.decode()
    next_code = pyotp.TOTP(device.secret).at(int(time.time()) + 30)
    done = client.post(REAUTH, {"code": next_code, "next": "/accounts/tokens/"})
    assert done["Location"] == "/accounts/tokens/"


def test_next_may_not_leave_the_site(clerk: User) -> None:
    client = signed_in_long_ago(clerk)
    done = client.post(REAUTH, {"password": PASSWORD, "next": "https://evil.example/"})
    assert done["Location"] == "/accounts/tokens/"


def _grant_form(user: User, agency_id: int) -> dict[str, Any]:
    return {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": "",
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2024-01-01",
        "date_joined_1": "00:00:00",
        "role_grants-TOTAL_FORMS": "1",
        "role_grants-INITIAL_FORMS": "0",
        "role_grants-MIN_NUM_FORMS": "0",
        "role_grants-MAX_NUM_FORMS": "1000",
        "role_grants-0-role": "approver",
        "role_grants-0-agency": str(agency_id),
        "role_grants-0-user": str(user.pk),
    }


def test_granting_a_role_in_the_admin_asks_first(agency: Any) -> None:
    root = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    newcomer = UserFactory.create(username="newcomer")
    url = reverse("admin:accounts_user_change", args=[newcomer.pk])
    client = signed_in_long_ago(root)
    refused = client.post(url, _grant_form(newcomer, agency.pk))
    assert refused["Location"].startswith(REAUTH)
    assert not RoleGrant.objects.filter(user=newcomer).exists()
    assert client.get(url)["Location"].startswith(REAUTH)

    client.post(REAUTH, {"password": PASSWORD, "next": url})
    assert client.get(url).status_code == 200
    done = client.post(url, _grant_form(newcomer, agency.pk))
    assert done.status_code == 302, done.content.decode()[:2000]
    assert RoleGrant.objects.filter(user=newcomer, role="approver", agency=agency).exists()
