"""A request's journey in a real browser (issue 6): the employee requests a trip to
Israel; the security officer takes it into security review, is told it cannot be cleared
before its location abroad is assessed, assesses it at the advisory level of the day and
clears it; the commander approves it; the employee sees it approved, with the commander
and higher command (Israel is at advisory level 3) named on the approval record and the
assessment's conditions, but not its restricted
concerns. Each hand-over is one function."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from typing import Any

import pytest
from django.utils import timezone

from liaison.accounts.models import Agency, User
from liaison.accounts.tests.factories import user_with_role
from liaison.activities.tests.factories import CategoryFactory
from liaison.people.tests.factories import EmployeeFactory
from liaison.security.tests.factories import advisory
from tests.test_browser_forms import assert_no_axe_violations
from tests.test_browser_journey import choose_country

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
    assert_no_axe_violations(page, "Waiting for me")
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
    choose_country(page, "Country (location 1)", "Israel")
    page.get_by_label("City (location 1)").fill("Jerusalem")
    page.get_by_role("button", name="Save activity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    page.get_by_role("button", name="Submit for approval").click()
    expect(page.locator(".liaison-status")).to_have_text("Submitted for approval")


def security_assesses_and_clears(page: Any, server: str) -> None:
    from playwright.sync_api import expect

    sign_in(page, server, "security")
    open_from_waiting_list(page, server)
    page.get_by_role("button", name="Start security review").click()
    expect(page.locator(".liaison-status")).to_have_text("In security review")
    # Not yet: the location abroad has no risk assessment, and the page says so.
    expect(page.get_by_text("Every location abroad needs a risk assessment")).to_be_visible()
    assert_no_axe_violations(page, "an activity in security review")
    page.get_by_role("link", name="Assess Jerusalem").click()
    expect(page.get_by_text("Level 3: reconsider travel")).to_be_visible()
    assert_no_axe_violations(page, "the risk assessment form")
    page.get_by_label("Concerns").fill("Rocket fire; attacks on crowded places.")
    # USWDS draws its own radio: the label is what a user clicks.
    page.locator("label[for=id_decision_1]").click()
    page.get_by_label("Conditions", exact=True).fill("No travel to the Gaza border area.")
    page.get_by_role("button", name="Record assessment").click()
    expect(page.get_by_text("No travel to the Gaza border area.")).to_be_visible()
    page.get_by_role("button", name="Clear security review").click()
    expect(page.locator(".liaison-status")).to_have_text("In the approval chain")


def commander_approves(page: Any, server: str) -> None:
    from playwright.sync_api import expect

    sign_in(page, server, "commander")
    open_from_waiting_list(page, server)
    page.get_by_role("link", name="Approve…").click()
    assert_no_axe_violations(page, "the approval decision page")
    page.get_by_label("Conditions").fill("Defensive security briefing before departure.")
    page.get_by_role("button", name="Record decision").click()
    # Israel is at advisory level 3 as assessed: higher command must approve as well.
    expect(page.locator(".liaison-status")).to_have_text("In the approval chain")
    expect(page.get_by_test_id("approval-record")).to_contain_text(
        "higher command approves at 3 or above"
    )


def higher_command_approves(page: Any, server: str) -> None:
    from playwright.sync_api import expect

    sign_in(page, server, "deputy")
    open_from_waiting_list(page, server)
    page.get_by_role("link", name="Approve…").click()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".liaison-status")).to_have_text("Approved")


def employee_sees_it_approved(page: Any, server: str, commander: User) -> None:
    from playwright.sync_api import expect

    sign_in(page, server, "officer")
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator(".liaison-status")).to_have_text("Approved")
    assert_no_axe_violations(page, "an approved activity with its approval record")
    record = page.get_by_test_id("approval-record")
    expect(record).to_contain_text(commander.get_full_name())
    expect(record).to_contain_text("Defensive security briefing before departure.")
    expect(page.get_by_text("No travel to the Gaza border area.")).to_be_visible()
    expect(page.get_by_text("Rocket fire")).to_have_count(0)  # restricted to security


def test_a_request_is_requested_reviewed_approved_and_seen_approved(
    page: Any,
    live_server: Any,
    agency: Agency,
    employee_user: User,
    security_officer: User,
    commander: User,
) -> None:
    CategoryFactory.create(name="Emergency management", slug="emergency-management")
    advisory("IL", 3, dt.date(2023, 10, 14), "TU")
    EmployeeFactory.create(agency=agency, user=employee_user, serial_number="20001")
    server = live_server.url
    employee_requests(page, server)
    security_assesses_and_clears(page, server)
    commander_approves(page, server)
    user_with_role("command", agency, "deputy")
    higher_command_approves(page, server)
    employee_sees_it_approved(page, server, commander)
