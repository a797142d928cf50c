"""Failed sign-ins (issue 10, part 1; CJIS 5.5.3): five failures lock the account name and
the address for a set time; the lockout and its release are logged; an administrator can
release it; the words never tell whether the account exists."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from conftest import PASSWORD, client_for
from liaison.accounts.models import AuthEvent, AuthEventKind, User
from liaison.accounts.services import account_unlock
from liaison.core.errors import Forbidden

LOGIN = "/accounts/login/"
LOCKED = "Too many failed sign-ins"
WRONG = "Please enter a correct username and password"


def sign_in(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_the_sixth_wrong_password_is_locked_out_and_then_the_right_one_fails_too(
    clerk: User,
) -> None:
    client = Client()
    for _ in range(4):
        response = sign_in(client, "clerk", "wrong password")
        assert response.status_code == 200
        assert WRONG in response.content.decode()
    # The fifth failure reaches the limit: the account is locked from now on.
    assert sign_in(client, "clerk", "wrong password").status_code == 429
    sixth = sign_in(client, "clerk", "wrong password")
    assert sixth.status_code == 429
    assert LOCKED in sixth.content.decode()
    right = sign_in(client, "clerk", PASSWORD)
    assert right.status_code == 429
    assert not signed_in(client)
    lockouts = AuthEvent.objects.filter(kind=AuthEventKind.LOCKOUT)
    assert [(e.user, e.success, e.ip_address) for e in lockouts] == [(clerk, False, "10.0.0.1")]
    assert "Locked until" in lockouts[0].detail


def test_the_lock_holds_from_another_address_and_for_the_address_with_another_name(
    clerk: User, commander: User
) -> None:
    for _ in range(5):
        sign_in(Client(), "clerk", "wrong password", ip="10.0.0.1")
    # Per account: the right password from elsewhere is refused.
    assert sign_in(Client(), "clerk", PASSWORD, ip="10.9.9.9").status_code == 429
    # Per address: another account from the locked address is refused.
    assert sign_in(Client(), "commander", PASSWORD, ip="10.0.0.1").status_code == 429
    # Another account from another address signs in.
    other = Client()
    sign_in(other, "commander", PASSWORD, ip="10.9.9.9")
    assert signed_in(other)


def test_the_words_are_the_same_whether_or_not_the_account_exists(clerk: User) -> None:
    def answers(username: str, ip: str) -> list[tuple[int, str]]:
        seen = []
        for _ in range(6):
            response = sign_in(Client(), username, "wrong password", ip=ip)
            page = response.content.decode()
            seen.append((response.status_code, LOCKED if LOCKED in page else WRONG))
        return seen

    assert answers("clerk", "10.0.0.1") == answers("nobody-by-this-name", "10.0.0.2")


def test_an_administrator_unlocks_on_the_page_and_the_right_password_works_again(
    clerk: User, administrator: User
) -> None:
    for _ in range(5):
        sign_in(Client(), "clerk", "wrong password")
    admin = client_for(administrator)
    page = admin.get("/accounts/lockouts/").content.decode()
    assert "Account clerk" in page
    assert "Address 10.0.0.1" not in page  # an agency's administrator sees no addresses
    response = admin.post("/accounts/lockouts/", {"username": "clerk"})
    assert response.status_code == 302
    assert sign_in(Client(), "clerk", PASSWORD, ip="10.9.9.9").status_code == 302
    unlock = AuthEvent.objects.get(kind=AuthEventKind.UNLOCK)
    assert (unlock.user, unlock.actor) == (clerk, administrator)


def test_the_unlock_command_releases_an_account_and_an_address(clerk: User) -> None:
    for _ in range(5):
        sign_in(Client(), "clerk", "wrong password")
    out = StringIO()
    call_command("unlock", "--username", "clerk", "--ip", "10.0.0.1", stdout=out)
    assert "clerk" in out.getvalue()
    client = Client()
    sign_in(client, "clerk", PASSWORD)
    assert signed_in(client)
    unlock = AuthEvent.objects.get(kind=AuthEventKind.UNLOCK)
    assert unlock.actor is None
    assert "address 10.0.0.1" in unlock.detail


@pytest.mark.parametrize("persona", ["clerk", "inspector", "security_officer", "outsider"])
def test_only_administrators_unlock(
    persona: str, commander: User, request: pytest.FixtureRequest
) -> None:
    for _ in range(5):
        sign_in(Client(), "commander", "wrong password")
    user = request.getfixturevalue(persona)
    refused = client_for(user).post("/accounts/lockouts/", {"username": "commander"})
    assert refused.status_code == 403
    with pytest.raises(Forbidden):
        account_unlock(actor=user, username="commander")
    assert sign_in(Client(), "commander", PASSWORD, ip="10.9.9.9").status_code == 429
    assert not AuthEvent.objects.filter(kind=AuthEventKind.UNLOCK).exists()


def test_another_agencys_administrator_cannot_unlock(clerk: User, other_agency: Any) -> None:
    from liaison.accounts.tests.factories import user_with_role

    stranger = user_with_role("admin", other_agency, "stranger")
    for _ in range(5):
        sign_in(Client(), "clerk", "wrong password")
    response = client_for(stranger).post("/accounts/lockouts/", {"username": "clerk"})
    assert response.status_code == 403
    assert "Account clerk" not in client_for(stranger).get("/accounts/lockouts/").content.decode()
    assert sign_in(Client(), "clerk", PASSWORD, ip="10.9.9.9").status_code == 429


def test_the_lockout_ends_by_itself_after_the_set_time(clerk: User, settings: Any) -> None:
    import datetime as dt

    from axes.models import AccessAttempt

    for _ in range(5):
        sign_in(Client(), "clerk", "wrong password")
    assert sign_in(Client(), "clerk", PASSWORD).status_code == 429
    # Ten minutes pass (the attempts age rather than the clock moving).
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.first().attempt_time - dt.timedelta(minutes=11)  # type: ignore[union-attr]
    )
    client = Client()
    sign_in(client, "clerk", PASSWORD)
    assert signed_in(client)
