"""Sessions (issue 10, part 4): a session idle for longer than SESSION_IDLE_MINUTES (30)
is sent to sign in again, and none outlives SESSION_ABSOLUTE_HOURS."""

from __future__ import annotations

import time

from django.test import Client

from conftest import PASSWORD
from liaison.accounts.middleware import LAST_SEEN, SIGNED_IN_AT
from liaison.accounts.models import AuthEvent, AuthEventKind, User


def signed_in_client() -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/activities/").status_code == 200
    return client


def age(client: Client, **seconds_ago: int) -> None:
    session = client.session
    now = int(time.time())
    for key, ago in seconds_ago.items():
        session[{"last_seen": LAST_SEEN, "signed_in": SIGNED_IN_AT}[key]] = now - ago
    session.save()


def test_a_session_idle_for_31_minutes_is_sent_to_sign_in(clerk: User) -> None:
    client = signed_in_client()
    age(client, last_seen=31 * 60)
    response = client.get("/activities/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/activities/"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in page
    assert AuthEvent.objects.filter(user=clerk, kind=AuthEventKind.SIGN_OUT).exists()
    # The API answers 401 to the same lapsed session.
    client = signed_in_client()
    age(client, last_seen=31 * 60)
    assert client.get("/api/v1/me").status_code == 401


def test_a_session_idle_for_29_minutes_goes_on(clerk: User) -> None:
    client = signed_in_client()
    age(client, last_seen=29 * 60)
    assert client.get("/activities/").status_code == 200


def test_no_session_outlives_the_absolute_lifetime_however_busy(clerk: User) -> None:
    client = signed_in_client()
    age(client, last_seen=10, signed_in=12 * 3600 + 60)
    response = client.get("/activities/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "Sessions last at most 12 hours" in client.get(response["Location"]).content.decode()
