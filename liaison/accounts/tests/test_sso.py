"""Single sign-on with OpenID Connect (issue 10 part 3, ADR 0021), against a real provider
the test starts on a free port (oidc-provider-mock: authorization code flow, signed ID
tokens, discovery). The browser's part is played by ``requests`` against the provider and
Django's test client against Liaison."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from django.test import Client

from conftest import PASSWORD
from liaison.accounts.models import Agency, AuthEvent, AuthEventKind, RoleGrant, User
from liaison.accounts.tests.factories import UserFactory, user_with_role

ALICE = {"email": "Clerk@Metro.example", "email_verified": True}
NEWCOMER = {
    "email": "new.person@metro.example",
    "email_verified": True,
    "preferred_username": "new.person",
    "given_name": "New",
    "family_name": "Person",
}


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    import oidc_provider_mock

    users = [
        oidc_provider_mock.User(sub="alice", claims=ALICE),
        oidc_provider_mock.User(sub="newcomer", claims=NEWCOMER),
        oidc_provider_mock.User(sub="unverified", claims={"email": "clerk@metro.example"}),
    ]
    with oidc_provider_mock.run_server_in_thread(port=0, user_claims=users) as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture
def sso(provider: str, settings: Any) -> str:
    settings.OIDC_ISSUER = provider
    settings.OIDC_CLIENT_ID = "liaison"
    settings.OIDC_CLIENT_SECRET = "not-a-real-secret"
    return provider


def sign_in_at_the_provider(
    client: Client, sub: str, next_url: str = "", reauth: bool = False
) -> Any:
    """Click "Sign in with …" (or "Confirm with …": ``reauth``), sign in at the provider
    as ``sub``, follow the provider back to Liaison; returns Liaison's answer."""
    query = "&".join(q for q in (next_url and f"next={next_url}", reauth and "reauth=1") if q)
    start = client.get("/accounts/oidc/login/" + (f"?{query}" if query else ""))
    assert start.status_code == 302
    at_provider = requests.post(
        start["Location"], data={"sub": sub}, allow_redirects=False, timeout=10
    )
    assert at_provider.status_code == 302, at_provider.text[:500]
    back = urlsplit(at_provider.headers["Location"])
    assert back.path == "/accounts/oidc/callback/"
    return client.get(f"{back.path}?{back.query}")


def signed_in_as(client: Client) -> User | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


def test_a_known_account_signs_in_by_its_verified_email(sso: str, agency: Agency) -> None:
    clerk = user_with_role("coordinator", agency, "clerk")
    clerk.email = "clerk@metro.example"
    clerk.save()
    client = Client()
    assert "Sign in with" in client.get("/accounts/login/").content.decode()
    response = sign_in_at_the_provider(client, "alice", next_url="/accounts/tokens/")
    assert response["Location"] == "/accounts/tokens/"
    assert signed_in_as(client) == clerk
    assert client.get("/accounts/tokens/").status_code == 200
    assert AuthEvent.objects.filter(user=clerk, kind=AuthEventKind.SIGN_IN).exists()


def test_a_new_account_is_created_with_no_role(sso: str, db: None) -> None:
    client = Client()
    sign_in_at_the_provider(client, "newcomer")
    user = signed_in_as(client)
    assert user is not None
    assert (user.username, user.email, user.get_full_name()) == (
        "new.person", "new.person@metro.example", "New Person")  # fmt: skip
    assert not user.has_usable_password()
    assert not RoleGrant.objects.filter(user=user).exists()
    # No role: nothing to see.
    assert client.get("/api/v1/activities").json()["count"] == 0


def test_an_unverified_email_is_refused_and_logged(sso: str, clerk: User) -> None:
    clerk.email = "clerk@metro.example"
    clerk.save()
    client = Client()
    response = sign_in_at_the_provider(client, "unverified")
    assert response["Location"] == "/accounts/login/"
    assert signed_in_as(client) is None
    failed = AuthEvent.objects.get(kind=AuthEventKind.SIGN_IN_FAILED)
    assert "did not vouch" in failed.detail and failed.success is False
    assert User.objects.filter(email__iexact="clerk@metro.example").count() == 1


