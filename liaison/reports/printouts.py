"""An evaluation report as a printable PDF (issue 9, ADR 0025), read through the record
page's own rule (``access_report``) by the caller: the page view and the API handler."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from liaison.core.printing import pdf_response
from liaison.reports import selectors


def report_pdf_response(request: HttpRequest, report: Any) -> HttpResponse:
    """The report as its page shows it: status, authors and their sign-off, every section,
    topics, recommendations, attachments (names and SHA-256), reviews and history. The
    contacts made are counted, not named (restricted records: see ADR 0025)."""
    report = selectors.report_detail(report=report, today=timezone.localdate())
    return pdf_response(
        request,
        "reports/print/report.html",
        {"title": f"Evaluation report: {report.activity.title}", "report": report},
        filename=f"evaluation-report-{report.pk}.pdf",
    )
