"""The tamper-evident audit trail (issue 9 part 3, ADR 0023): every audit row is chained
as it is written, ``verify`` finds the first broken link after any tampering with a row,
and the database refuses UPDATE and DELETE of audit rows unless a destruction permit
names the row. Run on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import random
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import DatabaseError, DataError, IntegrityError, connection, models, transaction

from liaison.accounts.models import Agency, AuthEvent, User
from liaison.accounts.services import auth_event_record
from liaison.activities.models import Activity
from liaison.activities.services import activity_transition
from liaison.activities.tests.factories import (
    ActivityFactory,
    LocationFactory,
    ParticipationFactory,
)
from liaison.people.tests.factories import EmployeeFactory, OrganisationFactory
from liaison.records import audit_chain
from liaison.records.audit_chain import (
    CHANGED,
    INSERTED,
    MISSING,
    REORDERED,
    audited_models,
    destroy_record_under_retention,
    destroy_under_retention,
    verify,
)
from liaison.records.models import AuditLink, DestructionPermit, RestrictedRead
from liaison.records.services import log_restricted_read, log_restricted_reads

# --- a trail to tamper with --------------------------------------------------------------


@dataclass
class Trail:
    clerk: User
    agency: Agency
    activities: list[Activity]


@pytest.fixture
def trail(clerk: User, agency: Agency) -> Trail:
    activities = []
    for n in range(3):
        activity = ActivityFactory.create(
            agency=agency, created_by=clerk, title=f"Trip {n}", status="draft"
        )
        LocationFactory.create(activity=activity, country="PL", city="Warsaw")
        ParticipationFactory.create(activity=activity, employee=EmployeeFactory(agency=agency))
        activities.append(activity)
    activity_transition(actor=clerk, activity=activities[0], name="submit")
    OrganisationFactory.create()
    auth_event_record(kind="sign_in", user=clerk)
    auth_event_record(kind="sign_in_failed", username="nobody")
    log_restricted_read(user=clerk, obj=activities[0], door="page", path="/x")
    log_restricted_reads(user=clerk, objs=activities[1:], door="api", path="/y")
    return Trail(clerk=clerk, agency=agency, activities=activities)


def _audit_rows() -> int:
    return sum(m._base_manager.count() for m in audited_models())


def test_an_intact_trail_reports_intact_and_every_audit_row_has_its_link(trail: Trail) -> None:
    result = verify()
    assert result.intact, result.first and result.first.sentence()
    assert result.first is None and result.problems == 0
    assert result.links == AuditLink.objects.count() == _audit_rows() == result.rows
    assert result.head_seq == result.links
    seqs = list(AuditLink.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


def test_reads_of_restricted_records_and_authentication_events_are_in_the_chain(
    trail: Trail,
) -> None:
    for model in (RestrictedRead, AuthEvent):
        ids = set(model._base_manager.values_list("pk", flat=True))
        linked = set(
            AuditLink.objects.filter(table_name=model._meta.db_table).values_list(
                "row_id", flat=True
            )
        )
        assert ids and ids == linked


def test_a_rolled_back_write_leaves_neither_row_nor_link(trail: Trail) -> None:
    before = (AuditLink.objects.count(), _audit_rows())
    with pytest.raises(RuntimeError), transaction.atomic():
        ActivityFactory.create(agency=trail.agency, title="Never")
        raise RuntimeError
    assert (AuditLink.objects.count(), _audit_rows()) == before
    assert verify().intact


def test_the_canonical_form_is_the_same_for_equal_values_however_written() -> None:
    price = models.DecimalField(max_digits=10, decimal_places=2)
    when = models.DateTimeField()
    assert audit_chain.canonical_value(price, "1800") == "1800.00"
    assert audit_chain.canonical_value(price, decimal.Decimal("1800.0")) == "1800.00"
    plus_two = dt.timezone(dt.timedelta(hours=2))
    assert (
        audit_chain.canonical_value(when, dt.datetime(2020, 1, 1, 12, tzinfo=plus_two))
        == audit_chain.canonical_value(when, dt.datetime(2020, 1, 1, 10, tzinfo=dt.UTC))
        == "2020-01-01T10:00:00.000000+00:00"
    )


# --- the guard: the database refuses UPDATE and DELETE ----------------------------------


def test_every_audit_table_and_the_ledger_carry_the_guard(db: None) -> None:
    tables = {m._meta.db_table for m in audited_models()} | {audit_chain.LEDGER_TABLE}
    assert tables - audit_chain.guarded_tables(connection) == set()


@pytest.mark.parametrize("statement", ["UPDATE", "DELETE"])
@pytest.mark.parametrize(
    "table", ["activities_historicalactivity", "accounts_authevent", "records_restrictedread",
              "records_auditlink"],
)  # fmt: skip
def test_raw_sql_update_and_delete_of_audit_rows_are_refused(
    trail: Trail, table: str, statement: str
) -> None:
    pk = "seq" if table == "records_auditlink" else (
        "history_id" if "historical" in table else "id"
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT MIN("{pk}"), COUNT(*) FROM "{table}"')
        row_id, count = cursor.fetchone()
    sql = (
        f'UPDATE "{table}" SET "{pk}" = "{pk}" WHERE "{pk}" = %s'
        if statement == "UPDATE"
        else f'DELETE FROM "{table}" WHERE "{pk}" = %s'
    )
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [row_id])
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        assert cursor.fetchone()[0] == count
    assert verify().intact


def test_the_orm_cannot_change_history_rows_either(trail: Trail) -> None:
    with pytest.raises(DatabaseError), transaction.atomic():
        Activity.history.update(title="Rewritten")
    assert not Activity.history.filter(title="Rewritten").exists()


def test_no_audit_table_is_editable_in_the_admin() -> None:
    registered = set(admin.site._registry)
    audited = set(audited_models()) | {AuditLink}
    assert registered & audited == set()


# --- destruction under retention (the interface for the retention app) ------------------


def test_destruction_under_retention_deletes_and_the_trail_stays_intact(trail: Trail) -> None:
    rows = list(Activity.history.filter(id=trail.activities[2].pk))
    assert rows
    deleted = destroy_under_retention(rows, tombstone_id="T-1", actor=trail.clerk, reason="7 years")
    assert deleted == len(rows)
    assert not Activity.history.filter(id=trail.activities[2].pk).exists()
    permits = DestructionPermit.objects.filter(tombstone_id="T-1")
    assert permits.count() == len(rows)
    result = verify()
    assert result.intact, result.first and result.first.sentence()
    assert result.destroyed == len(rows)
    # The permits are audit rows themselves: chained, and refused an UPDATE.
    assert AuditLink.objects.filter(table_name="records_destructionpermit").count() == len(rows)
    with pytest.raises(DatabaseError), transaction.atomic():
        permits.update(tombstone_id="T-2")


def test_destruction_refuses_rows_that_are_not_audit_rows_and_a_missing_tombstone(
    trail: Trail,
) -> None:
    with pytest.raises(ValueError, match="not audit rows"):
        destroy_under_retention([trail.activities[0]], tombstone_id="T-1", actor=trail.clerk)
    rows = list(Activity.history.all()[:1])
    with pytest.raises(ValueError, match="tombstone"):
        destroy_under_retention(rows, tombstone_id="", actor=trail.clerk)
    assert Activity.history.filter(pk=rows[0].pk).exists()
    assert not DestructionPermit.objects.exists()


# --- tampering: 100 random attacks, each detected -----------------------------------------


def _pk(model: type[models.Model]) -> str:
    assert model._meta.pk is not None
    return str(model._meta.pk.column)


def _drop_guard(table: str) -> None:
    # What an attacker with rights on the database does first.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f'DROP TRIGGER liaison_audit_guard ON "{table}"')
        else:
            cursor.execute(f'DROP TRIGGER "liaison_audit_no_update_{table}"')
            cursor.execute(f'DROP TRIGGER "liaison_audit_no_delete_{table}"')


def _tampered(field: models.Field[Any, Any], value: Any) -> Any:
    """A different value of the same type, or None when this column will not do."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, decimal.Decimal):
        return value + 1
    if isinstance(value, dt.datetime):
        return value + dt.timedelta(seconds=1)
    if isinstance(value, dt.date):
        return value + dt.timedelta(days=1)
    if type(value) is str:
        limit = getattr(field, "max_length", None) or 10_000
        if len(value) < limit:
            return value + "x"
        return value[:-1] + ("y" if value.endswith("x") else "x")
    return None