def test_a_forged_answer_is_refused(sso: str, clerk: User) -> None:
    client = Client()
    client.get("/accounts/oidc/login/")
    response = client.get("/accounts/oidc/callback/?code=made-up&state=made-up")
    assert response["Location"] == "/accounts/login/"
    assert signed_in_as(client) is None
    assert AuthEvent.objects.filter(kind=AuthEventKind.SIGN_IN_FAILED).exists()


def test_an_agency_can_switch_local_passwords_off(sso: str, agency: Agency) -> None:
    clerk = user_with_role("coordinator", agency, "clerk")
    clerk.email = "clerk@metro.example"
    clerk.save()
    agency.local_passwords = False
    agency.save()
    by_password = Client()
    refused = by_password.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    assert refused.status_code == 200
    assert "single sign-on only" in refused.content.decode()
    assert signed_in_as(by_password) is None
    # Another agency's people keep their passwords.
    other = UserFactory.create(username="elsewhere")
    elsewhere = Agency.objects.create(name="Elsewhere PD", ori_code="CA0990000", state="CA")
    RoleGrant.objects.create(user=other, role="coordinator", agency=elsewhere)
    ok = Client()
    ok.post("/accounts/login/", {"username": "elsewhere", "password": PASSWORD})
    assert signed_in_as(ok) == other
    # Single sign-on still works for the clerk.
    client = Client()
    sign_in_at_the_provider(client, "alice")
    assert signed_in_as(client) == clerk


def test_an_enrolled_account_still_gives_its_code_after_single_sign_on(
    sso: str, clerk: User
) -> None:
    import time

    import pyotp

    from liaison.accounts.services import totp_begin, totp_confirm

    clerk.email = "clerk@metro.example"
    clerk.save()
    device = totp_begin(actor=clerk)
    totp_confirm(actor=clerk, code=pyotp.TOTP(device.secret).now())
    client = Client()
    response = sign_in_at_the_provider(client, "alice")
    assert response["Location"] == "/accounts/login/code/"
    assert signed_in_as(client) is None
    client.post("/accounts/login/code/", {"code": pyotp.TOTP(device.secret).at(time.time() + 30)})
    assert signed_in_as(client) == clerk


def test_without_configuration_the_button_is_absent_and_the_routes_send_back(db: None) -> None:
    client = Client()
    assert "Sign in with" not in client.get("/accounts/login/").content.decode()
    assert client.get("/accounts/oidc/login/")["Location"] == "/accounts/login/"
    assert client.get("/accounts/oidc/callback/?code=x")["Location"] == "/accounts/login/"


def test_single_sign_on_confirms_it_is_you_before_a_sensitive_action(sso: str, clerk: User) -> None:
    import time

    from liaison.accounts.models import ApiToken
    from liaison.accounts.reauth import AUTH_AT

    clerk.email = "clerk@metro.example"
    clerk.save()
    client = Client()
    sign_in_at_the_provider(client, "alice")
    session = client.session
    session[AUTH_AT] = int(time.time()) - 3600
    session.save()
    page = client.get("/accounts/reauthenticate/?next=/accounts/tokens/")
    assert "Confirm with" in page.content.decode()
    # Someone else at the provider does not confirm the clerk, and no account is made.
    refused = sign_in_at_the_provider(client, "newcomer", "/accounts/tokens/", reauth=True)
    assert refused["Location"] == "/accounts/login/"
    assert not User.objects.filter(email="new.person@metro.example").exists()
    client.post("/accounts/tokens/", {"name": "nightly", "scope": "read"})
    assert not ApiToken.objects.filter(user=clerk).exists()
    # The clerk does, and goes on to the action.
    response = sign_in_at_the_provider(client, "alice", "/accounts/tokens/", reauth=True)
    assert response["Location"] == "/accounts/tokens/"
    assert AuthEvent.objects.filter(user=clerk, kind=AuthEventKind.REAUTHENTICATED).exists()
    client.post("/accounts/tokens/", {"name": "nightly", "scope": "read"})
    assert ApiToken.objects.filter(user=clerk, name="nightly").exists()
