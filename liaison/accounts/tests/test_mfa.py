"""MFA (issue 10 part 2, ADR 0021): an authenticator app (TOTP) with recovery codes,
enrolled on its pages, asked for at sign-in after the password, required for the security
officer, overseer and administrator roles. Codes are computed by pyotp from the secret
the enrolment page shows, as a phone would."""

from __future__ import annotations

import re
import time
from typing import Any

import pyotp
import pytest
from django.test import Client

from conftest import PASSWORD
from liaison.accounts.models import AuthEvent, AuthEventKind, RecoveryCode, TotpDevice, User
from liaison.accounts.services import mfa_verify, totp_begin, totp_confirm
from liaison.accounts.tests.factories import user_with_role
from liaison.core.errors import Forbidden

LOGIN = "/accounts/login/"
CODE = "/accounts/login/code/"


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def code_at(secret: str, seconds_from_now: int = 0) -> str:
    return pyotp.TOTP(secret).at(int(time.time()) + seconds_from_now)


def enrol_on_the_page(client: Client) -> tuple[str, list[str]]:
    """Set up an authenticator through the pages: read the key the page shows, answer
    with the app's current code; returns the secret and the recovery codes shown."""
    page = client.get("/accounts/mfa/setup/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'src="data:image/svg+xml' in html  # the QR code, an image, no script
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html)
    assert secret is not None
    key = secret.group(1).replace(" ", "")
    done = client.post("/accounts/mfa/setup/", {"code": code_at(key)})
    assert done.status_code == 200
    codes = re.findall(r"<li>([0-9a-f]{5}-[0-9a-f]{5})</li>", done.content.decode())
    return key, codes


def enrolled(user: User) -> tuple[str, list[str]]:
    """``user`` with a confirmed authenticator (through the services)."""
    device = totp_begin(actor=user)
    codes = totp_confirm(actor=user, code=code_at(device.secret))
    return device.secret, codes


def kinds(user: User) -> list[str]:
    return list(AuthEvent.objects.filter(user=user).order_by("id").values_list("kind", flat=True))


def test_a_totp_sign_in_end_to_end(clerk: User) -> None:
    client = Client()
    client.post(LOGIN, {"username": "clerk", "password": PASSWORD})
    secret, codes = enrol_on_the_page(client)
    assert len(codes) == 10
    assert TotpDevice.objects.get(user=clerk).confirmed_at is not None
    client.post("/accounts/logout/")

    fresh = Client()
    after_password = fresh.post(
        LOGIN, {"username": "clerk", "password": PASSWORD, "next": "/accounts/tokens/"}
    )
    assert after_password["Location"] == CODE
    # The password alone signs nobody in.
    assert not signed_in(fresh)
    assert fresh.get("/activities/")["Location"].startswith(LOGIN)
    # The app's code for the next 30-second step (the current one was used to enrol).
    response = fresh.post(CODE, {"code": code_at(secret, 30)})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/tokens/"
    assert signed_in(fresh)
    assert fresh.get("/accounts/tokens/").status_code == 200
    assert kinds(clerk)[-3:] == [
        AuthEventKind.SIGN_OUT,
        AuthEventKind.MFA_VERIFIED,
        AuthEventKind.SIGN_IN,
    ]
    assert AuthEventKind.MFA_ENROLLED in kinds(clerk)


def test_a_wrong_code_is_refused_and_logged(clerk: User) -> None:
    secret, _ = enrolled(clerk)
    client = Client()
    client.post(LOGIN, {"username": "clerk", "password": PASSWORD})
    right = code_at(secret, 30)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    response = client.post(CODE, {"code": wrong})
    assert response.status_code == 422
    assert "That code is not right" in response.content.decode()
    assert not signed_in(client)
    failed = AuthEvent.objects.filter(user=clerk, kind=AuthEventKind.MFA_FAILED).get()
    assert failed.success is False
    # The right code still works afterwards.
    client.post(CODE, {"code": right})
    assert signed_in(client)


