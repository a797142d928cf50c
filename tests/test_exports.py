"""Every list's export (issue 9, ADR 0025) holds exactly what the list shows.

For each list (employees, external persons, organisations, contributions, evaluation
reports) and each of several filters, through both doors: the export's rows are the
list's own rows — the same count as the list page and the list API, the same records —
in CSV, XLSX and JSON alike. Another agency's records never appear; a format that does
not exist is refused with a sentence, never a 500.

The data dictionary half: every registered export's columns are described, and each
export's real CSV header is its spec's headers (so the exports other apps register —
activities, audit events — are covered by the same test when they arrive).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from liaison.accounts.models import Agency, User
from liaison.accounts.tests.factories import AgencyFactory, user_with_role
from liaison.activities.tests.factories import ActivityFactory, ParticipationFactory
from liaison.core.dictionary import data_dictionary, data_dictionary_markdown
from liaison.core.tabular import CODE, COLUMN_TYPES, get_spec, registered_specs
from liaison.funding.tests.factories import ContributionFactory, FunderFactory
from liaison.people.tests.factories import (
    EmployeeFactory,
    ExternalPersonFactory,
    OrganisationFactory,
)
from liaison.reports.tests.factories import AuthorFactory, RecommendationFactory, ReportFactory

OURS = "CA0194200"
THEIRS = "CA0190000"


@dataclass
class World:
    agency: Agency
    other: Agency
    clerk: User  # coordinator of ``agency``
    outsider: User  # coordinator of ``other``
    ids: dict[str, set[int]] = field(default_factory=dict)  # records of ``other``


@pytest.fixture
def world(db: None) -> World:
    agency = AgencyFactory.create(name="Metro Police Department", ori_code=OURS)
    other = AgencyFactory.create(name="County Sheriff", ori_code=THEIRS)
    clerk = user_with_role("coordinator", agency, "clerk")
    outsider = user_with_role("coordinator", other, "outsider")
    theirs: dict[str, set[int]] = {}

    for serial, (last, unit, active) in enumerate(
        [
            ("Reyes", "Training Division", True),
            ("Okafor", "Training Division", False),
            ("Lindqvist", "Air Support Unit", True),
            ("Tanaka", "Air Support Unit", True),
            ("Moreau", "Public Order", True),
        ],
        start=100,
    ):
        EmployeeFactory.create(
            agency=agency, serial_number=str(serial), last_name=last, unit=unit, active=active
        )
    theirs["employees"] = {
        EmployeeFactory.create(agency=other, last_name="Reyes", unit="Training Division").pk
    }

    interpol = OrganisationFactory.create(
        name="Interpol Academy", country="FR", org_type="international"
    )
    bka = OrganisationFactory.create(name="Bundeskriminalamt", country="DE", org_type="police")
    OrganisationFactory.create(name="Police Academy of Lyon", country="FR", org_type="police")
    OrganisationFactory.create(name="Stadium Safety Ltd", country="GB", org_type="company")
    for name, country, org in [
        ("Claire Dubois", "FR", interpol),
        ("Jonas Becker", "DE", bka),
        ("Marc Petit", "FR", None),
    ]:
        ExternalPersonFactory.create(
            agency=agency, full_name=name, country=country, organisation=org
        )
    theirs["external_persons"] = {
        ExternalPersonFactory.create(agency=other, full_name="Claire Martin", country="FR").pk
    }

    foundation = FunderFactory.create(agency=agency, name="Metro Police Foundation")
    host = FunderFactory.create(
        agency=agency, name="Host Ministry", funder_type="host_government", country="FR"
    )
    course_2022 = ActivityFactory.create(
        agency=agency, start_date=dt.date(2022, 3, 1), end_date=dt.date(2022, 3, 4)
    )
    course_2023 = ActivityFactory.create(agency=agency)
    for activity, funder, paid_for in [
        (course_2022, foundation, "transport"),
        (course_2022, host, "lodging"),
        (course_2023, host, "lodging"),
        (course_2023, foundation, "registration"),
        (course_2023, foundation, "transport"),
    ]:
        ContributionFactory.create(
            activity=activity, funder=funder, paid_for=paid_for, amount=Decimal("250.50")
        )
    their_activity = ActivityFactory.create(agency=other)
    theirs["contributions"] = {
        ContributionFactory.create(activity=their_activity, paid_for="lodging").pk
    }

    now = timezone.now()
    for activity, status in [
        (course_2022, "draft"),
        (course_2022, "submitted"),
        (course_2023, "draft"),
        (course_2023, "acknowledged"),
    ]:
        report = ReportFactory.create(
            activity=activity,
            status=status,
            created_by=clerk,
            purpose='=HYPERLINK("http://example.invalid")',
            submitted_at=now if status != "draft" else None,
            acknowledged_at=now if status == "acknowledged" else None,
        )
        AuthorFactory.create(
            report=report,
            participation=ParticipationFactory.create(activity=activity, name_at_time="Dana Reyes"),
        )
        RecommendationFactory.create(report=report, text="Adopt liaison teams.")
    theirs["reports"] = {
        ReportFactory.create(activity=their_activity, status="draft", created_by=outsider).pk
    }
    return World(agency=agency, other=other, clerk=clerk, outsider=outsider, ids=theirs)


@dataclass(frozen=True)
class ListDoors:
    name: str  # the export's spec name
    page: str
    page_export: str
    api: str
    api_export: str
    page_filters: list[dict[str, str]]
    api_filters: list[dict[str, str]]
    agency_column: bool = True


LISTS = [
    ListDoors(
        "employees",
        "/people/employees/",
        "/people/employees/export/",
        "/api/v1/employees",
        "/api/v1/exports/employees",
        [{}, {"q": "reyes"}, {"unit": "air support"}, {"active": "no"}, {"q": "100"}],
        [
            {},
            {"q": "reyes"},
            {"unit": "air support"},
            {"active": "false"},
            {"active": "true", "unit": "training"},
        ],
    ),
    ListDoors(
        "external_persons",
        "/people/external/",
        "/people/external/export/",
        "/api/v1/external-persons",
        "/api/v1/exports/external-persons",
        [{}, {"country": "FR"}, {"q": "interpol"}, {"q": "becker"}],
        [{}, {"country": "FR"}, {"q": "interpol"}, {"country": "DE", "q": "jonas"}],
    ),
    ListDoors(
        "organisations",
        "/people/organisations/",
        "/people/organisations/export/",
        "/api/v1/organisations",
        "/api/v1/exports/organisations",
        [{}, {"country": "FR"}, {"org_type": "police"}, {"q": "academy"}],
        [{}, {"country": "FR"}, {"type": "police"}, {"q": "academy", "country": "FR"}],
        agency_column=False,
    ),
    ListDoors(
        "contributions",
        "/funding/contributions/",
        "/funding/contributions/export/",
        "/api/v1/funding/contributions",
        "/api/v1/exports/contributions",
        [
            {},
            {"year": "2022"},
            {"funder_type": "host_government"},
            {"paid_for": "transport", "year": "2023"},
        ],
        [{}, {"year": "2022"}, {"funder_type": "host_government"}, {"paid_for": "lodging"}],
    ),
    ListDoors(
        "reports",
        "/reports/all/",
        "/reports/all/export/",
        "/api/v1/reports",
        "/api/v1/exports/reports",
        [{}, {"status": "draft"}, {"status": "acknowledged"}, {"status": "returned"}],
        [{}, {"status": "draft"}, {"status": "submitted"}, {"status": "returned"}],
    ),
]


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def body_of(response: Any) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def rows_of(response: Any, fmt: str) -> list[dict[str, Any]]:
    """The exported file's rows as dictionaries keyed by header (every format alike)."""
    body = body_of(response)
    if fmt == "csv":
        return list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    if fmt == "json":
        return list(json.loads(body))
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).active
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def page_ids(client: Client, url: str, params: dict[str, str]) -> tuple[int, set[int]]:
    response = client.get(url, params)
    assert response.status_code == 200
    page = response.context["page"]
    assert page.num_pages == 1  # the fixtures fit one page: its ids are the whole list
    return page.count, {item.pk for item in page.items}


