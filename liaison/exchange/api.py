"""Exports of the activity list (the list endpoint's filters, the list's access rule) and
imports of spreadsheets (coordinators): upload and check, import, cancel, read."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from ninja import File, Form, Query, Router
from ninja import Status as HttpStatus
from ninja.files import UploadedFile

from liaison.accounts.models import Agency
from liaison.activities.schemas import ActivityFilterParams
from liaison.core.errors import Forbidden, NotFound
from liaison.core.schemas import Id, errors
from liaison.exchange import review, services
from liaison.exchange.access import access_batch, import_agencies
from liaison.exchange.schemas import ImportBatchOut, MatchOut, ResolutionsIn
from liaison.exchange.views import XLSX, activities_file, start

router = Router(tags=["exchange"])

_FILES = {
    "csv": "text/csv",
    "xlsx": XLSX,
    "json": "application/json",
}


def _file(content_type: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
    }


def _export(request: HttpRequest, params: ActivityFilterParams, fmt: str) -> HttpResponseBase:
    return activities_file(fmt, request.user, params.to_filters())


@router.get(
    "/exports/activities/csv",
    response={200: None, **errors()},
    operation_id="activity_export_csv",
    openapi_extra={"responses": {200: _file("text/csv", "The activities, one row each.")}},
    summary="The activity list as CSV (the list's filters; streamed; the import's columns)",
)
def export_csv(request: HttpRequest, params: Query[ActivityFilterParams]) -> HttpResponseBase:
    return _export(request, params, "csv")


@router.get(
    "/exports/activities/xlsx",
    response={200: None, **errors()},
    operation_id="activity_export_xlsx",
    openapi_extra={"responses": {200: _file(XLSX, "The activities as one worksheet.")}},
    summary="The activity list as XLSX (the list's filters; the import's columns)",
)
def export_xlsx(request: HttpRequest, params: Query[ActivityFilterParams]) -> HttpResponseBase:
    return _export(request, params, "xlsx")


@router.get(
    "/exports/activities/json",
    response={200: None, **errors()},
    operation_id="activity_export_json",
    openapi_extra={
        "responses": {
            200: {
                "description": "An array of objects keyed by the export's column headers.",
                "content": {
                    "application/json": {"schema": {"type": "array", "items": {"type": "object"}}}
                },
            }
        }
    },
    summary="The activity list as JSON (the list's filters; streamed)",
)
def export_json(request: HttpRequest, params: Query[ActivityFilterParams]) -> HttpResponseBase:
    return _export(request, params, "json")


@router.post(
    "/imports",
    response={201: ImportBatchOut, **errors(403, 404, 422)},
    operation_id="import_create",
    summary="Upload a CSV or XLSX file of activities and check it (multipart: file, agency_id)",
)
def create_import(
    request: HttpRequest, file: File[UploadedFile], agency_id: Form[Id | None] = None
) -> HttpStatus[Any]:
    agencies = import_agencies(request.user)
    if not agencies:
        raise Forbidden("Only coordinators import records.")
    if agency_id is None:
        if len(agencies) != 1:
            from django.core.exceptions import ValidationError

            raise ValidationError({"agency_id": ["Name the agency the records belong to."]})
        agency_id = agencies[0]
    agency = Agency.objects.filter(pk=agency_id, pk__in=agencies).first()
    if agency is None:
        raise NotFound("No agency where you may import has that id.")
    batch = services.import_batch_create(
        actor=request.user, agency=agency, file_name=file.name or "", content=file.read()
    )
    batch = start(actor=request.user, batch=batch)
    return HttpStatus(201, batch)


@router.get(
    "/imports/{batch_id}",
    response={200: ImportBatchOut, **errors(404)},
    operation_id="import_get",
    summary="An import: its status, progress, counts, row-by-row outcome and problems",
)
def get_import(request: HttpRequest, batch_id: int) -> Any:
    return access_batch(request.user, batch_id)


@router.post(
    "/imports/{batch_id}/import",
    response={200: ImportBatchOut, **errors(403, 404, 422)},
    operation_id="import_run",
    summary="Import a checked file: every row in one transaction, or none",
)
def run_import(request: HttpRequest, batch_id: int) -> Any:
    batch = access_batch(request.user, batch_id)
    return start(actor=request.user, batch=batch)


@router.post(
    "/imports/{batch_id}/cancel",
    response={200: ImportBatchOut, **errors(403, 404, 422)},
    operation_id="import_cancel",
    summary="Cancel a running or checked import (nothing of it is saved)",
)
def cancel_import(request: HttpRequest, batch_id: int) -> Any:
    batch = access_batch(request.user, batch_id)
    return services.import_batch_cancel(actor=request.user, batch=batch)


@router.get(
    "/imports/{batch_id}/matches",
    response={200: list[MatchOut], **errors(404)},
    operation_id="import_matches",
    summary="The ambiguous participant names of an import's last check, with their "
    "candidates (the review step)",
)
def list_matches(request: HttpRequest, batch_id: int) -> Any:
    batch = access_batch(request.user, batch_id)
    return review.pending_matches(user=request.user, batch=batch)


@router.post(
    "/imports/{batch_id}/matches",
    response={200: ImportBatchOut, **errors(403, 404, 422)},
    operation_id="import_resolve",
    summary="Say who each ambiguous participant is (or none of them); the file is checked "
    "again with the answers",
)
def resolve_matches(request: HttpRequest, batch_id: int, body: ResolutionsIn) -> Any:
    batch = access_batch(request.user, batch_id)
    choices = [review.Choice(r.row, r.participant, r.employee_id) for r in body.resolutions]
    batch = review.import_batch_resolve(actor=request.user, batch=batch, choices=choices)
    return start(actor=request.user, batch=batch)
