"""Tests only: lift the audit guard (ADR 0023) for a test that must write audit rows the
way an attacker with database rights, or a pre-chain database, would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection


@contextmanager
def guard_suspended(*tables: str) -> Iterator[None]:
    """Inside a test's transaction: on PostgreSQL the guard's trigger is disabled on
    ``tables`` (DDL, rolled back with the test); on SQLite this connection's
    ``liaison_audit_guard_off()`` answers true (every table)."""
    if connection.vendor == "sqlite":
        connection.audit_guard_off = True  # type: ignore[attr-defined]
        try:
            yield
        finally:
            connection.audit_guard_off = False  # type: ignore[attr-defined]
        return
    with connection.cursor() as cursor:
        # PostgreSQL refuses ALTER TABLE on a table with deferred foreign-key checks still
        # pending in the transaction (rows the test wrote): run those checks now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in tables:
            cursor.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER liaison_audit_guard')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in tables:
                cursor.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER liaison_audit_guard')
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
