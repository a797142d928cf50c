"""The CSV export from stored lines (ADR 0031): the same bytes as the instance-based
oracle whether no line, every line or some lines are stored; and a change to any table a
line is made from, through the ORM or by raw SQL, marks the line stale in the same
statement (triggers), so the export never serves a stale line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from liaison.activities.models import Activity, Location, Participation, Topic
from liaison.activities.selectors import ActivityFilters, activity_list
from liaison.approvals.models import ApprovalStep
from liaison.core.tabular import csv_value_batches
from liaison.exchange import lines
from liaison.exchange.models import ExportLine, ImportedRecord
from liaison.exchange.selectors import export_csv_chunks, export_value_rows
from liaison.exchange.spec import ACTIVITIES
from liaison.exchange.tests.legacy_export import legacy_csv
from liaison.exchange.tests.test_export_values import fill
from liaison.funding.models import Contribution, Funder
from liaison.people.models import Employee, Organisation
from liaison.reports.models import EvaluationReport, ReportAuthor

pytestmark = pytest.mark.django_db(transaction=False)


@pytest.fixture
def filled() -> Any:
    """The oracle test's records: imported rows, five full activities, a bare one."""
    return fill()


def _all() -> Any:
    return Activity.objects.order_by("-start_date", "-id")


def _stored(qs: Any, window: int = 3) -> str:
    return "".join(export_csv_chunks(qs, window=window))


def _scratch(qs: Any) -> str:
    return "".join(csv_value_batches(ACTIVITIES.headers, export_value_rows(qs)))


def _current() -> int:
    return ExportLine.objects.filter(line__isnull=False, format=lines.line_format()).count()


def _sql(statement: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params or [])


def test_no_line_stored_every_line_stored_and_some_of_each(filled: Any) -> None:
    qs = activity_list(user=filled.clerk, filters=ActivityFilters())
    oracle = legacy_csv(qs)
    ExportLine.objects.all().delete()
    assert _current() == 0
    for window in (1, 2, 2000):
        assert _stored(qs, window) == oracle
    assert ExportLine.objects.count() == 0, "an export writes nothing"

    assert lines.refresh_lines(batch=3) == qs.count()
    assert _current() == qs.count()
    for window in (1, 2, 2000):
        assert _stored(qs, window) == oracle
    assert lines.refresh_lines() == 0  # nothing left to do

    # Some stored, some invalidated (a change), some of an old format, some deleted rows.
    first, second, third = list(qs.exclude(title="Bare").values_list("pk", flat=True))[:3]
    Location.objects.filter(activity_id=first).update(city="Nice")
    ExportLine.objects.filter(activity_id=second).update(format="old")
    ExportLine.objects.filter(activity_id=third).delete()
    oracle = legacy_csv(qs)
    assert _current() == qs.count() - 3
    for window in (1, 2, 2000):
        assert _stored(qs, window) == oracle
    assert lines.refresh_lines(batch=2) == 3
    assert _stored(qs) == oracle


@pytest.mark.parametrize(
    "filters",
    [ActivityFilters(country="FR"), ActivityFilters(year=2016), ActivityFilters(sort="title")],
)
def test_filtered_exports_from_stored_lines(filled: Any, filters: ActivityFilters) -> None:
    lines.refresh_lines()
    Participation.objects.filter(name_at_time="Ben Kim").update(rank_at_time="Chief")
    qs = activity_list(user=filled.clerk, filters=filters)
    assert qs.exists()
    assert _stored(qs, 2) == legacy_csv(qs)


@pytest.mark.parametrize("refreshed", [False, True])
def test_the_page_and_the_api_send_the_oracles_bytes(filled: Any, refreshed: bool) -> None:
    if refreshed:
        lines.refresh_lines()
    client = Client()
    client.force_login(filled.clerk)
    whole = legacy_csv(activity_list(user=filled.clerk, filters=ActivityFilters())).encode()
    for url in ("/exchange/activities.csv", "/api/v1/exports/activities/csv"):
        response: Any = client.get(url)
        assert b"".join(response.streaming_content) == whole, url
    fr = "country=FR"
    old = legacy_csv(activity_list(user=filled.clerk, filters=ActivityFilters(country="FR")))
    for url in (f"/exchange/activities.csv?{fr}", f"/api/v1/exports/activities/csv?{fr}"):
        response = client.get(url)
        assert b"".join(response.streaming_content) == old.encode(), url