def test_a_code_works_once_only(clerk: User) -> None:
    secret, _ = enrolled(clerk)
    code = code_at(secret, 30)
    assert mfa_verify(user=clerk, code=code) == "totp"
    with pytest.raises(Exception, match="not right"):
        mfa_verify(user=clerk, code=code)


def test_five_wrong_codes_send_the_user_back_to_the_password(clerk: User) -> None:
    enrolled(clerk)
    client = Client()
    client.post(LOGIN, {"username": "clerk", "password": PASSWORD})
    for _ in range(4):
        assert client.post(CODE, {"code": "000000x"}).status_code == 422
    fifth = client.post(CODE, {"code": "000000x"})
    assert fifth["Location"] == LOGIN
    assert client.get(CODE)["Location"] == LOGIN
    assert not signed_in(client)
    assert AuthEvent.objects.filter(user=clerk, kind=AuthEventKind.MFA_FAILED).count() == 5


def test_a_recovery_code_works_once_only(clerk: User) -> None:
    _, codes = enrolled(clerk)
    first = Client()
    first.post(LOGIN, {"username": "clerk", "password": PASSWORD})
    # Typed as people do: upper case, with spaces.
    first.post(CODE, {"code": f" {codes[0].upper()} "})
    assert signed_in(first)
    assert RecoveryCode.objects.filter(user=clerk, used_at__isnull=False).count() == 1
    used = AuthEvent.objects.filter(user=clerk, kind=AuthEventKind.RECOVERY_CODE_USED).get()
    assert "9 recovery codes left" in used.detail

    again = Client()
    again.post(LOGIN, {"username": "clerk", "password": PASSWORD})
    assert again.post(CODE, {"code": codes[0]}).status_code == 422
    assert not signed_in(again)
    again.post(CODE, {"code": codes[1]})
    assert signed_in(again)


def test_enrolling_with_a_wrong_code_changes_nothing(clerk: User) -> None:
    client = Client()
    client.force_login(clerk)
    client.get("/accounts/mfa/setup/")
    response = client.post("/accounts/mfa/setup/", {"code": "12345"})
    assert response.status_code == 422
    assert "That code is not right" in response.content.decode()
    assert not TotpDevice.objects.filter(user=clerk, confirmed_at__isnull=False).exists()
    assert not RecoveryCode.objects.filter(user=clerk).exists()
    assert AuthEvent.objects.filter(user=clerk, kind=AuthEventKind.MFA_FAILED).exists()
    # Signing in still needs only the password: nothing is in force.
    other = Client()
    other.post(LOGIN, {"username": "clerk", "password": PASSWORD})
    assert signed_in(other)


@pytest.fixture
def mfa_required_by_default(settings: Any) -> None:
    settings.MFA_REQUIRED_ROLES = ["security", "overseer", "admin"]


@pytest.mark.usefixtures("mfa_required_by_default")
def test_mfa_is_required_for_the_security_officer(
    security_officer: User, employee_user: User
) -> None:
    from liaison.accounts.services import api_token_create

    _, raw = api_token_create(actor=security_officer, user=security_officer, name="script")
    client = Client()
    client.post(LOGIN, {"username": "security", "password": PASSWORD})
    assert signed_in(client)
    # Every page but enrolment sends them to enrol; the API through the session refuses.
    for url in ("/activities/", "/accounts/tokens/", "/accounts/sessions/", "/people/employees/"):
        response = client.get(url)
        assert response["Location"] == "/accounts/mfa/", url
    api = client.get("/api/v1/activities")
    assert api.status_code == 403
    assert "requires a second factor" in api.json()["message"]
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    page = client.get("/accounts/mfa/")
    assert "Required." in page.content.decode()

    secret, _ = enrol_on_the_page(client)
    assert client.get("/activities/").status_code == 200
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    # From now on their sign-in asks for the code.
    later = Client()
    later.post(LOGIN, {"username": "security", "password": PASSWORD})
    assert not signed_in(later)
    later.post(CODE, {"code": code_at(secret, 30)})
    assert signed_in(later)

    # Optional for others: an employee without MFA goes on as before.
    officer = Client()
    officer.post(LOGIN, {"username": "officer", "password": PASSWORD})
    assert officer.get("/activities/").status_code == 200


