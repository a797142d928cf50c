"""The verifier's first path (ADR 0023, amendment of 2026-12-06, third): the canonical
JSON of a row made by the database (and on PostgreSQL its SHA-256 too) must be, for every
value it handles, byte for byte what the reference path hashes; and on any tampering the
verdict must be the reference path's. Run on SQLite and PostgreSQL alike."""

from __future__ import annotations

import decimal
import hashlib
import random

from django.db import connection, models, transaction

from liaison.activities.models import Activity
from liaison.activities.tests.factories import ActivityFactory
from liaison.records import audit_chain
from liaison.records.audit_chain import audited_models, content_hash_of, verify
from liaison.records.tests import test_audit_chain as chain_tests
from liaison.records.tests.test_audit_chain import Rollback, Trail, _attack

trail = chain_tests.trail  # the fixture: the same small trail as the chain's tests

# Texts whose JSON escaping must be Python's: quotes, backslashes, control characters
# (named and \u00XX), DEL, non-ASCII, a character outside the BMP, U+2028.
AWKWARD = 'Tab\there "quoted" \\ back\nline\r\x01\x1f\x7f é ß 😀 \u2028 end'


def _made(model: type[models.Model], sql: str) -> dict[int, str | None]:
    quote = connection.ops.quote_name
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}, {quote(str(pk.column))} FROM {quote(model._meta.db_table)}")
        got = cursor.fetchall()
    if connection.vendor == "postgresql":
        return {row_id: made for made, row_id in got}
    return {
        row_id: None if made is None else hashlib.sha256(made.encode()).hexdigest()
        for made, row_id in got
    }


def test_the_hash_made_in_sql_equals_the_reference_on_every_audit_row(trail: Trail) -> None:
    awkward = ActivityFactory.create(
        agency=trail.agency,
        created_by=trail.clerk,
        title=AWKWARD[:200],
        purpose=AWKWARD,
        not_on_record=[] if connection.vendor == "sqlite" else ["report", AWKWARD, ""],
        estimated_cost=decimal.Decimal("1800.00"),
    )
    # SQLite keeps a whole amount as an integer (handled) and cents as a real (not).
    cents = ActivityFactory.create(
        agency=trail.agency, created_by=trail.clerk, estimated_cost=decimal.Decimal("1234.50")
    )
    covered: dict[str, int] = {}
    for model in audited_models():
        sql = audit_chain._content_hash_sql(connection, audit_chain._hashed_fields(model))
        if sql is None:
            continue
        made = _made(model, sql)
        for row in model._base_manager.all():
            # NULL: a value of a shape the first path leaves to the others.
            if made[row.pk] is not None:
                assert made[row.pk] == content_hash_of(row), (model._meta.db_table, row.pk)
                covered[model._meta.db_table] = covered.get(model._meta.db_table, 0) + 1
    history = Activity.history.model
    table = history._meta.db_table
    # Every activity history row is made in SQL, the awkward texts included.
    rows = history._base_manager.count() - (connection.vendor == "sqlite")
    assert covered.get(table) == rows > 0, covered
    assert history._base_manager.filter(id__in=[awkward.pk, cents.pk]).count() == 2
    assert len(covered) >= 5, covered


def test_the_first_path_gives_the_reference_verdict_on_every_tampering(trail: Trail) -> None:
    """Each attack checked three ways: the first path (SQL) with whole batches and with
    batches of 2, and without it; the verdicts must be identical."""
    assert verify().intact and verify(in_sql=False).intact
    rng = random.Random(20261207)
    kinds = ["change", "delete", "swap", "insert"]
    for attempt in range(40):
        kind = kinds[attempt % 4]
        try:
            with transaction.atomic():
                table, ids, expected = _attack(rng, kind)
                runs = [verify(), verify(chunk=2), verify(in_sql=False)]
                raise Rollback
        except Rollback:
            pass
        verdicts = [{**r.as_dict(), "seconds": None} for r in runs]
        assert verdicts[0] == verdicts[1] == verdicts[2], (attempt, kind, verdicts)
        first = runs[0].first
        assert first is not None and first.kind == expected, (attempt, kind, first)
        assert first.table == table and first.row_id in ids
    assert verify().intact