class Rollback(Exception):
    pass


def _attack(rng: random.Random, kind: str) -> tuple[str, set[int], str]:
    """Tamper with one random audit row by raw SQL; return what verify must report:
    the table, the row ids it may name, and the kind of break."""
    candidates = [m for m in audited_models() if m._base_manager.exists()]
    if kind == "swap":
        candidates = [m for m in candidates if m._base_manager.count() >= 2]
    model = rng.choice(candidates)
    table, pk = str(model._meta.db_table), _pk(model)
    ids = sorted(model._base_manager.values_list("pk", flat=True))
    target = rng.choice(ids)
    _drop_guard(table)
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        if kind == "change":
            obj = model._base_manager.get(pk=target)
            choices = [
                (f, _tampered(f, getattr(obj, f.attname)))
                for f in model._meta.concrete_fields
                if f is not model._meta.pk and not isinstance(f, models.GenericIPAddressField)
            ]
            choices = [(f, v) for f, v in choices if v is not None]
            rng.shuffle(choices)
            for field, new in choices:
                try:
                    # A value a check constraint refuses (a door, a kind): try another column.
                    with transaction.atomic():
                        cursor.execute(
                            f"UPDATE {q(table)} SET {q(str(field.column))} = %s WHERE {q(pk)} = %s",
                            [field.get_db_prep_value(new, connection), target],
                        )
                except (IntegrityError, DataError):
                    continue
                return table, {target}, CHANGED
            raise AssertionError(f"no column of {table} could be changed")
        if kind == "delete":
            cursor.execute(f"DELETE FROM {q(table)} WHERE {q(pk)} = %s", [target])
            return table, {target}, MISSING
        if kind == "swap":
            other = rng.choice([i for i in ids if i != target])
            parked = -1 - max(ids)
            for old, new in ((target, parked), (other, target), (parked, other)):
                cursor.execute(f"UPDATE {q(table)} SET {q(pk)} = %s WHERE {q(pk)} = %s", [new, old])
            return table, {target, other}, REORDERED
        # insert: a copy of a row under a new id
        columns = [str(f.column) for f in model._meta.concrete_fields if f is not model._meta.pk]
        new_id = max(ids) + 1
        listed = ", ".join(q(c) for c in columns)
        cursor.execute(
            f"INSERT INTO {q(table)} ({q(pk)}, {listed}) "
            f"SELECT %s, {listed} FROM {q(table)} WHERE {q(pk)} = %s",
            [new_id, target],
        )
        return table, {new_id}, INSERTED


