"""An evaluation report's journey in a real browser (issue 7): the participant files a
report — a one-line statement is refused, naming what is missing — then files it in full;
the supervisor returns it for correction with a deadline; the participant corrects and
resubmits it; the supervisor acknowledges it against the checklist. axe-core checks each
page on the way. (The outcomes journey continues from the acknowledged report.)"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from typing import Any

import pytest
from django.utils import timezone

from liaison.accounts.models import Agency, User
from liaison.activities.tests.factories import ActivityFactory, ParticipationFactory
from liaison.people.models import Employee
from liaison.reports.models import EvaluationReport
from liaison.reports.tests.factories import FULL_CONTENT
from tests.test_browser_forms import assert_no_axe_violations

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_BROWSER = os.path.exists(CHROMIUM)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not HAVE_BROWSER, reason="Chromium is not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TITLE = "Public Order Command Course"
PASSWORD = "correct horse battery"
CORRECTED = (
    "Public order unit, Riverside district; the academy's scenario village; the command centre."
)


def sign_in(page: Any, server: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{server}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def status_tag(page: Any) -> Any:
    return page.locator(".usa-intro .usa-tag").first


def participant_files_a_report(page: Any, server: str) -> None:
    from playwright.sync_api import expect

    sign_in(page, server, "officer")
    page.get_by_role("link", name="Reports", exact=True).click()
    assert_no_axe_violations(page, "my evaluation reports")
    page.get_by_role("link", name=f"Start a report on {TITLE}").click()
    assert_no_axe_violations(page, "starting a report")
    page.get_by_role("button", name="Start the report").click()
    assert_no_axe_violations(page, "the report form")
    # A one-line statement is saved as a draft, and refused on submission.
    page.get_by_label("Key takeaways").fill("Attended the course. It was very informative.")
    page.get_by_role("button", name="Save report").click()
    page.get_by_role("button", name="Sign and submit for review").click()
    expect(page.get_by_text("Purpose: missing.").first).to_be_visible()
    expect(page.get_by_text("Recommendations: 0 given").first).to_be_visible()
    expect(status_tag(page)).to_have_text("Draft")
    assert_no_axe_violations(page, "a draft report refused on submission")
    page.get_by_role("link", name="Edit report").click()
    page.get_by_label("Purpose", exact=True).fill(FULL_CONTENT["purpose"])
    page.get_by_label("Itinerary and units visited").fill(
        "Five days at the partner academy, one day at a stadium match."
    )
    page.get_by_label("Key takeaways").fill(FULL_CONTENT["key_takeaways"])
    page.get_by_label("Practical applications").fill(FULL_CONTENT["practical_applications"])
    page.get_by_label("Potential benefits").fill(FULL_CONTENT["potential_benefits"])
    page.get_by_label("Topics covered").fill("crowd control, de-escalation")
    page.get_by_label("Recommendations").fill(
        "Form police liaison teams for large demonstrations.\n"
        "Keep a written decision log for every public order commander."
    )
    page.get_by_role("button", name="Save report").click()
    page.get_by_role("button", name="Sign and submit for review").click()
    expect(status_tag(page)).to_have_text("Submitted for review")


def open_for_review(page: Any, server: str) -> None:
    page.goto(f"{server}/reports/all/?status=submitted")
    assert_no_axe_violations(page, "the list of reports")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("link", name="Review this report").click()
    assert_no_axe_violations(page, "the review form")


def supervisor_returns_it(page: Any, server: str) -> None:
    from playwright.sync_api import expect

    sign_in(page, server, "commander")
    open_for_review(page, server)
    page.locator("label[for=id_checklist_1]").click()
    page.locator("label[for=id_decision_1]").click()  # Return for correction
    page.get_by_label("What must be corrected").fill("Name the units you visited.")
    deadline = timezone.localdate() + dt.timedelta(days=10)
    page.get_by_label("Resubmit by").fill(deadline.isoformat())
    page.get_by_role("button", name="Record review").click()
    expect(status_tag(page)).to_have_text("Returned for correction")
    expect(page.get_by_text("Name the units you visited.").first).to_be_visible()


def participant_resubmits(page: Any, server: str) -> None:
    from playwright.sync_api import expect

    sign_in(page, server, "officer")
    page.get_by_role("link", name="Reports", exact=True).click()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_text("Name the units you visited.").first).to_be_visible()
    assert_no_axe_violations(page, "a returned report")
    page.get_by_role("link", name="Edit report").click()
    page.get_by_label("Itinerary and units visited").fill(CORRECTED)
    page.get_by_role("button", name="Save report").click()
    page.get_by_role("button", name="Sign and resubmit").click()
    expect(status_tag(page)).to_have_text("Submitted for review")


def supervisor_acknowledges(page: Any, server: str) -> None:
    from playwright.sync_api import expect

    sign_in(page, server, "commander")
    open_for_review(page, server)
    for index in range(6):
        page.locator(f"label[for=id_checklist_{index}]").click()
    page.get_by_role("button", name="Record review").click()
    expect(status_tag(page)).to_have_text("Acknowledged")
    expect(page.get_by_text("Acknowledged by").first).to_be_visible()
    page.goto(f"{server}/reports/overdue/")
    assert_no_axe_violations(page, "the overdue list")
    page.goto(f"{server}/reports/search/?q=crowd+control")
    expect(page.locator("mark").first).to_be_visible()
    assert_no_axe_violations(page, "search results")


def test_a_report_is_filed_returned_resubmitted_and_acknowledged(
    page: Any,
    live_server: Any,
    agency: Agency,
    employee_user: User,
    employee_record: Employee,
    commander: User,
) -> None:
    end = timezone.localdate() - dt.timedelta(days=5)
    trip = ActivityFactory.create(
        agency=agency, title=TITLE, start_date=end - dt.timedelta(days=4), end_date=end
    )
    ParticipationFactory.create(
        activity=trip, employee=employee_record, name_at_time="Dana Reyes",
        unit_at_time="Metropolitan Division",
    )  # fmt: skip
    server = live_server.url
    participant_files_a_report(page, server)
    supervisor_returns_it(page, server)
    participant_resubmits(page, server)
    supervisor_acknowledges(page, server)
    report = EvaluationReport.objects.get(activity=trip)
    assert report.status == "acknowledged"
    assert report.itinerary == CORRECTED
    assert list(report.reviews.values_list("decision", flat=True)) == ["returned", "acknowledged"]
