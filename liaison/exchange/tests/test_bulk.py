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
