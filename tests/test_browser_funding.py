"""Funding in a real browser (issue 8): a coordinator adds a funder, records a
contribution — first with an amount the service refuses, then a good one — and reads on
the activity's funding page what the equal standard still lacks; the commander opens the
request and is told why it cannot be approved. axe-core checks every page visited."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

from liaison.accounts.models import Agency, User
from liaison.accounts.tests.factories import user_with_role
from liaison.activities.tests.factories import (
    ActivityFactory,
    LocationFactory,
    ParticipationFactory,
)
from liaison.approvals.models import ApprovalStep
from liaison.approvals.tests.helpers import assess_abroad, future
from liaison.funding.models import Contribution
from tests.test_browser_forms import assert_no_axe_violations
from tests.test_browser_request import sign_in

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_BROWSER = os.path.exists(CHROMIUM)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not HAVE_BROWSER, reason="Chromium is not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

TITLE = "Counter-Terrorism Leadership Exchange"
FUNDER = "Harbor Police Foundation"


def coordinator_records_the_money(page: Any, server: str, activity_pk: int) -> None:
    from playwright.sync_api import expect

    sign_in(page, server, "clerk")
    page.get_by_role("link", name="Funding").first.click()
    assert_no_axe_violations(page, "the funding overview")
    page.get_by_role("link", name="Funders registry").click()
    page.get_by_role("link", name="Add a funder").click()
    assert_no_axe_violations(page, "the new funder form")
    page.get_by_label("Name", exact=True).fill(FUNDER)
    page.get_by_label("Type").select_option("police_foundation")
    page.get_by_label("Nature of business").fill("Charitable support of the police")
    page.get_by_role("button", name="Add funder").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FUNDER)

    page.goto(f"{server}/activities/{activity_pk}/")
    page.get_by_role("link", name="Who paid: funding and disclosure").click()
    assert_no_axe_violations(page, "an activity's funding page")
    page.get_by_role("link", name="Record a contribution").click()
    page.get_by_label("Funder").select_option(label=FUNDER)
    page.get_by_label("What it paid").select_option("lodging")
    page.get_by_label("Amount").fill("2410.505")
    page.get_by_role("button", name="Record contribution").click()
    expect(page.get_by_text("at most 2 decimal places").first).to_be_visible()
    assert_no_axe_violations(page, "the contribution form with an error")
    page.get_by_label("Amount").fill("2410.50")
    page.get_by_role("button", name="Record contribution").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Who paid")
    expect(page.get_by_text("Not yet ready for approval")).to_be_visible()
    expect(page.get_by_text("needs a conflict-of-interest screening")).to_be_visible()
    assert_no_axe_violations(page, "the funding page with a contribution")


def commander_is_refused(page: Any, server: str, activity_pk: int) -> None:
    from playwright.sync_api import expect

    sign_in(page, server, "commander")
    page.goto(f"{server}/activities/{activity_pk}/")
    # The page does not offer the move; it says why (the guard's sentence).
    expect(page.get_by_text("An outside-funded activity needs at least the record")).to_be_visible()
    expect(page.get_by_role("link", name="Approve…")).to_have_count(0)
    expect(page.locator(".liaison-status")).to_have_text("In the approval chain")
    assert_no_axe_violations(page, "an activity whose approval the funding guard refuses")


def test_a_coordinator_records_a_funder_and_a_contribution_and_sees_the_guard(
    page: Any, live_server: Any, agency: Agency, clerk: User, commander: User
) -> None:
    activity = ActivityFactory.create(
        agency=agency,
        title=TITLE,
        status="in_approval",
        start_date=future(),
        end_date=future(64),
    )
    LocationFactory.create(activity=activity, country="DE", city="Berlin")
    assess_abroad(activity, security=user_with_role("security", agency, "assessor"))
    ParticipationFactory.create(activity=activity)
    ApprovalStep.objects.create(activity=activity, kind="approval", role="approver", position=1)
    server = live_server.url
    coordinator_records_the_money(page, server, activity.pk)
    assert str(Contribution.objects.get().amount) == "2410.50"
    commander_is_refused(page, server, activity.pk)