def test_100_random_tamperings_of_audit_rows_are_each_detected(trail: Trail) -> None:
    assert verify().intact
    rng = random.Random(20261205)
    kinds = ["change", "delete", "swap", "insert"]
    seen: dict[str, int] = {}
    for attempt in range(100):
        kind = kinds[attempt % 4] if attempt < 8 else rng.choice(kinds)
        try:
            with transaction.atomic():
                table, ids, expected = _attack(rng, kind)
                result = verify()
                raise Rollback
        except Rollback:
            pass
        assert not result.intact, (attempt, kind, table, ids)
        first = result.first
        assert first is not None
        assert (first.table, first.row_id in ids) == (table, True), (attempt, first, ids)
        assert first.kind == expected, (attempt, first, expected)
        seen[kind] = seen.get(kind, 0) + 1
    assert set(seen) == set(kinds)
    assert verify().intact  # every attack was rolled back, guard and all
    assert audit_chain.guarded_tables(connection) >= {m._meta.db_table for m in audited_models()}


def test_a_changed_or_missing_link_in_the_ledger_is_detected(trail: Trail) -> None:
    for statement, kind in (
        ("UPDATE records_auditlink SET content_hash = %s WHERE seq = 5", CHANGED),
        ("DELETE FROM records_auditlink WHERE seq = 5", MISSING),
    ):
        try:
            with transaction.atomic():
                _drop_guard("records_auditlink")
                with connection.cursor() as cursor:
                    cursor.execute(statement, ["0" * 64] if "%s" in statement else [])
                result = verify()
                raise Rollback
        except Rollback:
            pass
        assert result.first is not None and result.first.seq == 5
        assert result.first.kind == kind


# --- the command ------------------------------------------------------------------------


def test_verify_audit_says_intact_and_names_the_first_break(trail: Trail, capsys: Any) -> None:
    call_command("verify_audit")
    assert capsys.readouterr().out.startswith("Intact: ")
    head = AuditLink.objects.order_by("-seq").first()
    assert head is not None
    call_command("verify_audit", "--json", "--anchor", f"{head.seq}:{head.hash}")
    report = json.loads(capsys.readouterr().out)
    assert report["intact"] and report["anchors"] == {"checked": 1, "failures": []}
    row = Activity.history.order_by("history_id").first()
    assert row is not None
    try:
        with transaction.atomic():
            _drop_guard("activities_historicalactivity")
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE activities_historicalactivity SET title = 'Rewritten' "
                    "WHERE history_id = %s",
                    [row.history_id],
                )
            with pytest.raises(SystemExit) as exit_:
                call_command("verify_audit")
            raise Rollback
    except Rollback:
        pass
    assert exit_.value.code == 1
    out = capsys.readouterr().out
    assert f"Changed: activities_historicalactivity row {row.history_id}" in out


def test_verify_audit_refuses_a_malformed_anchor(db: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="NUMBER:HASH"):
        call_command("verify_audit", "--anchor", "12:abc")


