"""Evaluation reports in the API: reports, their content, sign-off, review moves,
attachments, the overdue list, search and the report rules (ADR 0017). Mounted at the API
root (``/reports…``, ``/activities/{id}/reports``, ``/report-policies…``).

Every handler is parse → access_* → service/selector → schema, the same functions the
pages call, so both doors give the same answer.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from ninja import File, Form, Query, Router
from ninja import Status as HttpStatus
from ninja.files import UploadedFile

from liaison.accounts.schemas import errors
from liaison.activities.access import access_activity
from liaison.activities.models import Participation
from liaison.core.downloads import export_response
from liaison.core.pagination import paginate
from liaison.core.schemas import PDF_RESPONSE, all_body, export_file_responses, page_body
from liaison.reports import selectors, services
from liaison.reports.access import (
    access_attachment,
    access_policy_agency,
    access_report,
    require_tracker,
)
from liaison.reports.exports import REPORTS, export_rows
from liaison.reports.printouts import report_pdf_response
from liaison.reports.schemas import (
    OwedReportListOut,
    OwedReportParams,
    ReportAttachmentOut,
    ReportContentIn,
    ReportCreateIn,
    ReportDetailOut,
    ReportExportParams,
    ReportHistoryListOut,
    ReportList,
    ReportListParams,
    ReportPolicyIn,
    ReportPolicyListOut,
    ReportPolicyOut,
    ReportSearchListOut,
    ReportSearchParams,
    ReportToStartListOut,
    ReportTransitionIn,
)
from liaison.reports.views import attachment_response

router = Router(tags=["reports"])


def _detail(request: HttpRequest, report: Any) -> Any:
    return selectors.report_for(user=request.user, report=report, today=timezone.localdate())


@router.get(
    "/reports",
    response={200: ReportList, **errors(404, 422)},
    operation_id="report_list",
    url_name="report_list",
    summary="The evaluation reports I may see (my own; my agency's for its readers)",
)
def list_reports(request: HttpRequest, params: Query[ReportListParams]) -> dict[str, Any]:
    qs = selectors.report_list(
        user=request.user,
        filters=selectors.ReportFilters(status=params.status or "", activity_id=params.activity_id),
    )
    page = paginate(qs, page=params.page, page_size=params.page_size, clamp=False)
    today = timezone.localdate()
    page = replace(page, items=[selectors.decorate(r, today=today) for r in page.items])
    return page_body(page)


@router.get(
    "/exports/reports",
    response={200: None, **errors(404)},
    operation_id="report_export",
    openapi_extra=export_file_responses("evaluation reports"),
    tags=["reports", "exports"],
    summary="The report list as a file (the list's filters; every page)",
)
def export_reports(request: HttpRequest, params: Query[ReportExportParams]) -> HttpResponseBase:
    qs = selectors.report_list(
        user=request.user,
        filters=selectors.ReportFilters(status=params.status or "", activity_id=params.activity_id),
    )
    return export_response(REPORTS, export_rows(qs), fmt=params.format)


@router.get(
    "/reports/mine",
    response={200: ReportList, **errors(422)},
    operation_id="report_mine",
    url_name="report_mine",
    summary="The reports I am an author of",
)
def mine(request: HttpRequest) -> dict[str, Any]:
    today = timezone.localdate()
    return all_body(
        [selectors.decorate(r, today=today) for r in selectors.my_reports(user=request.user)]
    )


@router.get(
    "/reports/to-start",
    response={200: ReportToStartListOut, **errors(422)},
    operation_id="report_to_start",
    url_name="report_to_start",
    summary="Activities I took part in that ended and have no report of mine yet",
)
def to_start(request: HttpRequest) -> dict[str, Any]:
    return all_body(selectors.reports_to_start(user=request.user, today=timezone.localdate()))


@router.get(
    "/reports/overdue",
    response={200: OwedReportListOut, **errors(404)},
    operation_id="report_overdue",
    url_name="report_overdue",
    summary="Reports overdue or due soon, by unit or by who approved the activity",
)
def overdue(request: HttpRequest, params: Query[OwedReportParams]) -> dict[str, Any]:
    require_tracker(request.user)
    items = selectors.owed_reports(
        user=request.user,
        filters=selectors.TrackingFilters(
            which=params.which, unit=params.unit or "", approver_id=params.approver_id
        ),
        today=timezone.localdate(),
    )
    return all_body(items)


@router.get(
    "/reports/search",
    response={200: ReportSearchListOut, **errors(422)},
    operation_id="report_search",
    url_name="report_search",
    summary="Full-text search of reports and recommendations, most relevant first",
)
def search(request: HttpRequest, params: Query[ReportSearchParams]) -> dict[str, Any]:
    today = timezone.localdate()
    results = selectors.search_results(user=request.user, query=params.q)
    items = [
        {
            "report": selectors.decorate(r.report, today=today),
            "rank": r.rank,
            "snippet": str(r.snippet),
            "recommendations": r.recommendations,
        }
        for r in results
    ]
    return all_body(items)


@router.post(
    "/activities/{activity_id}/reports",
    response={201: ReportDetailOut, **errors(403, 404, 422)},
    operation_id="report_create",
    summary="Start a draft report on an activity (one author, or several co-signing)",
)
def create(request: HttpRequest, activity_id: int, data: ReportCreateIn) -> HttpStatus[Any]:
    activity = access_activity(request.user, activity_id)
    # Only this activity's participants: an id of another activity names no one here.
    participations = list(
        Participation.objects.filter(pk__in=data.participation_ids, activity=activity)
    )
    if len(participations) != len(set(data.participation_ids)):
        raise ValidationError({"participation_ids": ["Unknown participant."]})
    report = services.report_create(
        actor=request.user, activity=activity, participations=participations
    )
    return HttpStatus(201, _detail(request, report))


@router.get(
    "/reports/{report_id}",
    response={200: ReportDetailOut, **errors(404)},
    operation_id="report_detail",
    url_name="report_detail",
    summary="One evaluation report with its recommendations, attachments and reviews",
)
def detail(request: HttpRequest, report_id: int) -> Any:
    return _detail(request, access_report(request.user, report_id))


@router.get(
    "/reports/{report_id}/pdf",
    response={200: None, **errors(404)},
    operation_id="report_pdf",
    openapi_extra=PDF_RESPONSE,
    summary="The printable evaluation report (PDF)",
)
def pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    return report_pdf_response(request, access_report(request.user, report_id))


@router.put(
    "/reports/{report_id}",
    response={200: ReportDetailOut, **errors(403, 404, 422)},
    operation_id="report_update",
    summary="Replace the content of a draft or returned report (its authors)",
)
def update(request: HttpRequest, report_id: int, data: ReportContentIn) -> Any:
    report = access_report(request.user, report_id, action="change")
    services.report_update(
        actor=request.user, report=report, data=services.ReportInput(**data.dict())
    )
    return _detail(request, report)


@router.post(
    "/reports/{report_id}/sign",
    response={200: ReportDetailOut, **errors(403, 404)},
    operation_id="report_sign",
    summary="Sign off on a report I am an author of",
)
def sign(request: HttpRequest, report_id: int) -> Any:
    report = access_report(request.user, report_id, action="change")
    services.report_sign(actor=request.user, report=report)
    return _detail(request, report)


@router.post(
    "/reports/{report_id}/transitions",
    response={200: ReportDetailOut, **errors(403, 404, 409, 422)},
    operation_id="report_transition",
    summary="Submit (authors), return for correction or acknowledge (supervisors)",
)
def transition(request: HttpRequest, report_id: int, data: ReportTransitionIn) -> Any:
    report = access_report(request.user, report_id)
    services.report_transition(
        actor=request.user,
        report=report,
        name=data.name,
        reason=data.reason,
        resubmit_by=data.resubmit_by,
        checklist=data.checklist,
    )
    return _detail(request, report)


@router.get(
    "/reports/{report_id}/history",
    response={200: ReportHistoryListOut, **errors(404)},
    operation_id="report_history",
    url_name="report_history",
    summary="Every recorded step of a report: when, who, what",
)
def history(request: HttpRequest, report_id: int) -> dict[str, Any]:
    report = access_report(request.user, report_id)
    return all_body(selectors.report_history(report=report))


@router.post(
    "/reports/{report_id}/attachments",
    response={201: ReportAttachmentOut, **errors(403, 404, 422)},
    operation_id="report_attachment_add",
    summary="Attach material received (multipart: file, description)",
)
def add_attachment(
    request: HttpRequest,
    report_id: int,
    file: File[UploadedFile],
    description: Form[str] = "",
) -> HttpStatus[Any]:
    report = access_report(request.user, report_id, action="change")
    attachment = services.attachment_add(
        actor=request.user, report=report, upload=file, description=description
    )
    return HttpStatus(201, attachment)


@router.get(
    "/reports/attachments/{attachment_id}",
    response={200: None, **errors(404)},
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, as an attachment (Content-Disposition: attachment; "
                "X-Content-Type-Options: nosniff), with the type recorded at upload.",
                "content": {
                    "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
    operation_id="report_attachment_download",
    url_name="report_attachment_download",
    summary="Download an attachment (always as a file, never shown inline)",
)
def download(request: HttpRequest, attachment_id: int) -> FileResponse:
    return attachment_response(access_attachment(request.user, attachment_id))


@router.delete(
    "/reports/attachments/{attachment_id}",
    response={204: None, **errors(403, 404)},
    operation_id="report_attachment_remove",
    summary="Remove an attachment from a draft or returned report (its authors)",
)
def remove(request: HttpRequest, attachment_id: int) -> HttpStatus[None]:
    attachment = access_attachment(request.user, attachment_id)
    access_report(request.user, attachment.report_id, action="change")
    services.attachment_remove(actor=request.user, attachment=attachment)
    return HttpStatus(204, None)


@router.get(
    "/report-policies",
    response={200: ReportPolicyListOut, **errors(422)},
    operation_id="report_policy_list",
    url_name="report_policy_list",
    summary="The report rules of the agencies I edit (coordinators, administrators)",
)
def list_policies(request: HttpRequest) -> dict[str, Any]:
    return all_body(selectors.policies_visible_to(request.user))


@router.get(
    "/report-policies/{agency_id}",
    response={200: ReportPolicyOut, **errors(404)},
    operation_id="report_policy_detail",
    url_name="report_policy_detail",
    summary="One agency's report rules",
)
def get_policy(request: HttpRequest, agency_id: int) -> Any:
    return selectors.policy_for(access_policy_agency(request.user, agency_id))


@router.put(
    "/report-policies/{agency_id}",
    response={200: ReportPolicyOut, **errors(403, 404, 422)},
    operation_id="report_policy_update",
    summary="Replace one agency's report rules",
)
def put_policy(request: HttpRequest, agency_id: int, data: ReportPolicyIn) -> Any:
    agency = access_policy_agency(request.user, agency_id)
    return services.report_policy_update(actor=request.user, agency=agency, **data.dict())
