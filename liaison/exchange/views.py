"""Pages: the activity list as CSV / XLSX / JSON, and the import of a spreadsheet
(upload → dry run → confirm, with a progress bar while it runs).

Thin by rule: parse, ask ``access`` / ``selectors`` / ``services``, render.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from liaison.accounts.models import Agency
from liaison.activities import selectors as activity_selectors
from liaison.activities.forms import ActivityFilterForm
from liaison.core.downloads import FORMATS, export_response
from liaison.core.errors import Forbidden, validation_messages
from liaison.core.forms import error_items
from liaison.core.tabular import Column, ExportSpec
from liaison.core.views import domain_errors_as_http
from liaison.exchange import progress, review, services, tasks
from liaison.exchange.access import access_batch, import_agencies
from liaison.exchange.forms import MatchForm, UploadForm
from liaison.exchange.models import BatchStatus, ImportBatch
from liaison.exchange.selectors import activity_export_csv, activity_export_rows, batch_list
from liaison.exchange.spec import ACTIVITIES

XLSX = FORMATS["xlsx"]
PLAN_SHOWN = 200
# The template: the export's columns, no rows (its own file name).
TEMPLATE = ExportSpec(
    name="activities-template", title="Activities (template)", columns=ACTIVITIES.columns
)
PROBLEM_COLUMNS = [
    Column("row", "The file's row (the header is row 1).", lambda e: e["row"]),
    Column("column", "The column the problem is in.", lambda e: e["column"]),
    Column("value", "The value the file gives.", lambda e: e["value"]),
    Column("problem", "Why the row cannot be imported.", lambda e: e["message"]),
]


def _filters(request: HttpRequest) -> Any:
    form = ActivityFilterForm(request.GET, years=activity_selectors.year_range(user=request.user))
    return form.filters()


def _enqueue_refresh(missing: int) -> None:
    """An export met ``missing`` activities without a stored line: ask the worker to
    store them (once a minute per process at most; the refresh is idempotent)."""
    if cache.add("exchange:refresh-export-lines", missing, timeout=60):
        tasks.refresh_export_lines.enqueue()


def activities_file(fmt: str, user: Any, filters: Any) -> HttpResponseBase:
    """The activity export for the page and the API alike, through the one file writer
    every export uses (``core.downloads``): CSV from the stored lines (ADR 0031), JSON
    streamed row by row and XLSX in constant-memory mode from the value rows (ADR 0027)."""
    if fmt == "csv":
        chunks = activity_export_csv(user=user, filters=filters, on_missing=_enqueue_refresh)
        return export_response(ACTIVITIES, (), fmt=fmt, csv_text=chunks)
    rows = activity_export_rows(user=user, filters=filters)
    return export_response(ACTIVITIES, rows, fmt=fmt, value_rows=True)


def _export(request: HttpRequest, fmt: str) -> HttpResponseBase:
    return activities_file(fmt, request.user, _filters(request))


@login_required
@require_GET
def export_csv(request: HttpRequest) -> HttpResponseBase:
    return _export(request, "csv")


@login_required
@require_GET
def export_xlsx(request: HttpRequest) -> HttpResponseBase:
    return _export(request, "xlsx")


@login_required
@require_GET
def export_json(request: HttpRequest) -> HttpResponseBase:
    return _export(request, "json")


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponseBase:
    """The header row, as CSV: every column the import reads (docs/import.md)."""
    return export_response(TEMPLATE, [], fmt="csv")


def _agencies(request: HttpRequest) -> Any:
    return Agency.objects.filter(pk__in=import_agencies(request.user)).order_by("name")


def start(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """Check (an uploaded batch) or import (a checked one): at once for a small file, in
    the task worker for a large one. The page and the API both start work here."""
    background = batch.rows > settings.IMPORT_BACKGROUND_ROWS
    if batch.status == BatchStatus.UPLOADED:
        if not background:
            return services.import_batch_check(actor=actor, batch=batch)
        services.import_batch_queue(actor=actor, batch=batch)
        batch_id, user_id = batch.pk, actor.pk
        transaction.on_commit(
            lambda: tasks.check_import.enqueue(batch_id=batch_id, user_id=user_id)
        )
        return batch
    if not background:
        return services.import_batch_run(actor=actor, batch=batch)
    services.import_batch_queue(actor=actor, batch=batch)
    batch_id, user_id = batch.pk, actor.pk
    transaction.on_commit(lambda: tasks.run_import.enqueue(batch_id=batch_id, user_id=user_id))
    return batch


@login_required
@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def import_list(request: HttpRequest) -> HttpResponse:
    agencies = _agencies(request)
    if not agencies:
        raise Forbidden("Only coordinators import records.")
    form = UploadForm(request.POST or None, request.FILES or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.import_batch_create(
                actor=request.user,
                agency=form.cleaned_data["agency"],
                file_name=upload.name,
                content=upload.read(),
            )
        except ValidationError as exc:
            for message in validation_messages(exc).get("file", []) or [
                m for ms in validation_messages(exc).values() for m in ms
            ]:
                form.add_error("file", message)
        else:
            start(actor=request.user, batch=batch)
            return redirect("exchange:import_detail", pk=batch.pk)
    context = {
        "nav": "activities",
        "form": form,
        "batches": batch_list(user=request.user)[:25],
        "max_bytes": settings.IMPORT_MAX_BYTES,
        "errors": error_items(form) if form.is_bound else [],
    }
    return render(request, "exchange/imports.html", context)


def _detail_context(request: HttpRequest, batch: ImportBatch) -> dict[str, Any]:
    shown = progress.read(batch.token) if batch.running else None
    plan = batch.plan or []
    return {
        "nav": "activities",
        "batch": batch,
        "progress": shown,
        "plan": plan[:PLAN_SHOWN],
        "plan_more": max(0, len(plan) - PLAN_SHOWN),
        "errors": (batch.errors or [])[:PLAN_SHOWN],
        "errors_more": max(0, len(batch.errors or []) - PLAN_SHOWN),
        "action_labels": services.ACTION_LABELS,
        "imported": batch.records.select_related("activity").order_by("row_number")[:PLAN_SHOWN]
        if batch.status == BatchStatus.IMPORTED
        else [],
    }


@login_required
@domain_errors_as_http
@require_GET
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access_batch(request.user, pk)
    return render(request, "exchange/import_detail.html", _detail_context(request, batch))


@login_required
@domain_errors_as_http
@require_GET
def import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress fragment htmx polls while the batch is running; when it stops
    running, htmx is told to reload the whole page (``HX-Refresh``)."""
    batch = access_batch(request.user, pk)
    response = render(request, "exchange/_progress.html", _detail_context(request, batch))
    if request.headers.get("HX-Request") and not batch.running:
        response["HX-Refresh"] = "true"
    return response


