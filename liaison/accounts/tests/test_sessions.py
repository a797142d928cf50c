"""One's sessions (issue 10 part 4, ADR 0021): a list of one's active sessions, "sign out"
for another one, "sign out everywhere else", and an administrator signing a user out
everywhere. A session counts as ended when its next request is anonymous, not when a
page says so."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from liaison.accounts.models import AuthEvent, AuthEventKind, User, UserSession
from liaison.accounts.services import user_sign_out_everywhere
from liaison.accounts.tests.factories import UserFactory
from liaison.core.errors import Forbidden

LOGIN = "/accounts/login/"


def browser(username: str, agent: str, ip: str) -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR=ip)
    client.post(LOGIN, {"username": username, "password": PASSWORD})
    # The first request after signing in records the session (SessionLockMiddleware).
    assert client.get("/accounts/tokens/").status_code == 200
    return client


def works(client: Client) -> bool:
    return client.get("/accounts/tokens/").status_code == 200


def test_the_list_shows_each_browser_where_one_is_signed_in(clerk: User, outsider: User) -> None:
    laptop = browser("clerk", "Firefox on the desk", "10.0.0.1")
    browser("clerk", "Phone browser", "10.0.0.2")
    browser("outsider", "Someone else", "10.0.0.3")
    page = laptop.get("/accounts/sessions/").content.decode()
    assert "Firefox on the desk" in page and "(this session)" in page
    assert "Phone browser" in page and "10.0.0.2" in page
    assert "Someone else" not in page


def test_signing_out_another_session_ends_it(clerk: User) -> None:
    laptop = browser("clerk", "Laptop", "10.0.0.1")
    phone = browser("clerk", "Phone", "10.0.0.2")
    other = UserSession.objects.get(user=clerk, user_agent="Phone")
    laptop.post("/accounts/sessions/", {"session": other.pk})
    assert not works(phone)
    assert phone.get("/accounts/tokens/")["Location"].startswith(LOGIN)
    assert works(laptop)
    event = AuthEvent.objects.get(user=clerk, kind=AuthEventKind.SESSION_ENDED)
    assert event.success and "1 session(s)" in event.detail


def test_sign_out_everywhere_else_keeps_only_this_session(clerk: User) -> None:
    laptop = browser("clerk", "Laptop", "10.0.0.1")
    phone = browser("clerk", "Phone", "10.0.0.2")
    tablet = browser("clerk", "Tablet", "10.0.0.3")
    response = laptop.post("/accounts/sessions/", {"action": "others"})
    assert response.status_code == 302
    assert not works(phone) and not works(tablet)
    assert works(laptop)
    assert list(UserSession.objects.filter(user=clerk).values_list("user_agent", flat=True)) == [
        "Laptop"
    ]


def test_another_users_session_cannot_be_signed_out(clerk: User, outsider: User) -> None:
    mine = browser("clerk", "Laptop", "10.0.0.1")
    theirs = browser("outsider", "Theirs", "10.0.0.9")
    target = UserSession.objects.get(user=outsider)
    assert mine.post("/accounts/sessions/", {"session": target.pk}).status_code == 404
    assert mine.post("/accounts/sessions/", {"session": "x"}).status_code == 302
    assert works(theirs)
    assert not AuthEvent.objects.filter(kind=AuthEventKind.SESSION_ENDED).exists()


def test_signing_out_forgets_the_session(clerk: User) -> None:
    laptop = browser("clerk", "Laptop", "10.0.0.1")
    assert UserSession.objects.filter(user=clerk).count() == 1
    laptop.post("/accounts/logout/")
    assert not UserSession.objects.filter(user=clerk).exists()


def test_an_administrator_signs_a_user_out_everywhere(
    clerk: User, administrator: User, outsider: User
) -> None:
    laptop = browser("clerk", "Laptop", "10.0.0.1")
    phone = browser("clerk", "Phone", "10.0.0.2")
    try:
        user_sign_out_everywhere(actor=outsider, user=clerk)
    except Forbidden:
        pass
    else:
        raise AssertionError("another agency's coordinator signed the clerk out")
    assert works(laptop) and works(phone)
    assert user_sign_out_everywhere(actor=administrator, user=clerk) == 2
    assert not works(laptop) and not works(phone)
    event = AuthEvent.objects.get(user=clerk, kind=AuthEventKind.SESSION_ENDED)
    assert event.actor == administrator


def test_the_admin_action_signs_a_user_out_everywhere(clerk: User) -> None:
    root = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    laptop = browser("clerk", "Laptop", "10.0.0.1")
    admin = Client()
    admin.force_login(root)
    response = admin.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "sign_out_everywhere", "_selected_action": [clerk.pk]},
    )
    assert response.status_code == 302
    assert not works(laptop)


@pytest.mark.django_db(transaction=True)
def test_two_first_requests_of_a_new_session_at_once_record_one_row() -> None:
    """A browser sends a page's first request and its htmx requests together: both find no
    row for the new session and both create it. The loser used to answer 500 (duplicate
    key); it now records the activity on the winner's row. PostgreSQL only (SQLite's test
    database is one in-memory connection per thread)."""
    import threading

    from django.db import connection, connections

    from liaison.accounts.services import user_session_touch

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with its database lock")
    user = UserFactory.create(username="racer")
    errors: list[BaseException] = []

    def first_request(barrier: threading.Barrier, key: str) -> None:
        try:
            barrier.wait()
            user_session_touch(user=user, session_key=key, client=None, started=True)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    for round_ in range(10):
        barrier = threading.Barrier(2)
        key = f"race-{round_:02d}".ljust(32, "x")
        threads = [threading.Thread(target=first_request, args=(barrier, key)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert UserSession.objects.filter(session_key=key, user=user).count() == 1
    assert errors == []
