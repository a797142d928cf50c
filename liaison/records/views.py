"""The audit trail's pages (overseers and administrators, ADR 0023): its verification,
and its events with their CSV, XLSX and JSON files."""

from __future__ import annotations

import itertools
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from liaison.core import tabular
from liaison.core.downloads import export_response
from liaison.core.views import domain_errors_as_http
from liaison.records import audit_chain
from liaison.records.access import require_audit_reader
from liaison.records.forms import EventFilterForm
from liaison.records.selectors import EventFilters, audit_events

PAGE_EVENTS = 100
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@login_required
@domain_errors_as_http
def verification(request: HttpRequest) -> HttpResponse:
    """Verify the whole chain now and say so: intact, or the first broken link."""
    require_audit_reader(request.user)
    result = audit_chain.verify()
    return render(request, "records/verification.html", {"nav": "account", "result": result})


@login_required
@domain_errors_as_http
def events(request: HttpRequest) -> HttpResponse:
    """The newest audit events matching the filters, and the same selection as files."""
    scope = require_audit_reader(request.user)
    form = EventFilterForm(request.GET or None)
    shown: list[object] = []
    query = ""
    if not form.is_bound or form.is_valid():
        filters = form.filters() if form.is_bound else EventFilters()
        stream = audit_events(user=request.user, scope=scope, filters=filters, newest_first=True)
        shown = list(itertools.islice(stream, PAGE_EVENTS))
        query = urlencode({k: v for k, v in request.GET.items() if k in form.fields})
    context = {
        "nav": "account",
        "form": form,
        "events": shown,
        "limit": PAGE_EVENTS,
        "query": query,
    }
    return render(request, "records/events.html", context, status=422 if form.errors else 200)


@login_required
@domain_errors_as_http
def events_file(request: HttpRequest, fmt: str) -> HttpResponse:
    """The events the filters select, oldest first, as CSV (streamed, constant memory),
    JSON (streamed) or XLSX."""
    scope = require_audit_reader(request.user)
    form = EventFilterForm(request.GET)
    if not form.is_valid():
        return render(
            request, "records/events.html",
            {"nav": "account", "form": form, "events": [], "limit": PAGE_EVENTS, "query": ""},
            status=422,
        )  # fmt: skip
    rows = audit_events(user=request.user, scope=scope, filters=form.filters())
    # The one file writer every export uses (core/downloads.py).
    return export_response(tabular.get_spec("audit-events"), rows, fmt=fmt)  # type: ignore[return-value]
