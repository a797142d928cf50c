"""Exporting the activity list: the list's filters and access rule, three formats, and a
file that imports back to the same file."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import openpyxl
import pytest
from django.test import Client

from liaison.accounts.tests.factories import user_with_role
from liaison.activities.services import (
    ActivityInput,
    LocationInput,
    ParticipantInput,
    activity_create,
)
from liaison.activities.tests.factories import ActivityFactory, CategoryFactory, LocationFactory
from liaison.exchange.models import BatchStatus
from liaison.exchange.services import import_file
from liaison.exchange.spec import ACTIVITIES
from liaison.exchange.tests.helpers import GOOD, csv_bytes, department, row

pytestmark = pytest.mark.django_db


def _body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return bytes(response.content)


def _csv_rows(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200, response.status_code
    return list(csv.DictReader(io.StringIO(_body(response).decode())))


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def spread() -> Any:
    """Activities of two agencies across countries, years, categories and statuses."""
    dept = department()
    other = department("County Sheriff's Department", "CA0190000", login="outsider")
    aviation = CategoryFactory.create(name="Aviation", slug="aviation")
    trafficking = CategoryFactory.create(slug="human-trafficking")
    plan = [
        ("Aviation Convention Bogota", aviation, "CO", 2016, "completed"),
        ("Aviation Convention London", aviation, "GB", 2017, "completed"),
        ("Trafficking Course Toronto", trafficking, "CA", 2016, "completed"),
        ("Trafficking Seminar Vancouver", trafficking, "CA", 2018, "approved"),
        ("Trafficking Exchange Ottawa", trafficking, "CA", 2016, "draft"),
    ]
    for title, category, country, year, status in plan:
        for agency in (dept.agency, other.agency):
            activity = ActivityFactory.create(
                agency=agency, title=f"{title} ({agency.ori_code})", category=category,
                status=status, start_date=dt.date(year, 5, 1), end_date=dt.date(year, 5, 3),
            )  # fmt: skip
            LocationFactory.create(activity=activity, country=country)
    return dept, other


FILTERS = [
    "",
    "country=CA",
    "year=2016",
    "category=aviation",
    "status=completed",
    "country=CA&year=2016",
    "status=completed&status=approved&sort=title",
]


@pytest.mark.parametrize("query", FILTERS)
def test_the_export_has_the_rows_the_list_counts(spread: Any, query: str) -> None:
    dept, _ = spread
    client = _client(dept.clerk)
    listed = client.get(f"/api/v1/activities?{query}&page_size=100").json()
    page_rows = _csv_rows(client.get(f"/exchange/activities.csv?{query}"))
    api_rows = _csv_rows(client.get(f"/api/v1/exports/activities/csv?{query}"))
    assert len(page_rows) == len(api_rows) == listed["count"] > 0
    # Same rows, in the list's order.
    assert [r["title"] for r in page_rows] == [a["title"] for a in listed["items"]]
    assert [r["title"] for r in api_rows] == [r["title"] for r in page_rows]


def test_another_agencys_records_never_appear(spread: Any) -> None:
    dept, other = spread
    for user, mine, theirs in ((dept.clerk, "CA0194200", "CA0190000"),
                               (other.clerk, "CA0190000", "CA0194200")):  # fmt: skip
        client = _client(user)
        for url in ("/exchange/activities.csv", "/api/v1/exports/activities/csv"):
            titles = [r["title"] for r in _csv_rows(client.get(url))]
            assert len(titles) == 5
            assert all(mine in t for t in titles) and not any(theirs in t for t in titles)


def test_an_employee_exports_only_their_own_activities(spread: Any) -> None:
    dept, _ = spread
    employee = user_with_role("employee", dept.agency, "officer")
    client = _client(employee)
    assert _csv_rows(client.get("/exchange/activities.csv")) == []
    assert _csv_rows(client.get("/api/v1/exports/activities/csv")) == []


def test_nobody_signed_out_exports() -> None:
    assert Client().get("/exchange/activities.csv").status_code == 302
    assert Client().get("/api/v1/exports/activities/csv").status_code == 401


def test_the_three_formats_hold_the_same_rows(spread: Any) -> None:
    dept, _ = spread
    client = _client(dept.clerk)
    rows = _csv_rows(client.get("/exchange/activities.csv?country=CA"))
    as_json = json.loads(_body(client.get("/exchange/activities.json?country=CA")))
    book = openpyxl.load_workbook(
        io.BytesIO(_body(client.get("/exchange/activities.xlsx?country=CA"))), read_only=True
    )
    sheet = list(book.worksheets[0].iter_rows(values_only=True))
    assert list(sheet[0]) == list(ACTIVITIES.headers) == list(rows[0])
    assert [r["title"] for r in rows] == [r["title"] for r in as_json] == [s[2] for s in sheet[1:]]
    assert len(rows) == 3


def test_the_csv_is_streamed(spread: Any) -> None:
    dept, _ = spread
    response = _client(dept.clerk).get("/exchange/activities.csv")
    assert response.streaming
    assert response["Content-Disposition"].startswith('attachment; filename="activities-')


def test_the_list_page_links_the_downloads_with_its_filters(spread: Any) -> None:
    dept, _ = spread
    page = _client(dept.clerk).get("/activities/?country=CA&year=2016").content.decode()
    assert 'href="/exchange/activities.csv?country=CA&amp;year=2016"' in page
    assert 'href="/exchange/activities.xlsx?country=CA&amp;year=2016"' in page
    assert 'href="/exchange/activities.json?country=CA&amp;year=2016"' in page


def test_an_export_imports_back_to_an_identical_export() -> None:
    """Export agency A (imported and entered records), import the file into agency B with
    the same people, export B: the two files are the same, byte for byte."""
    a = department()
    b = department("County Sheriff's Department", "CA0190000", login="clerk-b")
    imported = import_file(
        actor=a.clerk, agency=a.agency, file_name="legacy.csv", dry_run=False,
        content=csv_bytes([GOOD, row(source_id="T-2", title="Second, with ‘quotes’",
                                     start_date="2017-01-10", end_date="2017-01-12",
                                     funding="", approvals="", reports="", topics="",
                                     participants="1003 | Chris Park |  |  |  | attendee",
                                     recorded_at="", not_on_record="approval; funding",
                                     estimated_cost="", host_organisation="")]),
    )  # fmt: skip
    assert imported.status == BatchStatus.IMPORTED, imported.errors
    from liaison.people.models import Employee

    activity_create(
        actor=a.clerk,
        agency=a.agency,
        data=ActivityInput(
            title="=Entered here", direction="virtual", kind="seminar", category_id=None,
            category_slug="human-trafficking", purpose="Online seminar.",
            start_date=dt.date(2025, 3, 1), end_date=dt.date(2025, 3, 1),
            locations=[LocationInput(country="GB")],
            participants=[ParticipantInput(
                employee_id=Employee.objects.get(agency=a.agency, serial_number="1002").pk)],
        ),
    )  # fmt: skip
    first = _body(_client(a.clerk).get("/exchange/activities.csv"))
    assert first.count(b"\r\n") == 4  # the header and three activities
    again = import_file(
        actor=b.clerk, agency=b.agency, file_name="export.csv", content=first, dry_run=False
    )
    assert (again.status, again.created) == (BatchStatus.IMPORTED, 3), again.errors
    second = _body(_client(b.clerk).get("/exchange/activities.csv"))
    assert second == first
    # And into A itself, the export reads as what is already there.
    same = import_file(
        actor=a.clerk, agency=a.agency, file_name="export.csv", content=first, dry_run=False
    )
    assert (same.status, same.created, same.unchanged) == (BatchStatus.IMPORTED, 0, 3), same.errors


def test_the_template_is_the_header_row() -> None:
    dept = department()
    response = _client(dept.clerk).get("/exchange/imports/template.csv")
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert body == ",".join(ACTIVITIES.headers) + "\r\n"
