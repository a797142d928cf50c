"""Reading an uploaded file into rows of text, one cell per column of the exchange format.

CSV through the standard library's ``csv`` module, XLSX through openpyxl in read-only mode
(rows streamed, not the whole workbook built in memory). Every cell comes back as the text
the export would have written for it (``tabular.text_cell``), so the import compares and
parses one representation whatever the file's format.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import repeat
from typing import Any

from liaison.core.tabular import _FORMULA_STARTS
from liaison.exchange.spec import ACTIVITIES, REQUIRED_COLUMNS


class FileNotReadable(ValueError):
    """The file cannot be read as the exchange format at all (not one row's problem)."""


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


def format_of(file_name: str) -> str:
    name = file_name.lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".xlsx"):
        return "xlsx"
    raise FileNotReadable("Upload a .csv or .xlsx file (the template is one).")


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text the export writes: dates as YYYY-MM-DD, whole
    numbers without ".0", the apostrophe that guards a formula-like text removed."""
    if type(value) is str:  # every cell of a CSV file: the last case below, first
        text = value.strip()
        if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS):
            text = text[1:]
        return text
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS):
        text = text[1:]
    return text


def _rows_csv(content: bytes) -> Iterator[list[Any]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FileNotReadable(
            f"The file is not UTF-8 text (byte {exc.start} cannot be read): save it as "
            "“CSV UTF-8” and upload it again."
        ) from exc
    yield from csv.reader(io.StringIO(text, newline=""))


def _rows_xlsx(content: bytes) -> Iterator[list[Any]]:
    import openpyxl  # only the XLSX door needs it

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException …
        raise FileNotReadable("The file is not a readable XLSX workbook.") from exc
    try:
        sheet = workbook.worksheets[0]
        for values in sheet.iter_rows(values_only=True):
            yield list(values)
    finally:
        workbook.close()


def _csv_cells(values: list[str]) -> list[str]:
    """``[_cell_text(v) for v in values]`` for the cells of a CSV row (all ``str``)."""
    cells = list(map(str.strip, values))
    if any(map(str.startswith, cells, repeat("'"))):
        return [_cell_text(v) for v in values]
    return cells


def _any_cells(values: list[Any]) -> list[str]:
    return [_cell_text(v) for v in values]


@dataclass
class Table:
    headers: list[str]
    problems: list[Problem]
    rows: Iterator[tuple[int, dict[str, str]]]


def read_table(content: bytes, file_format: str) -> Table:
    """The header checked against the format, then the data rows as ``(row number,
    {column: text})``, the header being row 1. Blank rows are skipped (their numbers are
    kept, so a row number is the one the spreadsheet shows)."""
    raw = _rows_csv(content) if file_format == "csv" else _rows_xlsx(content)
    try:
        first = next(raw)
    except StopIteration:
        raise FileNotReadable("The file is empty: it needs the header row.") from None
    except csv.Error as exc:
        raise FileNotReadable(f"The file is not readable CSV: {exc}.") from exc
    headers = [_cell_text(h) for h in first]
    while headers and headers[-1] == "":
        headers.pop()
    problems: list[Problem] = []
    known = set(ACTIVITIES.headers)
    seen: set[str] = set()
    for header in headers:
        if header not in known:
            problems.append(
                Problem(1, header, header, "Unknown column: use the template's headers.")
            )
        elif header in seen:
            problems.append(Problem(1, header, header, "This column appears twice."))
        seen.add(header)
    for column in REQUIRED_COLUMNS:
        if column not in seen:
            problems.append(Problem(1, column, "", "This required column is missing."))

    width = len(headers)
    # A CSV cell is always ``str``: ``_cell_text`` of it is its stripped text, unless that
    # starts with the apostrophe that guards a formula (then ``_cell_text`` itself).
    text_of = _csv_cells if file_format == "csv" else _any_cells

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        number = 1
        try:
            for values in raw:
                number += 1
                cells = text_of(values)
                if not any(cells):
                    continue
                size = len(cells)
                if size == width:  # nearly every row
                    row = dict(zip(headers, cells, strict=True))
                elif size > width:
                    # ``zip`` stops at the last header; the cells beyond it are checked below.
                    row = dict(zip(headers, cells, strict=False))
                    extra = [c for c in cells[width:] if c]
                    if extra:
                        row["__extra__"] = extra[0]
                else:
                    row = dict(zip(headers, cells + [""] * (width - size), strict=True))
                yield number, row
        except csv.Error as exc:
            raise FileNotReadable(f"Row {number + 1} is not readable CSV: {exc}.") from exc

    return Table(headers=headers, problems=problems, rows=rows())


def count_rows(content: bytes, file_format: str) -> int:
    """How many non-blank data rows the file has (for the progress bar)."""
    table = read_table(content, file_format)
    return sum(1 for _ in table.rows)
