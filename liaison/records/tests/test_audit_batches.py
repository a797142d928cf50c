"""The verifier's batch path (ADR 0023, amendment of 2026-12-06, second): dates and
datetimes read as their JSON text made in SQL must be byte for byte what the reference
path writes, on every audit column of those types and at the edges of their range; and a
break in a table longer than one batch is named as it is with one batch. Run on SQLite
and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import connection, models, transaction

from liaison.records import audit_chain
from liaison.records.audit_chain import _ENCODE, audited_models, verify
from liaison.records.tests import test_audit_chain as chain_tests
from liaison.records.tests.test_audit_chain import Rollback, Trail, _attack

trail = chain_tests.trail  # the fixture: the same small trail as the chain's tests

UTC = dt.UTC
WARSAW = dt.timezone(dt.timedelta(hours=1))


def _expected(field: models.Field[Any, Any], value: Any) -> str:
    return "null" if value is None else _ENCODE(audit_chain.canonical_value(field, value))


def test_sql_made_fragments_equal_the_reference_path_on_every_audit_row(trail: Trail) -> None:
    quote = connection.ops.quote_name
    compared = 0
    for model in audited_models():
        pk = model._meta.pk
        assert pk is not None
        for field in audit_chain._hashed_fields(model):
            made = audit_chain._fragment_sql(
                connection.vendor, type(field), quote(str(field.column))
            )
            if made is None:
                continue
            with connection.cursor() as cursor:
                cursor.execute(
                    f"SELECT {quote(str(pk.column))}, {made} FROM {quote(model._meta.db_table)}"
                )
                texts = dict(cursor.fetchall())
            for row in model._base_manager.all():
                assert texts[row.pk] == _expected(field, getattr(row, field.attname)), (
                    model,
                    field.column,
                )
                compared += 1
    assert compared > 50


def _fragment_of(field: models.Field[Any, Any], value: Any) -> Any:
    """The SQL-made text of ``value`` stored the way Django stores it in ``field``."""
    if connection.vendor == "postgresql":
        cast = "timestamptz" if isinstance(field, models.DateTimeField) else "date"
        column = f"CAST(%s AS {cast})"
    else:
        column = "%s"
    made = audit_chain._fragment_sql(connection.vendor, type(field), column)
    assert made is not None
    stored = field.get_db_prep_value(value, connection)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {made}", [stored] * made.count("%s"))
        row = cursor.fetchone()
    assert row is not None
    return row[0]


def test_sql_made_fragments_equal_the_reference_path_at_the_edges(db: None) -> None:
    when = models.DateTimeField()
    when.set_attributes_from_name("when")
    day = models.DateField()
    day.set_attributes_from_name("day")
    datetimes = [
        None,
        dt.datetime(1, 1, 1, tzinfo=UTC),
        dt.datetime(999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        dt.datetime(2026, 12, 6, 4, 5, 6, tzinfo=UTC),  # no microseconds
        dt.datetime(2026, 12, 6, 4, 5, 6, 7, tzinfo=UTC),
        dt.datetime(2026, 3, 29, 0, 30, tzinfo=WARSAW),  # not UTC: written in UTC
        dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    ]
    for value in datetimes:
        assert _fragment_of(when, value) == _expected(when, value), value
    dates = [None, dt.date(1, 1, 1), dt.date(999, 1, 2), dt.date(2026, 2, 28)]
    for a_day in [*dates, dt.date(9999, 12, 31)]:
        assert _fragment_of(day, a_day) == _expected(day, a_day), a_day


def test_a_break_is_named_the_same_whatever_the_batch_size(trail: Trail) -> None:
    """Tables longer than a batch: the reference path reads the failed batch again by id
    range and picks the links up where the batch began."""
    assert verify(chunk=2).intact
    rng = random.Random(20261206)
    kinds = ["change", "delete", "swap", "insert"]
    for attempt in range(24):
        kind = kinds[attempt % 4]
        try:
            with transaction.atomic():
                table, ids, expected = _attack(rng, kind)
                small, whole = verify(chunk=2), verify()
                raise Rollback
        except Rollback:
            pass
        assert small.first == whole.first, (attempt, kind, small.first, whole.first)
        assert (small.problems, small.rows, small.links) == (
            whole.problems,
            whole.rows,
            whole.links,
        )
        assert small.first is not None and small.first.kind == expected, (attempt, small.first)
        assert small.first.table == table and small.first.row_id in ids
    assert verify(chunk=2).intact
