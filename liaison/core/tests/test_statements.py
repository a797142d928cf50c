"""``kept_rows``: the statement is kept, never the answer (ADR 0034)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from liaison.accounts.models import Agency
from liaison.accounts.tests.factories import AgencyFactory
from liaison.core import statements
from liaison.core.statements import kept_rows


def _names() -> list[str]:
    return list(Agency.objects.order_by("name").values_list("name", flat=True))


def _name(row: Any) -> str:
    return str(row[0])


@pytest.mark.django_db
def test_a_kept_statement_reads_the_data_every_time(agency: Agency) -> None:
    statements.forget_all()
    assert kept_rows(("names",), _names, _name) == _names()  # miss
    AgencyFactory.create(name="Aardvark County")
    with CaptureQueriesContext(connection) as hit:
        found = kept_rows(("names",), _names, _name)
    assert found == _names() and "Aardvark County" in found
    assert len(hit.captured_queries) == 1


@pytest.mark.django_db
def test_no_key_several_statements_or_none_are_never_kept(agency: Agency) -> None:
    statements.forget_all()
    assert kept_rows(None, _names, _name) == _names()
    assert kept_rows(("two",), lambda: _names() + _names(), _name) == _names() * 2
    assert (
        kept_rows(
            ("none",), lambda: list(Agency.objects.none().values_list("name", flat=True)), _name
        )
        == []
    )
    assert statements._kept == {}


@pytest.mark.django_db
def test_a_settings_change_forgets_every_statement(settings: Any, agency: Agency) -> None:
    kept_rows(("names",), _names, _name)
    assert statements._kept
    settings.PAGE_SIZE = 7
    assert statements._kept == {}
