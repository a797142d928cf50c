"""Funders, contributions, screenings, selections, overrides, disclosure filings and the
money views. Mounted at the API root: ``/funding/…`` and ``/activities/{id}/funding…``.
Handlers are thin: access, then a service or selector (ADR 0019)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from ninja import Query, Router
from ninja import Status as HttpStatus

from liaison.accounts.access import agency_for_new_record
from liaison.activities.access import access_participation
from liaison.core.downloads import export_response
from liaison.core.errors import NotFound, fields_renamed
from liaison.core.pagination import paginate
from liaison.core.schemas import errors, export_file_responses, page_body, page_of
from liaison.funding.access import (
    FUNDING_EDITORS,
    FUNDING_READERS,
    access_contribution,
    access_form801,
    access_funder,
    access_funding_activity,
    contributions_visible_to,
    funders_visible_to,
    money_activities,
    reader_agency,
    require_funding_reader,
)
from liaison.funding.exports import CONTRIBUTIONS, form801_pdf, report1353_xlsx
from liaison.funding.schemas import (
    ActivityFundingOut,
    AgencyParams,
    ContributionCorrectionIn,
    ContributionExportParams,
    ContributionIn,
    ContributionList,
    ContributionListParams,
    ContributionOut,
    Form801In,
    Form801Out,
    Form801Patch,
    FunderIn,
    FunderList,
    FunderListParams,
    FunderOut,
    FunderSourceIn,
    MoneyParams,
    MoneySummaryOut,
    OverrideIn,
    OverrideOut,
    PeriodOut,
    PostingList,
    PostingListParams,
    Report1353In,
    ScreeningIn,
    ScreeningOut,
    SelectionIn,
    SelectionOut,
)
from liaison.funding.selectors import (
    ContributionFilters,
    activity_funding,
    contribution_list,
    filing_since,
    filter_activities,
    money_summary,
    page_of_rows,
    period_bounds,
    posting_rows,
    report_1353,
    semiannual_periods,
)
from liaison.funding.services import (
    ContributionInput,
    FunderInput,
    ScreeningInput,
    SelectionInput,
    anonymous_override_record,
    contribution_correct,
    contribution_create,
    form801_create,
    form801_update,
    funder_create,
    funder_source_add,
    screening_record,
    selection_record,
    semiannual_report_file,
)
from liaison.people.access import access_employee

router = Router(tags=["funding"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file(content_type: str, description: str) -> dict[str, Any]:
    """An answer that is a file, as OpenAPI describes one."""
    return {
        "description": description,
        "content": {content_type: {"schema": {"type": "string", "format": "binary"}}},
    }


def _in_body(lookup: Any, user: Any, pk: int | None, field: str, label: str) -> Any:
    if pk is None:
        return None
    try:
        return lookup(user, pk)
    except NotFound:
        # A reference inside the body is bad input (422), not a missing URL (404).
        raise ValidationError({field: [f"Unknown {label}."]}) from None


def _strings(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: f"{v:.2f}" if isinstance(v, Decimal) else v for k, v in r.items()} for r in rows]


# --- funders ------------------------------------------------------------------------------


@router.get(
    "/funding/funders",
    response={200: FunderList, **errors(404)},
    operation_id="funder_list",
    summary="The funders registry",
)
def list_funders(request: HttpRequest, params: Query[FunderListParams]) -> dict[str, Any]:
    require_funding_reader(request.user)
    qs = funders_visible_to(request.user)
    if params.funder_type:
        qs = qs.filter(funder_type=params.funder_type)
    return page_of(qs.order_by("name", "id"), params)


@router.post(
    "/funding/funders",
    response={201: FunderOut, **errors(403, 404, 422)},
    operation_id="funder_create",
    summary="Add a funder to the registry (coordinators)",
)
def create_funder(request: HttpRequest, data: FunderIn) -> HttpStatus[Any]:
    require_funding_reader(request.user)
    agency = agency_for_new_record(request.user, agency_id=data.agency_id, roles=FUNDING_EDITORS)
    funder = funder_create(
        actor=request.user,
        agency=agency,
        data=FunderInput(**data.model_dump(exclude={"agency_id"})),
    )
    return HttpStatus(201, funder)


@router.get(
    "/funding/funders/{funder_id}",
    response={200: FunderOut, **errors(404)},
    operation_id="funder_detail",
    url_name="funder_detail",
    summary="One funder, with a pass-through funder's sources",
)
def get_funder(request: HttpRequest, funder_id: int) -> Any:
    return access_funder(request.user, funder_id)


@router.post(
    "/funding/funders/{funder_id}/sources",
    response={201: FunderOut, **errors(403, 404, 422)},
    operation_id="funder_source_add",
    summary="Name one of a pass-through funder's own sources (coordinators)",
)
def add_funder_source(
    request: HttpRequest, funder_id: int, data: FunderSourceIn
) -> HttpStatus[Any]:
    funder = access_funder(request.user, funder_id, action="change")
    source = _in_body(access_funder, request.user, data.source_id, "source_id", "funder")
    funder_source_add(actor=request.user, funder=funder, source=source)
    return HttpStatus(201, funder)


# --- an activity's funding ----------------------------------------------------------------


@router.get(
    "/activities/{activity_id}/funding",
    response={200: ActivityFundingOut, **errors(404)},
    operation_id="activity_funding",
    summary="An activity's funding record, and what it lacks for approval",
)
def get_activity_funding(request: HttpRequest, activity_id: int) -> Any:
    return activity_funding(access_funding_activity(request.user, activity_id))


@router.post(
    "/activities/{activity_id}/contributions",
    response={201: ContributionOut, **errors(403, 404, 422)},
    operation_id="contribution_create",
    summary="Record a contribution towards an activity (coordinators)",
)
def create_contribution(
    request: HttpRequest, activity_id: int, data: ContributionIn
) -> HttpStatus[Any]:
    user = request.user
    activity = access_funding_activity(user, activity_id, action="change")
    funder = _in_body(access_funder, user, data.funder_id, "funder_id", "funder")
    participation = None
    if data.participation_id is not None:
        try:
            participation = access_participation(user, activity.pk, data.participation_id)
        except NotFound:
            raise ValidationError({"participation_id": ["Unknown participant."]}) from None
    fields = data.model_dump(exclude={"funder_id", "participation_id"})
    with fields_renamed({"funder": "funder_id", "participation": "participation_id"}):
        contribution = contribution_create(
            actor=user,
            activity=activity,
            data=ContributionInput(funder=funder, participation=participation, **fields),
        )
    return HttpStatus(201, contribution)


@router.put(
    "/funding/contributions/{contribution_id}",
    response={200: ContributionOut, **errors(403, 404, 422)},
    operation_id="contribution_correct",
    summary="Correct a recorded contribution, saying why (coordinators; the history keeps "
    "the old values; refused once its Form 801 is verified)",
)
def correct_contribution(
    request: HttpRequest, contribution_id: int, data: ContributionCorrectionIn
) -> Any:
    user = request.user
    contribution = access_contribution(user, contribution_id, action="change")
    funder = _in_body(access_funder, user, data.funder_id, "funder_id", "funder")
    participation = None
    if data.participation_id is not None:
        try:
            participation = access_participation(
                user, contribution.activity_id, data.participation_id
            )
        except NotFound:
            raise ValidationError({"participation_id": ["Unknown participant."]}) from None
    fields = data.model_dump(exclude={"funder_id", "participation_id", "reason"})
    with fields_renamed({"funder": "funder_id", "participation": "participation_id"}):
        return contribution_correct(
            actor=user,
            contribution=contribution,
            data=ContributionInput(funder=funder, participation=participation, **fields),
            reason=data.reason,
        )


@router.post(
    "/activities/{activity_id}/screenings",
    response={201: ScreeningOut, **errors(403, 404, 422)},
    operation_id="screening_record",
    summary="Record a funder's conflict-of-interest screening (approvers, higher command)",
)
def create_screening(request: HttpRequest, activity_id: int, data: ScreeningIn) -> HttpStatus[Any]:
    user = request.user
    activity = access_funding_activity(user, activity_id)
    funder = _in_body(access_funder, user, data.funder_id, "funder_id", "funder")
    with fields_renamed({"funder": "funder_id"}):
        screening = screening_record(
            actor=user,
            activity=activity,
            data=ScreeningInput(funder=funder, **data.model_dump(exclude={"funder_id"})),
        )
    return HttpStatus(201, screening)


@router.post(
    "/activities/{activity_id}/selections",
    response={201: SelectionOut, **errors(403, 404, 422)},
    operation_id="selection_record",
    summary="Record who selected a traveller (coordinators)",
)
def create_selection(request: HttpRequest, activity_id: int, data: SelectionIn) -> HttpStatus[Any]:
    user = request.user
    activity = access_funding_activity(user, activity_id, action="change")
    try:
        participation = access_participation(user, activity.pk, data.participation_id)
    except NotFound:
        raise ValidationError({"participation_id": ["Unknown participant."]}) from None
    employee = _in_body(
        access_employee, user, data.selector_employee_id, "selector_employee_id", "employee"
    )
    fields = data.model_dump(exclude={"participation_id", "selector_employee_id"})
    with fields_renamed(
        {"participation": "participation_id", "selector_employee": "selector_employee_id"}
    ):
        selection = selection_record(
            actor=user,
            participation=participation,
            data=SelectionInput(selector_employee=employee, **fields),
        )
    return HttpStatus(201, selection)


@router.post(
    "/activities/{activity_id}/anonymous-override",
    response={201: OverrideOut, **errors(403, 404, 422)},
    operation_id="anonymous_override_record",
    summary="Let anonymous funding stand, with a reason (higher command)",
)
def create_override(request: HttpRequest, activity_id: int, data: OverrideIn) -> HttpStatus[Any]:
    activity = access_funding_activity(request.user, activity_id)
    override = anonymous_override_record(actor=request.user, activity=activity, reason=data.reason)
    return HttpStatus(201, override)


# --- Form 801 -----------------------------------------------------------------------------


@router.post(
    "/funding/contributions/{contribution_id}/form-801",
    response={201: Form801Out, **errors(403, 404, 422)},
    operation_id="form801_create",
    summary="Start the Form 801 of an outside payment (coordinators)",
)
def create_form801(request: HttpRequest, contribution_id: int, data: Form801In) -> HttpStatus[Any]:
    contribution = access_contribution(request.user, contribution_id, action="change")
    with fields_renamed({"contribution": "contribution_id"}):
        form = form801_create(
            actor=request.user, contribution=contribution, official_use=data.official_use
        )
    return HttpStatus(201, form)


@router.get(
    "/funding/forms-801/{form_id}",
    response={200: Form801Out, **errors(404)},
    operation_id="form801_detail",
    summary="One Form 801, with the printed form's fields",
)
def get_form801(request: HttpRequest, form_id: int) -> Any:
    return access_form801(request.user, form_id)


@router.patch(
    "/funding/forms-801/{form_id}",
    response={200: Form801Out, **errors(403, 404, 422)},
    operation_id="form801_update",
    summary="Record a Form 801's verification or posting (coordinators)",
)
def update_form801(request: HttpRequest, form_id: int, data: Form801Patch) -> Any:
    form = access_form801(request.user, form_id, action="change")
    return form801_update(actor=request.user, form=form, **data.model_dump(exclude_unset=True))


@router.get(
    "/funding/forms-801/{form_id}/pdf",
    response={200: None, **errors(404)},
    operation_id="form801_pdf",
    url_name="form801_pdf",
    openapi_extra={"responses": {200: _file("application/pdf", "The Form 801 as PDF.")}},
    summary="The printable Form 801 (PDF)",
)
def get_form801_pdf(request: HttpRequest, form_id: int) -> HttpResponse:
    form = access_form801(request.user, form_id)
    response = HttpResponse(form801_pdf(form), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="form-801-{form.pk}.pdf"'
    return response


@router.get(
    "/funding/postings",
    response={200: PostingList, **errors(404)},
    operation_id="form801_postings",
    summary="Every outside payment's Form 801 posting state and deadline",
)
def list_postings(request: HttpRequest, params: Query[PostingListParams]) -> dict[str, Any]:
    require_funding_reader(request.user)
    rows = posting_rows(contributions_visible_to(request.user), today=timezone.localdate())
    if params.state:
        rows = [r for r in rows if r.state == params.state]
    return page_body(page_of_rows(rows, page=params.page, page_size=params.page_size, clamp=False))


# --- the 1353 report ----------------------------------------------------------------------


@router.get(
    "/funding/1353",
    response={200: list[PeriodOut], **errors(404)},
    operation_id="report1353_periods",
    summary="Every ended 1353 half-year with its filing state",
)
def list_periods(request: HttpRequest, params: Query[AgencyParams]) -> Any:
    require_funding_reader(request.user)
    agency = reader_agency(request.user, params.agency_id)
    since = filing_since(contributions_visible_to(request.user).filter(agency=agency))
    if since is None:
        return []
    return semiannual_periods(agency_ids=[agency.pk], today=timezone.localdate(), since=since)


@router.post(
    "/funding/1353",
    response={201: PeriodOut, **errors(403, 404, 422)},
    operation_id="report1353_file",
    summary="Record that a 1353 report was filed (coordinators)",
)
def file_report(request: HttpRequest, data: Report1353In) -> HttpStatus[Any]:
    require_funding_reader(request.user)
    agency = agency_for_new_record(request.user, agency_id=data.agency_id, roles=FUNDING_EDITORS)
    report = semiannual_report_file(
        actor=request.user, agency=agency, period_start=data.period_start, filed_on=data.filed_on
    )
    row = next(
        r
        for r in semiannual_periods(
            agency_ids=[agency.pk], today=report.filed_on, since=report.period_start
        )
        if r.period_start == report.period_start
    )
    return HttpStatus(201, row)


@router.get(
    "/funding/1353/{period_start}/xlsx",
    response={200: None, **errors(404)},
    operation_id="report1353_xlsx",
    url_name="report1353_xlsx",
    openapi_extra={"responses": {200: _file(XLSX, "The 1353 report as XLSX.")}},
    summary="The 1353 report for a half-year (XLSX; a negative report when empty)",
)
def get_report_xlsx(
    request: HttpRequest, period_start: dt.date, params: Query[AgencyParams]
) -> HttpResponse:
    require_funding_reader(request.user)
    try:
        period_bounds(period_start)
    except ValueError as exc:
        raise ValidationError({"period_start": [str(exc)]}) from None
    agency = reader_agency(request.user, params.agency_id)
    rows = report_1353(agency=agency, period_start=period_start)
    body = report1353_xlsx(agency=agency, period_start=period_start, rows=rows)
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="1353-{period_start}.xlsx"'
    return response


# --- money --------------------------------------------------------------------------------


@router.get(
    "/funding/summary",
    response={200: MoneySummaryOut, **errors(404)},
    operation_id="funding_summary",
    summary="Cost by country, year and funder type; outside share; missing disclosures",
)
def get_summary(request: HttpRequest, params: Query[MoneyParams]) -> dict[str, Any]:
    require_funding_reader(request.user)
    activities = filter_activities(money_activities(request.user), **params.model_dump())
    summary = money_summary(activities)
    return {
        "activities": summary.activities,
        "with_funding": summary.with_funding,
        "without_funding": summary.without_funding,
        "outside_funded": summary.outside_funded,
        "outside_share": summary.outside_share,
        "total_usd": f"{summary.total_usd:.2f}",
        "outside_usd": f"{summary.outside_usd:.2f}",
        "by_country": _strings(summary.by_country),
        "by_year": _strings(summary.by_year),
        "by_funder_type": _strings(summary.by_funder_type),
        "missing_disclosure": summary.missing_disclosure,
    }


# --- the contributions list and its export (issue 9) ----------------------------------


def _contribution_filters(params: Any) -> ContributionFilters:
    return ContributionFilters(
        year=params.year,
        funder_type=params.funder_type or "",
        paid_for=params.paid_for or "",
        funder=params.funder,
        agency=params.agency,
    )


@router.get(
    "/funding/contributions",
    response={200: ContributionList, **errors(404)},
    operation_id="contribution_list",
    url_name="contribution_list",
    summary="Every contribution I may read, filtered (the contributions list)",
)
def list_contributions(request: HttpRequest, params: Query[ContributionListParams]) -> Any:
    qs = contribution_list(user=request.user, filters=_contribution_filters(params))
    return page_body(paginate(qs, page=params.page, page_size=params.page_size, clamp=False))


@router.get(
    "/exports/contributions",
    response={200: None, **errors(404)},
    operation_id="contribution_export",
    openapi_extra=export_file_responses("contributions"),
    tags=["funding", "exports"],
    summary="The contributions list as a file (the list's filters; every page)",
)
def export_contributions(
    request: HttpRequest, params: Query[ContributionExportParams]
) -> HttpResponseBase:
    qs = contribution_list(user=request.user, filters=_contribution_filters(params))
    return export_response(CONTRIBUTIONS, qs, fmt=params.format)


__all__ = ["FUNDING_READERS", "router"]
