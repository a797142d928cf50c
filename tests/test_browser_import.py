"""A coordinator's import journey in a real browser (issue 9): upload a legacy spreadsheet
with errors, read the error report on the page and as a download, fix the file, import it
with a progress bar (through the task worker's path), and find the imported records with
their provenance. axe-core checks the import pages on the way."""

from __future__ import annotations

import os
import shutil
from typing import Any

import pytest

from liaison.activities.models import Activity
from liaison.exchange.tests.helpers import GOOD, csv_bytes, department, row
from tests.test_browser_forms import assert_no_axe_violations

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_BROWSER = os.path.exists(CHROMIUM)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not HAVE_BROWSER, reason="Chromium is not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "correct horse battery"
SECOND = "Clandestine Laboratory Safety Course"


def test_a_coordinator_fixes_a_file_imports_it_and_finds_the_records(
    page: Any, live_server: Any, settings: Any, transactional_db: None
) -> None:
    from playwright.sync_api import expect

    # Every file goes the task worker's way (queued, then run); the immediate backend runs
    # the task as the request commits, so the journey needs no worker process.
    settings.IMPORT_BACKGROUND_ROWS = 0
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
    department()
    server = live_server.url
    bad = csv_bytes(
        [GOOD, row(source_id="T-2", title=SECOND, start_date="2016-02-30", locations="XX:Nowhere")]
    )
    good = csv_bytes([GOOD, row(source_id="T-2", title=SECOND, start_date="2016-02-03",
                                end_date="2016-02-05", locations="CA:Montreal")])  # fmt: skip

    page.goto(f"{server}/accounts/login/")
    page.get_by_label("Username").fill("clerk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Activities", exact=True).click()
    page.get_by_role("link", name="Import a spreadsheet").click()
    # USWDS names the enhanced file input "Drag file here or choose from folder".
    assert_no_axe_violations(page, "the import page")

    # 1. A file with errors: nothing is saved, each problem is named.
    page.locator("#id_file").set_input_files(
        {"name": "travel-log.csv", "mimeType": "text/csv", "buffer": bad}
    )
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_test_id("batch-status")).to_have_text("Checked: errors to fix")
    problems = page.get_by_test_id("problems")
    expect(problems).to_contain_text("start_date")
    expect(problems).to_contain_text("2016-02-30")
    expect(problems).to_contain_text("XX:Nowhere")
    assert_no_axe_violations(page, "a check with problems")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the problems (CSV)").click()
    report = open(download.value.path(), encoding="utf-8").read()  # noqa: SIM115
    assert report.startswith("row,column,value,problem")
    assert "3,start_date,2016-02-30,Not a date" in report
    assert Activity.objects.count() == 0

    # 2. The fixed file: checked, then imported with a progress bar.
    page.get_by_role("link", name="All imports").click()
    page.locator("#id_file").set_input_files(
        {"name": "travel-log-fixed.csv", "mimeType": "text/csv", "buffer": good}
    )
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_test_id("batch-status")).to_have_text("Checked: ready to import")
    expect(page.get_by_test_id("plan")).to_contain_text("Would be created")
    page.get_by_role("button", name="Import 2 records").click()
    expect(page.get_by_test_id("batch-status")).to_have_text("Imported")
    bar = page.locator("progress#import-progress-bar")
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("value", "2")
    expect(bar).to_have_attribute("max", "2")
    expect(page.get_by_test_id("import-progress")).to_contain_text("All 2 rows done")
    assert_no_axe_violations(page, "an imported file")

    # 3. The records, found from the list, say where they came from.
    page.get_by_role("link", name="Activities", exact=True).click()
    page.get_by_role("link", name=SECOND).click()
    provenance = page.get_by_test_id("provenance")
    expect(provenance).to_contain_text("Imported from travel-log-fixed.csv, row 3.")
    expect(provenance).to_contain_text("travel records not on record")
    expect(page.get_by_test_id("import-batch")).to_contain_text(
        "Key in the source: Training unit log (Excel) T-2"
    )
    assert Activity.objects.count() == 2


def test_a_coordinator_says_who_an_ambiguous_name_is(
    page: Any, live_server: Any, transactional_db: None
) -> None:
    """The review step (ADR 0028): a name two employees share is asked about on its own
    page — a fieldset per name, radio buttons, the error summary — and the answer is
    applied by the next check and the import."""
    from playwright.sync_api import expect

    department()
    server = live_server.url
    content = csv_bytes(
        [row(participants=" | Chris Park | Officer |  |  | attendee", funding="", reports="")]
    )
    page.goto(f"{server}/accounts/login/")
    page.get_by_label("Username").fill("clerk")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{server}/exchange/imports/")
    page.locator("#id_file").set_input_files(
        {"name": "travel-log.csv", "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="Upload and check").click()
    expect(page.get_by_test_id("batch-status")).to_have_text("Checked: errors to fix")
    page.get_by_role("link", name="Say who is who").click()
    assert_no_axe_violations(page, "the review step")
    # Nothing chosen: the error summary says which question, and takes the focus.
    page.get_by_role("button", name="Save and check again").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Choose who “Chris Park” in row 2 is.")
    expect(summary).to_be_focused()
    assert_no_axe_violations(page, "the review step with an error")
    group = page.get_by_role("group", name="Row 2, participant 1: who is “Chris Park”?")
    group.locator("label", has_text="serial number 1004").click()  # USWDS hides the input
    page.get_by_role("button", name="Save and check again").click()
    expect(page.get_by_test_id("batch-status")).to_have_text("Checked: ready to import")
    page.get_by_role("button", name="Import 1 record").click()
    expect(page.get_by_test_id("batch-status")).to_have_text("Imported")
    participation = Activity.objects.get().participations.get()
    assert participation.employee is not None
    assert participation.employee.serial_number == "1004"
