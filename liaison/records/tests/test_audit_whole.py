"""The verifier's whole-trail path on PostgreSQL (ADR 0023, fourth amendment): aggregate
statements that can only say "the whole ledger / the whole table is intact"; anything
else goes to the earlier paths, which name the break. Here: the path accepts an intact
trail (so it is the one taken), refuses each kind of tampering — rows holding a non-empty
JSON array (its second, serial statement) included — and the verdict stays the
reference path's."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from liaison.activities.models import Activity
from liaison.activities.tests.factories import ActivityFactory
from liaison.records import audit_chain
from liaison.records.audit_chain import Verification, audited_models, verify
from liaison.records.models import AuditLink
from liaison.records.tests import test_audit_chain as chain_tests
from liaison.records.tests.guard import guard_suspended
from liaison.records.tests.test_audit_chain import Rollback, Trail
from liaison.records.tests.test_audit_in_sql import AWKWARD

trail = chain_tests.trail

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the whole-trail path is PostgreSQL's"
)

HISTORY = Activity.history.model
TABLE = HISTORY._meta.db_table


def _table_intact(model: type) -> bool:
    links = {t: s[0] for t, s in audit_chain._ledger_sums(connection).items()}
    return audit_chain._table_intact_sql(connection, model, links, Verification(intact=True))


def _ledger_intact() -> bool:
    sums = audit_chain._ledger_sums(connection)
    return audit_chain._ledger_intact_sql(connection, Verification(intact=True), sums)


def _same_verdicts() -> Verification:
    runs = [verify(), verify(in_sql=False)]
    verdicts = [{**r.as_dict(), "seconds": None} for r in runs]
    assert verdicts[0] == verdicts[1], verdicts
    return runs[0]


@pytest.fixture
def listed(trail: Trail) -> int:
    """An activity whose history rows hold a non-empty JSON array (awkward texts in it)."""
    activity = ActivityFactory.create(
        agency=trail.agency, created_by=trail.clerk, not_on_record=["report", AWKWARD, ""]
    )
    row = HISTORY._base_manager.filter(id=activity.pk).order_by("history_id").first()
    assert row is not None
    return int(row.pk)


def test_an_intact_trail_is_accepted_whole(listed: int) -> None:
    result = Verification(intact=True)
    assert audit_chain._ledger_intact_sql(connection, result, audit_chain._ledger_sums(connection))
    assert result.links == AuditLink.objects.count() > 0
    for model in audited_models():
        if audit_chain._content_hash_sql(connection, audit_chain._hashed_fields(model)):
            assert _table_intact(model), model._meta.db_table
    assert verify().intact


@pytest.mark.parametrize(
    ("change", "kind"),
    [
        # The row with the non-empty array: checked by the second statement.
        ("""UPDATE {t} SET not_on_record = '["report"]' WHERE history_id = {id}""", "changed"),
        ("UPDATE {t} SET title = title || '.' WHERE history_id = {id}", "changed"),
        # A plain row (empty array): the first statement.
        ("UPDATE {t} SET title = title || '.' WHERE history_id = {plain}", "changed"),
        ("DELETE FROM {t} WHERE history_id = {plain}", "missing"),
        ("INSERT", "inserted"),
    ],
)
def test_a_tampered_table_is_refused_and_verified_row_by_row(
    listed: int, change: str, kind: str
) -> None:
    plain = HISTORY._base_manager.exclude(pk=listed).order_by("pk").values_list("pk", flat=True)[0]
    if change == "INSERT":  # a copy under a new id: a row without a link
        fresh = HISTORY._base_manager.order_by("-pk").values_list("pk", flat=True)[0] + 100
        columns = [f.column for f in HISTORY._meta.concrete_fields]
        listed_columns = ", ".join(f'"{c}"' for c in columns)
        chosen = ", ".join(str(fresh) if c == "history_id" else f'"{c}"' for c in columns)
        change = (
            f"INSERT INTO {TABLE} ({listed_columns}) SELECT {chosen} FROM {TABLE} "
            f"WHERE history_id = {plain}"
        )
        plain = fresh
    try:
        with transaction.atomic():
            with guard_suspended(TABLE), connection.cursor() as cursor:
                cursor.execute(change.format(t=TABLE, id=listed, plain=plain))
            assert not _table_intact(HISTORY)
            result = _same_verdicts()
            raise Rollback
    except Rollback:
        pass
    assert result.first is not None and result.first.kind == kind
    assert result.first.table == TABLE and result.first.row_id in (listed, plain)
    assert _table_intact(HISTORY) and verify().intact


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE records_auditlink SET hash = repeat('a', 64) WHERE seq = {seq}",
        "UPDATE records_auditlink SET prev_hash = repeat('b', 64) WHERE seq = {seq}",
        "UPDATE records_auditlink SET seq = seq + 1000000 WHERE seq = {seq}",
        "UPDATE records_auditchainhead SET hash = repeat('c', 64)",
    ],
)
def test_a_tampered_ledger_is_refused_and_walked_link_by_link(listed: int, change: str) -> None:
    try:
        with transaction.atomic():
            with (
                guard_suspended(audit_chain.LEDGER_TABLE),
                connection.cursor() as cursor,
            ):
                cursor.execute(change.format(seq=3))
            assert not _ledger_intact()
            result = _same_verdicts()
            raise Rollback
    except Rollback:
        pass
    assert not result.intact
    assert _ledger_intact()


def test_constraints_dropped_do_not_let_duplicates_through(listed: int) -> None:
    """The counts do not lean on the ledger's keys: a link copied for the same row (the
    unique constraint dropped) or a link number used twice (the primary key dropped)."""
    seq, row_id = AuditLink.objects.filter(table_name=TABLE).values_list("seq", "row_id")[0]
    top = AuditLink.objects.order_by("-seq").values_list("seq", flat=True)[0]
    for change in [
        "ALTER TABLE records_auditlink DROP CONSTRAINT auditlink_one_per_row",
        "ALTER TABLE records_auditlink DROP CONSTRAINT records_auditlink_pkey, "
        "DROP CONSTRAINT auditlink_one_per_row",
    ]:
        try:
            with transaction.atomic():
                with guard_suspended(audit_chain.LEDGER_TABLE), connection.cursor() as cursor:
                    cursor.execute(change)
                    new_seq = top + 1 if "pkey" not in change else seq
                    cursor.execute(
                        "INSERT INTO records_auditlink (seq, table_name, row_id, schema, "
                        "content_hash, prev_hash, hash) SELECT %s, table_name, row_id, schema, "
                        "content_hash, prev_hash, hash FROM records_auditlink WHERE seq = %s",
                        [new_seq, seq],
                    )
                if "pkey" not in change:
                    assert not _table_intact(HISTORY), row_id
                else:
                    assert not _ledger_intact()
                assert not verify().intact
                raise Rollback
        except Rollback:
            pass


def test_rows_destroyed_under_retention_keep_the_whole_path(listed: int, trail: Trail) -> None:
    """A table with rows destroyed under a permit is still accepted whole (a department
    that applies retention keeps the fast verdict), its destroyed rows counted as the
    row-by-row path counts them; a row deleted beside them without a permit is refused."""
    from liaison.records.audit_chain import destroy_under_retention

    gone = list(HISTORY._base_manager.filter(id=trail.activities[2].pk))
    assert gone
    destroy_under_retention(gone, tombstone_id="T-1", actor=trail.clerk, reason="7 years")
    assert _table_intact(HISTORY)
    counted = Verification(intact=True)
    links = {t: s[0] for t, s in audit_chain._ledger_sums(connection).items()}
    assert audit_chain._table_intact_sql(connection, HISTORY, links, counted)
    assert counted.destroyed == len(gone)
    result = _same_verdicts()
    assert result.intact and result.destroyed >= len(gone)

    plain = HISTORY._base_manager.exclude(pk=listed).order_by("pk").values_list("pk", flat=True)[0]
    try:
        with transaction.atomic():
            with guard_suspended(TABLE), connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {TABLE} WHERE history_id = %s", [plain])
            assert not _table_intact(HISTORY)
            result = _same_verdicts()
            raise Rollback
    except Rollback:
        pass
    assert result.first is not None and result.first.kind == "missing"
    assert result.first.row_id == plain
