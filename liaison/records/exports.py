"""The audit events export (``core.tabular``): CSV, XLSX and JSON of ``audit_events``."""

from __future__ import annotations

from liaison.core import tabular
from liaison.core.tabular import DATETIME, INTEGER, TEXT, Column, ExportSpec


def audit_events_spec() -> ExportSpec:
    from liaison.records.selectors import event_tables

    return ExportSpec(
        name="audit-events",
        title="Audit events",
        description="Every audit row: history rows of every record (created, changed, "
        "deleted), the authentication log and reads of restricted records, oldest first. "
        "Rows are hash-chained (verify_audit, ADR 0023).",
        columns=[
            Column("at", "When it happened.", lambda e: e.at, DATETIME),
            Column(
                "source",
                "The audit table the row is in.",
                lambda e: e.table,
                tabular.CODE,
                allowed=event_tables(),
            ),
            Column(
                "row id",
                "The row's id in its audit table (the chain names it so).",
                lambda e: e.row_id,
                INTEGER,
            ),
            Column(
                "record type",
                "What kind of record the event is about.",
                lambda e: e.record_type,
                TEXT,
            ),
            Column(
                "record id",
                "The record's id (an account's for the authentication log).",
                lambda e: e.record_id,
                INTEGER,
            ),
            Column(
                "action",
                "Created, changed, deleted, read, or the authentication event.",
                lambda e: e.action,
                TEXT,
            ),
            Column(
                "actor", "The account that did it (empty: the system).", lambda e: e.actor, TEXT
            ),
            Column(
                "detail",
                "The change's reason, the event's detail, or what was read.",
                lambda e: e.detail,
                TEXT,
            ),
        ],
    )


def register_specs() -> None:
    tabular.register(audit_events_spec())
