"""The audit trail's doors (ADR 0023): the verification page and API, and the events
page, API and files (CSV, XLSX, JSON) with their filters; overseers and administrators
only, by page and by API alike."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from openpyxl import load_workbook

from liaison.accounts.models import Agency, User
from liaison.accounts.services import auth_event_record
from liaison.activities.services import category_create
from liaison.activities.tests.factories import ActivityFactory
from liaison.records.access import require_audit_reader
from liaison.records.selectors import EventFilters, audit_event_count, audit_events
from liaison.records.tests.test_audit_chain import Rollback, _drop_guard

PERSONAS = ["clerk", "commander", "inspector", "security_officer", "reviewer",
            "administrator", "employee_user", "outsider"]  # fmt: skip
READERS = {"inspector", "administrator"}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def root(db: None) -> User:
    """An administrator of every agency: reads every event, the system's too."""
    from liaison.accounts.tests.factories import user_with_role

    return user_with_role("admin", None, "root")


@pytest.fixture
def written(clerk: User, agency: Agency) -> None:
    # History attributed to the clerk (a service names its actor), and a sign-in.
    category_create(actor=clerk, name="Crowd control")
    ActivityFactory.create(agency=agency, created_by=clerk, title="Aviation Convention")
    auth_event_record(kind="sign_in", user=clerk)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_overseers_and_administrators_verify_the_trail_by_page_and_api(
    request: Any, written: None, persona: str
) -> None:
    client = _client(request.getfixturevalue(persona))
    page = client.get("/records/audit/verification/")
    api = client.get("/api/v1/audit/verification")
    if persona in READERS:
        assert page.status_code == 200 and b"Intact" in page.content
        assert api.status_code == 200 and api.json()["intact"] is True
    else:
        assert (page.status_code, api.status_code) == (403, 403)
        assert b"Intact" not in page.content and "intact" not in api.json()


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    "url", ["/records/audit/", "/records/audit/events.csv", "/records/audit/events.json",
            "/records/audit/events.xlsx", "/api/v1/audit/events"],
)  # fmt: skip
def test_only_overseers_and_administrators_read_the_audit_events(
    request: Any, written: None, persona: str, url: str
) -> None:
    response = _client(request.getfixturevalue(persona)).get(url)
    if persona not in READERS:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    body = (
        b"".join(response.streaming_content)  # type: ignore[attr-defined]
        if response.streaming
        else response.content
    )
    if url.endswith(".xlsx"):
        sheet = load_workbook(io.BytesIO(body)).active
        assert sheet is not None
        body = "\n".join(str(c.value) for row in sheet.iter_rows() for c in row).encode()
    assert b"Created" in body and b"clerk" in body


def test_a_broken_trail_shows_the_first_broken_link_on_the_page_and_api(
    inspector: User, written: None
) -> None:
    from liaison.activities.models import Activity

    row = Activity.history.order_by("history_id").first()
    assert row is not None
    client = _client(inspector)
    try:
        with transaction.atomic():
            _drop_guard("activities_historicalactivity")
            with connection.cursor() as cursor:
                cursor.execute(
                    "DELETE FROM activities_historicalactivity WHERE history_id = %s",
                    [row.history_id],
                )
            page = client.get("/records/audit/verification/")
            api = client.get("/api/v1/audit/verification").json()
            raise Rollback
    except Rollback:
        pass
    assert b"Broken: missing" in page.content
    assert f"activities_historicalactivity row {row.history_id}".encode() in page.content
    assert api["intact"] is False
    first = api["first_break"]
    assert (first["kind"], first["table"], first["row_id"]) == (
        "missing",
        "activities_historicalactivity",
        row.history_id,
    )


def _csv_rows(client: Client, query: str) -> list[dict[str, str]]:
    response = client.get(f"/records/audit/events.csv?{query}")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.parametrize(
    "query",
    ["", "table=activities_historicalactivity", "actor=clerk", "table=accounts_authevent",
     "date_from=2000-01-01", "date_to=2000-01-01", "date_from=2000-01-01&actor=nobody"],
)  # fmt: skip
def test_export_row_counts_equal_the_list_counts_for_each_filter(
    root: User, written: None, query: str
) -> None:
    client = _client(root)
    rows = _csv_rows(client, query)
    api = client.get(f"/api/v1/audit/events?{query}&page_size=100").json()
    data = json.loads(
        b"".join(client.get(f"/records/audit/events.json?{query}").streaming_content)  # type: ignore[attr-defined]
    )
    assert len(rows) == api["count"] == len(data) == len(api["items"])
    assert [r["row id"] for r in rows] == [str(i["row_id"]) for i in api["items"]]
    if "table=" in query:
        table = query.split("table=")[1].split("&")[0]
        assert rows and {r["source"] for r in rows} == {table}
    if query == "actor=clerk":
        assert rows and {r["actor"] for r in rows} == {"clerk"}
    if query == "date_to=2000-01-01":
        assert rows == []


def test_events_come_oldest_first_in_the_files_and_newest_first_on_the_page(
    root: User, written: None
) -> None:
    rows = _csv_rows(_client(root), "")
    times = [dt.datetime.fromisoformat(r["at"]) for r in rows]
    assert times == sorted(times) and len(times) > 3
    scope = require_audit_reader(root)
    events = list(audit_events(user=root, scope=scope, filters=EventFilters(), newest_first=True))
    assert [e.at for e in events] == sorted((e.at for e in events), reverse=True)


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("table=no_such_table", "table", "not one of the available choices"),
        ("date_from=2020-02-30", "date_from", "valid date"),
        ("date_from=2021-01-01&date_to=2020-01-01", "date_to", "before the start date"),
    ],
)
def test_bad_filters_are_refused_naming_the_field_on_every_door(
    administrator: User, written: None, query: str, field: str, message: str
) -> None:
    client = _client(administrator)
    page = client.get(f"/records/audit/?{query}")
    assert page.status_code == 422 and message.encode() in page.content
    file = client.get(f"/records/audit/events.csv?{query}")
    assert file.status_code == 422
    api = client.get(f"/api/v1/audit/events?{query}")
    assert api.status_code == 422 and field in api.json()["errors"]


def test_an_agency_overseer_reads_the_events_of_accounts_in_their_agencies_only(
    inspector: User, clerk: User, other_agency: Agency, written: None
) -> None:
    from liaison.accounts.tests.factories import user_with_role

    stranger = user_with_role("coordinator", other_agency, "stranger")
    category_create(actor=stranger, name="Elsewhere")
    auth_event_record(kind="sign_in", user=stranger)
    rows = _csv_rows(_client(inspector), "")
    actors = {r["actor"] for r in rows}
    assert "clerk" in actors and "stranger" not in actors
    scope = require_audit_reader(inspector)
    assert audit_event_count(user=inspector, scope=scope, filters=EventFilters()) == len(rows)
