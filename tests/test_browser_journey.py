"""A coordinator's journey in a real browser (Debian's Chromium driven by Playwright):
sign in, create an activity with two locations and three participants, find it by
search, and see it on a participant's page."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

from liaison.accounts.models import Agency, User
from liaison.activities.tests.factories import CategoryFactory
from liaison.people.tests.factories import EmployeeFactory

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_BROWSER = os.path.exists(CHROMIUM)

if not HAVE_BROWSER and os.environ.get("LIAISON_REQUIRE_BROWSER"):
    raise RuntimeError(
        "LIAISON_REQUIRE_BROWSER is set but Chromium is not installed (apt-get install chromium)."
    )

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not HAVE_BROWSER, reason="Chromium is not installed"),
]

# Playwright's sync API runs an event loop in this thread; the test thread's ORM calls are
# only fixture set-up, so Django's async-safety guard may be relaxed for this module.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def choose_country(page: Any, label: str, name: str) -> None:
    """Pick a country in a USWDS combo box as a user does: type part of it, click it."""
    from playwright.sync_api import expect

    box = page.get_by_role("combobox", name=label)
    box.fill(name[:4])
    page.get_by_role("option", name=name, exact=True).click()
    expect(box).to_have_value(name)


def test_a_coordinator_records_an_activity_and_finds_it_again(
    page: Any, live_server: Any, clerk: User, agency: Agency
) -> None:
    from playwright.sync_api import expect

    CategoryFactory.create(name="Human trafficking", slug="human-trafficking")
    people = [
        EmployeeFactory.create(
            agency=agency,
            serial_number="10001",
            first_name="Ada",
            last_name="Lindqvist",
            rank="Detective",
        ),
        EmployeeFactory.create(
            agency=agency,
            serial_number="10002",
            first_name="Bo",
            last_name="Marchetti",
            rank="Sergeant",
        ),
        EmployeeFactory.create(
            agency=agency,
            serial_number="10003",
            first_name="Cy",
            last_name="Okonkwo",
            rank="Lieutenant",
        ),
    ]

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("clerk")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server.url}/activities/")

    page.get_by_role("link", name="New activity").click()
    page.get_by_label("Title").fill("Trafficking Victim Interview Methods Exchange")
    page.get_by_label("Direction").select_option("outbound")
    page.get_by_label("Kind").select_option("exchange")
    page.get_by_label("Category").select_option(label="Human trafficking")
    page.get_by_label("Topics").fill("victim interviews, shelters")
    page.get_by_label("Purpose").fill(
        "Learn how partner agencies interview trafficking victims without re-traumatising them."
    )
    page.get_by_label("Start date").fill("2024-03-04")
    page.get_by_label("End date").fill("2024-03-08")
    choose_country(page, "Country (location 1)", "Canada")
    page.get_by_label("City (location 1)").fill("Toronto")
    choose_country(page, "Country (location 2)", "Canada")
    page.get_by_label("City (location 2)").fill("Vancouver")
    for index, person in enumerate(people, start=1):
        page.get_by_label(f"Employee: name or serial number (participant {index})").fill(
            person.serial_number
        )
    page.get_by_label("Role (participant 1)").select_option("delegation_lead")
    page.get_by_role("button", name="Save activity").click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Trafficking Victim Interview Methods Exchange"
    )
    expect(page.get_by_role("cell", name="Vancouver", exact=True)).to_be_visible()

    page.goto(f"{live_server.url}/activities/")
    page.get_by_label("Search").fill("victim interview")
    page.get_by_role("button", name="Search").first.click()
    result = page.get_by_role("link", name="Trafficking Victim Interview Methods Exchange")
    expect(result).to_be_visible()
    result.click()

    page.get_by_role("link", name="Bo Marchetti").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Marchetti")
    expect(
        page.get_by_role("link", name="Trafficking Victim Interview Methods Exchange")
    ).to_be_visible()
