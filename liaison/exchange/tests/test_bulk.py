"""The bulk path (ADR 0026) leaves what the per-row path leaves: the same records, the
same history rows (actor, reason), the same summary tables, an intact audit chain."""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps
from django.db import transaction

from liaison.activities.models import (
    Activity,
    Location,
    Participation,
    SummaryCell,
    SummaryCount,
    Topic,
)
from liaison.exchange.models import BatchStatus, ImportedRecord
from liaison.exchange.selectors import export_value_rows
from liaison.exchange.services import _run, import_batch_check, import_batch_create
from liaison.exchange.tests.helpers import csv_bytes, department, row
from liaison.people.tests.factories import ExternalPersonFactory
from liaison.records.audit_chain import verify

pytestmark = pytest.mark.django_db(transaction=False)

# Rows without funding, approvals or reports: the rows the bulk path writes in sets.
PLAIN = {"funding": "", "approvals": "", "reports": ""}


def _rows() -> list[dict[str, str]]:
    return [
        row(**PLAIN),
        row(**PLAIN, source_id="T-2", title="Second", topics="Financial tracing; New topic",
            locations="CA:Toronto; US:Boston; FR", status="approved", recorded_at="",
            host_organisation="", organiser_organisation="Toronto Police Service",
            participants="| Ben Kim |  |  |  | presenter; | Dana Roe"),
        row(**PLAIN, source_id="T-3", start_date="2019-02-01", end_date="2019-02-03",
            not_on_record="approval; funding", participants="1003 | Chris Park", topics=""),
    ]  # fmt: skip


def _state(agency: Any) -> dict[str, Any]:
    """What an import leaves, without the ids (which differ between two runs)."""
    activities = Activity.objects.filter(agency=agency).order_by("import_record__row_number")
    history: dict[str, Any] = {}
    for model in (Activity, Location, Participation, ImportedRecord):
        rows = model.history.filter(history_user__isnull=False)  # type: ignore[attr-defined]
        history[model.__name__] = sorted(
            (r.history_type, r.history_user_id, r.history_change_reason or "") for r in rows
        )
    m2m = apps.get_model("activities", "HistoricalActivity_topics")
    summary = sorted(
        tuple(str(v) for k, v in sorted(r.items()) if k != "id")
        for model in (SummaryCount, SummaryCell)
        for r in model.objects.values()
    )
    return {
        # The export follows plain column orderings only (ADR 0027): read it by id and
        # compare the rows as a set, since the two paths number their records alike.
        "export": sorted(
            repr(r)
            for r in export_value_rows(Activity.objects.filter(agency=agency).order_by("id"))
        ),
        "search": [a.search_text for a in activities],
        "snapshots": [
            sorted(
                (p.name_at_time, p.rank_at_time, p.unit_at_time, p.agency_at_time, p.role)
                for p in a.participations.all()
            )
            for a in activities
        ],
        "history": history,
        "topic history": sorted(
            (r.topic.name, r.history.history_change_reason) for r in m2m.objects.all()
        ),
        "topics": sorted(Topic.objects.values_list("name", flat=True)),
        "summary": summary,
        "counts": {
            m.__name__: m.objects.count()
            for m in (Activity, Location, Participation, ImportedRecord, Topic)
        },
    }


def _import(dept: Any, *, bulk: bool) -> dict[str, Any]:
    batch = import_batch_create(
        actor=dept.clerk, agency=dept.agency, file_name="legacy.csv", content=csv_bytes(_rows())
    )
    batch = import_batch_check(actor=dept.clerk, batch=batch)
    assert batch.status == BatchStatus.CHECKED, batch.errors
    outcome = _run(batch, actor=dept.clerk, commit=True, bulk=bulk)
    assert outcome.ok and outcome.created == 3, outcome.problems
    batch.refresh_from_db()
    assert batch.status == BatchStatus.IMPORTED
    return _state(dept.agency)


def test_the_bulk_path_leaves_what_the_per_row_path_leaves() -> None:
    dept = department()
    ExternalPersonFactory.create(agency=dept.agency, full_name="Dana Roe")
    with transaction.atomic():
        by_row = _import(dept, bulk=False)
        transaction.set_rollback(True)
    assert Activity.objects.count() == 0
    by_set = _import(dept, bulk=True)
    # The second run did write in a set: one history time for the three activities.
    assert Activity.history.values("history_date").distinct().count() == 1
    assert by_row["counts"]["Activity"] == 3
    assert by_set == by_row
    # Every record written has its history row, by the importer, and the chain is whole.
    assert by_set["history"]["Activity"] == [("+", dept.clerk.pk, "imported")] * 3
    assert len(by_set["history"]["Participation"]) == 5
    assert by_set["summary"]
    assert verify().intact


def test_a_bulk_import_keeps_the_audit_chain_verifiable_and_the_import_idempotent() -> None:
    dept = department()
    ExternalPersonFactory.create(agency=dept.agency, full_name="Dana Roe")
    first = _import(dept, bulk=True)
    assert verify().intact
    batch = import_batch_create(
        actor=dept.clerk, agency=dept.agency, file_name="again.csv", content=csv_bytes(_rows())
    )
    batch = import_batch_check(actor=dept.clerk, batch=batch)
    assert (batch.created, batch.unchanged) == (0, 3)
    assert _state(dept.agency) == first


