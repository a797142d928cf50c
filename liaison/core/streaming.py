"""Long streamed reads on PostgreSQL: a read-only transaction, so the server-side cursor
streams (ADR 0031, amendment of 2026-12-06).

Outside a transaction Django declares PostgreSQL's server-side cursors (``.iterator()``)
``WITH HOLD``, since they must outlive the statement's implicit commit, and PostgreSQL
materialises such a cursor's whole result at that commit: a 1M-line export's first byte
waited 35.7 s for its last row, every row copied into a temporary store first. Inside a
transaction the cursor is declared without hold and is read as it is fetched.

``cursor_tuple_fraction = 1``: a cursor's plan is chosen by default for its first tenth
of rows (PostgreSQL's ``cursor_tuple_fraction`` 0.1), which for an export that reads
every row picked a fast-start nested loop of a million index probes (25 s for 1M lines)
over a hash join and one sort (6–7 s). A download fetches every row, so the plan is
chosen for all of them.

``jit = off`` and ``work_mem = 64MB`` for the same reads: ``READ_SETTINGS`` says why.

The cost: the transaction (and its snapshot) stays open while the client downloads, so a
very slow client holds back VACUUM's horizon for that long, and a server that sets
``idle_in_transaction_session_timeout`` below a download's pauses would end it.

SQLite has no server-side cursors (a transaction there would only hold the read lock
longer), and a caller already in a transaction (a test, a task) is left as it is: its
cursors have no hold already, and a nested read-only transaction would stop its writes.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, transaction

# Set for the streamed read's transaction only (``SET LOCAL``), each measured on the 1M
# export (bench/README.md, "cursor without hold"):
READ_SETTINGS = (
    # Plan for every row, not the first tenth: a download reads them all.
    "cursor_tuple_fraction = 1",
    # A join and a sort gain nothing from JIT compilation, which cost 0.8 s of a 1M export.
    "jit = off",
    # The 1M export's hash of (id, date) fits in 51 MB: one batch instead of eight, and
    # fewer sort runs on disk. Per sort or hash node of this one transaction; the default
    # (4 MB) stays for every other statement.
    "work_mem = '64MB'",
)


def streaming_transaction(using: str) -> AbstractContextManager[Any]:
    """The transaction a long streamed read runs in (module docstring): read-only, and a
    plan chosen for every row, on PostgreSQL outside a transaction; nothing otherwise."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return nullcontext()
    return _read_only_atomic(using)


@contextmanager
def _read_only_atomic(using: str) -> Iterator[None]:
    with transaction.atomic(using=using):
        with connections[using].cursor() as cursor:
            cursor.execute("SET TRANSACTION READ ONLY")
            for setting in READ_SETTINGS:
                cursor.execute(f"SET LOCAL {setting}")
        yield


def read_in_transaction[T](chunks: Iterable[T], *, using: str = DEFAULT_DB_ALIAS) -> Generator[T]:
    """``chunks``, read inside ``streaming_transaction``: for a streamed download whose
    chunks only read (a write would be refused by the read-only transaction)."""
    with streaming_transaction(using):
        yield from chunks
