"""Reads whose statement is kept per process: built and compiled by the ORM once per key,
then sent as the SQL and parameters the ORM wrote.

Building and compiling a queryset costs more CPU than PostgreSQL spends answering the
list page's reads (the rows, their capped count and the year range: about a third of the
page's Python work; bench/README.md, "Issue 5: the list page, third pass"). A statement is
a pure function of what built it; when the caller can name every one of those inputs in a
key (the user's id and role scopes, the filters, the day, the page), the statement can be
kept under that key. The *data* is never kept: every call executes the statement.

``kept_rows(key, orm_read, convert)``: on a miss, ``orm_read()`` runs the ORM as before and
its answer is returned; the one statement it executed is recorded under ``key``. On a hit
the recorded statement is executed with ``connection.cursor()`` and each raw row passed to
``convert``, which must give what ``orm_read`` gives (the database's own types: dates are
strings on SQLite, booleans integers; tests compare both paths on both databases). A read
that executes no statement (an empty rule) or several is never kept. ``key=None`` means
"do not keep": a read whose statement depends on anything else — the database's contents
(a filter that looks a person up while the query is built), the clock — must pass
``None`` or put that input in the key. A settings change (tests' ``override_settings``)
forgets every statement.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from django.core.signals import setting_changed
from django.db import connection
from django.dispatch import receiver

# A few statements per (user, filter state, page): the bound keeps memory small (~2 kB a
# statement) and is far above what one list page's browsing produces.
KEEP = 1024
_kept: dict[Hashable, tuple[str, tuple[Any, ...] | None]] = {}


@receiver(setting_changed)
def _forget(**kwargs: Any) -> None:
    _kept.clear()


def forget_all() -> None:
    _kept.clear()


def kept_rows[T](
    key: Hashable | None, orm_read: Callable[[], list[T]], convert: Callable[[Sequence[Any]], T]
) -> list[T]:
    if key is not None:
        full_key = (connection.vendor, key)
        statement = _kept.get(full_key)
        if statement is not None:
            with connection.cursor() as cursor:
                cursor.execute(*statement)
                return [convert(row) for row in cursor.fetchall()]
    else:
        return orm_read()
    executed: list[tuple[str, tuple[Any, ...] | None, bool]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        # Kept as the ORM passed them (``None`` and ``()`` differ to SQLite's wrapper).
        executed.append((sql, None if params is None else tuple(params), many))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        answer = orm_read()
    if len(executed) == 1 and not executed[0][2]:
        sql, params, _many = executed[0]
        if sql.lstrip()[:6].upper() == "SELECT":
            if len(_kept) >= KEEP:
                _kept.clear()
            _kept[full_key] = (sql, params)
    return answer
