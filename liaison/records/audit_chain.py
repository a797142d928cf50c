"""The tamper-evident audit trail: a hash chain over every audit row (ADR 0023).

Audit rows are the history rows of every app (django-simple-history, ADR 0004), the log of
reads of restricted records (``RestrictedRead``), the authentication log
(``accounts.AuthEvent``) and the permits to destroy under retention
(``DestructionPermit``). Each gets one ``AuditLink`` in a separate, append-only ledger:

    content_hash = sha256(canonical JSON of the row's columns, primary key excluded)
    hash         = sha256(prev_hash | seq | table | row id | content_hash | schema key)

``chain_append`` writes the links in the transaction that writes the rows (so a row and
its link are kept or rolled back together); ``verify`` walks the ledger and every audit
table and names the first broken link. A database trigger refuses UPDATE and DELETE on
every audit table (``install_guards``) unless a ``DestructionPermit`` names the row: the
one sanctioned way to delete is ``destroy_under_retention``.

The canonical JSON is the same on SQLite and PostgreSQL: each value goes through the
field's ``get_prep_value`` (what Django sends to the database), then decimals are written
with the field's decimal places, datetimes in UTC ISO 8601 with microseconds, dates and
times in ISO 8601, UUIDs as text, durations in microseconds, bytes in hex, JSON values with
sorted keys.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import hashlib
import itertools
import json
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

GENESIS = "0" * 64
HEAD_ID = 1
LEDGER_TABLE = "records_auditlink"
PERMIT_TABLE = "records_destructionpermit"


# --- which tables are audited ----------------------------------------------------------


def audited_models() -> list[type[models.Model]]:
    """Every model whose rows are audit rows, by table name: the history models of every
    Liaison app (including the many-to-many snapshots), the read log, the authentication
    log and the destruction permits. A new app's history tables join automatically."""
    from simple_history.models import HistoricalChanges

    from liaison.accounts.models import AuthEvent
    from liaison.records.models import DestructionPermit, RestrictedRead

    found: list[type[models.Model]] = [
        m
        for m in apps.get_models()
        if m.__module__.startswith("liaison.") and issubclass(m, HistoricalChanges)
    ]
    found += [RestrictedRead, AuthEvent, DestructionPermit]
    return sorted(found, key=lambda m: m._meta.db_table)


def audited_tables() -> dict[str, type[models.Model]]:
    return {m._meta.db_table: m for m in audited_models()}


def _col(f: models.Field[Any, Any]) -> str:
    return str(f.column)


