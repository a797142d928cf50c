"""A real delegation in a real browser (Debian's Chromium through Playwright): a
coordinator records an activity with 12 participants found by name and 4 locations in ONE
save — once with the mouse, once with the keyboard alone — and axe-core (pinned in
package.json, injected from node_modules) finds no violation on any page the journey
visits: the activity list, the form (also with errors), the detail page, the cancel
confirmation step and the people pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from liaison.accounts.models import Agency, User
from liaison.activities.models import Activity
from liaison.activities.tests.factories import CategoryFactory
from liaison.activities.workflow import Status
from liaison.people.models import Employee
from liaison.people.tests.factories import (
    EmployeeFactory,
    ExternalPersonFactory,
    OrganisationFactory,
)
from tests.test_browser_journey import HAVE_BROWSER, choose_country

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not HAVE_BROWSER, reason="Chromium is not installed"),
]

AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"

FIRST = ["Ada", "Bo", "Cy", "Dee", "Eli", "Fay", "Gus", "Hal", "Ivy", "Jo", "Kai", "Lou", "Mo"]
LAST = [
    "Lindqvist",
    "Marchetti",
    "Okonkwo",
    "Petrakis",
    "Quintana",
    "Rasmussen",
    "Sandoval",
    "Takahashi",
    "Underwood",
    "Valdivia",
    "Whitfield",
    "Xenakis",
    "Yamamoto",
]
LOCATIONS = [("CA", "Canada", "Toronto"), ("FR", "France", "Lyon"), ("IT", "Italy", "Rome")]
LOCATIONS.append(("PL", "Poland", "Warsaw"))


def assert_no_axe_violations(page: Any, where: str) -> None:
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `npm ci` (axe-core is pinned there).")
    page.wait_for_load_state()
    page.locator("main h1").wait_for()
    # Evaluated through the DevTools protocol, not added as a <script> element: the page's
    # Content-Security-Policy (rightly) refuses inline scripts, and the test must not
    # switch the policy off (bypass_csp) to check the pages as users get them.
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document)")
    assert result["passes"], f"axe-core checked nothing on {where}"
    problems = [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(" ".join(n["target"]) for n in v["nodes"][:3])
        for v in result["violations"]
    ]
    assert not problems, f"axe-core on {where}:\n" + "\n".join(problems)


def test_the_axe_check_finds_a_violation_when_there_is_one(page: Any) -> None:
    page.set_content(
        '<html lang="en"><body><main><h1>A page</h1><img src="x.png"></main></body></html>'
    )
    with pytest.raises(AssertionError, match="image-alt"):
        assert_no_axe_violations(page, "a page with an image without alt text")


@pytest.fixture
def delegation(agency: Agency) -> list[Employee]:
    CategoryFactory.create(name="Crowd control", slug="crowd-control")
    OrganisationFactory.create(name="Royal Thai Police", country="TH", org_type="police")
    ExternalPersonFactory.create(agency=agency, full_name="Somchai Wong", country="TH")
    return [
        EmployeeFactory.create(
            agency=agency,
            serial_number=f"{10001 + n}",
            first_name=FIRST[n],
            last_name=LAST[n],
            rank="Officer",
        )
        for n in range(13)
    ]


def sign_in(page: Any, base: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("clerk")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()


def assert_saved_in_one_go(title: str, delegation: list[Employee]) -> Activity:
    activity = Activity.objects.get(title=title)
    assert sorted(activity.locations.values_list("city", flat=True)) == sorted(
        city for _, _, city in LOCATIONS
    )
    people = {p.employee for p in activity.participations.all()}
    assert people == set(delegation[:12])
    # ONE save: a single "created" history row for the activity, none "changed".
    assert [h.history_type for h in activity.history.all()] == ["+"]
    return activity


def test_a_coordinator_records_a_delegation_of_twelve_in_one_save(
    page: Any, live_server: Any, clerk: User, agency: Agency, delegation: list[Employee]
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    sign_in(page, base)
    expect(page).to_have_url(f"{base}/activities/")
    assert_no_axe_violations(page, "the activity list")

    page.get_by_role("link", name="New activity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("New activity")
    assert_no_axe_violations(page, "the new-activity form")

    # An invalid save first: the error summary takes the focus, the title says "Error:".
    page.get_by_role("button", name="Save activity").last.click()
    expect(page).to_have_title("Error: New activity · Liaison")
    expect(page.locator("#error-summary")).to_be_focused()
    assert_no_axe_violations(page, "the form with errors")

    title = "Crowd Control Exchange with the Royal Thai Police"
    page.get_by_label("Title").fill(title)
    page.get_by_label("Direction").select_option("outbound")
    page.get_by_label("Kind").select_option("exchange")
    page.get_by_label("Category").select_option(label="Crowd control")
    page.get_by_label("Purpose").fill("Compare public-order tactics for large events.")
    page.get_by_label("Start date").fill("2024-02-05")
    page.get_by_label("End date").fill("2024-02-09")

    # Three location rows are offered; a fourth is added without saving (htmx), and its
    # country is a USWDS combo box like the rows that came with the page.
    page.get_by_role("button", name="Add a location").click()
    expect(page.get_by_role("combobox", name="Country (location 4)")).to_be_focused()
    for index, (_, name, city) in enumerate(LOCATIONS, start=1):
        choose_country(page, f"Country (location {index})", name)
        page.get_by_label(f"City (location {index})").fill(city)

    # Five participant rows are offered; seven more are added, then each is found by name.
    for number in range(6, 13):
        page.get_by_role("button", name="Add a participant").click()
        expect(
            page.get_by_label(f"Employee: name or serial number (participant {number})")
        ).to_be_focused()
    for index, person in enumerate(delegation[:12], start=1):
        box = page.get_by_label(f"Employee: name or serial number (participant {index})")
        box.fill(person.last_name[:5])
        page.get_by_role("option", name=f"{person.first_name} {person.last_name}").click()
        expect(box).to_have_value(
            f"{person.first_name} {person.last_name} ({person.serial_number})"
        )
    page.get_by_label("Role (participant 1)").select_option("delegation_lead")

    # A row added and removed again leaves no trace.
    page.get_by_role("button", name="Add a participant").click()
    page.get_by_role("button", name="Remove participant 13").click()
    expect(page.get_by_label("Employee: name or serial number (participant 13)")).to_have_count(0)
    assert Activity.objects.count() == 0

    page.get_by_role("button", name="Save activity").last.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    activity = assert_saved_in_one_go(title, delegation)
    assert activity.participations.get(employee=delegation[0]).role == "delegation_lead"
    expect(page.get_by_text(f"A-{activity.pk:06d}")).to_be_visible()
    assert_no_axe_violations(page, "the activity page")

    page.get_by_role("link", name="Cancel activity").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel this activity?")
    assert_no_axe_violations(page, "the cancel confirmation step")
    page.get_by_label("Reason").fill("The host postponed the exchange.")
    page.get_by_role("button", name="Yes, cancel this activity").click()
    expect(page.locator(".liaison-status")).to_have_text("Cancelled")
    activity.refresh_from_db()
    assert activity.status == Status.CANCELLED

    for path, where in (
        ("/people/employees/", "the employee list"),
        (f"/people/employees/{delegation[0].pk}/", "an employee page"),
        ("/people/external/", "the external person list"),
        ("/people/organisations/", "the organisation list"),
    ):
        page.goto(base + path)
        assert_no_axe_violations(page, where)
    page.get_by_role("link", name="Royal Thai Police").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Royal Thai Police")
    assert_no_axe_violations(page, "an organisation page")
    page.get_by_role("link", name="Edit organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Edit Royal Thai Police")
    assert_no_axe_violations(page, "the organisation edit form")


def focused(page: Any) -> str:
    return str(page.evaluate("document.activeElement ? document.activeElement.id : ''"))


def tab_to(page: Any, element_id: str, *, limit: int = 300) -> None:
    """Press Tab until the element with ``element_id`` has the focus (keyboard only)."""
    for _ in range(limit):
        if focused(page) == element_id:
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached #{element_id} (stuck on #{focused(page)})")


def test_the_same_delegation_with_the_keyboard_alone(
    page: Any, live_server: Any, clerk: User, agency: Agency, delegation: list[Employee]
) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    tab_to(page, "id_username")
    page.keyboard.type("clerk")
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{base}/activities/")

    page.keyboard.press("Tab")
    for _ in range(60):
        if page.evaluate("document.activeElement.textContent.trim()") == "New activity":
            break
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("New activity")

    title = "Keyboard Delegation to the Carabinieri"
    tab_to(page, "id_title")
    page.keyboard.type(title)
    for element_id, text in (
        ("id_direction", "Outbound"),
        ("id_kind", "Exchange"),
        ("id_category", "Crowd"),
    ):
        tab_to(page, element_id)
        page.keyboard.type(text)  # type-ahead in a select
    tab_to(page, "id_purpose")
    page.keyboard.type("Learn how the Carabinieri train for public order.")
    for element_id, day in (
        ("id_start_date", dt.date(2024, 3, 4)),
        ("id_end_date", dt.date(2024, 3, 8)),
    ):
        tab_to(page, element_id)
        page.keyboard.type(day.strftime("%m%d%Y"))

    tab_to(page, "add-locations")
    page.keyboard.press("Enter")  # htmx adds row 4 and focuses it
    expect(page.locator("#id_locations-3-country")).to_be_focused()
    for index, (_, name, city) in enumerate(LOCATIONS):
        # The country is a USWDS combo box (row 4 too, added by htmx): type the name,
        # Enter chooses the option that matches it exactly.
        tab_to(page, f"id_locations-{index}-country")
        page.keyboard.type(name)
        page.keyboard.press("Enter")
        # After a choice the box's "clear" button is in the tab order (USWDS): tab on.
        tab_to(page, f"id_locations-{index}-city")
        page.keyboard.type(city)

    for number in range(5, 12):
        tab_to(page, "add-participants")
        page.keyboard.press("Enter")
        expect(page.locator(f"#id_participants-{number}-serial_number")).to_be_focused()
    for index, person in enumerate(delegation[:12]):
        tab_to(page, f"id_participants-{index}-serial_number")
        page.keyboard.type(person.last_name[:6])
        expect(
            page.get_by_role("option", name=f"{person.first_name} {person.last_name}")
        ).to_be_visible()
        page.keyboard.press("ArrowDown")
        page.keyboard.press("Enter")  # chooses the option; does not submit
        expect(page.locator(f"#id_participants-{index}-serial_number")).to_have_value(
            f"{person.first_name} {person.last_name} ({person.serial_number})"
        )
    assert Activity.objects.count() == 0

    # Enter in a text box saves (the form's first button is "Save activity").
    tab_to(page, "id_title")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    activity = assert_saved_in_one_go(title, delegation)
    assert activity.direction == "outbound" and activity.kind == "exchange"
    assert activity.start_date == dt.date(2024, 3, 4)


def test_wide_tables_scroll_inside_a_focusable_region_at_320px(
    page: Any, live_server: Any, clerk: User, agency: Agency, delegation: list[Employee]
) -> None:
    from liaison.activities.services import (
        ActivityInput,
        LocationInput,
        ParticipantInput,
        activity_create,
        activity_update,
    )

    data = ActivityInput(
        title="Aviation Convention with a Rather Long Title for a Narrow Screen",
        direction="outbound",
        kind="convention",
        category_id=None,
        category_slug="crowd-control",
        purpose="Compare helicopter crew training.",
        start_date=dt.date(2024, 6, 1),
        end_date=dt.date(2024, 6, 3),
        locations=[LocationInput(country="GB", city="Kingston upon Hull")],
        participants=[ParticipantInput(serial_number=p.serial_number) for p in delegation[:3]],
    )
    activity = activity_create(actor=clerk, agency=agency, data=data)
    data.title = "Aviation Convention"
    activity_update(actor=clerk, activity=activity, data=data)

    sign_in(page, live_server.url)
    page.set_viewport_size({"width": 320, "height": 700})
    for path in (
        "/activities/",
        f"/activities/{activity.pk}/",
        f"/activities/{activity.pk}/history/",
        "/people/employees/",
        "/people/organisations/",
    ):
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, f"{path} scrolls sideways at 320 px ({width} px wide)"
        regions = page.locator(".usa-table-container--scrollable")
        assert regions.count() >= 1, path
        for index in range(regions.count()):
            region = regions.nth(index)
            assert region.get_attribute("tabindex") == "0", path
            assert region.get_attribute("role") == "region", path
            assert region.get_attribute("aria-label"), path
    # The history table is wider than the screen: it scrolls inside its region, which the
    # keyboard can reach (and then scroll with the arrow keys).
    page.goto(f"{live_server.url}/activities/{activity.pk}/history/")
    region = page.get_by_role("region", name="Change history")
    assert region.evaluate("e => e.scrollWidth > e.clientWidth")
    label = "document.activeElement.getAttribute('aria-label')"
    for _ in range(80):
        if page.evaluate(label) == "Change history":
            break
        page.keyboard.press("Tab")
    assert page.evaluate(label) == "Change history"


def test_without_javascript_rows_and_names_still_work(
    page: Any, live_server: Any, clerk: User, agency: Agency, delegation: list[Employee]
) -> None:
    from playwright.sync_api import expect

    context = page.context.browser.new_context(java_script_enabled=False)
    context.set_default_timeout(15_000)
    nojs = context.new_page()
    try:
        sign_in(nojs, live_server.url)
        nojs.goto(f"{live_server.url}/activities/new/")
        title = "Exchange Recorded Without JavaScript"
        nojs.get_by_label("Title").fill(title)
        nojs.get_by_label("City (location 2)").fill("Lyon")
        # "Add a location" is a plain submit: the whole form comes back with four rows.
        nojs.get_by_role("button", name="Add a location").click()
        expect(nojs.get_by_label("Country (location 4)")).to_be_visible()
        expect(nojs.get_by_label("Title")).to_have_value(title)
        expect(nojs.get_by_label("City (location 2)")).to_have_value("Lyon")
        nojs.get_by_role("button", name="Remove location 2").click()
        expect(nojs.get_by_label("Country (location 4)")).to_have_count(0)
        expect(nojs.get_by_label("City (location 2)")).to_have_value("")
        assert Activity.objects.count() == 0

        nojs.get_by_label("Direction").select_option("outbound")
        nojs.get_by_label("Kind").select_option("exchange")
        nojs.get_by_label("Category").select_option(label="Crowd control")
        nojs.get_by_label("Purpose").fill("Compare public-order tactics.")
        nojs.get_by_label("Start date").fill("2024-02-05")
        nojs.get_by_label("End date").fill("2024-02-09")
        nojs.get_by_label("Country (location 1)").select_option("FR")
        # No autocomplete: a unique part of a name is resolved on save.
        nojs.get_by_label("Employee: name or serial number (participant 1)").fill("Marchetti")
        nojs.get_by_label("Employee: name or serial number (participant 2)").fill("10003")
        nojs.get_by_role("button", name="Save activity").last.click()
        expect(nojs.get_by_role("heading", level=1)).to_have_text(title)
        activity = Activity.objects.get(title=title)
        assert {p.employee for p in activity.participations.all()} == {
            delegation[1],
            delegation[2],
        }
    finally:
        context.close()


def test_the_csp_watch_reports_an_inline_script(page: Any, live_server: Any) -> None:
    from tests.conftest import watch_for_csp_violations

    # A context of its own: the ``page`` fixture fails on any violation in its context.
    context = page.context.browser.new_context()
    violations = watch_for_csp_violations(context)
    other = context.new_page()
    other.goto(f"{live_server.url}/accounts/login/")
    other.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.body.append(s); }"
    )
    other.wait_for_timeout(200)
    assert other.evaluate("() => window.ran") is None
    assert any("script-src" in v for v in violations), violations
    context.close()
