"""One way for a list to become a file: ``export_response(spec, rows, fmt=…)``.

Every list export (page and API alike) is "the list's own selector, read through its
``ExportSpec``, written in the asked format". The view finds the rows exactly as the list
does (same selector, same filters, same access rule); this module only turns them into
a response, so no app repeats the content types, the file names or the streaming.

- CSV and JSON stream: a ``StreamingHttpResponse`` over ``queryset.iterator()``, one row
  at a time, so a million rows never sit in memory (``bench/export_memory.py``), inside
  a read-only transaction on PostgreSQL so the cursor streams instead of being
  materialised first (``core.streaming``).
- XLSX is written by xlsxwriter in constant-memory mode and sent whole (a workbook is a
  zip file; it cannot be sent before it is finished).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, Literal, cast

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone

from liaison.core.streaming import read_in_transaction
from liaison.core.tabular import ExportSpec, csv_lines, csv_value_batches, json_chunks, xlsx_bytes

ExportFormat = Literal["csv", "xlsx", "json"]
FORMATS: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
# Rows fetched from the database at a time: large enough that the round trips do not
# dominate, small enough that the memory held stays flat (and prefetches work per chunk).
CHUNK_SIZE = 2000


class UnknownFormat(ValueError):
    """A format other than csv, xlsx or json was asked for."""

    def __init__(self, fmt: str) -> None:
        shown = fmt if fmt else "(none)"
        super().__init__(f"Unknown export format {shown!r}: choose csv, xlsx or json.")


def check_format(fmt: str) -> ExportFormat:
    if fmt not in FORMATS:
        raise UnknownFormat(fmt)
    return cast(ExportFormat, fmt)


def _rows(rows: Iterable[Any]) -> Iterator[Any]:
    if isinstance(rows, QuerySet):
        return rows.iterator(chunk_size=CHUNK_SIZE)
    return iter(rows)


def file_name(spec: ExportSpec, fmt: str) -> str:
    return f"{spec.name}-{timezone.localdate().isoformat()}.{fmt}"


def export_response(
    spec: ExportSpec,
    rows: Iterable[Any],
    *,
    fmt: str,
    value_rows: bool = False,
    csv_text: Iterable[str] | None = None,
) -> HttpResponseBase:
    """``rows`` (a queryset, not yet evaluated, or any iterable of row objects) as the
    ``fmt`` file of ``spec``. Raises ``UnknownFormat`` before touching the rows.
    ``value_rows``: each row already is its cells in ``spec.headers`` order (a values-based
    selector, ADR 0027), so the CSV is written in batches of lines (``csv_value_batches``,
    the same bytes). ``csv_text``: the CSV file's text, already written (the activity
    export's stored lines, ADR 0031), sent instead of ``rows`` when ``fmt`` is csv."""
    fmt = check_format(fmt)
    response: HttpResponseBase
    if fmt == "csv" and csv_text is not None:
        response = StreamingHttpResponse(csv_text, content_type=FORMATS[fmt])
    elif fmt == "csv":
        lines = (
            csv_value_batches(spec.headers, _rows(rows))
            if value_rows
            else csv_lines(spec, _rows(rows))
        )
        response = StreamingHttpResponse(read_in_transaction(lines), content_type=FORMATS[fmt])
    elif fmt == "json":
        chunks = read_in_transaction(json_chunks(spec, _rows(rows)))
        response = StreamingHttpResponse(chunks, content_type=FORMATS[fmt])
    else:
        response = HttpResponse(xlsx_bytes(spec, _rows(rows)), content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{file_name(spec, fmt)}"'
    # A list of records is not to be kept by shared caches.
    response["Cache-Control"] = "private, no-store"
    return response


def export_page(request: HttpRequest, spec: ExportSpec, rows: Iterable[Any]) -> HttpResponseBase:
    """The page door: ``?format=`` from the query string; a bad one answers 400 with the
    sentence saying which formats exist (the API door refuses it as 422 in its schema)."""
    try:
        return export_response(spec, rows, fmt=request.GET.get("format", ""))
    except UnknownFormat as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