def api_ids(client: Client, url: str, params: dict[str, str]) -> tuple[int, set[int]]:
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    body = response.json()
    return body["count"], {item["id"] for item in body["items"]}


CASES = [
    pytest.param(doors, params, id=f"{doors.name} page {params or 'no filter'}")
    for doors in LISTS
    for params in doors.page_filters
]
API_CASES = [
    pytest.param(doors, params, id=f"{doors.name} api {params or 'no filter'}")
    for doors in LISTS
    for params in doors.api_filters
]


@pytest.mark.parametrize(("doors", "params"), CASES)
def test_a_page_export_holds_the_list_pages_rows_for_each_filter(
    world: World, doors: ListDoors, params: dict[str, str]
) -> None:
    client = _client(world.clerk)
    count, ids = page_ids(client, doors.page, params)
    response = client.get(doors.page_export, {**params, "format": "csv"})
    assert response.status_code == 200
    assert response.streaming, "a CSV export streams"
    rows = rows_of(response, "csv")
    assert len(rows) == count
    assert {int(row["id"]) for row in rows} == ids


@pytest.mark.parametrize(("doors", "params"), API_CASES)
def test_an_api_export_holds_the_list_apis_rows_for_each_filter(
    world: World, doors: ListDoors, params: dict[str, str]
) -> None:
    client = _client(world.clerk)
    count, ids = api_ids(client, doors.api, params)
    response = client.get(doors.api_export, {**params, "format": "csv"})
    assert response.status_code == 200
    rows = rows_of(response, "csv")
    assert len(rows) == count
    assert {int(row["id"]) for row in rows} == ids


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
@pytest.mark.parametrize("doors", LISTS, ids=lambda d: d.name)
def test_every_format_holds_the_same_rows_and_only_our_agencys(
    world: World, doors: ListDoors, fmt: str
) -> None:
    client = _client(world.clerk)
    params = doors.page_filters[1]
    count, ids = page_ids(client, doors.page, params)
    assert count > 0  # the filter matches something: the comparison proves something
    rows = rows_of(client.get(doors.page_export, {**params, "format": fmt}), fmt)
    assert {int(row["id"]) for row in rows} == ids
    assert [list(row) for row in rows[:1]] == [list(get_spec(doors.name).headers)]
    everything = rows_of(client.get(doors.api_export, {"format": fmt}), fmt)
    assert not {int(row["id"]) for row in everything} & world.ids.get(doors.name, set())
    if doors.agency_column:
        assert {row["agency"] for row in everything} == {OURS}