def test_an_export_that_met_missing_lines_says_how_many(filled: Any) -> None:
    qs = _all()
    met: list[int] = []
    "".join(export_csv_chunks(qs, on_missing=met.append))
    assert met == [-1]  # cold: most missing, written by the values path, not counted
    lines.refresh_lines()
    met.clear()
    "".join(export_csv_chunks(qs, on_missing=met.append))
    assert met == []
    Location.objects.filter(activity=_one()).update(city="Caen")
    "".join(export_csv_chunks(qs, on_missing=met.append))
    assert met == [1]


def _one() -> Activity:
    return Activity.objects.get(title__startswith='=Course "0"')


# Each source table of a line, changed through the ORM and by raw SQL.
CHANGES: dict[str, Callable[[Activity], Any]] = {
    "activity (ORM)": lambda a: Activity.objects.filter(pk=a.pk).update(title="@Renamed"),
    "activity (SQL)": lambda a: _sql(
        "UPDATE activities_activity SET not_on_record = '[]' WHERE id = %s", [a.pk]
    ),
    "activity cost (SQL)": lambda a: _sql(
        "UPDATE activities_activity SET estimated_cost = NULL WHERE id = %s", [a.pk]
    ),
    "location (ORM)": lambda a: Location.objects.create(activity=a, country="DE", position=0),
    "location (SQL)": lambda a: _sql(
        "UPDATE activities_location SET city = 'Metz' WHERE activity_id = %s", [a.pk]
    ),
    "location delete (SQL)": lambda a: _sql(
        "DELETE FROM activities_location WHERE activity_id = %s AND country = 'GB'", [a.pk]
    ),
    "topic link (ORM)": lambda a: a.topics.remove(a.topics.all()[0]),
    "topic link (SQL)": lambda a: _sql(
        "INSERT INTO activities_activity_topics (activity_id, topic_id) VALUES (%s, %s)",
        [a.pk, Topic.objects.create(name="Added by SQL").pk],
    ),
    "topic rename (ORM)": lambda a: (
        Topic.objects.filter(activities=a)
        .filter(name__startswith="Aviation")
        .update(name="Aeronautics")
    ),
    "topic rename (SQL)": lambda a: _sql(
        "UPDATE activities_topic SET name = '=Zzz' WHERE name = 'Zebra crossings 0'"
    ),
    "participation (ORM)": lambda a: Participation.objects.filter(
        activity=a, role="instructor"
    ).update(role="attendee"),
    "participation (SQL)": lambda a: _sql(
        "UPDATE activities_participation SET name_at_time = 'Guest Two' WHERE activity_id = %s "
        "AND name_at_time = 'Guest One'",
        [a.pk],
    ),
    "participation delete (ORM)": lambda a: Participation.objects.filter(
        activity=a, name_at_time="Ben Kim"
    ).delete(),
    "employee serial (ORM)": lambda a: Employee.objects.filter(serial_number="S0").update(
        serial_number="S0-new"
    ),
    "employee serial (SQL)": lambda a: _sql(
        "UPDATE people_employee SET serial_number = '+9' WHERE serial_number = 'S0'"
    ),
    "host name (ORM)": lambda a: Organisation.objects.filter(hosted_activities=a).update(
        name="New host"
    ),
    "organiser country (SQL)": lambda a: _sql(
        "UPDATE people_organisation SET country = 'BE' WHERE id = %s",
        [a.organiser_organisation_id],
    ),
    "funder (ORM)": lambda a: Funder.objects.filter(name="Foundation 0").update(funder_type="ngo"),
    "funder (SQL)": lambda a: _sql(
        "UPDATE funding_funder SET name = 'Renamed fund' WHERE name = 'Foundation 0'"
    ),
    "contribution (ORM)": lambda a: Contribution.objects.filter(activity=a)[0].delete(),
    "contribution (SQL)": lambda a: _sql(
        "UPDATE funding_contribution SET description = '-x' WHERE activity_id = %s", [a.pk]
    ),
    "approval (ORM)": lambda a: ApprovalStep.objects.filter(activity=a, state="pending").update(
        state="approved", decided_by_name="Late", decided_at=a.created_at
    ),
    "approval (SQL)": lambda a: _sql(
        "UPDATE approvals_approvalstep SET reason = 'Because' WHERE activity_id = %s", [a.pk]
    ),
    "report (ORM)": lambda a: EvaluationReport.objects.filter(activity=a, status="draft").update(
        status="submitted"
    ),
    "report (SQL)": lambda a: _sql(
        "UPDATE reports_evaluationreport SET submitted_at = NULL WHERE activity_id = %s", [a.pk]
    ),
    "report author (ORM)": lambda a: ReportAuthor.objects.filter(report__activity=a)[0].delete(),
    "report author (SQL)": lambda a: _sql(
        "DELETE FROM reports_reportauthor WHERE report_id IN "
        "(SELECT id FROM reports_evaluationreport WHERE activity_id = %s)",
        [a.pk],
    ),
    "agency ori (SQL)": lambda a: _sql(
        "UPDATE accounts_agency SET ori_code = 'ZZ0000000' WHERE id = %s", [a.agency_id]
    ),
    "category slug (SQL)": lambda a: _sql(
        "UPDATE activities_category SET slug = 'renamed' WHERE id = %s", [a.category_id]
    ),
    "import source (ORM)": lambda a: ImportedRecord.objects.filter(source_id="T-1").update(
        source_id="T-99"
    ),
    "import system (SQL)": lambda a: _sql(
        "UPDATE exchange_importedrecord SET source_system = '=Other'"
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_to_any_source_is_never_served_stale(filled: Any, change: str) -> None:
    qs = _all()
    lines.refresh_lines()
    assert _current() == qs.count()
    before = _stored(qs)
    CHANGES[change](_one())
    scratch = _scratch(qs)
    assert scratch != before, "the change changes the file"
    assert _current() < qs.count()
    assert _stored(qs) == scratch
    assert _stored(qs) == legacy_csv(qs)
    lines.refresh_lines()
    assert _current() == qs.count()
    assert _stored(qs) == scratch


def test_a_change_that_leaves_the_cells_alone_keeps_the_line(filled: Any) -> None:
    lines.refresh_lines()
    count = _current()
    Activity.objects.update(search_text="reindexed")
    for activity in Activity.objects.all():
        activity.save()  # every column written, none changed
    Organisation.objects.update(notes="a note")
    assert _current() == count


def test_a_change_while_the_refresh_renders_is_not_stored(
    filled: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A change committed between the refresh's read and its write: the stamp it read is
    no longer the row's, so the line it rendered (now stale) is not stored."""
    lines.refresh_lines()
    target = _one()
    Location.objects.filter(activity=target).update(city="Brest")  # target's line is stale
    render = lines.rendered_lines

    def render_then_change(ids: Any) -> dict[int, str]:
        rendered = render(ids)
        Location.objects.filter(activity=target).update(city="Rennes")  # after the read
        return rendered

    monkeypatch.setattr(lines, "rendered_lines", render_then_change)
    lines.refresh_lines()
    assert ExportLine.objects.get(activity=target).line is None
    assert _stored(_all()) == _scratch(_all())
    # A new activity (no line row yet) changed the same way.
    lines.refresh_lines()  # the patched render changes target again: still missing
    monkeypatch.undo()
    lines.refresh_lines()
    assert _current() == Activity.objects.count()
    assert _stored(_all()) == _scratch(_all())


def test_a_missing_trigger_is_put_back_and_every_line_marked_stale(filled: Any) -> None:
    lines.refresh_lines()
    name = sorted(lines.trigger_names())[0]
    if connection.vendor == "postgresql":
        table = name.removeprefix(lines.TRIGGER_PREFIX).rsplit("_", 1)[0]
        _sql(f"DROP TRIGGER {name} ON {table}")
    else:
        _sql(f"DROP TRIGGER {name}")
    assert lines.install_triggers(connection) == 1
    assert lines.trigger_names() <= lines.installed_triggers(connection)
    assert _current() == 0
    assert lines.install_triggers(connection) == 0


def test_an_activity_deleted_takes_its_line(filled: Any) -> None:
    lines.refresh_lines()
    Activity.objects.get(title="Bare").delete()
    assert ExportLine.objects.count() == Activity.objects.count()
    assert _stored(_all()) == _scratch(_all())
    a = _one()
    a.pk = None
    a.save()
    assert ExportLine.objects.filter(activity_id=a.pk, line=None).exists()
    _sql("DELETE FROM activities_activity WHERE id = %s", [a.pk])
    assert not ExportLine.objects.filter(activity_id=a.pk).exists()


def test_a_download_that_met_missing_lines_enqueues_the_refresh(filled: Any) -> None:
    _download_enqueues_the_refresh(filled)


@pytest.mark.django_db(transaction=True)
def test_the_refresh_is_enqueued_after_the_reads_transaction(filled: Any) -> None:
    """Outside a test's transaction (as in production) the read runs in a read-only
    transaction on PostgreSQL: the task row is written after it ends, or it would be
    refused."""
    _download_enqueues_the_refresh(filled)


def _download_enqueues_the_refresh(filled: Any) -> None:
    from django.core.cache import cache
    from django_tasks_db.models import DBTaskResult

    cache.delete("exchange:refresh-export-lines")
    client = Client()
    client.force_login(filled.clerk)
    response: Any = client.get("/exchange/activities.csv")
    b"".join(response.streaming_content)
    queued = DBTaskResult.objects.filter(task_path__endswith="refresh_export_lines")
    assert queued.count() == 1
    assert ExportLine.objects.filter(line__isnull=False).count() == 0  # the GET wrote no line
    cache.delete("exchange:refresh-export-lines")
    lines.refresh_lines()
    response = client.get("/exchange/activities.csv")
    b"".join(response.streaming_content)
    assert queued.count() == 1  # nothing missing: nothing enqueued


def _cursor_state() -> tuple[list[tuple[Any, ...]], str]:
    """The open cursors of this connection (PostgreSQL's ``pg_cursors``: holdable?, its
    statement) and whether the transaction is read-only."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT is_holdable, statement FROM pg_cursors")
        cursors = cursor.fetchall()
        cursor.execute("SHOW transaction_read_only")
        return cursors, cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="server-side cursors")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("finish", ["read to the end", "closed half-way"])
def test_the_export_streams_through_a_cursor_without_hold(filled: Any, finish: str) -> None:
    """Outside a transaction PostgreSQL materialises a WITH HOLD cursor's whole result
    before its first row (35.7 s for 1M lines): the export reads inside a read-only
    transaction, whose cursor streams (ADR 0031, amendment). However the download ends,
    the connection is back in autocommit afterwards."""
    lines.refresh_lines()
    qs = _all()
    assert connection.get_autocommit() and not connection.in_atomic_block
    chunks = export_csv_chunks(qs, window=1)
    next(chunks)  # the header: nothing read yet
    next(chunks)  # the first line: the cursor is open
    cursors, read_only = _cursor_state()
    holdable = [held for held, statement in cursors if "exchange_exportline" in statement]
    assert holdable == [False], cursors
    assert read_only == "on"
    assert connection.in_atomic_block
    if finish == "read to the end":
        rest = "".join(chunks)
        assert rest.count("\r\n") == qs.count() - 1
    else:
        chunks.close()  # the client went away: GeneratorExit ends the transaction
    assert connection.get_autocommit() and not connection.in_atomic_block
    assert _cursor_state() == ([], "off")
    # The connection writes again as usual.
    ExportLine.objects.all().delete()
    assert ExportLine.objects.count() == 0


def test_an_export_inside_a_callers_transaction_adds_none(filled: Any) -> None:
    """A caller already in a transaction (a test, a task) keeps it: no nested read-only
    transaction that would stop the caller's later writes."""
    assert connection.in_atomic_block
    oracle = legacy_csv(_all())
    assert _stored(_all()) == oracle
    ExportLine.objects.all().delete()  # still writable
