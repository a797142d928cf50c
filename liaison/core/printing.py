"""A record as a printable PDF, stamped with when and by whom it was produced.

Every "Print (PDF)" link (activity, employee, external person, organisation, evaluation
report) goes through ``pdf_response``: the app's view first reads the record through the
record page's own ``access_*`` (so the PDF is exactly as visible as the page), then hands
a template that extends ``print/base.html`` and its context here.

WeasyPrint renders the HTML with a style sheet read from a file (``print.css``), never a
``<style>`` element: no template carries inline style (the Content-Security-Policy; ADR
0020). The stamp ("Produced … UTC by …") is on the first page and in every page's footer,
so a page torn from the printout still says when it was true.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

STYLESHEET = Path(__file__).with_name("print.css")


def produced_by(user: Any) -> str:
    name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    username = user.get_username() if hasattr(user, "get_username") else str(user)
    return f"{name} ({username})" if name else username


def stamp_text(*, at: dt.datetime, user: Any) -> str:
    """The sentence printed on every page: the UTC time to the second and the user."""
    return f"Produced {at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S} UTC by {produced_by(user)}"


def pdf_bytes(template: str, context: dict[str, Any], *, user: Any) -> bytes:
    from weasyprint import CSS, HTML  # imported here: it loads Pango, which only this needs

    at = timezone.now()
    html = render_to_string(
        template, {**context, "stamp": stamp_text(at=at, user=user), "produced_at": at}
    )
    stylesheet = CSS(filename=str(STYLESHEET))
    return bytes(HTML(string=html).write_pdf(stylesheets=[stylesheet]))


def pdf_response(
    request: HttpRequest, template: str, context: dict[str, Any], *, filename: str
) -> HttpResponse:
    """The record's PDF, shown in the browser (``inline``) and never kept by shared caches."""
    body = pdf_bytes(template, context, user=request.user)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