@pytest.mark.parametrize("doors", [d for d in LISTS if d.agency_column], ids=lambda d: d.name)
def test_another_agencys_coordinator_exports_only_their_own_records(
    world: World, doors: ListDoors
) -> None:
    client = _client(world.outsider)
    for url in (doors.page_export, doors.api_export):
        rows = rows_of(client.get(url, {"format": "csv"}), "csv")
        assert {int(row["id"]) for row in rows} == world.ids[doors.name]
        assert {row["agency"] for row in rows} == {THEIRS}


@pytest.mark.parametrize("doors", LISTS, ids=lambda d: d.name)
def test_a_format_that_does_not_exist_is_refused_with_a_sentence(
    world: World, doors: ListDoors
) -> None:
    client = _client(world.clerk)
    for bad in ("pdf", "", "CSV"):
        page = client.get(doors.page_export, {"format": bad})
        assert page.status_code == 400
        assert b"choose csv, xlsx or json" in page.content
        api = client.get(doors.api_export, {"format": bad})
        assert api.status_code == 422
        assert "format" in api.json()["errors"]
    # No format at all: the page door asks for one; the API's default is CSV.
    assert client.get(doors.page_export).status_code == 400
    assert client.get(doors.api_export).status_code == 200


def test_a_text_cell_that_a_spreadsheet_would_run_is_written_as_text(world: World) -> None:
    rows = rows_of(_client(world.clerk).get("/reports/all/export/", {"format": "csv"}), "csv")
    assert {row["purpose"] for row in rows} == {'\'=HYPERLINK("http://example.invalid")'}
    assert {row["authors"] for row in rows} == {"Dana Reyes"}
    assert {row["recommendations"] for row in rows} == {"Adopt liaison teams."}