@functools.cache
def _hashed_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The columns a row of ``model`` is hashed over today: all but the primary key, by
    column name (cached: a model's fields do not change while the process runs)."""
    pk = model._meta.pk
    return sorted((f for f in model._meta.concrete_fields if f is not pk), key=_col)


# --- canonical content -----------------------------------------------------------------


def canonical_value(model_field: models.Field[Any, Any], value: Any) -> Any:
    """One column's value as the chain hashes it (see the module's docstring)."""
    if value is None:
        return None
    value = model_field.get_prep_value(value)
    if value is None:
        return None
    if isinstance(value, bool | int | str):
        return value
    if isinstance(value, decimal.Decimal):
        places = getattr(model_field, "decimal_places", None)
        if places is not None:
            value = value.quantize(decimal.Decimal(1).scaleb(-places))
        return format(value, "f")
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            value = value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value // dt.timedelta(microseconds=1)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict | list):
        return value
    return str(value)


# Fields whose Python value, once of the expected type, is already canonical: skipping
# ``get_prep_value`` for them is what makes the verifier fast (ADR 0023, bench). Exact
# classes only: a subclass (a country, a file) may prepare its value differently.
_TEXT_FIELDS = frozenset(
    {models.CharField, models.TextField, models.SlugField, models.EmailField, models.URLField}
)
_INTEGER_FIELDS = frozenset(
    {
        models.IntegerField, models.BigIntegerField, models.SmallIntegerField,
        models.PositiveIntegerField, models.PositiveBigIntegerField,
        models.PositiveSmallIntegerField, models.AutoField, models.BigAutoField,
        models.ForeignKey,
    }
)  # fmt: skip


def _fast(field: models.Field[Any, Any], value: Any) -> Any:
    """``canonical_value`` for the common cases, the same answer quicker."""
    kind, vtype = type(field), type(value)
    if vtype is str and kind in _TEXT_FIELDS:
        return value
    if vtype is int and kind in _INTEGER_FIELDS:
        return value
    if vtype is bool and kind is models.BooleanField:
        return value
    if vtype is dt.datetime and kind is models.DateTimeField and value.tzinfo is not None:
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    if vtype is dt.date and kind is models.DateField:
        return value.isoformat()
    return canonical_value(field, value)


def content_hash(values: Sequence[tuple[models.Field[Any, Any], Any]]) -> str:
    """SHA-256 of the canonical JSON object {column: value} of ``values``."""
    document = {f.column: None if v is None else _fast(f, v) for f, v in values}
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def link_hash(prev: str, seq: int, table: str, row_id: int, content: str, schema: str) -> str:
    return hashlib.sha256(f"{prev}|{seq}|{table}|{row_id}|{content}|{schema}".encode()).hexdigest()


def schema_key(table: str, columns: Sequence[str]) -> str:
    return hashlib.sha256(f"{table}:{','.join(columns)}".encode()).hexdigest()[:16]


# Schema keys known to be committed (per database); see ``_ensure_schema``.
_KNOWN_SCHEMAS: set[tuple[str, str]] = set()


def _ensure_schema(using: str, table: str, columns: Sequence[str]) -> str:
    """The key of this column set, recorded in ``AuditSchema`` (so a later migration that
    adds a column leaves older rows verifiable). Remembered only once committed: a rolled
    back first write must not leave the process believing the row exists."""
    from liaison.records.models import AuditSchema

    key = schema_key(table, columns)
    if (using, key) not in _KNOWN_SCHEMAS:
        AuditSchema.objects.using(using).get_or_create(
            key=key, defaults={"table_name": table, "columns": ",".join(columns)}
        )
        transaction.on_commit(lambda: _KNOWN_SCHEMAS.add((using, key)), using=using)
    return key


# --- appending -------------------------------------------------------------------------


def _advance_head(connection: BaseDatabaseWrapper, count: int) -> tuple[int, str]:
    """Reserve ``count`` sequence numbers: the UPDATE locks the head row until the
    transaction ends (PostgreSQL), so concurrent writers extend the chain one after
    another. Returns the last reserved number and the hash of the link before the first."""
    update = "UPDATE records_auditchainhead SET seq = seq + %s WHERE id = %s RETURNING seq, hash"
    with connection.cursor() as cursor:
        cursor.execute(update, [count, HEAD_ID])
        got = cursor.fetchone()
        if got is None:
            # A database flushed by a test (or a head lost): start a new chain. Two
            # writers may race here; the loser's insert does nothing and it waits.
            cursor.execute(
                "INSERT INTO records_auditchainhead (id, seq, hash) VALUES (%s, 0, %s) "
                "ON CONFLICT (id) DO NOTHING",
                [HEAD_ID, GENESIS],
            )
            cursor.execute(update, [count, HEAD_ID])
            got = cursor.fetchone()
        return int(got[0]), str(got[1])


def chain_append(rows: Sequence[models.Model], *, using: str | None = None) -> None:
    """Append a link for each of ``rows`` (saved audit rows, in the order written), in
    the current transaction. Called for every history row (``apps.py``'s receivers), the
    read log and the authentication log; nothing else writes links."""
    if not rows:
        return
    using = using or rows[0]._state.db or DEFAULT_DB_ALIAS
    entries = []
    # One schema look-up per table per call, not per row: a batch of thousands of rows of
    # one table (a bulk import, ADR 0026) would otherwise ask for each.
    schemas: dict[type[models.Model], tuple[list[models.Field[Any, Any]], str]] = {}
    for row in rows:
        model = type(row)
        table = model._meta.db_table
        if model not in schemas:
            hashed = _hashed_fields(model)
            schemas[model] = (hashed, _ensure_schema(using, table, [_col(f) for f in hashed]))
        fields, key = schemas[model]
        content = content_hash([(f, getattr(row, f.attname)) for f in fields])
        entries.append((table, int(row.pk), content, key))
    append_links(entries, using=using)


# Rows of links per INSERT statement (7 parameters each: well under PostgreSQL's 65,535).
_LINKS_PER_STATEMENT = 1000
_INSERT_LINKS = (
    "INSERT INTO records_auditlink "
    "(seq, table_name, row_id, schema, content_hash, prev_hash, hash) VALUES "
)
_SET_HEAD = "UPDATE records_auditchainhead SET hash = %s WHERE id = %s"


def append_links(entries: Sequence[tuple[str, int, str, str]], *, using: str) -> None:
    """The second half of ``chain_append``: link ``entries`` (table, row id, content hash,
    schema key; hashed by ``content_hash`` over the ``_ensure_schema`` columns) to the
    chain, in the current transaction. Two round trips on PostgreSQL whatever the count
    below 1,000: the head's ``UPDATE … RETURNING`` (which locks it until the transaction
    ends, so writers take turns), then one statement that inserts the links and moves the
    head. No savepoint: a failure here fails the enclosing transaction, so an audit row is
    never kept without its link (ADR 0023)."""
    if not entries:
        return
    connection = connections[using]
    with transaction.atomic(using=using, savepoint=False):
        last, prev = _advance_head(connection, len(entries))
        seq = last - len(entries)
        params: list[Any] = []
        for table, row_id, content, key in entries:
            seq += 1
            digest = link_hash(prev, seq, table, row_id, content, key)
            params += (seq, table, row_id, key, content, prev, digest)
            prev = digest
        step = _LINKS_PER_STATEMENT * 7
        with connection.cursor() as cursor:
            for start in range(0, len(params), step):
                chunk = params[start : start + step]
                values = ", ".join(["(%s, %s, %s, %s, %s, %s, %s)"] * (len(chunk) // 7))
                last_chunk = start + step >= len(params)
                if last_chunk and connection.vendor == "postgresql":
                    # One round trip for the last links and the head's new hash.
                    cursor.execute(
                        f"WITH links AS ({_INSERT_LINKS}{values}) {_SET_HEAD}",
                        [*chunk, prev, HEAD_ID],
                    )
                else:
                    cursor.execute(f"{_INSERT_LINKS}{values}", chunk)
            if connection.vendor != "postgresql":
                cursor.execute(_SET_HEAD, [prev, HEAD_ID])


# --- verifying -------------------------------------------------------------------------

CHANGED, MISSING, REORDERED, INSERTED = "changed", "missing", "reordered", "inserted"


@dataclass(frozen=True)
class Break:
    """The first broken link: which table and row, its place in the chain, and what is
    wrong with it (``kind``: changed, missing, reordered or inserted)."""

    kind: str
    table: str
    row_id: int | None
    seq: int | None
    detail: str

    def sentence(self) -> str:
        where = f"{self.table} row {self.row_id}" if self.row_id is not None else self.table
        place = f" (link #{self.seq})" if self.seq is not None else ""
        return f"{self.kind.capitalize()}: {where}{place}. {self.detail}"


@dataclass
class Verification:
    intact: bool
    links: int = 0
    rows: int = 0
    destroyed: int = 0  # rows missing under a destruction permit
    problems: int = 0
    first: Break | None = None
    head_seq: int = 0
    head_hash: str = GENESIS
    seconds: float = 0.0
    tables: int = 0
    _found: list[Break] = field(default_factory=list, repr=False)

    def as_dict(self) -> dict[str, Any]:
        first = self.first
        return {
            "intact": self.intact,
            "links_checked": self.links,
            "rows_checked": self.rows,
            "destroyed_under_retention": self.destroyed,
            "problems": self.problems,
            "first_break": None
            if first is None
            else {
                "kind": first.kind,
                "table": first.table,
                "row_id": first.row_id,
                "seq": first.seq,
                "detail": first.detail,
                "sentence": first.sentence(),
            },
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "seconds": round(self.seconds, 3),
        }


_SORT_LAST = 2**63


def _first(found: list[Break]) -> Break | None:
    return min(found, key=lambda b: b.seq if b.seq is not None else _SORT_LAST) if found else None


def _raw_batches(
    connection: BaseDatabaseWrapper, sql: str, params: Sequence[Any], chunk: int
) -> Iterator[list[tuple[Any, ...]]]:
    """The rows of ``sql`` as the driver returns them, in lists of ``chunk`` (a
    server-side cursor on PostgreSQL, so memory stays flat whatever the table's size)."""
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(chunk):
            yield batch


def _raw_rows(
    connection: BaseDatabaseWrapper, sql: str, params: Sequence[Any], chunk: int
) -> Iterator[tuple[Any, ...]]:
    """The rows of ``sql`` one by one (see ``_raw_batches``)."""
    for batch in _raw_batches(connection, sql, params, chunk):
        yield from batch


# A link's hash recomputed by PostgreSQL: ``link_hash``'s text, the numbers written as
# ``str`` writes them. One expression for both of the ledger's SQL paths.
_LINK_HASH_SQL = (
    "encode(sha256(convert_to(prev_hash || '|' || seq::text || '|' || table_name || '|' || "
    "row_id::text || '|' || content_hash || '|' || schema, 'UTF8')), 'hex')"
)
# The ledger's first path on PostgreSQL: each link's hash recomputed and compared there.
_LEDGER_IN_SQL = (
    f"SELECT seq, prev_hash, hash, hash = {_LINK_HASH_SQL} FROM {LEDGER_TABLE} ORDER BY seq"
)
_LEDGER = (
    f"SELECT seq, table_name, row_id, content_hash, prev_hash, hash, schema FROM {LEDGER_TABLE}"
)


def _verify_ledger(using: str, result: Verification, chunk: int, in_sql: bool = True) -> None:
    from liaison.records.models import AuditChainHead

    prev, expected = GENESIS, 1
    found = result._found
    sha256 = hashlib.sha256
    links = 0
    connection = connections[using]
    in_db = in_sql and connection.vendor == "postgresql"
    batches = _raw_batches(
        connection, _LEDGER_IN_SQL if in_db else f"{_LEDGER} ORDER BY seq", [], chunk
    )
    for batch in batches:
        links += len(batch)
        if in_db:
            # Accepted only when the numbers run on from ``expected``, each ``prev_hash``
            # is the hash before it and the database found every hash equal to its
            # recomputation; otherwise the links are read again for the checks below.
            hashes = [link[2] for link in batch]
            if (
                [link[0] for link in batch] == list(range(expected, expected + len(batch)))
                and batch[0][1] == prev
                and [link[1] for link in batch[1:]] == hashes[:-1]
                and [link[3] for link in batch].count(True) == len(batch)
            ):
                prev, expected = hashes[-1], expected + len(batch)
                continue
            with connection.cursor() as cursor:
                cursor.execute(
                    f"{_LEDGER} WHERE seq >= %s AND seq <= %s ORDER BY seq",
                    [batch[0][0], batch[-1][0]],
                )
                batch = cursor.fetchall()
        # A whole batch at once (ADR 0023, second amendment of 2026-12-06): accepted only when
        # every link is the one the per-link loop below would pass without a break —
        # numbered on from ``expected``, each ``prev_hash`` the hash before it, each hash
        # recomputed equal. Otherwise the batch goes through that loop, which names breaks.
        hashes = [link[5] for link in batch]
        if (
            [link[0] for link in batch] == list(range(expected, expected + len(batch)))
            and batch[0][4] == prev
            and [link[4] for link in batch[1:]] == hashes[:-1]
            and [
                sha256(f"{p}|{s}|{t}|{r}|{c}|{k}".encode()).hexdigest()
                for s, t, r, c, p, _, k in batch
            ]
            == hashes
        ):
            prev, expected = hashes[-1], expected + len(batch)
            continue
        for seq, table, row_id, content, prev_hash, digest, key in batch:
            if seq != expected:
                kind = MISSING if seq > expected else REORDERED
                found.append(
                    Break(
                        kind,
                        LEDGER_TABLE,
                        None,
                        expected,
                        f"Link #{expected} of the chain is not there (next is #{seq}).",
                    )
                )
            elif prev_hash != prev:
                found.append(
                    Break(
                        REORDERED,
                        table,
                        row_id,
                        seq,
                        "Its link does not follow the one before it: links were removed, "
                        "inserted or reordered.",
                    )
                )
            # link_hash, inlined (one call fewer per link).
            elif (
                sha256(f"{prev_hash}|{seq}|{table}|{row_id}|{content}|{key}".encode()).hexdigest()
                != digest
            ):
                found.append(
                    Break(CHANGED, table, row_id, seq, "Its link in the chain was rewritten.")
                )
            prev, expected = digest, seq + 1
    result.links += links
    head = AuditChainHead.objects.using(using).filter(pk=HEAD_ID).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, GENESIS)
    result.head_seq, result.head_hash = head_seq, head_hash
    if (head_seq, head_hash) != (expected - 1, prev):
        found.append(
            Break(
                MISSING,
                LEDGER_TABLE,
                None,
                expected,
                f"The chain should end at link #{head_seq}; it ends at #{expected - 1}: "
                "its last links are gone or were replaced.",
            )
        )


# The canonical JSON writer: json.dumps's arguments, made once.
_ENCODE = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def _as_read(
    connection: BaseDatabaseWrapper, model_field: models.Field[Any, Any]
) -> Callable[[Any], Any]:
    """A value of ``model_field`` as the driver returns it -> its canonical form: what
    Django's ``from_db`` converters then ``_fast`` would give (the ORM's way, kept as the
    fallback for any other type of value)."""
    col = model_field.get_col(model_field.model._meta.db_table)
    converters = [
        *connection.ops.get_db_converters(col),
        *col.get_db_converters(connection),
    ]

    def through_django(value: Any) -> Any:
        for converter in converters:
            value = converter(value, col, connection)
        return None if value is None else _fast(model_field, value)

    return through_django


def _read_plan(
    connection: BaseDatabaseWrapper, fields: Sequence[models.Field[Any, Any]]
) -> tuple[list[tuple[int, Callable[[Any], Any]]], list[Callable[[Any], Any]]]:
    """For each column of ``fields`` (in order) whose raw value is not already canonical,
    its position and the function that makes it so; and every column's ORM way (the
    fallback). Left out of the first: exact text and integer fields (the driver gives
    ``str`` and ``int``, which ``_fast`` keeps as they are; a value of another type on a
    tampered row still hashes differently, or takes the fallback)."""
    plan: list[tuple[int, Callable[[Any], Any]]] = []
    slow = [_as_read(connection, f) for f in fields]
    for i, f in enumerate(fields):
        kind = type(f)
        if kind in _TEXT_FIELDS or (kind in _INTEGER_FIELDS and kind is not models.ForeignKey):
            continue
        plan.append((i, _fast_reader(kind, slow[i])))
    return plan, slow


def _fast_reader(kind: type[Any], slow: Callable[[Any], Any]) -> Callable[[Any], Any]:
    utc = dt.UTC
    if kind is models.ForeignKey:
        return lambda v: v if v.__class__ is int else slow(v)
    if kind is models.BooleanField:
        return lambda v: v if v.__class__ is bool else slow(v)
    if kind is models.DateField:
        return lambda v: v.isoformat() if v.__class__ is dt.date else slow(v)
    if kind is models.DateTimeField:

        def datetime_(v: Any) -> Any:
            if v.__class__ is not dt.datetime:
                return slow(v)
            if v.tzinfo is None:  # SQLite: naive UTC
                return v.isoformat(timespec="microseconds") + "+00:00"
            return v.astimezone(utc).isoformat(timespec="microseconds")

        return datetime_
    return slow


# --- the verifier's batch path: JSON fragments a column at a time ----------------------
#
# The canonical JSON of a row is ``{"col":value,...}`` with the columns sorted; ``verify``
# writes it from one template per column set, filled with each value's JSON text (its
# "fragment"), made a column of a batch at a time with as few Python calls per value as
# possible. A batch is accepted only when every row's hash then equals its link's
# recorded hash; any other batch (a break, a value of an unexpected type, rows and links
# not paired one to one) is checked again row by row by the reference path
# (``_read_plan`` readers, one dict, ``_ENCODE``), which is what names the break. So the
# batch path decides nothing that the reference path would decide differently: it can
# only say "these rows hash to what the chain recorded".

_enc_str = json.encoder.encode_basestring  # what the C encoder writes a str with (no ASCII)
_MEMO_LIMIT = 4096  # distinct raw texts remembered per column (JSON columns), then cleared


def _null_or(encode: Callable[[Any], str], values: Sequence[Any]) -> list[str]:
    return ["null" if v is None else encode(v) for v in values]


def _fragmenter(
    kind: type[Any], reader: Callable[[Any], Any] | None
) -> Callable[[Sequence[Any], set[int]], list[str]]:
    """A function: one column of a batch (raw values) -> each value's JSON text, the
    text ``_ENCODE`` writes for the value the reference path makes of it (``reader``, or
    the raw value when the column has none). A row whose value JSON cannot hold is added
    to ``bad`` (the reference path takes it)."""
    memo: dict[str, str] = {}
    encode = _ENCODE
    none_type = type(None)

    def each(values: Sequence[Any], bad: set[int]) -> list[str]:
        out = []
        for j, v in enumerate(values):
            if v is None:
                out.append("null")
                continue
            if v.__class__ is str and reader is not None:
                text = memo.get(v)
                if text is not None:
                    out.append(text)
                    continue
            try:
                text = encode(v if reader is None else reader(v))
            except (TypeError, ValueError):
                bad.add(j)
                text = "null"
            if v.__class__ is str and reader is not None:
                if len(memo) >= _MEMO_LIMIT:
                    memo.clear()
                memo[v] = text
            out.append(text)
        return out

    if kind in _TEXT_FIELDS:

        def text(values: Sequence[Any], bad: set[int]) -> list[str]:
            classes = set(map(type, values))
            if classes == {str}:
                return list(map(_enc_str, values))
            if classes == {str, none_type}:
                return _null_or(_enc_str, values)
            return each(values, bad)

        return text
    if kind in _INTEGER_FIELDS:  # ForeignKey's reader keeps an int as it is

        def integer(values: Sequence[Any], bad: set[int]) -> list[str]:
            classes = set(map(type, values))
            if classes == {int}:
                return list(map(int.__repr__, values))
            if classes <= {int, none_type}:
                return _null_or(int.__repr__, values)
            return each(values, bad)

        return integer
    if kind is models.BooleanField:

        def boolean(values: Sequence[Any], bad: set[int]) -> list[str]:
            if set(map(type, values)) <= {bool, none_type}:
                return ["null" if v is None else "true" if v else "false" for v in values]
            return each(values, bad)

        return boolean
    if kind is models.DateField:

        def date(values: Sequence[Any], bad: set[int]) -> list[str]:
            if set(map(type, values)) <= {dt.date, none_type}:
                return ["null" if v is None else f'"{v.isoformat()}"' for v in values]
            return each(values, bad)

        return date
    if kind is models.DateTimeField:

        def datetime_(values: Sequence[Any], bad: set[int]) -> list[str]:
            if set(map(type, values)) <= {dt.datetime, none_type}:
                zones = {v.tzinfo for v in values if v is not None}
                if zones <= {None}:  # SQLite: naive UTC
                    return [
                        "null" if v is None else f'"{v.isoformat(timespec="microseconds")}+00:00"'
                        for v in values
                    ]
                if zones == {dt.UTC}:  # PostgreSQL, the connection in UTC
                    return [
                        "null" if v is None else f'"{v.isoformat(timespec="microseconds")}"'
                        for v in values
                    ]
            return each(values, bad)

        return datetime_
    return each


def _template(columns: Iterable[str], positions: dict[str, int]) -> Callable[[Any], str]:
    """Fragments of a row (in ``positions`` order) -> the canonical JSON over
    ``columns``: ``{"a":…,"b":…}``, keys sorted, compact, as ``_ENCODE`` writes a dict."""
    names = sorted(set(columns))
    text = "{" + ",".join(_enc_str(c).replace("%", "%%") + ":%s" for c in names) + "}"
    if [positions[c] for c in names] == list(range(len(positions))):
        return text.__mod__
    if not names:
        return lambda _: "{}"
    pick = [positions[c] for c in names]
    return lambda fragments: text % tuple([fragments[i] for i in pick])


def _fragment_sql(vendor: str, kind: type[Any], column: str) -> str | None:
    """SQL that reads a date or datetime column straight to its JSON text (``null`` for
    NULL), or NULL when the value is not of the one plain shape handled here (the batch
    then goes to the reference path). Saves the driver's and Django's parsing and Python's
    ``isoformat`` per value: most of the batch path's time. Each text is one-to-one with
    the stored value in that shape and is what the reference path writes for it, so a
    text equal to a recorded one means the reference path would find the same."""
    if vendor == "postgresql":
        if kind is models.DateTimeField:
            return (
                f"CASE WHEN {column} IS NULL THEN 'null' "
                f"WHEN {column} >= '0001-01-01 00:00:00+00' "
                f"AND {column} < '10000-01-01 00:00:00+00' THEN "
                f"'\"' || to_char({column} AT TIME ZONE 'UTC', "
                "'YYYY-MM-DD\"T\"HH24:MI:SS.US') || '+00:00\"' END"
            )
        if kind is models.DateField:
            return (
                f"CASE WHEN {column} IS NULL THEN 'null' "
                f"WHEN {column} >= '0001-01-01' AND {column} < '10000-01-01' THEN "
                f"'\"' || to_char({column}, 'YYYY-MM-DD') || '\"' END"
            )
    if vendor == "sqlite":
        # Django stores a datetime as naive UTC text, "YYYY-MM-DD HH:MM:SS[.ffffff]".
        text = f"typeof({column}) = 'text' AND substr({column}, 11, 1) = ' '"
        if kind is models.DateTimeField:
            return (
                f"CASE WHEN {column} IS NULL THEN 'null' "
                f"WHEN {text} AND length({column}) = 26 THEN "
                f"'\"' || substr({column}, 1, 10) || 'T' || substr({column}, 12) || '+00:00\"' "
                f"WHEN {text} AND length({column}) = 19 THEN "
                f"'\"' || substr({column}, 1, 10) || 'T' || substr({column}, 12) "
                "|| '.000000+00:00\"' END"
            )
        if kind is models.DateField:
            return (
                f"CASE WHEN {column} IS NULL THEN 'null' "
                f"WHEN typeof({column}) = 'text' AND length({column}) = 10 "
                f"THEN '\"' || {column} || '\"' END"
            )
    return None


# --- the verifier's first path: the whole canonical JSON made in SQL ------------------
#
# Where every hashed column of a table is of a kind below, the database writes each row's
# whole canonical JSON (``_row_json_sql``): PostgreSQL hashes it too (``sha256`` is built
# in) and returns the hex digest; SQLite returns the text and Python hashes it. A batch is
# accepted only when every digest equals its link's recorded content hash; anything else
# (a NULL: a value not of a handled shape; a break) goes to the batch path above, then the
# reference path, exactly as before. Each column's SQL text is a JSON value that decodes
# to the value the reference path makes of the stored one (and, for the shapes handled,
# is byte for byte its text), so a digest equal to the recorded one means the reference
# path finds the same: the text hashed then was this text. A test compares both verdicts.

_SQL_INTEGER_TYPES = frozenset({"integer", "bigint", "smallint"})


def _column_json_sql(
    connection: BaseDatabaseWrapper,
    model_field: models.Field[Any, Any],
    column: str,
    subqueries: bool = True,
) -> str | None:
    """SQL for one column's JSON text as the reference path writes it (``null`` for NULL),
    NULL for a value not of the shape handled; None when the column's kind is not
    handled at all (the table then takes the batch path). ``subqueries=False``: without
    the subqueries that write a non-empty JSON array on PostgreSQL (such a value is then
    NULL, not handled): the same texts where there is one, in an expression PostgreSQL
    may evaluate in parallel workers (a subquery keeps the aggregate in the leader)."""
    kind, vendor = type(model_field), connection.vendor
    if kind in (models.DateField, models.DateTimeField):
        return _fragment_sql(vendor, kind, column)
    null = f"WHEN {column} IS NULL THEN 'null'"
    if kind in _TEXT_FIELDS:
        if vendor == "postgresql":
            return f"COALESCE(to_json({column})::text, 'null')"
        return f"CASE {null} WHEN typeof({column}) = 'text' THEN json_quote({column}) END"
    if kind in _INTEGER_FIELDS:
        target = getattr(model_field, "target_field", None)
        if kind is models.ForeignKey and type(target) not in _INTEGER_FIELDS - {models.ForeignKey}:
            return None
        if vendor == "postgresql":
            db_type = (model_field.db_type(connection) or "").split("(")[0]
            if db_type not in _SQL_INTEGER_TYPES:
                return None
            return f"COALESCE({column}::text, 'null')"
        return f"CASE {null} WHEN typeof({column}) = 'integer' THEN CAST({column} AS TEXT) END"
    if kind is models.BooleanField:
        if vendor == "postgresql":
            return f"CASE {null} WHEN {column} THEN 'true' ELSE 'false' END"
        return (
            f"CASE {null} WHEN typeof({column}) = 'integer' AND {column} = 1 THEN 'true' "
            f"WHEN typeof({column}) = 'integer' AND {column} = 0 THEN 'false' END"
        )
    if kind is models.DecimalField:
        places = getattr(model_field, "decimal_places", None)
        digits = getattr(model_field, "max_digits", None)
        if not isinstance(places, int) or not isinstance(digits, int) or digits - places > 15:
            return None
        if vendor == "postgresql":  # numeric(digits, places): its text has ``places`` decimals
            return (
                f"CASE {null} WHEN scale({column}) = {places} "
                f"THEN '\"' || {column}::text || '\"' END"
            )
        # SQLite keeps a whole amount as an integer; any other shape takes the batch path.
        bound = 10 ** (digits - places)
        tail = "." + "0" * places if places else ""
        return (
            f"CASE {null} WHEN typeof({column}) = 'integer' AND {column} > -{bound} "
            f"AND {column} < {bound} THEN '\"' || CAST({column} AS TEXT) || '{tail}\"' END"
        )
    if kind is models.JSONField:
        empty = "'[]', '{}'"
        if vendor == "postgresql":
            empties = (
                f"CASE {null} WHEN {column} = '[]'::jsonb THEN '[]' "
                f"WHEN {column} = '{{}}'::jsonb THEN '{{}}' "
            )
            if not subqueries:
                return empties + "END"
            return (
                f"{empties}WHEN jsonb_typeof({column}) = 'array' AND NOT EXISTS (SELECT 1 FROM "
                f"jsonb_array_elements({column}) e WHERE jsonb_typeof(e) <> 'string') THEN "
                f"'[' || (SELECT string_agg(to_json(x.e)::text, ',' ORDER BY x.n) FROM "
                f"jsonb_array_elements_text({column}) WITH ORDINALITY x(e, n)) || ']' END"
            )
        return (
            f"CASE {null} WHEN typeof({column}) = 'text' AND {column} IN ({empty}) "
            f"THEN {column} END"
        )
    return None


def _row_json_sql(
    connection: BaseDatabaseWrapper,
    fields: Sequence[models.Field[Any, Any]],
    subqueries: bool = True,
) -> str | None:
    """SQL for a row's whole canonical JSON over ``fields`` (keys sorted, compact, as
    ``_ENCODE`` writes the reference path's dict); NULL when one value is not of a handled
    shape; None when a column's kind is not handled."""
    parts = []
    for i, f in enumerate(sorted(fields, key=_col)):
        made = _column_json_sql(connection, f, connection.ops.quote_name(_col(f)), subqueries)
        if made is None:
            return None
        key = ("{" if i == 0 else ",") + _enc_str(_col(f)) + ":"
        parts += ["'" + key.replace("'", "''") + "'", f"({made})"]
    return " || ".join([*parts, "'}'"]) if parts else "'{}'"


def _content_hash_sql(
    connection: BaseDatabaseWrapper,
    fields: Sequence[models.Field[Any, Any]],
    subqueries: bool = True,
) -> str | None:
    """SQL for a row's content hash (PostgreSQL: hex SHA-256 of the UTF-8 text) or, on
    SQLite, its canonical JSON text (hashed in Python); None when not made in SQL."""
    text = _row_json_sql(connection, fields, subqueries)
    if text is None or connection.vendor not in ("postgresql", "sqlite"):
        return None
    if connection.vendor == "postgresql":
        return f"encode(sha256(convert_to({text}, 'UTF8')), 'hex')"
    return text


def _made_in_sql(values: Sequence[Any], bad: set[int]) -> list[str]:
    """The fragmenter of a column read by ``_fragment_sql``: the texts as they are, or
    the whole batch to the reference path when one value was not of the plain shape."""
    if None in values:
        bad.add(-1)
    return list(values)


def _verify_table(
    using: str,
    model: type[models.Model],
    schemas: dict[str, list[str]],
    permits: set[tuple[str, int]],
    result: Verification,
    chunk: int,
    in_sql: bool = True,
) -> None:
    connection = connections[using]
    quote = connection.ops.quote_name
    table = model._meta.db_table
    pk = model._meta.pk
    assert pk is not None
    fields = _hashed_fields(model)
    current = [_col(f) for f in fields]
    current_key = schema_key(table, current)
    plan, slow = _read_plan(connection, fields)
    readers = dict(plan)
    fragmenters = [_fragmenter(type(f), readers.get(i)) for i, f in enumerate(fields)]
    positions = {c: i for i, c in enumerate(current)}
    # The batch path reads dates and datetimes as their JSON text (``_fragment_sql``);
    # the reference path reads every column plainly, by id range, when it is needed.
    selected = []
    for i, f in enumerate(fields):
        made = _fragment_sql(connection.vendor, type(f), quote(current[i]))
        if made is not None:
            fragmenters[i] = _made_in_sql
        selected.append(made or quote(current[i]))
    id_column = quote(_col(pk))
    plain = f"SELECT {', '.join(quote(c) for c in [*current, _col(pk)])} FROM {quote(table)}"
    # The row's id last: zip(current, row) stops before it.
    fragments_sql = f"SELECT {', '.join([*selected, id_column])} FROM {quote(table)}"
    # The first path (where every column is of a handled kind): (hash or text, id).
    hashed_sql = _content_hash_sql(connection, fields) if in_sql else None
    in_range = f"WHERE {id_column} >= %s AND {id_column} <= %s ORDER BY {id_column}"
    first_sql = (
        fragments_sql
        if hashed_sql is None
        else f"SELECT {hashed_sql}, {id_column} FROM {quote(table)}"
    )
    row_batches = _raw_batches(
        connection,
        f"{first_sql} ORDER BY {id_column}",
        [],
        chunk,
    )
    hashed_in_db = connection.vendor == "postgresql"
    link_iter: Iterator[tuple[Any, ...]] = _raw_rows(
        connection,
        f"SELECT row_id, seq, content_hash, schema FROM {LEDGER_TABLE} "
        "WHERE table_name = %s ORDER BY row_id",
        [table],
        chunk,
    )
    # Schema key -> the columns it hashed, or None when they are not all there any more.
    known: dict[str, list[str] | None] = {current_key: current}
    columns_now = set(current)
    # Schema key -> the batch path's writer of its JSON (None: the reference path).
    writers: dict[str, Callable[[Any], str] | None] = {current_key: _template(current, positions)}
    sha256, encode, found = hashlib.sha256, _ENCODE, result._found
    checked = 0

    def columns_of(key: str) -> list[str] | None:
        if key in known:
            return known[key]
        hashed = schemas.get(key)
        columns = known[key] = (
            hashed if hashed is not None and columns_now.issuperset(hashed) else None
        )
        return columns

    def writer_of(key: str) -> Callable[[Any], str] | None:
        if key not in writers:
            columns = columns_of(key)
            writers[key] = None if columns is None else _template(columns, positions)
        return writers[key]

    def batch_intact(batch: list[tuple[Any, ...]], links: list[tuple[Any, ...]]) -> bool:
        """The batch path: True when every row of ``batch`` has its link in ``links``
        (same ids, same order) and hashes to the content hash that link recorded."""
        n = len(batch)
        if len(links) != n or [link[0] for link in links] != [row[-1] for row in batch]:
            return False
        bad: set[int] = set()
        columns = [
            make(values, bad)
            for make, values in zip(fragmenters, zip(*batch, strict=True), strict=False)
        ]  # id last: left out
        if bad:
            return False
        fragments = list(zip(*columns, strict=True)) if columns else [()] * n
        keys = [link[3] for link in links]
        if keys.count(current_key) == n:
            texts = list(map(writers[current_key], fragments))  # type: ignore[arg-type]
        else:
            by_key = {key: writer_of(key) for key in set(keys)}
            if None in by_key.values():
                return False
            texts = [by_key[key](f) for key, f in zip(keys, fragments, strict=True)]  # type: ignore[misc]
        return [sha256(t.encode()).hexdigest() for t in texts] == [link[2] for link in links]

    def hashed_intact(batch: list[tuple[Any, ...]], links: list[tuple[Any, ...]]) -> bool:
        """The first path: True when every row of ``batch`` (its hash or canonical text
        made in SQL, its id) has its link in ``links`` (same ids, same order, today's
        column set) and its hash is the one that link recorded. A NULL (a value of a
        shape not handled) never equals a recorded hash."""
        if len(links) != len(batch) or [link[0] for link in links] != [row[1] for row in batch]:
            return False
        if [link[3] for link in links].count(current_key) != len(links):
            return False
        if hashed_in_db:
            made = [row[0] for row in batch]
        else:
            if any(row[0] is None for row in batch):
                return False
            made = [sha256(row[0].encode()).hexdigest() for row in batch]
        return made == [link[2] for link in links]

    def check(row: tuple[Any, ...], link: tuple[Any, ...]) -> None:
        """The reference path: one row against its link, naming the break if any."""
        row_id, seq, recorded, key = link
        columns = columns_of(key)
        if columns is None:
            found.append(
                Break(
                    CHANGED,
                    table,
                    row_id,
                    seq,
                    "The columns this row was hashed over are not all there any more.",
                )
            )
            return
        values = list(row)
        for i, canonical in plan:
            v = values[i]
            if v is not None:
                values[i] = canonical(v)
        document = dict(zip(current, values, strict=False))
        if columns is not current:
            document = {c: document[c] for c in columns}
        try:
            now = sha256(encode(document).encode()).hexdigest()
        except (TypeError, ValueError):  # a value JSON cannot hold: the ORM's way
            document = {
                c: None if v is None else through_django(v)
                for c, through_django, v in zip(current, slow, row, strict=False)
                if c in document
            }
            now = sha256(encode(document).encode()).hexdigest()
        if now != recorded:
            found.append(_changed_or_moved(using, table, row_id, seq, now))

    def missing(link: tuple[Any, ...]) -> None:
        if (table, link[0]) in permits:
            result.destroyed += 1
        else:
            found.append(
                Break(
                    MISSING,
                    table,
                    link[0],
                    link[1],
                    "The chain records this row; it has been deleted, and no "
                    "destruction under retention accounts for it.",
                )
            )

    for batch in row_batches:
        ahead = list(itertools.islice(link_iter, len(batch)))
        if hashed_sql is not None:
            if hashed_intact(batch, ahead):
                checked += len(batch)
                continue
            # The batch path over the same ids.
            with connection.cursor() as cursor:
                cursor.execute(f"{fragments_sql} {in_range}", [batch[0][-1], batch[-1][-1]])
                batch = cursor.fetchall()
        if batch_intact(batch, ahead):
            checked += len(batch)
            continue
        # The reference path: read the batch's rows again as they are stored, and merge
        # them (by id) with the links (by row id).
        with connection.cursor() as cursor:
            cursor.execute(f"{plain} {in_range}", [batch[0][-1], batch[-1][-1]])
            batch = cursor.fetchall()
        link_iter = itertools.chain(ahead, link_iter)
        link = next(link_iter, None)
        for row in batch:
            row_id = row[-1]
            while link is not None and link[0] < row_id:
                missing(link)
                link = next(link_iter, None)
            checked += 1
            if link is None or row_id < link[0]:
                found.append(
                    Break(
                        INSERTED,
                        table,
                        row_id,
                        link[1] if link else None,
                        "The row is not in the chain: it was added outside the audited write path.",
                    )
                )
                continue
            check(row, link)
            link = next(link_iter, None)
        if link is not None:
            link_iter = itertools.chain([link], link_iter)
    for link in link_iter:
        missing(link)
    result.rows += checked


def _changed_or_moved(using: str, table: str, row_id: int, seq: int, now: str) -> Break:
    """A row whose content no longer matches its link: reordered when what it holds now
    is what the chain recorded for another row of the table (ids swapped), else changed.
    Only reached on a break, so the unindexed lookup costs nothing on an intact trail."""
    from liaison.records.models import AuditLink

    other = (
        AuditLink.objects.using(using)
        .filter(table_name=table, content_hash=now)
        .exclude(row_id=row_id)
        .values_list("row_id", flat=True)
        .first()
    )
    if other is not None:
        return Break(
            REORDERED,
            table,
            row_id,
            seq,
            f"It holds what the chain recorded for row {other}: rows were renumbered or swapped.",
        )
    return Break(
        CHANGED,
        table,
        row_id,
        seq,
        "Its content differs from what the chain recorded when it was written.",
    )


# --- the verifier's whole-trail path on PostgreSQL (ADR 0023, fourth amendment) --------
#
# Before any of the paths above, PostgreSQL checks the whole ledger and each whole table
# with a few aggregate statements that send back counts, not digests: no rows cross the
# wire, no cursor (a cursor's plan runs in one process), so the planner may spread the
# scan, the JSON text and SHA-256 over parallel workers. They can only say "all of it is
# intact": when any count is off, the ledger or that table is verified again by the paths
# above, unchanged, which name the breaks. Each condition is the one those paths accept.

# Per table (so the same scan gives each table's number of links): the links, their
# lowest and highest numbers, and those whose hash is not the recomputed one.
_LEDGER_SUMS = (
    "SELECT table_name, count(*), min(seq), max(seq), "
    f"count(*) FILTER (WHERE (hash = {_LINK_HASH_SQL}) IS NOT TRUE) "
    f"FROM {LEDGER_TABLE} GROUP BY table_name"
)
# Each link's prev_hash against the hash of the link before it (GENESIS for the first),
# and its number against its place (1, 2, 3 … even were the primary key dropped).
_LEDGER_UNCHAINED = (
    "SELECT count(*) FILTER (WHERE prev_hash IS DISTINCT FROM before OR seq <> place) FROM "
    f"(SELECT prev_hash, seq, lag(hash, 1, %s) OVER (ORDER BY seq) AS before, row_number() "
    f"OVER (ORDER BY seq) AS place FROM {LEDGER_TABLE}) AS links"
)


def _ledger_sums(connection: BaseDatabaseWrapper) -> dict[str, tuple[int, int, int, int]]:
    """Table name -> (links, lowest seq, highest seq, links whose hash is rewritten)."""
    with connection.cursor() as cursor:
        cursor.execute(_LEDGER_SUMS)
        return {table: tuple(sums) for table, *sums in cursor.fetchall()}  # type: ignore[misc]


def _ledger_intact_sql(
    connection: BaseDatabaseWrapper,
    result: Verification,
    sums: dict[str, tuple[int, int, int, int]],
) -> bool:
    """True (and the ledger's counts and head in ``result``) when the ledger is intact as
    ``_verify_ledger`` would find it: numbers 1..n, each at its place, every hash
    recomputed equal, every ``prev_hash`` the hash before it, the head at link n with its
    hash. False: nothing is recorded."""
    from liaison.records.models import AuditChainHead

    if not sums:
        return False
    count = sum(s[0] for s in sums.values())
    low = min(s[1] for s in sums.values())
    high = max(s[2] for s in sums.values())
    if low != 1 or high != count or any(s[3] for s in sums.values()):
        return False
    with connection.cursor() as cursor:
        cursor.execute(_LEDGER_UNCHAINED, [GENESIS])
        if cursor.fetchone()[0]:
            return False
        cursor.execute(f"SELECT hash FROM {LEDGER_TABLE} WHERE seq = %s", [high])
        last = cursor.fetchone()[0]
    head = AuditChainHead.objects.using(connection.alias).filter(pk=HEAD_ID).first()
    if head is None or (head.seq, head.hash) != (high, last):
        return False
    result.links += count
    result.head_seq, result.head_hash = head.seq, head.hash
    return True


def _table_intact_sql(
    connection: BaseDatabaseWrapper,
    model: type[models.Model],
    links: dict[str, int],
    result: Verification,
) -> bool:
    """True (and the table's rows and destroyed rows counted in ``result``) when every
    row of the table has its link, of today's column set, recording the content hash the
    database makes of it (``_content_hash_sql``), and every other link of the table names
    a row destroyed under a permit: what ``_verify_table`` accepts without a break. False
    when the table is not handled here or anything is off (the caller then verifies it
    with ``_verify_table``)."""
    from liaison.records.models import DestructionPermit

    quote = connection.ops.quote_name
    table = model._meta.db_table
    pk = model._meta.pk
    assert pk is not None
    fields = _hashed_fields(model)
    # Non-empty JSON arrays are written by subqueries, which keep an aggregate out of
    # parallel workers: the rows holding one are checked by a second, serial statement.
    simple = _content_hash_sql(connection, fields, subqueries=False)
    full = _content_hash_sql(connection, fields)
    if simple is None or full is None:
        return False
    key = schema_key(table, [_col(f) for f in fields])
    plain = (
        " AND ".join(
            f"({c} IS NULL OR {c} = '[]'::jsonb OR {c} = '{{}}'::jsonb)"
            for c in (quote(_col(f)) for f in fields if type(f) is models.JSONField)
        )
        or "TRUE"
    )

    # The table's columns are named unqualified in ``made``: the row is read in a
    # subquery (which the planner flattens) so that a column such as ``row_id`` cannot be
    # taken for the link's.
    def joined(made: str, where: str = "") -> str:
        return (
            f"FROM (SELECT {quote(_col(pk))} AS row_key, {plain} AS plain, {made} AS made "
            f"FROM {quote(table)}{where}) AS audited LEFT JOIN {LEDGER_TABLE} AS link "
            "ON link.table_name = %s AND link.row_id = audited.row_key"
        )

    broken = (
        "(link.row_id IS NULL OR link.schema <> %s OR (link.content_hash = audited.made) "
        "IS NOT TRUE)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT count(*), count(*) FILTER (WHERE audited.plain AND {broken}), "
            f"count(*) FILTER (WHERE NOT audited.plain) {joined(simple)}",
            [key, table],
        )
        rows, bad, rest = cursor.fetchone()
        if bad:
            return False
        destroyed = 0
        if rows != links.get(table, 0):
            # Links whose row is gone: intact only when a permit names each one (rows
            # destroyed under retention, counted as ``_verify_table`` counts them).
            permits = quote(DestructionPermit._meta.db_table)
            cursor.execute(
                f"SELECT count(*), count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM {permits} "
                "AS p WHERE p.table_name = link.table_name AND p.row_id = link.row_id)) "
                f"FROM {LEDGER_TABLE} AS link WHERE link.table_name = %s AND NOT EXISTS "
                f"(SELECT 1 FROM {quote(table)} AS t WHERE t.{quote(_col(pk))} = link.row_id)",
                [table],
            )
            destroyed, unaccounted = cursor.fetchone()
            if unaccounted or rows + destroyed != links.get(table, 0):
                return False
        # The join gives one line a row only while no row has two links (were the unique
        # constraint on table_name, row_id dropped): the table's own count must agree.
        cursor.execute(f"SELECT count(*) FROM {quote(table)}")
        if cursor.fetchone()[0] != rows:
            return False
        if rest:
            cursor.execute(
                f"SELECT count(*) FILTER (WHERE {broken}) {joined(full, f' WHERE NOT ({plain})')}",
                [key, table],
            )
            if cursor.fetchone()[0]:
                return False
    result.rows += rows
    result.destroyed += destroyed
    return True


def verify(
    *, using: str = DEFAULT_DB_ALIAS, chunk: int = 5000, in_sql: bool = True
) -> Verification:
    """Check the whole trail: the ledger's links follow each other and end at the head;
    every audit row has a link whose content hash it still matches; every link's row is
    there or was destroyed under a permit. Reports the first break in chain order (and
    how many there are); read-only. ``in_sql=False`` leaves out the first path (the
    canonical JSON and, on PostgreSQL, the hashes made by the database): the same
    verdict, for the tests that compare them."""
    from liaison.records.models import AuditSchema, DestructionPermit

    started = time.perf_counter()
    result = Verification(intact=True)
    schemas = {
        s.key: s.columns.split(",") if s.columns else []
        for s in AuditSchema.objects.using(using).all()
    }
    permits = set(
        DestructionPermit.objects.using(using).values_list("table_name", "row_id").iterator()
    )
    connection = connections[using]
    whole = in_sql and connection.vendor == "postgresql"
    sums = _ledger_sums(connection) if whole else {}
    if not (whole and _ledger_intact_sql(connection, result, sums)):
        _verify_ledger(using, result, chunk, in_sql)
    links = {table: s[0] for table, s in sums.items()}
    models_ = audited_models()
    result.tables = len(models_)
    for model in models_:
        if not (whole and _table_intact_sql(connection, model, links, result)):
            _verify_table(using, model, schemas, permits, result, chunk, in_sql)
    result.problems = len(result._found)
    result.first = _first(result._found)
    result.intact = result.first is None
    result.seconds = time.perf_counter() - started
    return result


# --- destruction under retention -------------------------------------------------------


def _with_snapshots(batch: list[models.Model]) -> list[models.Model]:
    """``batch`` and the many-to-many snapshot rows (``HistoricalActivity_topics``…) that
    belong to its history rows: they go with their parent row."""
    by_model: dict[type[models.Model], list[Any]] = {}
    for row in batch:
        by_model.setdefault(type(row), []).append(row.pk)
    extra: list[models.Model] = []
    for model in audited_models():
        for f in model._meta.concrete_fields:
            target = getattr(f, "related_model", None)
            if f.name == "history" and target in by_model:
                extra += list(model._base_manager.filter(history_id__in=by_model[target]))
    seen = {(type(r), r.pk) for r in batch}
    return batch + [r for r in extra if (type(r), r.pk) not in seen]


def destroy_under_retention(
    rows: Iterable[models.Model], *, tombstone_id: str, actor: Any, reason: str = ""
) -> int:
    """The one sanctioned way to delete audit rows (ADR 0023, "Destruction under
    retention").

    For each of ``rows`` (instances of audited models: history rows, read-log rows,
    authentication events) and the many-to-many snapshot rows of those history rows,
    grant a ``DestructionPermit`` naming the row and ``tombstone_id`` (the retention
    tombstone that says what was destroyed and why), then delete the row; all in one
    transaction. The DELETE trigger lets a row go only when a permit names it, and
    ``verify`` counts such a row as destroyed, not missing. The row's link stays in the
    chain (hashes only, no content): a tombstone may quote its ``content_hash`` as the
    hash of the destroyed content. Returns how many rows were deleted.
    """
    from liaison.records.models import DestructionPermit

    if not tombstone_id:
        raise ValueError("A destruction must name the tombstone that accounts for it.")
    tables = audited_tables()
    batch = list(rows)
    for row in batch:
        if type(row)._meta.db_table not in tables:
            raise ValueError(f"{type(row).__name__} rows are not audit rows.")
    if not batch:
        return 0
    using = batch[0]._state.db or DEFAULT_DB_ALIAS
    now = timezone.now()
    with transaction.atomic(using=using):
        batch = _with_snapshots(batch)
        permits = DestructionPermit.objects.using(using).bulk_create(
            DestructionPermit(
                table_name=type(row)._meta.db_table,
                row_id=row.pk,
                tombstone_id=str(tombstone_id)[:64],
                actor=actor if getattr(actor, "pk", None) else None,
                at=now,
                reason=reason[:300],
            )
            for row in batch
        )
        chain_append(permits, using=using)
        connection = connections[using]
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for row in batch:
                model = type(row)
                pk = model._meta.pk
                assert pk is not None
                cursor.execute(
                    f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(_col(pk))} = %s",
                    [row.pk],
                )
    return len(batch)


def destroy_record_under_retention(
    instance: models.Model, *, tombstone_id: str, actor: Any, reason: str = ""
) -> int:
    """Destroy a live record, everything its deletion cascades to, and the history of
    all of them, in one transaction (ADR 0023). The ORM delete writes each record's
    ``-`` history row (attributed to ``actor``); that row and every earlier one is then
    destroyed under ``tombstone_id`` by ``destroy_under_retention``. Returns how many
    audit rows were destroyed."""
    from django.db.models.deletion import Collector

    using = instance._state.db or DEFAULT_DB_ALIAS
    with transaction.atomic(using=using):
        collector = Collector(using=using)
        collector.collect([instance])
        doomed = {model: {obj.pk for obj in objs} for model, objs in collector.data.items()}
        for objs in collector.data.values():
            for obj in objs:
                obj._history_user = actor  # type: ignore[attr-defined]
        collector.delete()
        history_rows: list[models.Model] = []
        for model, pks in doomed.items():
            manager = getattr(model, "history", None)
            if manager is not None and hasattr(model._meta, "simple_history_manager_attribute"):
                id_field = model._meta.pk.attname  # type: ignore[union-attr]
                history_rows += list(manager.filter(**{f"{id_field}__in": pks}))
        return destroy_under_retention(
            history_rows, tombstone_id=tombstone_id, actor=actor, reason=reason
        )


def content_hash_of(row: models.Model) -> str:
    """The content hash the chain holds for ``row`` (for a tombstone's "hash of the
    destroyed content"); computed the way the chain computes it."""
    fields = _hashed_fields(type(row))
    return content_hash([(f, getattr(row, f.attname)) for f in fields])


# --- the database guard ----------------------------------------------------------------

PG_FUNCTION = """
CREATE OR REPLACE FUNCTION liaison_audit_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND EXISTS (
      SELECT 1 FROM records_destructionpermit p
      WHERE p.table_name = TG_TABLE_NAME
        AND p.row_id = (to_jsonb(OLD) ->> TG_ARGV[0])::bigint) THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'Audit rows are append-only: % on % refused (ADR 0023)', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def _guarded(connection: BaseDatabaseWrapper) -> dict[str, str]:
    """Every table the guard covers, with its primary key column: the audit tables and
    the ledger itself."""
    found = {t: _col(m._meta.pk) for t, m in audited_tables().items()}  # type: ignore[arg-type]
    found[LEDGER_TABLE] = "seq"
    existing = set(connection.introspection.table_names())
    return {t: pk for t, pk in found.items() if t in existing}


def guard_sql(vendor: str, table: str, pk: str) -> list[str]:
    """The statements that put the guard on ``table``: refuse every UPDATE, and every
    DELETE of a row no ``DestructionPermit`` names."""
    if vendor == "postgresql":
        return [
            f'DROP TRIGGER IF EXISTS liaison_audit_guard ON "{table}"',
            f'CREATE TRIGGER liaison_audit_guard BEFORE UPDATE OR DELETE ON "{table}" '
            f"FOR EACH ROW EXECUTE FUNCTION liaison_audit_guard('{pk}')",
        ]
    if vendor == "sqlite":
        message = f"Audit rows are append-only: %s on {table} refused (ADR 0023)"
        # liaison_audit_guard_off() exists only on Django's connections (apps.py); any
        # other client fails on it, which refuses the write all the same.
        return [
            f'CREATE TRIGGER IF NOT EXISTS "liaison_audit_no_update_{table}" BEFORE UPDATE '
            f'ON "{table}" WHEN NOT liaison_audit_guard_off() '
            f"BEGIN SELECT RAISE(ABORT, '{message % 'UPDATE'}'); END",
            f'CREATE TRIGGER IF NOT EXISTS "liaison_audit_no_delete_{table}" BEFORE DELETE '
            f'ON "{table}" WHEN NOT liaison_audit_guard_off() AND NOT EXISTS ('
            f"SELECT 1 FROM records_destructionpermit p WHERE p.table_name = '{table}' "
            f'AND p.row_id = OLD."{pk}") '
            f"BEGIN SELECT RAISE(ABORT, '{message % 'DELETE'}'); END",
        ]
    raise NotImplementedError(f"No audit guard for {vendor}.")


def install_guards(connection: BaseDatabaseWrapper) -> list[str]:
    """Put the guard on every audit table that exists (idempotent). Run by the records
    migration and after every ``migrate`` (a new app's history tables, and SQLite tables
    that a migration rebuilt, which loses their triggers). Returns the tables guarded."""
    tables = _guarded(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
        for table, pk in tables.items():
            for statement in guard_sql(connection.vendor, table, pk):
                cursor.execute(statement)
    return sorted(tables)


def guarded_tables(connection: BaseDatabaseWrapper) -> set[str]:
    """The tables that carry the guard now (for the test that every audit table does)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = 'liaison_audit_guard'"
            )
            return {r[0] for r in cursor.fetchall()}
        cursor.execute(
            "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE 'liaison_audit_no_delete_%'"
        )
        deletes = {r[0] for r in cursor.fetchall()}
        cursor.execute(
            "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' "
            "AND name LIKE 'liaison_audit_no_update_%'"
        )
        return deletes & {r[0] for r in cursor.fetchall()}


def backfill(using: str = DEFAULT_DB_ALIAS, chunk: int = 2000) -> int:
    """Chain the audit rows that have no link yet, table by table in id order (the rows
    written before the chain began; ADR 0023). Returns how many were chained."""
    from liaison.records.models import AuditLink

    done = 0
    for model in audited_models():
        table = model._meta.db_table
        linked = set(
            AuditLink.objects.using(using)
            .filter(table_name=table)
            .values_list("row_id", flat=True)
            .iterator()
        )
        batch: list[models.Model] = []
        for row in model._base_manager.using(using).order_by("pk").iterator(chunk_size=chunk):
            if row.pk in linked:
                continue
            batch.append(row)
            if len(batch) >= chunk:
                chain_append(batch, using=using)
                done += len(batch)
                batch = []
        chain_append(batch, using=using)
        done += len(batch)
    return done
