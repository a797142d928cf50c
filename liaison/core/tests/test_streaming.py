"""``core.streaming``: on PostgreSQL a streamed download reads inside a read-only
transaction, so its server-side cursor is declared without hold and streams, instead of
being materialised whole before the first row (ADR 0031, amendment); on SQLite, and for
a caller already in a transaction, nothing is added."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pytest
from django.db import connection
from django.http import StreamingHttpResponse

from liaison.core.downloads import export_response
from liaison.core.streaming import READ_SETTINGS, read_in_transaction
from liaison.core.tests.test_downloads import SPEC
from liaison.people.models import Organisation
from liaison.people.tests.factories import OrganisationFactory

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="server-side cursors are PostgreSQL's"
)


def _state() -> dict[str, Any]:
    """This connection's open cursors (holdable?) and the settings of its transaction."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT is_holdable FROM pg_cursors")
        holdable = [row[0] for row in cursor.fetchall()]
        settings = {}
        for name in ("transaction_read_only", "cursor_tuple_fraction", "jit", "work_mem"):
            cursor.execute(f"SHOW {name}")
            settings[name] = cursor.fetchone()[0]
    return {"holdable": holdable, **settings}


def _autocommit() -> bool:
    return connection.get_autocommit() and not connection.in_atomic_block


@on_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("finish", ["read to the end", "closed half-way", "failed half-way"])
def test_a_streamed_read_uses_a_cursor_without_hold_and_ends_its_transaction(
    finish: str,
) -> None:
    OrganisationFactory.create_batch(5)
    rows = Organisation.objects.order_by("id").iterator(chunk_size=2)
    stream = read_in_transaction(rows)
    assert _autocommit()
    next(stream)
    state = _state()
    assert state["holdable"] == [False]
    assert state["transaction_read_only"] == "on"
    assert state["cursor_tuple_fraction"] == "1"
    assert state["jit"] == "off"
    assert state["work_mem"] == "64MB"
    assert len(READ_SETTINGS) == 3  # each one is checked above
    if finish == "read to the end":
        assert len(list(stream)) == 4
    elif finish == "closed half-way":
        stream.close()  # the client went away
    else:
        with pytest.raises(ValueError):
            stream.throw(ValueError("the writer failed"))
    assert _autocommit()
    state = _state()
    assert state["holdable"] == [] and state["transaction_read_only"] == "off"
    assert state["cursor_tuple_fraction"] == "0.1" and state["work_mem"] == "4MB"
    OrganisationFactory.create()  # the connection writes again
    assert Organisation.objects.count() == 6


@on_postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_a_list_download_reads_inside_the_transaction(fmt: str) -> None:
    OrganisationFactory.create_batch(3)
    response = export_response(SPEC, Organisation.objects.order_by("id"), fmt=fmt)
    assert isinstance(response, StreamingHttpResponse)
    chunks = cast(Iterator[bytes], response.streaming_content)
    seen = []
    for _ in chunks:
        if connection.in_atomic_block:
            seen.append(_state()["transaction_read_only"])
    assert seen and set(seen) == {"on"}
    response.close()
    assert _autocommit()


@pytest.mark.django_db
def test_a_caller_in_a_transaction_keeps_it_and_may_still_write() -> None:
    assert connection.in_atomic_block
    OrganisationFactory.create_batch(2)
    names = [o.name for o in read_in_transaction(Organisation.objects.order_by("id").iterator())]
    assert len(names) == 2
    OrganisationFactory.create()  # no read-only transaction was opened around the read
    assert Organisation.objects.count() == 3
