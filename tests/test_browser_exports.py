"""Exports and printouts in a real browser (issue 9, ADR 0025): a coordinator filters the
employee list, downloads it as CSV from the link that carries the filter and finds only
the filtered rows in the file, reads what a column means in the data dictionary, and
prints an employee's record. axe-core checks every page visited."""

from __future__ import annotations

import csv
import io
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from liaison.accounts.models import Agency, User
from liaison.people.tests.factories import EmployeeFactory
from tests.test_browser_forms import assert_no_axe_violations
from tests.test_browser_request import sign_in

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_BROWSER = os.path.exists(CHROMIUM)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not HAVE_BROWSER, reason="Chromium is not installed"),
]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def test_a_coordinator_downloads_the_filtered_list_and_reads_the_dictionary(
    page: Any, live_server: Any, agency: Agency, clerk: User, tmp_path: Path
) -> None:
    from playwright.sync_api import expect

    EmployeeFactory.create(agency=agency, last_name="Lindqvist", unit="Air Support Unit")
    EmployeeFactory.create(agency=agency, last_name="Tanaka", unit="Air Support Unit")
    EmployeeFactory.create(agency=agency, last_name="Okafor", unit="Training Division")
    server = live_server.url
    sign_in(page, server, "clerk")
    page.goto(f"{server}/people/employees/")
    page.get_by_label("Unit").fill("air support")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("heading", name="2 employees")).to_be_visible()
    assert_no_axe_violations(page, "the employee list with its download links")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV file of employees").click()
    path = tmp_path / "employees.csv"
    download_info.value.save_as(path)
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert sorted(row["last_name"] for row in rows) == ["Lindqvist", "Tanaka"]

    page.get_by_role("link", name="what each column means").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Data dictionary")
    expect(page.get_by_role("heading", name="Employees (employees)")).to_be_visible()
    assert_no_axe_violations(page, "the data dictionary")

    page.goto(f"{server}/people/employees/")
    page.get_by_role("link", name="Okafor").first.click()
    # The PDF opens in the browser (``inline``), as the printout to print.
    with page.expect_response(lambda r: r.url.endswith("/pdf/")) as printed:
        page.get_by_role("link", name="Print (PDF)").click()
    assert printed.value.status == 200
    assert printed.value.headers["content-type"] == "application/pdf"
    # Chromium shows it in its own viewer; the file itself, fetched in the same session:
    assert page.request.get(printed.value.url).body().startswith(b"%PDF")
