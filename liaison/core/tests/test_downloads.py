"""``core.downloads``: a list becomes a file without the list ever being held whole."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any, cast

import pytest
from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from liaison.core.downloads import UnknownFormat, export_page, export_response
from liaison.core.tabular import INTEGER, Column, ExportSpec
from liaison.people.models import Organisation
from liaison.people.tests.factories import OrganisationFactory

SPEC = ExportSpec(
    name="test_organisations",
    title="Organisations",
    columns=(
        Column("id", "Record number.", lambda o: o.pk, INTEGER),
        Column("name", "Name.", lambda o: o.name),
    ),
)


def streamed(response: StreamingHttpResponse) -> bytes:
    # A sync view's stream is a plain iterator of bytes (the stubs also allow async).
    return b"".join(cast(Iterator[bytes], response.streaming_content))


@pytest.mark.django_db
def test_a_csv_export_streams_a_queryset_without_filling_its_cache() -> None:
    OrganisationFactory.create_batch(3)
    qs = Organisation.objects.order_by("id")
    response = export_response(SPEC, qs, fmt="csv")
    assert isinstance(response, StreamingHttpResponse)
    body = streamed(response).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == ["id", "name"]
    assert [int(r[0]) for r in rows[1:]] == list(qs.values_list("id", flat=True))
    # Read through .iterator(): the queryset itself never held the rows.
    assert qs._result_cache is None
    assert response["Content-Disposition"].startswith('attachment; filename="test_organisations-')


@pytest.mark.django_db
def test_a_json_export_is_an_array_of_objects_keyed_by_header() -> None:
    first = OrganisationFactory.create(name='Quote " and, comma')
    response = export_response(SPEC, Organisation.objects.order_by("id"), fmt="json")
    assert isinstance(response, StreamingHttpResponse)
    assert json.loads(streamed(response)) == [{"id": first.pk, "name": 'Quote " and, comma'}]


def test_an_unknown_format_is_refused_before_the_rows_are_read() -> None:
    def rows() -> Iterator[Any]:
        raise AssertionError("the rows were read")
        yield  # a generator: the error comes only if someone iterates

    with pytest.raises(UnknownFormat, match="choose csv, xlsx or json"):
        export_response(SPEC, rows(), fmt="xml")
    response = export_page(RequestFactory().get("/x/?format=xml"), SPEC, rows())
    assert isinstance(response, HttpResponse)
    assert response.status_code == 400
    assert b"Unknown export format 'xml': choose csv, xlsx or json." in response.content
