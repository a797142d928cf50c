"""Sign-in, sign-out and the API-token page, through the Django test client."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from conftest import PASSWORD, client_for
from liaison.accounts.models import ApiToken, User
from liaison.accounts.services import api_token_authenticate, api_token_create

LOGIN_URL = reverse("accounts:login")
TOKENS_URL = reverse("accounts:tokens")


def html(response: Any) -> str:
    return str(response.content.decode())


class TestLogin:
    def test_the_sign_in_page_has_labelled_fields(self, db: None) -> None:
        response = Client().get(LOGIN_URL)
        assert response.status_code == 200
        page = html(response)
        assert '<label class="usa-label" for="id_username">Username</label>' in page
        assert '<label class="usa-label" for="id_password">Password</label>' in page
        assert ">Sign in</button>" in page

    def test_it_signs_in_and_goes_to_the_activities(self, clerk: User) -> None:
        client = Client()
        response = client.post(LOGIN_URL, {"username": "clerk", "password": PASSWORD})
        assert response.status_code == 302
        assert response["Location"] == reverse("activities:list")
        assert client.get(reverse("activities:list")).status_code == 200

    def test_it_returns_to_the_page_that_asked_for_sign_in(self, clerk: User) -> None:
        response = Client().post(
            LOGIN_URL, {"username": "clerk", "password": PASSWORD, "next": TOKENS_URL}
        )
        assert response["Location"] == TOKENS_URL

    def test_a_wrong_password_is_an_error_not_a_sign_in(self, clerk: User) -> None:
        client = Client()
        response = client.post(LOGIN_URL, {"username": "clerk", "password": "wrong"})
        assert response.status_code == 200
        page = html(response)
        assert 'role="alert"' in page
        assert "Please enter a correct username and password" in page
        assert client.get(TOKENS_URL).status_code == 302

    def test_sign_out_takes_a_post(self, clerk: User) -> None:
        client = client_for(clerk)
        assert client.get(reverse("accounts:logout")).status_code == 405
        response = client.post(reverse("accounts:logout"))
        assert response.status_code == 302
        assert client.get(TOKENS_URL).status_code == 302


class TestTokens:
    def test_it_asks_anonymous_visitors_to_sign_in(self, db: None) -> None:
        response = Client().get(TOKENS_URL)
        assert response.status_code == 302
        assert response["Location"].startswith(LOGIN_URL)

    def test_it_creates_a_token_and_shows_it_once(self, commander: User) -> None:
        client = client_for(commander)
        response = client.post(TOKENS_URL, {"name": "nightly export"})
        assert response.status_code == 200
        token = ApiToken.objects.get(user=commander)
        page = html(response)
        raw = page.split('id="new-token" type="text" value="', 1)[1].split('"', 1)[0]
        assert raw.startswith(token.prefix)
        assert getattr(api_token_authenticate(raw), "user", None) == commander
        assert "it will not be shown again" in page
        assert "no-store" in response["Cache-Control"]
        later = html(client.get(TOKENS_URL))
        assert raw not in later
        assert "nightly export" in later
        assert token.prefix in later

    def test_it_lists_only_the_users_own_tokens(self, commander: User, clerk: User) -> None:
        api_token_create(actor=clerk, user=clerk, name="clerk's script")
        page = html(client_for(commander).get(TOKENS_URL))
        assert "clerk&#x27;s script" not in page
        assert "You have no API tokens." in page

    def test_it_revokes_a_token(self, commander: User) -> None:
        token, raw = api_token_create(actor=commander, user=commander, name="old script")
        client = client_for(commander)
        response = client.post(reverse("accounts:token_revoke", args=[token.pk]), follow=True)
        token.refresh_from_db()
        assert token.revoked_at is not None
        assert api_token_authenticate(raw) is None
        assert "is revoked" in html(response)
        assert "Revoked " in html(response)

    def test_another_users_token_is_not_found(self, commander: User, clerk: User) -> None:
        token, _raw = api_token_create(actor=clerk, user=clerk, name="clerk's script")
        response = client_for(commander).post(reverse("accounts:token_revoke", args=[token.pk]))
        assert response.status_code == 404
        token.refresh_from_db()
        assert token.revoked_at is None

    def test_revoking_takes_a_post(self, commander: User) -> None:
        token, _raw = api_token_create(actor=commander, user=commander, name="script")
        url = reverse("accounts:token_revoke", args=[token.pk])
        assert client_for(commander).get(url).status_code == 405

    def test_it_shows_the_users_roles(self, clerk: User) -> None:
        page = html(client_for(clerk).get(TOKENS_URL))
        assert "Coordinator — Metro Police Department" in page
