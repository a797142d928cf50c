"""The audit trail through the API (overseers and administrators, ADR 0023)."""

from __future__ import annotations

import itertools
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from ninja import Query, Router

from liaison.core import tabular
from liaison.core.downloads import export_response
from liaison.core.schemas import errors, export_file_responses
from liaison.records import audit_chain
from liaison.records.access import require_audit_reader
from liaison.records.schemas import (
    AuditEventExportParams,
    AuditEventList,
    AuditEventParams,
    AuditVerificationOut,
)
from liaison.records.selectors import audit_event_count, audit_events

router = Router(tags=["audit trail"])


@router.get(
    "/audit/verification",
    response={200: AuditVerificationOut, **errors(403)},
    operation_id="audit_verify",
    url_name="audit_verify",
    summary="Verify the hash-chained audit trail now: intact, or the first broken link",
)
def audit_verify(request: HttpRequest) -> dict[str, Any]:
    require_audit_reader(request.user)
    return audit_chain.verify().as_dict()


@router.get(
    "/audit/events",
    response={200: AuditEventList, **errors(403, 422)},
    operation_id="audit_event_list",
    url_name="audit_event_list",
    summary="Audit events across every app (history, authentication, restricted reads), "
    "oldest first",
)
def audit_event_list(request: HttpRequest, params: Query[AuditEventParams]) -> dict[str, Any]:
    scope = require_audit_reader(request.user)
    filters = params.to_filters()
    size = params.page_size or settings.PAGE_SIZE
    start = (params.page - 1) * size
    stream = audit_events(user=request.user, scope=scope, filters=filters)
    items = [
        {
            "at": e.at,
            "source": e.table,
            "row_id": e.row_id,
            "record_type": e.record_type,
            "record_id": e.record_id,
            "action": e.action,
            "actor": e.actor,
            "detail": e.detail,
        }
        for e in itertools.islice(stream, start, start + size)
    ]
    count = audit_event_count(user=request.user, scope=scope, filters=filters)
    return {"items": items, "count": count, "count_is_exact": True}


@router.get(
    "/exports/audit-events",
    response={200: None, **errors(403)},
    operation_id="audit_event_export",
    openapi_extra=export_file_responses("audit events"),
    tags=["audit", "exports"],
    summary="The audit events the filters select, oldest first, as a file (CSV streamed)",
)
def export_audit_events(
    request: HttpRequest, params: Query[AuditEventExportParams]
) -> HttpResponseBase:
    scope = require_audit_reader(request.user)
    rows = audit_events(user=request.user, scope=scope, filters=params.to_filters())
    return export_response(tabular.get_spec("audit-events"), rows, fmt=params.format)
