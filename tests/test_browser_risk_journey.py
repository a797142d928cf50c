"""The journey of issue 6 in a real browser, as far as security goes: an employee requests
a trip to Israel, the commander cannot approve it yet and is told why, the security
officer assesses it, the commander approves, and the employee sees it approved."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from typing import Any

import pytest

from liaison.accounts.models import Agency, User
from liaison.activities.tests.factories import CategoryFactory
from liaison.security.tests.factories import advisory

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Chromium is not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
PASSWORD = "correct horse battery"


def sign_in(page: Any, url: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_employee_requests_security_assesses_commander_approves(
    page: Any,
    live_server: Any,
    employee_user: User,
    employee_record: Any,
    security_officer: User,
    commander: User,
    agency: Agency,
) -> None:
    from playwright.sync_api import expect

    CategoryFactory.create(name="Counterterrorism", slug="counterterrorism")
    advisory("IL", 3, dt.date(2023, 10, 14), "TU")
    url = live_server.url

    sign_in(page, url, "officer")
    page.get_by_role("link", name="New activity").click()
    page.get_by_label("Title").fill("Counter-Terrorism Command Seminar")
    page.get_by_label("Direction").select_option("outbound")
    page.get_by_label("Kind").select_option("seminar")
    page.get_by_label("Category").select_option(label="Counterterrorism")
    page.get_by_label("Purpose").fill("Learn incident command for mass-casualty attacks.")
    page.get_by_label("Start date").fill("2030-03-08")
    page.get_by_label("End date").fill("2030-03-12")
    page.get_by_label("Country (location 1)").select_option("IL")
    page.get_by_label("City (location 1)").fill("Tel Aviv")
    page.get_by_role("button", name="Save activity").click()
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".liaison-status")).to_have_text("Submitted for approval")
    activity_url = page.url

    sign_in(page, url, "commander")
    page.goto(activity_url)
    expect(page.get_by_text("Every location abroad needs a risk assessment")).to_be_visible()

    sign_in(page, url, "security")
    page.goto(activity_url)
    page.get_by_role("link", name="Assess Tel Aviv").click()
    expect(page.get_by_text("Level 3: reconsider travel")).to_be_visible()
    page.get_by_label("Concerns").fill("Rocket fire; attacks on crowded places.")
    # USWDS draws its own radio: the label is what a user clicks.
    page.locator("label[for=id_decision_1]").click()
    page.get_by_label("Conditions", exact=True).fill("No travel to the Gaza border area.")
    page.get_by_role("button", name="Record assessment").click()
    expect(page.get_by_text("No travel to the Gaza border area.")).to_be_visible()

    sign_in(page, url, "commander")
    page.goto(activity_url)
    page.get_by_role("button", name="Approve").click()
    expect(page.locator(".liaison-status")).to_have_text("Approved")

    sign_in(page, url, "officer")
    page.goto(activity_url)
    expect(page.locator(".liaison-status")).to_have_text("Approved")
    expect(page.get_by_text("No travel to the Gaza border area.")).to_be_visible()
    expect(page.get_by_text("Rocket fire")).to_have_count(0)
