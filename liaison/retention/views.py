"""Retention pages: schedules, legal holds, tombstones (ADR 0024).

Thin by rule: each view asks ``access`` who may do what, calls a selector or a service,
and renders. ``NotFound`` becomes a 404, ``Forbidden`` a 403, bad input the form again
with its errors (422) and nothing changed, a refused move a message.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from liaison.accounts.access import scope_q
from liaison.accounts.models import Agency
from liaison.accounts.reauth import reauthentication_required
from liaison.core.errors import Forbidden, InvalidTransition
from liaison.core.pagination import paginate
from liaison.core.views import domain_errors_as_http
from liaison.retention.access import (
    access_hold,
    access_schedule_agency,
    access_tombstone,
    can_edit_schedule,
    can_keep_holds,
    hold_agencies,
    require_reauthentication,
    require_retention_reader,
)
from liaison.retention.forms import (
    HoldForm,
    ReleaseForm,
    ScheduleForm,
    TombstoneFilterForm,
    apply_service_errors,
)
from liaison.retention.models import RecordType, RetentionSchedule
from liaison.retention.selectors import (
    TombstoneFilters,
    hold_history,
    hold_list,
    schedule_history,
    schedule_list,
    tombstone_list,
)
from liaison.retention.services import hold_place, hold_release, retention_plan, schedule_set

View = Callable[..., HttpResponse]
NAV = "retention"


def _pages(view: View) -> View:
    return login_required(domain_errors_as_http(view))


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() else 1


@_pages
def overview(request: HttpRequest) -> HttpResponse:
    """Schedules of every agency the reader may see, what the next run would destroy and
    what holds keep (a dry run), and links to holds and tombstones."""
    scope = require_retention_reader(request.user)
    agencies = list(Agency.objects.filter(scope_q(scope, "id")).order_by("name"))
    schedules = {(s.agency_id, s.record_type): s for s in schedule_list(user=request.user)}
    rows = [
        {
            "agency": agency,
            "schedule": schedules.get((agency.pk, RecordType.ACTIVITY)),
            "can_edit": can_edit_schedule(request.user, agency.pk),
        }
        for agency in agencies
    ]
    plan = retention_plan(agency_ids=[a.pk for a in agencies])
    return render(
        request,
        "retention/overview.html",
        {
            "nav": NAV,
            "rows": rows,
            "plan": plan,
            "holds_in_force": hold_list(user=request.user, in_force=True).count(),
            "can_place_holds": hold_agencies(request.user).exists(),
        },
    )


@_pages
def schedule_edit(request: HttpRequest, agency_id: int) -> HttpResponse:
    agency = access_schedule_agency(request.user, agency_id)
    current = RetentionSchedule.objects.filter(
        agency=agency, record_type=RecordType.ACTIVITY
    ).first()
    initial = (
        {"record_type": current.record_type, "years": current.years, "authority": current.authority}
        if current
        else {"record_type": RecordType.ACTIVITY}
    )
    form = ScheduleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            schedule_set(actor=request.user, agency=agency, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(exc, form)
        else:
            messages.success(request, f"Retention schedule for {agency.name} saved.")
            return redirect("retention:overview")
    return render(
        request,
        "retention/schedule_form.html",
        {
            "nav": NAV,
            "form": form,
            "agency": agency,
            "history": schedule_history(schedule=current) if current else [],
        },
        status=422 if form.errors else 200,
    )


@_pages
def hold_list_page(request: HttpRequest) -> HttpResponse:
    which = request.GET.get("state", "in_force")
    in_force = {"in_force": True, "released": False}.get(which)
    page = paginate(hold_list(user=request.user, in_force=in_force), page=_page_number(request))
    return render(
        request,
        "retention/hold_list.html",
        {
            "nav": NAV,
            "page": page,
            "state": which if in_force is not None else "all",
            "can_place_holds": hold_agencies(request.user).exists(),
        },
    )


@_pages
@reauthentication_required(methods=("POST",))
def hold_create(request: HttpRequest) -> HttpResponse:
    require_retention_reader(request.user)
    agencies = list(hold_agencies(request.user))
    if not agencies:
        raise Forbidden("Only overseers place legal holds.")
    form = HoldForm(request.POST or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        require_reauthentication(request)
        data = form.cleaned_data
        agency = next(a for a in agencies if str(a.pk) == str(data["agency"]))
        try:
            hold = hold_place(
                actor=request.user,
                agency=agency,
                scope=data["scope"],
                reason=data["reason"],
                activity_id=data.get("activity"),
                employee_id=data.get("employee"),
                external_person_id=data.get("external_person"),
            )
        except ValidationError as exc:
            apply_service_errors(exc, form)
        else:
            messages.success(request, f"Hold placed on {hold.scope_label}.")
            return redirect("retention:hold", pk=hold.pk)
    return render(
        request,
        "retention/hold_form.html",
        {"nav": NAV, "form": form},
        status=422 if form.errors else 200,
    )


@_pages
def hold_page(request: HttpRequest, pk: int) -> HttpResponse:
    hold = access_hold(request.user, pk)
    return render(
        request,
        "retention/hold_detail.html",
        {
            "nav": NAV,
            "hold": hold,
            "history": hold_history(hold=hold),
            "form": ReleaseForm(),
            "can_release": hold.in_force and can_keep_holds(request.user, hold.agency_id),
        },
    )


@_pages
@reauthentication_required(methods=("POST",))
def hold_release_page(request: HttpRequest, pk: int) -> HttpResponse:
    hold = access_hold(request.user, pk)
    if not can_keep_holds(request.user, hold.agency_id):
        raise Forbidden("Only overseers release legal holds.")
    form = ReleaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        require_reauthentication(request)
        try:
            hold_release(actor=request.user, hold=hold, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_service_errors(exc, form)
        except InvalidTransition as exc:
            messages.error(request, exc.message)
            return redirect("retention:hold", pk=hold.pk)
        else:
            messages.success(request, "Hold released.")
            return redirect("retention:hold", pk=hold.pk)
    return render(
        request,
        "retention/hold_detail.html",
        {
            "nav": NAV,
            "hold": hold,
            "history": hold_history(hold=hold),
            "form": form,
            "can_release": hold.in_force,
        },
        status=422 if form.errors else 200,
    )


@_pages
def tombstone_list_page(request: HttpRequest) -> HttpResponse:
    require_retention_reader(request.user)
    form = TombstoneFilterForm(request.GET)
    data: dict[str, Any] = form.cleaned_data if form.is_valid() else {}
    filters = TombstoneFilters(agencies=tuple(data.get("agency") or ()), year=data.get("year"))
    page = paginate(tombstone_list(user=request.user, filters=filters), page=_page_number(request))
    return render(
        request,
        "retention/tombstone_list.html",
        {"nav": NAV, "page": page, "form": form},
        status=422 if form.errors else 200,
    )


@_pages
def tombstone_page(request: HttpRequest, pk: int) -> HttpResponse:
    tombstone = access_tombstone(request.user, pk)
    return render(request, "retention/tombstone_detail.html", {"nav": NAV, "tombstone": tombstone})
