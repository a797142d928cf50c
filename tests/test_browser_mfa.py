"""MFA in a real browser (issue 10 part 2, ADR 0021): a security officer, whose role
requires MFA, signs in with a password, is held on the enrolment page, scans (reads) the
key the page shows, confirms it with the code an authenticator app computes (pyotp, as the
phone would), keeps the recovery codes, signs out, and signs in again with a password and
a fresh code. Everything runs under the site's Content-Security-Policy (no inline script:
the QR code is an SVG image drawn on the server) and is checked with axe-core."""

from __future__ import annotations

import os
import shutil
import time
from typing import Any

import pyotp
import pytest

from liaison.accounts.models import Agency, AuthEvent, AuthEventKind, User
from liaison.accounts.tests.factories import user_with_role
from tests.test_browser_forms import assert_no_axe_violations

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_BROWSER = os.path.exists(CHROMIUM)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not HAVE_BROWSER, reason="Chromium is not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct horse battery"


def sign_in_with_password(page: Any, server: str) -> None:
    page.goto(f"{server}/accounts/login/")
    page.get_by_label("Username").fill("security")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.django_db(transaction=True)
def test_a_security_officer_enrols_and_signs_in_with_a_code(
    page: Any, live_server: Any, agency: Agency, settings: Any
) -> None:
    from playwright.sync_api import expect

    settings.MFA_REQUIRED_ROLES = ["security", "overseer", "admin"]
    officer: User = user_with_role("security", agency, "security")
    server = live_server.url

    sign_in_with_password(page, server)
    # Held on the MFA page until enrolled, wherever they try to go.
    page.goto(f"{server}/activities/")
    expect(page).to_have_url(f"{server}/accounts/mfa/")
    expect(page.get_by_text("requires a second factor").first).to_be_visible()
    assert_no_axe_violations(page, "the MFA page")
    page.get_by_role("link", name="Set up an authenticator app").click()
    expect(page.get_by_role("img", name="QR code")).to_be_visible()
    assert_no_axe_violations(page, "the set-up page")
    secret = page.locator("#totp-secret").inner_text().replace(" ", "")
    page.get_by_label("Code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    assert page.locator("#recovery-codes li").count() == 10
    page.get_by_role("link", name="I have saved them").click()
    page.goto(f"{server}/activities/")
    expect(page).to_have_url(f"{server}/activities/")

    page.get_by_role("button", name="Sign out").click()
    sign_in_with_password(page, server)
    expect(page).to_have_url(f"{server}/accounts/login/code/")
    assert_no_axe_violations(page, "the code page")
    # A wrong code first: refused, said so, and still not signed in.
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("That code is not right").first).to_be_visible()
    page.get_by_label("Code").fill(pyotp.TOTP(secret).at(int(time.time()) + 30))
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{server}/activities/")
    expect(page).to_have_url(f"{server}/activities/")
    logged = set(AuthEvent.objects.filter(user=officer).values_list("kind", flat=True))
    assert {AuthEventKind.MFA_ENROLLED, AuthEventKind.MFA_FAILED,
            AuthEventKind.MFA_VERIFIED} <= logged  # fmt: skip


def add_virtual_authenticator(page: Any) -> Any:
    """Chromium's virtual authenticator (DevTools protocol): a platform passkey that
    answers at once, as a fingerprint reader would."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return cdp


@pytest.mark.django_db(transaction=True)
def test_a_passkey_is_registered_and_signs_in(page: Any, live_server: Any, agency: Agency) -> None:
    from playwright.sync_api import expect

    from liaison.accounts.models import SecurityKey

    clerk: User = user_with_role("coordinator", agency, "clerk")
    server = live_server.url
    add_virtual_authenticator(page)
    page.goto(f"{server}/accounts/login/")
    page.get_by_label("Username").fill("clerk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{server}/accounts/mfa/")
    page.get_by_role("link", name="Add a security key or passkey").click()
    assert_no_axe_violations(page, "the security key page")
    page.get_by_label("Name of the key").fill("work laptop")
    page.get_by_role("button", name="Register this key").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    key = SecurityKey.objects.get(user=clerk)
    assert key.name == "work laptop"

    page.goto(f"{server}/activities/")
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{server}/accounts/login/")
    page.get_by_label("Username").fill("clerk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{server}/accounts/login/code/")
    page.get_by_role("button", name="Use your security key or passkey").click()
    expect(page).not_to_have_url(f"{server}/accounts/login/code/")
    page.goto(f"{server}/accounts/tokens/")
    expect(page).to_have_url(f"{server}/accounts/tokens/")
    verified = AuthEvent.objects.filter(user=clerk, kind=AuthEventKind.MFA_VERIFIED).get()
    assert "work laptop" in verified.detail
    key.refresh_from_db()
    assert key.last_used_at is not None