def test_a_live_record_its_children_and_all_their_history_are_destroyed_under_retention(
    trail: Trail,
) -> None:
    from liaison.activities.models import Location, Participation

    doomed = trail.activities[1]
    location_ids = list(doomed.locations.values_list("pk", flat=True))
    participation_ids = list(doomed.participations.values_list("pk", flat=True))
    destroyed = destroy_record_under_retention(
        doomed, tombstone_id="T-9", actor=trail.clerk, reason="Kept 7 years after the end."
    )
    assert not Activity.objects.filter(pk=doomed.pk).exists()
    assert not Activity.history.filter(id=doomed.pk).exists()
    assert not Location.history.filter(id__in=location_ids).exists()
    assert not Participation.history.filter(id__in=participation_ids).exists()
    assert destroyed == DestructionPermit.objects.filter(tombstone_id="T-9").count() >= 6
    result = verify()
    assert result.intact, result.first and result.first.sentence()
    assert result.destroyed == destroyed


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_extend_one_chain_without_a_fork() -> None:
    """Two threads write audited rows at once; on PostgreSQL the head row's lock makes
    them take turns, so the chain has no gap, no fork and verifies intact. (SQLite's test
    database is one in-memory connection per thread: the check is PostgreSQL's.)"""
    import threading

    from django.db import connections

    from liaison.accounts.tests.factories import AgencyFactory

    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers with its database lock")
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(15):
                with transaction.atomic():
                    AgencyFactory.create(name=f"Thread {n} agency {i}", ori_code=f"TX{n}{i:06d}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = list(AuditLink.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= 30
    result = verify()
    assert result.intact, result.first and result.first.sentence()


def test_the_fast_path_agrees_with_the_canonical_form_on_every_audit_row(trail: Trail) -> None:
    for model in audited_models():
        for row in model._base_manager.all():
            for f in model._meta.concrete_fields:
                value = getattr(row, f.attname)
                if value is not None:
                    assert audit_chain._fast(f, value) == audit_chain.canonical_value(f, value)


def test_the_verifier_reads_raw_values_to_the_canonical_form_of_the_orm(trail: Trail) -> None:
    """``verify`` reads the driver's tuples, not model instances (the bench's 3M rows):
    every column of every audit row must come out as ``canonical_value`` of the ORM's
    value, through the fast readers and through the fallback alike."""
    quote = connection.ops.quote_name
    compared = 0
    for model in audited_models():
        fields = audit_chain._hashed_fields(model)
        plan, slow = audit_chain._read_plan(connection, fields)
        fast = dict(plan)
        pk = model._meta.pk
        assert pk is not None
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(quote(audit_chain._col(f)) for f in fields)} FROM "
                f"{quote(model._meta.db_table)} ORDER BY {quote(audit_chain._col(pk))}"
            )
            raw_rows = cursor.fetchall()
        instances = list(model._base_manager.order_by("pk"))
        for raw, instance in zip(raw_rows, instances, strict=True):
            for i, f in enumerate(fields):
                value = getattr(instance, f.attname)
                expected = json.dumps(
                    None if value is None else audit_chain.canonical_value(f, value),
                    sort_keys=True,
                )
                got = raw[i] if raw[i] is None or i not in fast else fast[i](raw[i])
                assert json.dumps(got, sort_keys=True) == expected, (model, f.column)
                via_orm = None if raw[i] is None else slow[i](raw[i])
                assert json.dumps(via_orm, sort_keys=True) == expected, (model, f.column)
                compared += 1
    assert compared > 200


def test_the_chain_costs_an_audited_write_two_statements_on_postgresql(trail: Trail) -> None:
    """The head's UPDATE … RETURNING, then the links' INSERT and the head's new hash in
    one statement (PostgreSQL); SQLite, in-process, runs the last as two. No savepoint."""
    from django.test.utils import CaptureQueriesContext

    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        log_restricted_read(user=trail.clerk, obj=trail.activities[0], door="page", path="/z")
    sql = [q["sql"] for q in queries.captured_queries]
    chain = [s for s in sql if "records_auditchainhead" in s or "records_auditlink" in s]
    assert len(chain) == (2 if connection.vendor == "postgresql" else 3), chain
    # The one savepoint is the service's own (its atomic block), not the chain's.
    assert sum(s.upper().startswith("SAVEPOINT") for s in sql) == 1, sql
    assert verify().intact


def test_an_append_of_more_links_than_one_statement_holds_verifies_intact(trail: Trail) -> None:
    """``append_links`` writes 1,000 links a statement: a batch of 2,346 spans three."""
    before = AuditLink.objects.count()
    log_restricted_reads(
        user=trail.clerk, objs=trail.activities * 782, door="api", path="/many"
    )  # 2,346 rows
    assert AuditLink.objects.count() == before + 2346
    seqs = list(AuditLink.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
    result = verify()
    assert result.intact, result.first and result.first.sentence()
    assert result.links == len(seqs)