@pytest.mark.usefixtures("mfa_required_by_default")
def test_overseers_and_administrators_must_enrol_too(agency: Any) -> None:
    for role in ("overseer", "admin"):
        user = user_with_role(role, agency, f"must-{role}")
        client = Client()
        client.force_login(user)
        assert client.get("/activities/")["Location"] == "/accounts/mfa/"


def test_removing_the_authenticator_needs_a_recent_check_and_is_logged(clerk: User) -> None:
    enrolled(clerk)
    client = Client()
    client.force_login(clerk)
    session = client.session
    session["liaison_auth_at"] = int(time.time()) - 3600
    session.save()
    refused = client.post("/accounts/mfa/remove/")
    assert refused["Location"].startswith("/accounts/reauthenticate/")
    assert TotpDevice.objects.filter(user=clerk).exists()
    session = client.session
    session["liaison_auth_at"] = int(time.time())
    session.save()
    client.post("/accounts/mfa/remove/")
    assert not TotpDevice.objects.filter(user=clerk).exists()
    assert not RecoveryCode.objects.filter(user=clerk).exists()
    assert AuthEventKind.MFA_REMOVED in kinds(clerk)


def test_new_recovery_codes_replace_the_old_ones(clerk: User) -> None:
    _, old = enrolled(clerk)
    client = Client()
    client.force_login(clerk)
    page = client.post("/accounts/mfa/recovery-codes/")
    new = re.findall(r"<li>([0-9a-f]{5}-[0-9a-f]{5})</li>", page.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    with pytest.raises(Exception, match="not right"):
        mfa_verify(user=clerk, code=old[0])
    assert mfa_verify(user=clerk, code=new[0]) == "recovery"


def test_only_the_user_or_their_agencys_administrator_resets_mfa(
    clerk: User, administrator: User, outsider: User
) -> None:
    from liaison.accounts.services import mfa_remove

    enrolled(clerk)
    with pytest.raises(Forbidden):
        mfa_remove(actor=outsider, user=clerk)
    assert TotpDevice.objects.filter(user=clerk).exists()
    assert mfa_remove(actor=administrator, user=clerk) is True
    event = AuthEvent.objects.get(user=clerk, kind=AuthEventKind.MFA_REMOVED)
    assert event.actor == administrator


def test_the_admins_own_sign_in_form_is_not_a_way_around_mfa(clerk: User) -> None:
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)
    posted = Client()
    posted.post("/admin/login/", {"username": "clerk", "password": PASSWORD})
    assert not signed_in(posted)


def test_a_forged_security_key_answer_is_refused_and_logged(clerk: User) -> None:
    from liaison.accounts.models import SecurityKey

    client = Client()
    client.force_login(clerk)
    page = client.get("/accounts/mfa/keys/add/")
    assert page.status_code == 200
    assert 'type="application/json"' in page.content.decode()  # the options, as data
    forged = '{"id": "AAAA", "rawId": "AAAA", "type": "public-key", "response": {}}'
    response = client.post("/accounts/mfa/keys/add/", {"name": "fake", "credential": forged})
    assert response.status_code == 422
    assert "was not accepted" in response.content.decode()
    assert not SecurityKey.objects.filter(user=clerk).exists()
    assert not RecoveryCode.objects.filter(user=clerk).exists()
    assert AuthEvent.objects.filter(user=clerk, kind=AuthEventKind.MFA_FAILED).exists()


def test_guessing_codes_is_stopped_even_with_the_right_password(clerk: User) -> None:
    secret, _ = enrolled(clerk)
    for _ in range(2):  # two rounds of five wrong codes, each after the right password
        client = Client()
        client.post(LOGIN, {"username": "clerk", "password": PASSWORD})
        for _ in range(5):
            client.post(CODE, {"code": "000000x"})
    client = Client()
    client.post(LOGIN, {"username": "clerk", "password": PASSWORD})
    # Even the right code is refused now, and the page says why.
    response = client.post(CODE, {"code": code_at(secret, 30)})
    assert response.status_code == 422
    assert "Too many wrong codes for this account" in response.content.decode()
    assert not signed_in(client)
