"""Lists as files: one declaration of a list's columns, written as CSV, XLSX or JSON.

Every export in Liaison (issue 9) is an ``ExportSpec``: a name, a title and its
``Column``s, each with the column's header, its type, what it means and the values it
allows. The same declaration drives three things, so they cannot drift apart:

- the files (``csv_lines`` streams in constant memory; ``xlsx_bytes`` and ``json_chunks``);
- the data dictionary page, generated from the registered specs (``registered_specs``);
- the import of legacy spreadsheets, which reads the columns the export writes.

Apps register their specs in their ``AppConfig.ready`` (``register``); a spec's ``value``
functions take one row object as the app's selector yields it and return a cell value
(``str``, ``int``, ``Decimal``, ``date``, ``datetime``, ``bool`` or ``None``).
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

# The column types the data dictionary names. A reader of a file needs nothing else.
TEXT = "text"
INTEGER = "integer"
DECIMAL = "decimal"
DATE = "date (YYYY-MM-DD)"
DATETIME = "date and time (ISO 8601, UTC)"
BOOLEAN = "yes/no"
CODE = "code"  # one of ``allowed``
LIST = "list (values separated by '; ')"

COLUMN_TYPES = (TEXT, INTEGER, DECIMAL, DATE, DATETIME, BOOLEAN, CODE, LIST)

LIST_SEPARATOR = "; "

# A cell that starts with one of these is read as a formula by spreadsheet programs
# (OWASP "CSV injection"): such text cells are written with a leading apostrophe.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_FIRST = frozenset(_FORMULA_STARTS)  # each is one character


@dataclass(frozen=True)
class Column:
    header: str
    meaning: str
    value: Callable[[Any], Any]
    type: str = TEXT
    allowed: Sequence[tuple[str, str]] = ()  # (code, label) for CODE and LIST columns

    def __post_init__(self) -> None:
        if self.type not in COLUMN_TYPES:
            raise ValueError(f"Column {self.header!r}: unknown type {self.type!r}.")


@dataclass(frozen=True)
class ExportSpec:
    name: str  # stable, used in URLs and file names: "activities", "people", …
    title: str  # "Activities", for the data dictionary and the XLSX sheet
    columns: Sequence[Column]
    description: str = ""
    headers: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        headers = tuple(column.header for column in self.columns)
        if len(set(headers)) != len(headers):
            raise ValueError(f"Export {self.name!r} repeats a column header.")
        object.__setattr__(self, "headers", headers)

    def values(self, row: Any) -> list[Any]:
        return [column.value(row) for column in self.columns]


_REGISTRY: dict[str, ExportSpec] = {}


def register(spec: ExportSpec) -> ExportSpec:
    """Add ``spec`` to the data dictionary (idempotent for the same spec)."""
    existing = _REGISTRY.get(spec.name)
    if existing is not None and existing is not spec:
        raise ValueError(f"Two exports are named {spec.name!r}.")
    _REGISTRY[spec.name] = spec
    return spec


def registered_specs() -> list[ExportSpec]:
    return sorted(_REGISTRY.values(), key=lambda spec: spec.name)


def get_spec(name: str) -> ExportSpec:
    return _REGISTRY[name]


def text_cell(value: Any) -> str:
    """One cell as text, the same in CSV and in the import's reading of it."""
    if type(value) is str:  # the common case first: no formula, nothing to convert
        if value[:1] in FORMULA_FIRST and not _is_number(value):
            return "'" + value
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return LIST_SEPARATOR.join(text_cell(item) for item in value)
    text = str(value)
    if text.startswith(_FORMULA_STARTS) and not _is_number(text):
        return "'" + text
    return text


def _is_number(text: str) -> bool:
    try:
        decimal.Decimal(text)
    except decimal.InvalidOperation:
        return False
    return True


def csv_lines(spec: ExportSpec, rows: Iterable[Any]) -> Iterator[str]:
    """The header, then one CSV line per row, produced one at a time: give it a queryset's
    ``.iterator()`` and wrap it in a ``StreamingHttpResponse`` to send a million rows in
    constant memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(spec.headers)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([text_cell(value) for value in spec.values(row)])
        yield buffer.getvalue()


def _value_cell(v: Any) -> str:
    """``text_cell``, with the cases a values row holds most inlined."""
    if type(v) is list:
        formula, convert = FORMULA_FIRST, text_cell
        return LIST_SEPARATOR.join(
            [i if type(i) is str and i[:1] not in formula else convert(i) for i in v]
        )
    return text_cell(v)


def csv_value_line(row: Sequence[Any]) -> str:
    """One row of cell values as the CSV line ``csv_value_batches`` writes for it (the
    same writer, the same cells, the same line ending): what the activity export stores
    per activity (ADR 0031)."""
    formula, cell = FORMULA_FIRST, _value_cell
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(
        [v if type(v) is str and v[:1] not in formula else cell(v) for v in row]
    )
    return buffer.getvalue()


def csv_value_batches(
    headers: Sequence[str], rows: Iterable[Sequence[Any]], *, batch: int = 500
) -> Iterator[str]:
    """``csv_lines`` for rows that already are their cell values in ``headers`` order (as
    a values-based selector builds them), yielded ``batch`` lines at a time: the same
    bytes, without a call per cell for the text that needs no conversion (ADR 0027)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    yield buffer.getvalue()
    formula, cell = FORMULA_FIRST, _value_cell
    rows = iter(rows)
    while True:
        buffer.seek(0)
        buffer.truncate()
        written = 0
        for row in rows:
            writer.writerow(
                [v if type(v) is str and v[:1] not in formula else cell(v) for v in row]
            )
            written += 1
            if written == batch:
                break
        if not written:
            return
        yield buffer.getvalue()


def _json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return text_cell(value)
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_json_value(item) for item in value]
    return value


def json_chunks(spec: ExportSpec, rows: Iterable[Any]) -> Iterator[str]:
    """A JSON array of objects keyed by the column headers, streamed row by row."""
    yield "["
    first = True
    for row in rows:
        record = {
            column.header: _json_value(value)
            for column, value in zip(spec.columns, spec.values(row), strict=True)
        }
        yield ("" if first else ",") + "\n" + json.dumps(record, ensure_ascii=False)
        first = False
    yield "\n]\n"


def xlsx_bytes(spec: ExportSpec, rows: Iterable[Any]) -> bytes:
    """The list as one worksheet (xlsxwriter's constant-memory mode writes rows as they
    come, so the file, not the rows, is what is held)."""
    import xlsxwriter  # imported here: only the XLSX door needs it

    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        output, {"constant_memory": True, "in_memory": False, "strings_to_formulas": False}
    )
    sheet = workbook.add_worksheet(spec.title[:31])
    bold = workbook.add_format({"bold": True})
    sheet.write_row(0, 0, spec.headers, bold)
    for index, row in enumerate(rows, start=1):
        cells = []
        for value in spec.values(row):
            if isinstance(value, (list, tuple, dt.date, dt.datetime)):
                cells.append(text_cell(value))
            elif isinstance(value, decimal.Decimal):
                cells.append(str(value))
            elif isinstance(value, bool):
                cells.append("yes" if value else "no")
            else:
                cells.append(value)
        sheet.write_row(index, 0, cells)
    workbook.close()
    return output.getvalue()
