"""The shared export writers: one spec, three formats that say the same thing."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from decimal import Decimal
from types import SimpleNamespace

import openpyxl
import pytest

from liaison.core import tabular
from liaison.core.tabular import Column, ExportSpec

SPEC = ExportSpec(
    name="things",
    title="Things",
    columns=[
        Column("id", "The record number.", lambda row: row.id, tabular.INTEGER),
        Column("title", "What it is called.", lambda row: row.title),
        Column("amount", "How much.", lambda row: row.amount, tabular.DECIMAL),
        Column("start", "When it began.", lambda row: row.start, tabular.DATE),
        Column("tags", "Its tags.", lambda row: row.tags, tabular.LIST),
        Column("open", "Still open.", lambda row: row.open, tabular.BOOLEAN),
    ],
)

ROWS = [
    SimpleNamespace(
        id=1,
        title='=HYPERLINK("x")',
        amount=Decimal("12.50"),
        start=dt.date(2019, 3, 1),
        tags=["a", "b"],
        open=True,
    ),
    SimpleNamespace(
        id=2, title="Plain, with a comma", amount=None, start=None, tags=[], open=False
    ),
]


def test_csv_streams_header_then_one_line_per_row_and_defuses_formulas() -> None:
    lines = list(tabular.csv_lines(SPEC, iter(ROWS)))
    assert len(lines) == 3
    rows = list(csv.reader(io.StringIO("".join(lines))))
    assert rows[0] == list(SPEC.headers)
    assert rows[1] == ["1", '\'=HYPERLINK("x")', "12.50", "2019-03-01", "a; b", "yes"]
    assert rows[2] == ["2", "Plain, with a comma", "", "", "", "no"]


def test_json_and_xlsx_carry_the_same_values() -> None:
    data = json.loads("".join(tabular.json_chunks(SPEC, ROWS)))
    assert data[0] == {
        "id": 1,
        "title": '=HYPERLINK("x")',
        "amount": "12.50",
        "start": "2019-03-01",
        "tags": ["a", "b"],
        "open": True,
    }
    book = openpyxl.load_workbook(io.BytesIO(tabular.xlsx_bytes(SPEC, ROWS)))
    sheet = book["Things"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0] == list(SPEC.headers)
    assert values[1] == [1, '=HYPERLINK("x")', "12.50", "2019-03-01", "a; b", "yes"]
    assert sheet.cell(2, 2).data_type == "s"  # a string, never a formula


def test_a_spec_refuses_repeated_headers_and_unknown_types() -> None:
    with pytest.raises(ValueError, match="repeats"):
        ExportSpec(name="x", title="X", columns=[Column("a", "", str), Column("a", "", str)])
    with pytest.raises(ValueError, match="unknown type"):
        Column("a", "", str, type="colour")


def test_empty_json_is_an_empty_array() -> None:
    assert json.loads("".join(tabular.json_chunks(SPEC, []))) == []
