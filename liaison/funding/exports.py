"""The printable disclosure documents: a Form 801 as PDF (WeasyPrint, from an HTML
template) and the 1353 semiannual report as XLSX (xlsxwriter). Both are built from the
selectors' one reading of the data (``form801_fields``, ``report_1353``), so the page, the
API and the documents agree (ADR 0019)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from liaison.funding.models import Form801
from liaison.funding.selectors import (
    COLUMNS_1353,
    Row1353,
    form801_fields,
    period_bounds,
    period_due,
)

FORM_801_TITLE = "Gift to an Agency Report (California Form 801)"


def form801_pdf(form: Form801) -> bytes:
    """The Form 801 of one outside payment, as a PDF."""
    from weasyprint import CSS, HTML  # imported here: it loads Pango, which only this needs

    html = render_to_string(
        "funding/form801_print.html",
        {"title": FORM_801_TITLE, "form": form, "fields": form801_fields(form)},
    )
    # The style sheet is a file, not a <style> element: no template carries inline style
    # (the site's Content-Security-Policy; tests/test_deployment.py checks every template).
    stylesheet = CSS(filename=str(Path(__file__).with_name("form801_print.css")))
    return bytes(HTML(string=html).write_pdf(stylesheets=[stylesheet]))


NEGATIVE = (
    "Negative report: no payments of more than $250 from non-federal sources were "
    "accepted in this period."
)


def report1353_xlsx(*, agency: Any, period_start: dt.date, rows: list[Row1353]) -> bytes:
    """The 1353 semiannual report for the period as XLSX: a heading block (agency, period,
    due date), the official columns, one row per payment — or, for a period without any,
    the negative report's sentence in place of rows."""
    import xlsxwriter

    start, end = period_bounds(period_start)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("1353 report")
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    sheet.write(
        0,
        0,
        "Semiannual Report of Payments Accepted from a Non-Federal Source (31 U.S.C. 1353)",
        bold,
    )
    sheet.write(1, 0, "Agency")
    sheet.write(1, 1, str(agency))
    sheet.write(2, 0, "Reporting period")
    sheet.write(2, 1, f"{start} to {end}")
    sheet.write(3, 0, "Due")
    sheet.write(3, 1, str(period_due(start)))
    header = 5
    for col, title in enumerate(COLUMNS_1353):
        sheet.write(header, col, title, bold)
        sheet.set_column(col, col, 24)
    if not rows:
        sheet.write(header + 1, 0, NEGATIVE)
    for offset, row in enumerate(rows, start=1):
        for col, value in enumerate(row.cells()):
            if col == len(COLUMNS_1353) - 2:
                sheet.write_number(header + offset, col, float(value), money)
            else:
                sheet.write(header + offset, col, value)
    book.close()
    return buffer.getvalue()
