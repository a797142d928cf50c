"""The printable disclosure documents: a Form 801 as PDF (WeasyPrint, from an HTML
template) and the 1353 semiannual report as XLSX (xlsxwriter). Both are built from the
selectors' one reading of the data (``form801_fields``, ``report_1353``), so the page, the
API and the documents agree (ADR 0019).

And the contributions list as a file (issue 9, ADR 0025): ``CONTRIBUTIONS``, read from the
rows of ``selectors.contribution_list``; registered in ``FundingConfig.ready``."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from liaison.core.tabular import BOOLEAN, CODE, DATE, DECIMAL, INTEGER, Column, ExportSpec
from liaison.funding.models import Form801, FunderType, PaidFor
from liaison.funding.selectors import (
    COLUMNS_1353,
    Row1353,
    form801_fields,
    period_bounds,
    period_due,
)

CONTRIBUTIONS = ExportSpec(
    name="contributions",
    title="Funding contributions",
    description=(
        "Every payment or in-kind gift towards an activity, as the contributions list shows "
        "it (the same filters), in the currency paid and in US dollars."
    ),
    columns=(
        Column("id", "Liaison's record number of the contribution.", lambda c: c.pk, INTEGER),
        Column(
            "agency",
            "The agency whose record this is, by its ORI code.",
            lambda c: c.agency.ori_code,
        ),
        Column(
            "activity_id",
            "Record number of the activity paid for.",
            lambda c: c.activity_id,
            INTEGER,
        ),
        Column("activity_title", "Title of the activity paid for.", lambda c: c.activity.title),
        Column(
            "activity_start_date",
            "The activity's first day.",
            lambda c: c.activity.start_date,
            DATE,
        ),
        Column("funder_id", "Record number of the funder.", lambda c: c.funder_id, INTEGER),
        Column("funder", "The funder's name as recorded.", lambda c: c.funder.name),
        Column(
            "funder_type",
            "What kind of funder paid.",
            lambda c: c.funder.funder_type,
            CODE,
            FunderType.choices,
        ),
        Column(
            "outside_source",
            "Paid by someone other than the department's own budget.",
            lambda c: c.funder.is_outside,
            BOOLEAN,
        ),
        Column(
            "participation_id",
            "The participation it paid for (empty: for the activity as a whole).",
            lambda c: c.participation_id,
            INTEGER,
        ),
        Column(
            "participant",
            "The participant's name as recorded on the activity (empty: the whole activity).",
            lambda c: c.participation.name_at_time if c.participation_id else "",
        ),
        Column("paid_for", "What it paid for.", lambda c: c.paid_for, CODE, PaidFor.choices),
        Column("description", "What was paid or given, in words.", lambda c: c.description),
        Column("valuation_method", "How an in-kind gift was valued.", lambda c: c.valuation_method),
        Column("amount", "The amount in the currency paid.", lambda c: c.amount, DECIMAL),
        Column("currency", "ISO 4217 code of the currency paid (e.g. EUR).", lambda c: c.currency),
        Column(
            "usd_rate",
            "US dollars per unit of the currency (empty for US dollars).",
            lambda c: c.usd_rate,
            DECIMAL,
        ),
        Column("rate_date", "The date of that rate.", lambda c: c.rate_date, DATE),
        Column("usd_amount", "The amount in US dollars.", lambda c: c.usd_amount, DECIMAL),
        Column(
            "grant_identifier",
            "The grant's number, when a grant paid.",
            lambda c: c.grant_identifier,
        ),
        Column("paid_on", "The payment date (empty: not recorded).", lambda c: c.paid_on, DATE),
        Column(
            "form_801_id",
            "Record number of the payment's Form 801 filing (empty: none filed).",
            lambda c: _form_801_id(c),
            INTEGER,
        ),
    ),
)


def _form_801_id(contribution: Any) -> int | None:
    form = getattr(contribution, "form_801", None)
    return form.pk if form else None


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
