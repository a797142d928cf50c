"""A request's journey in a real browser: the employee requests, the security officer
takes the request through security review, the commander approves it, and the employee
sees it approved with the commander named on the approval record.

Each hand-over is one function, so a step (the security officer's risk assessment,
issue 6 part 4) slots in between two of them."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from typing import Any

import pytest
from django.utils import timezone

from liaison.accounts.models import Agency, User
from liaison.activities.tests.factories import CategoryFactory
from liaison.people.tests.factories import EmployeeFactory

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_BROWSER = os.path.exists(CHROMIUM)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not HAVE_BROWSER, reason="Chromium is not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TITLE = "Mass-Casualty Response Study Visit"
PASSWORD = "correct horse battery"


def sign_in(page: Any, server: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{server}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def open_from_waiting_list(page: Any, server: str) -> None:
    page.goto(f"{server}/activities/")
    page.get_by_role("link", name="Waiting for me").click()
    page.get_by_role("link", name=TITLE).click()


def employee_requests(page: Any, server: str) -> None:
    from playwright.sync_api import expect

    sign_in(page, server, "officer")
    page.get_by_role("link", name="New activity").click()
    start = timezone.localdate() + dt.timedelta(days=45)
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Direction").select_option("outbound")
    page.get_by_label("Kind").select_option("site_visit")
    page.get_by_label("Category").select_option(label="Emergency management")
    page.get_by_label("Purpose").fill("Study how mass-casualty scenes are coordinated.")
    page.get_by_label("Start date").fill(start.isoformat())
    page.get_by_label("End date").fill((start + dt.timedelta(days=4)).isoformat())
    page.get_by_label("Estimated cost (US dollars)").fill("4800")
    page.get_by_label("Country (location 1)").select_option("IL")
    page.get_by_label("City (location 1)").fill("Jerusalem")
    page.get_by_role("button", name="Save activity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".liaison-status")).to_have_text("Submitted for approval")


def security_clears(page: Any, server: str) -> None:
    from playwright.sync_api import expect

    sign_in(page, server, "security")
    open_from_waiting_list(page, server)
    page.get_by_role("button", name="Start security review").click()
    expect(page.locator(".liaison-status")).to_have_text("In security review")
    page.get_by_role("button", name="Clear security review").click()
    expect(page.locator(".liaison-status")).to_have_text("In the approval chain")


def commander_approves(page: Any, server: str) -> None:
    from playwright.sync_api import expect

    sign_in(page, server, "commander")
    open_from_waiting_list(page, server)
    page.get_by_role("link", name="Approve…").click()
    page.get_by_label("Conditions").fill("Defensive security briefing before departure.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".liaison-status")).to_have_text("Approved")


def employee_sees_it_approved(page: Any, server: str, commander: User) -> None:
    from playwright.sync_api import expect

    sign_in(page, server, "officer")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator(".liaison-status")).to_have_text("Approved")
    record = page.get_by_test_id("approval-record")
    expect(record).to_contain_text(commander.get_full_name())
    expect(record).to_contain_text("Defensive security briefing before departure.")


def test_a_request_is_requested_reviewed_approved_and_seen_approved(
    page: Any,
    live_server: Any,
    agency: Agency,
    employee_user: User,
    security_officer: User,
    commander: User,
) -> None:
    CategoryFactory.create(name="Emergency management", slug="emergency-management")
    EmployeeFactory.create(agency=agency, user=employee_user, serial_number="20001")
    server = live_server.url
    employee_requests(page, server)
    security_clears(page, server)
    commander_approves(page, server)
    employee_sees_it_approved(page, server, commander)