@login_required
@domain_errors_as_http
@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access_batch(request.user, pk)
    try:
        start(actor=request.user, batch=batch)
    except ValidationError as exc:
        for ms in validation_messages(exc).values():
            for m in ms:
                messages.error(request, m)
    return redirect("exchange:import_detail", pk=batch.pk)


@login_required
@domain_errors_as_http
@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    batch = access_batch(request.user, pk)
    try:
        services.import_batch_cancel(actor=request.user, batch=batch)
        messages.info(request, "Cancelling: nothing from this file will be saved.")
    except ValidationError as exc:
        for ms in validation_messages(exc).values():
            for m in ms:
                messages.error(request, m)
    return redirect("exchange:import_detail", pk=batch.pk)


def errors_csv(batch: ImportBatch) -> HttpResponseBase:
    """A batch's problems as CSV (row, column, value, problem), through the one file
    writer every export uses."""
    spec = ExportSpec(
        name=f"import-{batch.pk}-problems",
        title="Import problems",
        columns=PROBLEM_COLUMNS,
    )
    return export_response(spec, batch.errors or [], fmt="csv")


@login_required
@domain_errors_as_http
@require_GET
def import_errors(request: HttpRequest, pk: int) -> HttpResponseBase:
    return errors_csv(access_batch(request.user, pk))


@login_required
@domain_errors_as_http
@require_http_methods(["GET", "POST"])
def import_matches(request: HttpRequest, pk: int) -> HttpResponse:
    """The review step (ADR 0028): who each ambiguous participant name means. Saving the
    answers checks the file again with them."""
    batch = access_batch(request.user, pk)
    matches = review.pending_matches(user=request.user, batch=batch)
    form = MatchForm(request.POST if request.method == "POST" else None, matches=matches)
    if request.method == "POST" and form.is_valid():
        try:
            batch = review.import_batch_resolve(
                actor=request.user, batch=batch, choices=form.choices()
            )
        except ValidationError as exc:
            for ms in validation_messages(exc).values():
                for m in ms:
                    form.add_error(None, m)
        else:
            start(actor=request.user, batch=batch)
            messages.info(request, "Your answers are saved; the file has been checked again.")
            return redirect("exchange:import_detail", pk=batch.pk)
    context = {
        "nav": "activities",
        "batch": batch,
        "form": form,
        "matches": matches,
        "resolvable": batch.status in review.RESOLVABLE,
        "errors": error_items(form) if form.is_bound else [],
    }
    return render(request, "exchange/import_matches.html", context)
