"""After the trip, in a real browser (issue 7, parts 5–7): an acknowledged evaluation
report recommends a crowd tactic learned from a foreign force; the commander adopts it and
records what changed; the policy reviewer finds it in conflict with the de-escalation
directive and says why; the inspector sees the conflict on /oversight/ and follows the
count to the adoption. axe-core checks every page on the way. Each hand-over is one
function."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

from liaison.accounts.models import Agency, User
from liaison.outcomes.tests.factories import PolicyFactory, RecommendationFactory
from tests.test_browser_forms import assert_no_axe_violations

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_BROWSER = os.path.exists(CHROMIUM)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not HAVE_BROWSER, reason="Chromium is not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ACTIVITY = "Crowd Control and Public Order Training with the Royal Thai Police"
TACTIC = "Units push a crowd back in a closed baton line before a dispersal order."
RATIONALE = "Force comes before any attempt to persuade the crowd to comply voluntarily."
PASSWORD = "correct horse battery"


def sign_in(page: Any, server: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{server}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def commander_adopts(page: Any, server: str, activity_id: int) -> None:
    from playwright.sync_api import expect

    sign_in(page, server, "commander")
    page.goto(f"{server}/activities/{activity_id}/")
    page.get_by_role("link", name="What was adopted").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What was adopted")
    assert_no_axe_violations(page, "an activity's outcomes")
    page.get_by_role("link", name="Recommendation 1").click()
    assert_no_axe_violations(page, "a recommendation to decide")
    # No reason: refused, and the page says which part is missing.
    page.get_by_role("button", name="Adopt", exact=True).click()
    expect(page.locator(".usa-alert--error")).to_contain_text("Say why")
    expect(page.get_by_text("Not decided yet.")).to_be_visible()
    page.get_by_label("Why").fill("Clears a street quickly with few officers.")
    page.get_by_role("button", name="Adopt", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record what changed")
    assert_no_axe_violations(page, "the adoption form")
    page.get_by_label("Kind").select_option("tactic")
    page.get_by_label("What changed").fill(TACTIC)
    page.get_by_label("In effect from").fill("2019-03-01")
    page.get_by_role("button", name="Record adoption").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tactic adopted")
    expect(page.get_by_text("Not reviewed yet.")).to_be_visible()
    assert_no_axe_violations(page, "an adoption")


def reviewer_finds_a_conflict(page: Any, server: str) -> None:
    from playwright.sync_api import expect

    sign_in(page, server, "reviewer")
    page.get_by_role("link", name="Outcomes").click()
    page.get_by_role("link", name="Awaiting alignment review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Awaiting alignment review")
    assert_no_axe_violations(page, "adoptions awaiting review")
    page.get_by_role("link", name=TACTIC).click()
    page.get_by_role("link", name="Review against a policy").click()
    assert_no_axe_violations(page, "the alignment review form")
    page.get_by_label("Policy").select_option(
        label="Use of Force–Tactics Directive 16 Tactical De-Escalation Techniques"
    )
    page.get_by_label("Verdict").select_option("conflicts")
    # Without a rationale the review is refused, on its field.
    page.get_by_role("button", name="Record review").click()
    expect(page.locator("#id_rationale_error")).to_contain_text("Give the rationale")
    page.get_by_label("Rationale").fill(RATIONALE)
    page.get_by_role("button", name="Record review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tactic adopted")
    expect(page.get_by_text(RATIONALE)).to_be_visible()
    assert_no_axe_violations(page, "an adoption in conflict")


def inspector_sees_the_conflict(page: Any, server: str) -> None:
    from playwright.sync_api import expect

    sign_in(page, server, "inspector")
    page.goto(f"{server}/oversight/")
    assert_no_axe_violations(page, "the oversight summary")
    conflicts = page.locator('[data-figure="conflicts"] a')
    expect(conflicts).to_have_text("1")
    conflicts.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("In conflict with a policy")
    expect(page.get_by_role("link", name=TACTIC)).to_be_visible()
    assert_no_axe_violations(page, "the list of adoptions in conflict")
    page.get_by_role("link", name="Policy library").click()
    assert_no_axe_violations(page, "the policy library")
    page.get_by_role("link", name="Use of Force–Tactics Directive 16").click()
    expect(page.get_by_text(TACTIC)).to_be_visible()
    assert_no_axe_violations(page, "a policy with the reviews against it")


def test_an_adoption_is_decided_recorded_found_in_conflict_and_seen_by_oversight(
    page: Any,
    live_server: Any,
    agency: Agency,
    commander: User,
    reviewer: User,
    inspector: User,
) -> None:
    rec = RecommendationFactory.create(
        report__activity__agency=agency,
        report__activity__title=ACTIVITY,
        text="Adopt the Royal Thai Police advancing baton line.",
    )
    PolicyFactory.create(agency=agency, identifier="Use of Force–Tactics Directive 16")
    PolicyFactory.create(agency=agency, identifier="130.25", title="Reverence for Human Life")
    server = live_server.url
    commander_adopts(page, server, rec.activity_id)
    reviewer_finds_a_conflict(page, server)
    inspector_sees_the_conflict(page, server)