# Rows of every kind a legacy file gets wrong, several of them twice (the dry run's memo
# of values checked once must give the second the same answer), among good rows that
# share their values.
def _mixed_rows() -> list[dict[str, str]]:
    good = {**PLAIN, "participants": "1001 | Ana Lopez; 1002 | Ben Kim"}
    bad: list[dict[str, str]] = [
        {"direction": "sideways"},
        {"direction": "sideways", "kind": ""},
        {"title": ""},
        {"title": "   "},
        {"title": "x" * 301},
        {"category": "no-such-category"},
        {"category": ""},
        {"category": "retired-one"},
        {"start_date": "2019-13-01"},
        {"start_date": "2019-05-02", "end_date": "2019-05-01"},
        {"end_date": ""},
        {"estimated_cost": "-5"},
        {"estimated_cost": "abc"},
        {"estimated_cost": "12345678901234.5"},
        {"estimated_cost": "1.234"},
        {"locations": "ZZ:Nowhere"},
        {"locations": "ZZ:Nowhere"},
        {"locations": ""},
        {"locations": "C1:Somewhere; CA:Toronto"},
        {"locations": "²:Somewhere"},
        {"locations": "CA:" + "y" * 101},
        {"locations": "CA:Toronto; :Nowhere"},
        {"participants": "9999 | Nobody"},
        {"participants": "1001 | Ana Lopez | | | | boss"},
        {"participants": "1001 | Ana Lopez | a | b | c | attendee | extra"},
        {"participants": "1001 | Ana Lopez; 1001 | Ana Lopez"},
        {"participants": "| Chris Park"},
        {"participants": "| Chris Park"},
        {"participants": "| No Such Person"},
        {"status": "weird"},
        {"recorded_at": "yesterday"},
        {"recorded_at": "2999-01-01T00:00:00+00:00"},
        {"recorded_at": "2019-01-01T00:00:00"},
        {"not_on_record": "nonsense; approval"},
        {"host_organisation": "Unknown Org"},
        {"organiser_organisation": "Toronto Police Service (FR)"},
        {"purpose": ""},
        {"source_id": ""},
        {"source_id": "k" * 101},
        {"source_system": ""},
        {"source_id": "T-1"},  # the same key as the first row
        {"direction": "nowhere", "locations": "ZZ", "participants": "4242", "status": "x",
         "estimated_cost": "-1", "topics": "A; a; B"},
    ]  # fmt: skip
    rows = [row(**good)]
    for n, changes in enumerate(bad, start=2):
        rows.append(row(**{**good, "source_id": f"T-{n}", **changes}))
        rows.append(row(**{**good, "source_id": f"G-{n}", "title": f"Good {n}"}))
    return rows


def _outcomes(dept: Any, content: bytes) -> dict[str, Any]:
    """The answers of the three paths a row may take: the dry run (``import_batch_check``:
    ``activity_import_check`` with its memo), the import (``activity_import_prepare``
    for every new row, rolled back on the first problem) and the per-row services
    (``activity_import`` through ``_create``, rolled back)."""
    batch = import_batch_create(
        actor=dept.clerk, agency=dept.agency, file_name="mixed.csv", content=content
    )
    found = {}
    for name, commit, bulk in (("check", False, True), ("import", True, True),
                               ("per row", False, False)):  # fmt: skip
        outcome = _run(batch, actor=dept.clerk, commit=commit, bulk=bulk)
        found[name] = outcome
    assert Activity.objects.count() == 0
    return found


def test_the_dry_run_gives_the_answers_of_the_services_row_by_row() -> None:
    from liaison.activities.models import Category

    dept = department()
    Category.objects.create(name="Retired one", slug="retired-one", active=False)
    rows = _mixed_rows()
    found = _outcomes(dept, csv_bytes(rows))
    check, per_row = found["check"], found["per row"]
    # Every problem message the same, at the same row, column and value; nothing else.
    assert check.problems == per_row.problems == found["import"].problems
    assert check.plan == per_row.plan
    expected = (len(rows) // 2 + 1, len(rows))
    assert (check.created, check.rows) == (per_row.created, per_row.rows) == expected
    bad_rows = {p.row for p in check.problems}
    # Every bad row is reported (row 2 is the first good one), no good row is.
    assert bad_rows == {n for n in range(3, len(rows) + 2) if n % 2 == 1}
    messages = {p.message for p in check.problems}
    assert "This field cannot be blank." in messages  # from the model's full_clean
    assert any("is not an ISO 3166 country code" in m for m in messages)
    assert len(check.problems) >= len(rows) // 2


def test_the_dry_run_makes_as_many_queries_for_many_rows_as_for_few() -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dept = department()
    queries = []
    for size in (5, 50):
        rows = [row(**PLAIN, source_id=f"Q{size}-{n}", title=f"Course {n}") for n in range(size)]
        batch = import_batch_create(
            actor=dept.clerk, agency=dept.agency, file_name="q.csv", content=csv_bytes(rows)
        )
        with CaptureQueriesContext(connection) as captured:
            outcome = _run(batch, actor=dept.clerk, commit=False)
        assert outcome.ok and outcome.created == size, outcome.problems
        queries.append(len(captured))
    assert queries[0] == queries[1]
