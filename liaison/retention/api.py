"""Retention over the API, mounted at /retention (ADR 0024): the same access functions,
selectors and services as the pages, so the same answers."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja import Status as HttpStatus

from liaison.accounts.models import Agency
from liaison.core.errors import Forbidden, NotFound
from liaison.core.schemas import PageParams, errors, page_of
from liaison.retention.access import (
    access_hold,
    access_schedule_agency,
    access_tombstone,
    hold_agencies,
    require_reauthentication,
    require_retention_reader,
)
from liaison.retention.models import LegalHold, RetentionSchedule, Tombstone
from liaison.retention.schemas import (
    HoldIn,
    HoldList,
    HoldListParams,
    HoldOut,
    HoldReleaseIn,
    ScheduleIn,
    ScheduleList,
    ScheduleOut,
    TombstoneList,
    TombstoneListParams,
    TombstoneOut,
)
from liaison.retention.selectors import TombstoneFilters, hold_list, schedule_list, tombstone_list
from liaison.retention.services import hold_place, hold_release, schedule_set

router = Router(tags=["retention"])


@router.get(
    "/schedules",
    response={200: ScheduleList, **errors(403)},
    operation_id="retention_schedule_list",
    summary="Retention schedules of the agencies I may read",
)
def schedules(request: HttpRequest, params: Query[PageParams]) -> dict[str, Any]:
    return page_of(schedule_list(user=request.user), params)


@router.put(
    "/schedules",
    response={200: ScheduleOut, **errors(403, 404)},
    operation_id="retention_schedule_set",
    summary="Set an agency's retention schedule (coordinators and administrators)",
)
def set_schedule(request: HttpRequest, data: ScheduleIn) -> RetentionSchedule:
    agency = access_schedule_agency(request.user, data.agency)
    return schedule_set(
        actor=request.user,
        agency=agency,
        record_type=data.record_type,
        years=data.years,
        authority=data.authority,
    )


@router.get(
    "/holds",
    response={200: HoldList, **errors(403)},
    operation_id="retention_hold_list",
    summary="Legal holds of the agencies I may read",
)
def holds(request: HttpRequest, params: Query[HoldListParams]) -> dict[str, Any]:
    return page_of(hold_list(user=request.user, in_force=params.in_force), params)


@router.post(
    "/holds",
    response={201: HoldOut, **errors(403, 404)},
    operation_id="retention_hold_place",
    summary="Place a legal hold (overseers)",
)
def place_hold(request: HttpRequest, data: HoldIn) -> HttpStatus[LegalHold]:
    require_retention_reader(request.user)
    agency = Agency.objects.filter(pk=data.agency).first()
    if agency is None:
        raise NotFound("No agency with that id.")
    if not hold_agencies(request.user).filter(pk=agency.pk).exists():
        raise Forbidden("Only overseers place legal holds.")
    require_reauthentication(request)
    hold = hold_place(
        actor=request.user,
        agency=agency,
        scope=data.scope,
        reason=data.reason,
        activity_id=data.activity,
        employee_id=data.employee,
        external_person_id=data.external_person,
    )
    return HttpStatus(201, hold)


@router.get(
    "/holds/{hold_id}",
    response={200: HoldOut, **errors(403, 404)},
    operation_id="retention_hold_detail",
    summary="One legal hold",
)
def hold_detail(request: HttpRequest, hold_id: int) -> LegalHold:
    return access_hold(request.user, hold_id)


@router.post(
    "/holds/{hold_id}/release",
    response={200: HoldOut, **errors(403, 404, 409)},
    operation_id="retention_hold_release",
    summary="Release a legal hold, with a reason (overseers)",
)
def release_hold(request: HttpRequest, hold_id: int, data: HoldReleaseIn) -> LegalHold:
    hold = access_hold(request.user, hold_id)
    require_reauthentication(request)
    return hold_release(actor=request.user, hold=hold, reason=data.reason)


@router.get(
    "/tombstones",
    response={200: TombstoneList, **errors(403)},
    operation_id="retention_tombstone_list",
    summary="Tombstones of records destroyed under retention",
)
def tombstones(request: HttpRequest, params: Query[TombstoneListParams]) -> dict[str, Any]:
    require_retention_reader(request.user)
    filters = TombstoneFilters(agencies=tuple(params.agency), year=params.year)
    return page_of(tombstone_list(user=request.user, filters=filters), params)


@router.get(
    "/tombstones/{tombstone_id}",
    response={200: TombstoneOut, **errors(403, 404)},
    operation_id="retention_tombstone_detail",
    summary="One tombstone",
)
def tombstone_detail(request: HttpRequest, tombstone_id: int) -> Tombstone:
    return access_tombstone(request.user, tombstone_id)
