"""The activity export's stored lines (ADR 0031): what a line is made from, the triggers
that invalidate it, and the refresh that writes the missing ones.

A line (``ExportLine.line``) is the CSV text that the export's one Python path
(``selectors.keyed_value_rows`` + ``tabular.csv_value_line``) writes for an activity.
It is made from the columns listed in ``SOURCES``: for each table, the columns read by
``selectors.export_value_rows`` / ``_relations`` and the SQL that names the activities
whose line a changed row feeds. From that list this module writes, per database, the
triggers that mark those lines stale (``line`` NULL, ``stamp`` + 1) in the same statement
as the change; no service has to remember it, and raw SQL is covered too.

Why a stamp and not a DELETE: a refresh reads an activity, then writes its line. A change
committed between the two would delete nothing (no line yet) and the refresh would store
a stale line. With the stamp, the refresh reads the stamps first and writes a line only
``WHERE stamp = <the stamp it read>`` (or inserts it only if no row appeared meanwhile):
a change in between has raised the stamp (or created the row), so the write does
nothing, and the line stays missing until the next refresh.

This module writes (the refresh): it is a cache's maintenance, not a business change, so
it has no actor and no audit row; ``refresh_lines`` is its only writer.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

LINES = "exchange_exportline"
ACTIVITIES = "activities_activity"
TRIGGER_PREFIX = "liaison_xl_"


@dataclass(frozen=True)
class Source:
    """A table a line is made from.

    ``watched``: the model fields (on ``model``) whose change changes a line; an UPDATE
    that leaves them all equal invalidates nothing. ``activities``: SQL selects, each
    naming as ``a`` the activities a row ``{r}`` feeds. ``events``: the statements that
    can change a line (a registry row, e.g. a topic, is only read through the rows that
    point to it, so only its UPDATE matters: its insertion changes no line, and its
    deletion reaches the lines through the rows that pointed to it)."""

    model: str
    watched: tuple[str, ...]
    activities: tuple[str, ...]
    events: tuple[str, ...] = ("INSERT", "UPDATE", "DELETE")
    through: str = ""  # the field of ``model`` whose M2M table this source is

    def table(self) -> Any:
        model = apps.get_model(self.model)
        if self.through:
            return model._meta.get_field(self.through).remote_field.through
        return model

    def columns(self) -> list[str]:
        model = self.table()
        return [model._meta.get_field(name).column for name in self.watched]


_OWN = ("SELECT {r}.activity_id AS a",)
_OF_PARTICIPATION = (
    # A participation is also named by its activity's funding items and report authors.
    "SELECT c.activity_id AS a FROM funding_contribution c WHERE c.participation_id = {r}.id",
    "SELECT e.activity_id AS a FROM reports_reportauthor w "
    "JOIN reports_evaluationreport e ON e.id = w.report_id WHERE w.participation_id = {r}.id",
)

# Everything a line is made from: the columns of ``selectors._ACTIVITY_FIELDS`` and of
# each stream of ``selectors._relations`` (values and sort keys), table by table. A test
# (test_export_lines) changes each source and compares the export with one from scratch.
SOURCES = (
    Source(
        "activities.Activity",
        (
            "agency",
            "title",
            "direction",
            "kind",
            "category",
            "purpose",
            "justification",
            "host_organisation",
            "organiser_organisation",
            "start_date",
            "end_date",
            "estimated_cost",
            "status",
            "recorded_at",
            "not_on_record",
        ),
        ("SELECT {r}.id AS a",),
    ),
    Source("activities.Location", ("activity", "country", "city", "position"), _OWN),
    Source("activities.Activity", ("activity", "topic"), _OWN, through="topics"),
    Source(
        "activities.Topic",
        ("name",),
        ("SELECT t.activity_id AS a FROM activities_activity_topics t WHERE t.topic_id = {r}.id",),
        events=("UPDATE",),
    ),
    Source(
        "activities.Participation",
        (
            "activity",
            "employee",
            "role",
            "name_at_time",
            "rank_at_time",
            "unit_at_time",
            "agency_at_time",
        ),
        _OWN + _OF_PARTICIPATION,
    ),
    Source(
        "people.Employee",
        ("serial_number",),
        (
            "SELECT p.activity_id AS a FROM activities_participation p "
            "WHERE p.employee_id = {r}.id",
            "SELECT c.activity_id AS a FROM activities_participation p JOIN funding_contribution c "
            "ON c.participation_id = p.id WHERE p.employee_id = {r}.id",
            "SELECT e.activity_id AS a FROM activities_participation p JOIN reports_reportauthor w "
            "ON w.participation_id = p.id JOIN reports_evaluationreport e ON e.id = w.report_id "
            "WHERE p.employee_id = {r}.id",
        ),
        events=("UPDATE",),
    ),
    Source(
        "people.Organisation",
        ("name", "country"),
        (
            "SELECT x.id AS a FROM activities_activity x WHERE x.host_organisation_id = {r}.id",
            "SELECT x.id AS a FROM activities_activity x "
            "WHERE x.organiser_organisation_id = {r}.id",
        ),
        events=("UPDATE",),
    ),
    Source(
        "funding.Funder",
        ("name", "funder_type"),
        ("SELECT c.activity_id AS a FROM funding_contribution c WHERE c.funder_id = {r}.id",),
        events=("UPDATE",),
    ),
    Source(
        "funding.Contribution",
        (
            "activity",
            "funder",
            "participation",
            "paid_for",
            "amount",
            "currency",
            "usd_rate",
            "rate_date",
            "paid_on",
            "grant_identifier",
            "description",
            "valuation_method",
        ),
        _OWN,
    ),
    Source(
        "approvals.ApprovalStep",
        (
            "activity",
            "round",
            "position",
            "kind",
            "role",
            "state",
            "decided_at",
            "decided_by_name",
            "decided_by_rank",
            "reason",
            "conditions",
        ),
        _OWN,
    ),
    Source("reports.EvaluationReport", ("activity", "status", "submitted_at"), _OWN),
    Source(
        "reports.ReportAuthor",
        ("report", "participation"),
        ("SELECT e.activity_id AS a FROM reports_evaluationreport e WHERE e.id = {r}.report_id",),
    ),
    Source(
        "accounts.Agency",
        ("ori_code",),
        ("SELECT x.id AS a FROM activities_activity x WHERE x.agency_id = {r}.id",),
        events=("UPDATE",),
    ),
    Source(
        "activities.Category",
        ("slug",),
        ("SELECT x.id AS a FROM activities_activity x WHERE x.category_id = {r}.id",),
        events=("UPDATE",),
    ),
    Source("exchange.ImportedRecord", ("activity", "source_system", "source_id"), _OWN),
)


@functools.cache
def line_format() -> str:
    """The fingerprint of the code a line is written by: the export's format, its value
    rows and its CSV writer. Any change to these files (even a comment) makes every
    stored line read as missing until the refresh writes it again: a stale format is
    never served, at the cost of one cold export after a deploy that touched them."""
    from liaison.core import tabular
    from liaison.exchange import selectors, spec

    digest = hashlib.sha256()
    for module in (spec, selectors, tabular):
        digest.update(inspect.getsource(module).encode())
    return digest.hexdigest()[:16]


# --- triggers -------------------------------------------------------------------------


def _mark_sql(select: str, *, exists_check: bool = True) -> str:
    """Mark the lines of the activities ``select`` names (column ``a``) stale."""
    exists = f" AND s.a IN (SELECT id FROM {ACTIVITIES})" if exists_check else ""
    return (
        f"INSERT INTO {LINES} (activity_id, line, format, stamp) "
        f"SELECT DISTINCT s.a, NULL, '', 1 FROM ({select}) s WHERE s.a IS NOT NULL{exists} "
        f"ON CONFLICT (activity_id) DO UPDATE SET line = NULL, stamp = {LINES}.stamp + 1"
    )


def _name(source: Source, event: str) -> str:
    return f"{TRIGGER_PREFIX}{source.table()._meta.db_table}_{event.lower()}"[:63]


def _parts(source: Source, row: str) -> str:
    return " UNION ALL ".join(part.format(r=row) for part in source.activities)


def sqlite_sql(source: Source) -> list[str]:
    table = source.table()._meta.db_table
    statements = []
    for event in source.events:
        name = _name(source, event)
        statements.append(f"DROP TRIGGER IF EXISTS {name}")
        when = ""
        if event == "UPDATE":
            changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in source.columns())
            when = f" WHEN {changed}"
            body = _mark_sql(f"{_parts(source, 'NEW')} UNION ALL {_parts(source, 'OLD')}")
        elif event == "INSERT":
            body = _mark_sql(_parts(source, "NEW"))
        elif table == ACTIVITIES:
            body = f"DELETE FROM {LINES} WHERE activity_id = OLD.id"
        else:
            body = _mark_sql(_parts(source, "OLD"))
        statements.append(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} BEGIN {body}; END"
        )
    return statements


def postgresql_sql(source: Source) -> list[str]:
    """Statement-level triggers over the transition tables: one statement per changing
    statement, however many rows (a bulk import inserts thousands at once)."""
    table = source.table()._meta.db_table
    statements = []
    for event in source.events:
        name = _name(source, event)
        if event == "UPDATE":
            changed = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in source.columns())
            body = _mark_sql(
                f"SELECT p.a FROM old_rows o JOIN new_rows n ON n.id = o.id CROSS JOIN LATERAL "
                f"({_parts(source, 'n')} UNION ALL {_parts(source, 'o')}) p WHERE {changed}"
            )
            referencing = "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"
        elif event == "INSERT":
            body = _mark_sql(
                f"SELECT p.a FROM new_rows n CROSS JOIN LATERAL ({_parts(source, 'n')}) p"
            )
            referencing = "REFERENCING NEW TABLE AS new_rows"
        else:
            referencing = "REFERENCING OLD TABLE AS old_rows"
            if table == ACTIVITIES:
                body = f"DELETE FROM {LINES} WHERE activity_id IN (SELECT id FROM old_rows)"
            else:
                body = _mark_sql(
                    f"SELECT p.a FROM old_rows o CROSS JOIN LATERAL ({_parts(source, 'o')}) p"
                )
        statements += [
            f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {body}; RETURN NULL; END $$",
            f"DROP TRIGGER IF EXISTS {name} ON {table}",
            f"CREATE TRIGGER {name} AFTER {event} ON {table} {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        ]
    return statements


def trigger_names() -> set[str]:
    return {_name(source, event) for source in SOURCES for event in source.events}


def installed_triggers(connection: BaseDatabaseWrapper) -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE tgname LIKE %s", [TRIGGER_PREFIX + "%"]
            )
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [TRIGGER_PREFIX + "%"],
            )
        return {row[0] for row in cursor.fetchall()}


def install_triggers(connection: BaseDatabaseWrapper) -> int:
    """(Re)create every trigger (idempotent). Run by the exchange migration and after
    every ``migrate``: SQLite drops a table's triggers when a migration rebuilds it, and
    a change made while a trigger was missing may have gone unnoticed, so if any was
    missing every stored line is marked stale. Returns how many were missing."""
    if connection.vendor not in ("postgresql", "sqlite"):
        raise NotImplementedError(f"The export lines know no {connection.vendor}.")
    if LINES not in connection.introspection.table_names():
        return 0
    missing = len(trigger_names() - installed_triggers(connection))
    build = postgresql_sql if connection.vendor == "postgresql" else sqlite_sql
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        for source in SOURCES:
            for statement in build(source):
                cursor.execute(statement)
        if missing:
            cursor.execute(f"UPDATE {LINES} SET line = NULL, stamp = stamp + 1")
    return missing


# --- the refresh ----------------------------------------------------------------------


def _missing(cursor: Any, after: int, batch: int) -> list[tuple[int, int | None]]:
    """Up to ``batch`` activities after id ``after`` with no current line, with the stamp
    of their line row (None: no row)."""
    # ``l.activity_id > %s`` repeats in the join what ``a.id > %s`` says: PostgreSQL does
    # not carry a bound across an outer join, and without it each batch's merge join read
    # the lines' index from the first id (a 1M refresh slowed to ~850 lines/s as it went).
    cursor.execute(
        f"SELECT a.id, l.stamp FROM {ACTIVITIES} a LEFT JOIN {LINES} l "
        f"ON l.activity_id = a.id AND l.activity_id > %s "
        f"WHERE a.id > %s AND (l.activity_id IS NULL OR l.line IS NULL OR l.format <> %s) "
        f"ORDER BY a.id LIMIT %s",
        [after, after, line_format(), batch],
    )
    return cursor.fetchall()


def rendered_lines(ids: Iterable[int]) -> dict[int, str]:
    """The CSV line of each activity of ``ids`` (those that exist), by the export's path."""
    from liaison.activities.models import Activity
    from liaison.core.tabular import csv_value_line
    from liaison.exchange.selectors import keyed_value_rows

    qs = Activity.objects.filter(pk__in=list(ids)).order_by("id")
    for attempt in range(3):
        try:
            return {pk: csv_value_line(row) for pk, row in keyed_value_rows(qs)}
        except RuntimeError:  # an activity deleted between the merged queries: read again
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def refresh_lines(*, batch: int = 2000, using: str = DEFAULT_DB_ALIAS) -> int:
    """Write the line of every activity that has no current one, ``batch`` activities at
    a time, each write guarded by the stamp read before the activity was read (module
    docstring). Returns how many lines were written."""
    connection = connections[using]
    written = after = 0
    while True:
        with connection.cursor() as cursor:
            found = _missing(cursor, after, batch)
        if not found:
            return written
        after = found[-1][0]
        lines = rendered_lines(pk for pk, _ in found)
        fmt = line_format()
        found = [(pk, stamp) for pk, stamp in found if pk in lines]  # deleted ones left out
        new = [(pk, lines[pk], fmt, pk) for pk, stamp in found if stamp is None]
        old = [(lines[pk], fmt, pk, stamp) for pk, stamp in found if stamp is not None]
        try:
            with transaction.atomic(using=using), connection.cursor() as cursor:
                if new:
                    cursor.executemany(
                        f"INSERT INTO {LINES} (activity_id, line, format, stamp) "
                        f"SELECT %s, %s, %s, 0 WHERE EXISTS "
                        f"(SELECT 1 FROM {ACTIVITIES} WHERE id = %s) "
                        f"ON CONFLICT (activity_id) DO NOTHING",
                        new,
                    )
                if old:
                    cursor.executemany(
                        f"UPDATE {LINES} SET line = %s, format = %s "
                        f"WHERE activity_id = %s AND stamp = %s",
                        old,
                    )
        except IntegrityError:
            # An activity deleted while its line was written: the batch is skipped, and
            # its lines stay missing until the next run.
            continue
        written += len(new) + len(old)
