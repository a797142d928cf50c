"""The country risk register and risk assessments in the API (mounted at /security, plus
``/activities/{id}/risk-assessments`` at the root). Thin: parse → access → service or
selector → schema; the page views call the same functions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja import Status as HttpStatus

from liaison.accounts.schemas import errors, page_of
from liaison.activities.access import access_activity
from liaison.core.schemas import all_body
from liaison.records.services import log_restricted_read
from liaison.security import selectors, services
from liaison.security.access import (
    access_country_risk,
    access_location_to_assess,
    access_risk_assessment,
    require_gap_reader,
    require_signed_in,
)
from liaison.security.schemas import (
    AdvisoryIn,
    AdvisoryOut,
    BriefingIn,
    BriefingOut,
    CountryDetail,
    CountryList,
    CountryListParams,
    GapOut,
    ImportIn,
    ImportOut,
    LocationAssessmentList,
    RiskAssessmentDetail,
    RiskAssessmentIn,
    RiskAssessmentPatch,
)

router = Router(tags=["security"])
root_router = Router()


def _country_body(entry: Any) -> dict[str, Any]:
    detail = selectors.country_risk_detail(entry)
    return {
        "code": str(entry.country.code),
        "name": str(entry.country.name),
        "current": detail["current"],
        "advisories": detail["advisories"],
        "concerns": detail["concerns"],
        "history": selectors.country_risk_history(entry),
    }


@router.get(
    "/countries",
    response={200: CountryList, **errors(422)},
    operation_id="country_risk_list",
    summary="The country risk register: every country with its current advisory level",
)
def list_countries(request: HttpRequest, params: Query[CountryListParams]) -> dict[str, Any]:
    require_signed_in(request.user)
    filters = selectors.CountryFilters(
        q=params.q, level=params.level, indicator=params.indicator or ""
    )
    return page_of(selectors.country_risk_list(filters=filters), params)


@router.post(
    "/countries/import",
    response={200: ImportOut, **errors(403, 422)},
    operation_id="country_risk_import",
    summary="Import advisory levels and concerns from CSV (dry run by default; all or nothing)",
)
def import_countries(request: HttpRequest, data: ImportIn) -> dict[str, Any]:
    result = services.country_risk_import(actor=request.user, file=data.csv, dry_run=data.dry_run)
    return {"dry_run": result.dry_run, "counts": result.counts, "changes": result.changes}


@router.get(
    "/countries/{code}",
    response={200: CountryDetail, **errors(404)},
    operation_id="country_risk_detail",
    url_name="country_risk_detail",
    summary="One country: its dated advisory series, indicators, concerns and history",
)
def get_country(request: HttpRequest, code: str) -> dict[str, Any]:
    return _country_body(access_country_risk(request.user, code))


@router.post(
    "/countries/{code}/advisories",
    response={201: AdvisoryOut, **errors(403, 422)},
    operation_id="country_advisory_add",
    summary="Add a dated advisory level to a country's series (security officers, admins)",
)
def add_advisory(request: HttpRequest, code: str, data: AdvisoryIn) -> HttpStatus[Any]:
    require_signed_in(request.user)
    advisory = services.country_advisory_add(
        actor=request.user,
        country=code,
        level=data.level,
        effective_date=data.effective_date,
        indicators=data.indicators,
        source_name=data.source_name,
        source_reference=data.source_reference,
    )
    return HttpStatus(201, advisory)


@router.get(
    "/gaps",
    response={200: GapOut, **errors(403)},
    operation_id="risk_assessment_gaps",
    summary="Outbound activities without a risk assessment (security, coordinators, overseers)",
)
def get_gaps(request: HttpRequest) -> dict[str, int]:
    scope = require_gap_reader(request.user)
    return selectors.outbound_without_risk_assessment(scope=scope)


@router.post(
    "/locations/{location_id}/risk-assessment",
    response={201: RiskAssessmentDetail, **errors(403, 404, 409)},
    operation_id="risk_assessment_record",
    summary="Assess one location abroad (or assess a reopened one again)",
)
def record_assessment(
    request: HttpRequest, location_id: int, data: RiskAssessmentIn
) -> HttpStatus[Any]:
    location = access_location_to_assess(request.user, location_id)
    assessment = services.risk_assessment_record(
        actor=request.user,
        location=location,
        decision=data.decision,
        concerns=data.concerns,
        mitigations=data.mitigations,
        conditions=data.conditions,
    )
    return HttpStatus(201, assessment)


@router.get(
    "/risk-assessments/{assessment_id}",
    response={200: RiskAssessmentDetail, **errors(404)},
    operation_id="risk_assessment_detail",
    url_name="risk_assessment_detail",
    summary="One risk assessment with its restricted text (security officers, overseers; logged)",
)
def get_assessment(request: HttpRequest, assessment_id: int) -> Any:
    assessment = access_risk_assessment(request.user, assessment_id, action="view_restricted")
    log_restricted_read(
        user=request.user, obj=assessment, agency_id=assessment.activity.agency_id, door="api"
    )
    return assessment


@router.patch(
    "/risk-assessments/{assessment_id}",
    response={200: RiskAssessmentDetail, **errors(403, 404)},
    operation_id="risk_assessment_update",
    summary="Change an assessment's concerns, mitigations, decision or conditions",
)
def update_assessment(request: HttpRequest, assessment_id: int, data: RiskAssessmentPatch) -> Any:
    assessment = access_risk_assessment(request.user, assessment_id, action="change")
    changes = data.model_dump(exclude_unset=True)
    return services.risk_assessment_update(actor=request.user, assessment=assessment, **changes)


@router.post(
    "/risk-assessments/{assessment_id}/briefings",
    response={201: BriefingOut, **errors(403, 404)},
    operation_id="briefing_add",
    summary="Record a briefing given to the travellers",
)
def add_briefing(request: HttpRequest, assessment_id: int, data: BriefingIn) -> HttpStatus[Any]:
    assessment = access_risk_assessment(request.user, assessment_id, action="change")
    briefing = services.briefing_add(
        actor=request.user,
        assessment=assessment,
        kind=data.kind,
        given_on=data.given_on,
        given_by=data.given_by,
        notes=data.notes,
    )
    return HttpStatus(201, briefing)


@root_router.get(
    "/activities/{activity_id}/risk-assessments",
    response={200: LocationAssessmentList, **errors(404)},
    operation_id="activity_risk_assessments",
    tags=["security"],
    summary="An activity's locations, whether each needs a risk assessment, and its summary",
)
def list_activity_assessments(request: HttpRequest, activity_id: int) -> dict[str, Any]:
    activity = access_activity(request.user, activity_id)
    rows = selectors.activity_risk_assessments(activity=activity)
    return all_body(
        [
            {
                "location_id": row.location.pk if row.location else None,
                "place": row.place,
                "needs_assessment": row.needed,
                "risk_assessment": row.assessment,
            }
            for row in rows
        ]
    )
