"""Importing a spreadsheet: all or nothing, idempotent, every problem named, provenance kept."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from liaison.activities.models import Activity
from liaison.exchange.models import BatchStatus, ImportBatch, ImportedRecord
from liaison.exchange.services import (
    import_batch_cancel,
    import_batch_check,
    import_batch_create,
    import_batch_run,
    import_file,
)
from liaison.exchange.tests.helpers import GOOD, counts, csv_bytes, department, row, xlsx_bytes
from liaison.funding.models import Contribution
from liaison.reports.models import EvaluationReport

pytestmark = pytest.mark.django_db

# A row whose funding and reports name no participant (for rows with other participants).
SOLO = {"funding": "", "reports": ""}


def _import(dept: Any, content: bytes, *, name: str = "legacy.csv", dry_run: bool = False) -> Any:
    return import_file(
        actor=dept.clerk, agency=dept.agency, file_name=name, content=content, dry_run=dry_run
    )


def test_a_good_row_comes_in_with_everything_it_names() -> None:
    dept = department()
    batch = _import(dept, csv_bytes([GOOD]))
    assert (batch.status, batch.created, batch.errors) == (BatchStatus.IMPORTED, 1, [])
    activity = Activity.objects.get()
    assert activity.origin == "imported"
    assert activity.source == "legacy.csv, row 2"
    assert activity.not_on_record == ["travel_records"]
    assert [str(loc) for loc in activity.locations.all()] == ["Toronto, Canada"]
    ana, ben = activity.participations.order_by("id")
    # The rank and unit the source shows, not today's (Ana is a lieutenant now).
    assert (ana.name_at_time, ana.rank_at_time, ana.unit_at_time) == (
        "Ana Lopez", "Sergeant", "Vice Division")  # fmt: skip
    assert ben.role == "instructor"
    contribution = Contribution.objects.get()
    assert (contribution.funder.name, contribution.amount, contribution.participation) == (
        "Police Foundation", 800, ana)  # fmt: skip
    step = activity.approval_steps.get()  # type: ignore[attr-defined]
    assert (step.state, step.decided_by_name) == ("approved", "Cmdr Smith")
    report = EvaluationReport.objects.get()
    assert report.status == "acknowledged"
    record = ImportedRecord.objects.get()
    assert (record.source_system, record.source_id, record.row_number) == (
        "Training unit log (Excel)", "T-1", 2)  # fmt: skip
    assert record.batch.sha256 == hashlib.sha256(csv_bytes([GOOD])).hexdigest()
    assert record.batch.uploaded_by == dept.clerk
    # The oversight summary counts it (recounted once for the file, in its transaction).
    from liaison.activities.models import SummaryCount

    assert SummaryCount.objects.filter(agency=dept.agency, span="M").get().activities == 1


def test_a_file_with_good_and_bad_rows_saves_nothing_and_names_each_bad_row() -> None:
    dept = department()
    before = counts()
    content = csv_bytes(
        [
            GOOD,
            row(source_id="T-2", start_date="2016-13-01"),
            row(source_id="T-3"),
            row(source_id="T-4", participants="9999 | Nobody Known"),
            row(source_id="T-5", locations="ZZ:Atlantis", direction="sideways"),
        ]
    )
    batch = _import(dept, content)
    assert batch.status == BatchStatus.REFUSED
    assert counts() == before
    problems = {(p["row"], p["column"]) for p in batch.errors}
    assert {(3, "start_date"), (5, "participants"), (6, "locations"), (6, "direction")} <= problems
    assert not any(p["row"] in (2, 4) for p in batch.errors)
    by_row = {p["row"]: p for p in batch.errors if p["column"] == "participants"}
    assert by_row[5]["value"] == "9999 | Nobody Known"
    assert "serial number 9999" in by_row[5]["message"]
    # The dry run said what the good rows would do.
    assert [r[:2] for r in batch.plan] == [
        [2, "create"], [3, "error"], [4, "create"], [5, "error"], [6, "error"]]  # fmt: skip


def test_the_same_file_imported_twice_changes_nothing() -> None:
    dept = department()
    content = csv_bytes([GOOD, row(source_id="T-2", title="Second course")])
    first = _import(dept, content)
    assert first.created == 2
    after_first = counts()
    second = _import(dept, content)
    assert (second.status, second.created, second.unchanged) == (BatchStatus.IMPORTED, 0, 2)
    assert counts() == after_first
    assert [r[1] for r in second.plan] == ["unchanged", "unchanged"]


def test_a_corrected_row_updates_the_record_it_brought_in() -> None:
    dept = department()
    _import(dept, csv_bytes([GOOD]))
    check = _import(dept, csv_bytes([row(title="Renamed course", locations="CA:Ottawa")]),
                    dry_run=True)  # fmt: skip
    assert (check.status, check.updated, check.plan[0][1]) == (BatchStatus.CHECKED, 1, "update")
    assert Activity.objects.get().title == GOOD["title"]
    before = counts()
    batch = _import(dept, csv_bytes([row(title="Renamed course", locations="CA:Ottawa")]))
    assert (batch.status, batch.updated, batch.created) == (BatchStatus.IMPORTED, 1, 0)
    activity = Activity.objects.get()
    assert activity.title == "Renamed course"
    assert [loc.city for loc in activity.locations.all()] == ["Ottawa"]
    assert activity.history.first().history_change_reason == "re-imported"  # type: ignore[union-attr]
    assert counts()["Activity"] == before["Activity"]
    # The corrected file again: nothing to do.
    again = _import(dept, csv_bytes([row(title="Renamed course", locations="CA:Ottawa")]))
    assert (again.updated, again.unchanged) == (0, 1)


def test_a_row_that_would_change_a_records_status_or_funding_is_refused() -> None:
    dept = department()
    _import(dept, csv_bytes([GOOD]))
    before = counts()
    batch = _import(dept, csv_bytes([row(status="cancelled", funding="")]))
    assert batch.status == BatchStatus.REFUSED
    [problem] = batch.errors
    assert problem["column"] == "status"
    assert "differs in status, funding" in problem["message"]
    assert counts() == before
    assert Activity.objects.get().status == "completed"


def test_the_dry_run_saves_nothing_and_says_what_would_happen() -> None:
    dept = department()
    before = counts()
    batch = _import(dept, csv_bytes([GOOD]), dry_run=True)
    assert (batch.status, batch.created) == (BatchStatus.CHECKED, 1)
    assert counts() == before


def test_an_ambiguous_name_is_listed_for_review_and_blocks_the_import() -> None:
    dept = department()
    before = counts()
    batch = _import(
        dept, csv_bytes([row(participants=" | Chris Park |  |  |  | attendee", **SOLO)])
    )
    assert batch.status == BatchStatus.REFUSED
    [problem] = batch.errors
    assert problem["column"] == "participants"
    assert "ambiguous" in problem["message"] and "1003, 1004" in problem["message"]
    assert counts() == before
    # Naming the serial number resolves it.
    batch = _import(
        dept, csv_bytes([row(participants="1004 | Chris Park |  |  |  | attendee", **SOLO)])
    )
    assert batch.status == BatchStatus.IMPORTED
    assert Activity.objects.get().participations.get().employee.serial_number == "1004"  # type: ignore[union-attr]


def test_a_participant_is_matched_by_name_when_the_serial_number_is_not_known() -> None:
    # A person who came from another agency keeps one identity: their old serial number
    # is unknown here, their name finds them.
    dept = department()
    batch = _import(
        dept, csv_bytes([row(participants="S-77 | Ben Kim |  |  | County Sheriff |", **SOLO)])
    )
    assert batch.status == BatchStatus.IMPORTED, batch.errors
    participation = Activity.objects.get().participations.get()
    assert participation.employee.serial_number == "1002"  # type: ignore[union-attr]
    assert participation.agency_at_time == "County Sheriff"


def test_an_xlsx_file_imports_like_its_csv() -> None:
    dept = department()
    batch = _import(dept, xlsx_bytes([GOOD]), name="legacy.xlsx")
    assert (batch.status, batch.created, batch.file_format) == (BatchStatus.IMPORTED, 1, "xlsx")
    again = _import(dept, csv_bytes([GOOD]))
    assert again.unchanged == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("legacy.txt", b"a,b\n", "Upload a .csv or .xlsx file"),
        ("legacy.csv", b"", "The file is empty"),
        ("legacy.csv", b"\xff\xfe\x00", "not UTF-8"),
        ("legacy.xlsx", b"not a zip", "not a readable XLSX"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_the_reason(
    name: str, content: bytes, message: str
) -> None:
    from django.core.exceptions import ValidationError

    dept = department()
    with pytest.raises(ValidationError) as caught:
        import_batch_create(actor=dept.clerk, agency=dept.agency, file_name=name, content=content)
    assert message in str(caught.value)
    assert ImportBatch.objects.count() == 0


def test_a_header_without_required_columns_names_them_and_saves_nothing() -> None:
    dept = department()
    headers = (*tuple(h for h in GOOD if h not in ("title", "locations")), "colour")
    batch = _import(dept, csv_bytes([GOOD], headers=headers))
    assert batch.status == BatchStatus.REFUSED
    assert {(p["row"], p["column"]) for p in batch.errors} == {
        (1, "title"), (1, "locations"), (1, "colour")}  # fmt: skip
    assert Activity.objects.count() == 0


def test_only_a_coordinator_of_the_agency_imports() -> None:
    from liaison.accounts.tests.factories import user_with_role
    from liaison.core.errors import Forbidden

    dept = department()
    for role in ("employee", "approver", "overseer", "admin", "security", "reviewer"):
        user = user_with_role(role, dept.agency, f"u-{role}")
        with pytest.raises(Forbidden):
            import_batch_create(
                actor=user, agency=dept.agency, file_name="a.csv", content=csv_bytes([GOOD])
            )
    other = department("County Sheriff", "CA0190000", login="outsider")
    with pytest.raises(Forbidden):
        import_batch_create(
            actor=other.clerk, agency=dept.agency, file_name="a.csv", content=csv_bytes([GOOD])
        )
    assert ImportBatch.objects.count() == 0


def test_a_cancelled_import_saves_nothing(settings: Any) -> None:
    dept = department()
    rows = [row(source_id=f"T-{n}", title=f"Course {n}") for n in range(60)]
    batch = import_batch_create(
        actor=dept.clerk, agency=dept.agency, file_name="big.csv", content=csv_bytes(rows)
    )
    batch = import_batch_check(actor=dept.clerk, batch=batch)
    assert batch.status == BatchStatus.CHECKED
    before = counts()
    # The cancel request arrives while the import runs (the worker looks every 25 rows).
    from liaison.exchange import progress

    batch.status = BatchStatus.IMPORTING
    import_batch_cancel(actor=dept.clerk, batch=batch)
    batch.status = BatchStatus.CHECKED
    assert progress.cancel_requested(batch.token)
    batch = import_batch_run(actor=dept.clerk, batch=batch)
    assert batch.status == BatchStatus.CANCELLED
    assert counts() == before


def test_the_command_checks_and_imports_a_file(tmp_path: Any) -> None:
    department()
    path = tmp_path / "legacy.csv"
    path.write_bytes(csv_bytes([GOOD, row(source_id="T-2", end_date="2010-01-01")]))
    with pytest.raises(CommandError, match="Nothing imported: 1 problem"):
        call_command("import_records", str(path), "--agency", "CA0194200")
    assert Activity.objects.count() == 0
    path.write_bytes(csv_bytes([GOOD]))
    call_command("import_records", str(path), "--agency", "CA0194200", "--dry-run")
    assert Activity.objects.count() == 0
    call_command("import_records", str(path), "--agency", "ca0194200", "--user", "clerk")
    assert Activity.objects.count() == 1


def test_the_activity_page_says_where_an_imported_record_came_from() -> None:
    dept = department()
    _import(dept, csv_bytes([GOOD]), name="travel-2016.csv")
    activity = Activity.objects.get()
    client = Client()
    client.force_login(dept.clerk)
    page = client.get(f"/activities/{activity.pk}/").content.decode()
    assert "Imported from travel-2016.csv, row 2." in page
    assert "travel records not on record" in page
    assert "Key in the source: Training unit log (Excel) T-1" in page