def test_the_list_pages_link_to_their_exports_with_the_current_filters(world: World) -> None:
    client = _client(world.clerk)
    response = client.get("/people/employees/", {"unit": "air support", "page": "1"})
    assert b'href="/people/employees/export/?unit=air+support&amp;format=csv"' in response.content
    for doors in LISTS:
        content = client.get(doors.page, doors.page_filters[1]).content.decode()
        for fmt in ("csv", "xlsx", "json"):
            assert f"{doors.page_export}?" in content and f"format={fmt}" in content


# --- the data dictionary ------------------------------------------------------------------


def test_the_dictionary_describes_every_column_of_every_registered_export() -> None:
    specs = registered_specs()
    assert {"employees", "external_persons", "organisations", "contributions", "reports"} <= {
        spec.name for spec in specs
    }
    described = {entry["name"]: entry for entry in data_dictionary()}
    for spec in specs:
        columns = described[spec.name]["columns"]
        assert [c["header"] for c in columns] == list(spec.headers)
        for column in columns:
            assert column["type"] in COLUMN_TYPES
            assert len(column["meaning"]) > 10, (spec.name, column["header"])
            if column["type"] == CODE:
                assert column["allowed"], (spec.name, column["header"], "a code lists its values")


def export_endpoint(document: dict[str, Any], name: str) -> str:
    """The API path that exports ``name``: a GET operation whose id says "export" and whose
    path names the export (``/exports/external-persons``, ``/activities/export``, …)."""
    found = [
        path
        for path, operations in document["paths"].items()
        if "get" in operations
        and "export" in operations["get"]["operationId"]
        and "{" not in path
        and name.replace("-", "_") in path.replace("-", "_")
    ]
    # An export with one endpoint per format (/exports/activities/csv, …/xlsx, …/json):
    # its CSV one.
    if len(found) > 1:
        found = [path for path in found if path.endswith("/csv")]
    assert len(found) == 1, (
        f"export {name!r}: expected one API export endpoint naming it, found {found}"
    )
    return found[0]


@pytest.mark.django_db
def test_each_exports_real_csv_header_is_its_specs_headers(world: World) -> None:
    """The real file, through the real API door, for every registered export: an export
    another app registers (activities, audit events) is found in the OpenAPI document by
    its name and checked the same way, by whichever persona may read it."""
    document = Client().get("/api/v1/openapi.json").json()
    readers = [
        world.clerk,
        user_with_role("overseer", world.agency, "inspector"),
        user_with_role("admin", world.agency, "administrator"),
    ]
    for spec in registered_specs():
        path = export_endpoint(document, spec.name)
        for user in readers:
            query = {} if path.endswith("/csv") else {"format": "csv"}
            response = _client(user).get(path, query)
            if response.status_code == 200:
                break
        assert response.status_code == 200, (spec.name, path, response.status_code)
        header = next(csv.reader(io.StringIO(body_of(response).decode("utf-8"))))
        assert tuple(header) == spec.headers, spec.name


@pytest.mark.django_db
def test_the_dictionary_page_and_api_list_every_column(world: World) -> None:
    client = _client(world.clerk)
    page = client.get("/data-dictionary/").content.decode()
    api = client.get("/api/v1/data-dictionary").json()
    assert [entry["name"] for entry in api] == [spec.name for spec in registered_specs()]
    for spec in registered_specs():
        assert f'id="export-{spec.name}"' in page
        for header in spec.headers:
            assert f"<code>{header}</code>" in page


def test_docs_data_dictionary_md_is_generated_from_the_specs() -> None:
    from pathlib import Path

    written = (Path(__file__).resolve().parent.parent / "docs/data-dictionary.md").read_text()
    assert written == data_dictionary_markdown(), (
        "docs/data-dictionary.md is out of date: run "
        "`python manage.py data_dictionary > docs/data-dictionary.md`"
    )


@pytest.mark.django_db
def test_the_dictionary_is_for_signed_in_users_only() -> None:
    assert Client().get("/data-dictionary/").status_code == 302
    assert Client().get("/api/v1/data-dictionary").status_code == 401
