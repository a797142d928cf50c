"""Pages for funding: the overview (money views, Form 801 postings, 1353 periods), the
funders registry, an activity's funding page and its forms, and the Form 801 record.

Thin by rule: each view calls an ``access_*`` function, a selector or a service, and
renders; ``NotFound`` becomes a 404 and ``Forbidden`` a 403 (ADR 0019).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from liaison.accounts.access import agencies_for_new_record, agency_for_new_record
from liaison.core.downloads import export_page
from liaison.core.errors import Forbidden, NotFound, validation_messages
from liaison.core.pagination import paginate
from liaison.core.views import domain_errors_as_http
from liaison.funding.access import (
    FUNDING_EDITORS,
    NOT_A_SCREENER,
    NOT_AN_OVERRIDER,
    access_contribution,
    access_form801,
    access_funder,
    access_funding_activity,
    can_edit_funding,
    can_override_anonymous,
    can_screen,
    contributions_visible_to,
    funders_visible_to,
    money_activities,
    reader_agency,
    require_funding_reader,
)
from liaison.funding.exports import CONTRIBUTIONS, form801_pdf, report1353_xlsx
from liaison.funding.forms import (
    ContributionCorrectionForm,
    ContributionFilterForm,
    ContributionForm,
    Form801Form,
    Form801UpdateForm,
    FunderForm,
    FunderSourceForm,
    OverrideForm,
    Report1353Form,
    ScreeningForm,
    SelectionForm,
    apply_service_errors,
)
from liaison.funding.models import FunderType
from liaison.funding.selectors import (
    activity_funding,
    contribution_list,
    filing_since,
    form801_fields,
    money_summary,
    period_bounds,
    posting_rows,
    report_1353,
    semiannual_periods,
)
from liaison.funding.services import (
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
from liaison.people.access import employees_visible_to

# Views that stream (the exports) answer an HttpResponseBase.
View = Callable[..., HttpResponseBase]


def _pages(view: View) -> View:
    return login_required(domain_errors_as_http(view))


def _form_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    form = context["form"]
    return render(
        request,
        "funding/form.html",
        {"nav": "funding", **context},
        status=422 if form.errors else 200,
    )


def _agency_param(request: HttpRequest) -> int | None:
    value = request.GET.get("agency", "")
    return int(value) if value.isdigit() and len(value) < 10 else None


# --- the overview -------------------------------------------------------------------------


@_pages
def overview(request: HttpRequest) -> HttpResponse:
    require_funding_reader(request.user)
    today = timezone.localdate()
    summary = money_summary(money_activities(request.user))
    postings = posting_rows(contributions_visible_to(request.user), today=today)
    flagged = [p for p in postings if p.state in ("overdue", "posted_late", "missing")]
    try:
        agency = reader_agency(request.user, _agency_param(request))
    except ValidationError:
        agency = None
    periods = []
    if agency is not None:
        since = filing_since(contributions_visible_to(request.user).filter(agency=agency))
        if since is not None:
            periods = semiannual_periods(agency_ids=[agency.pk], today=today, since=since)
    return render(
        request,
        "funding/overview.html",
        {
            "nav": "funding",
            "summary": summary,
            "postings": flagged,
            "posting_count": len(postings),
            "periods": periods,
            "agency": agency,
            "can_file": agency is not None and can_edit_funding(request.user, agency.pk),
            "file_form": Report1353Form(),
        },
    )


@_pages
@require_POST
def report1353_file(request: HttpRequest) -> HttpResponse:
    agency = agency_for_new_record(
        request.user, agency_id=_agency_param(request), roles=FUNDING_EDITORS
    )
    form = Report1353Form(request.POST)
    if not form.is_valid():
        messages.error(request, "Give a valid period and filing date; nothing was recorded.")
        return redirect("funding:overview")
    try:
        report = semiannual_report_file(
            actor=request.user,
            agency=agency,
            period_start=form.cleaned_data["period_start"],
            filed_on=form.cleaned_data["filed_on"],
        )
    except ValidationError as exc:
        texts = [t for ts in validation_messages(exc).values() for t in ts]
        messages.error(request, " ".join(texts) + " Nothing was recorded.")
    else:
        what = "a negative report" if report.payments == 0 else f"{report.payments} payments"
        messages.success(request, f"Recorded the 1353 report from {report.period_start} ({what}).")
    return redirect("funding:overview")


@_pages
def report1353_download(request: HttpRequest, period_start: str) -> HttpResponse:
    require_funding_reader(request.user)
    try:
        start = dt.date.fromisoformat(period_start)
        period_bounds(start)
    except ValueError:
        raise NotFound("No such reporting period.") from None
    agency = reader_agency(request.user, _agency_param(request))
    body = report1353_xlsx(
        agency=agency, period_start=start, rows=report_1353(agency=agency, period_start=start)
    )
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="1353-{start}.xlsx"'
    return response


# --- contributions --------------------------------------------------------------------------


@_pages
def contribution_list_page(request: HttpRequest) -> HttpResponse:
    form = ContributionFilterForm(request.GET)
    qs = contribution_list(user=request.user, filters=form.filters())
    page_value = request.GET.get("page", "1")
    page = paginate(qs, page=int(page_value) if page_value.isdigit() else 1)
    return render(
        request, "funding/contribution_list.html", {"nav": "funding", "form": form, "page": page}
    )


@_pages
def contribution_export(request: HttpRequest) -> HttpResponseBase:
    """The contributions list as a file: the list's own selector and filters."""
    form = ContributionFilterForm(request.GET)
    return export_page(
        request, CONTRIBUTIONS, contribution_list(user=request.user, filters=form.filters())
    )


# --- funders ------------------------------------------------------------------------------


@_pages
def funder_list(request: HttpRequest) -> HttpResponse:
    require_funding_reader(request.user)
    funders = funders_visible_to(request.user).prefetch_related("sources__source")
    kind = request.GET.get("type", "")
    if kind in FunderType.values:
        funders = funders.filter(funder_type=kind)
    return render(
        request,
        "funding/funder_list.html",
        {
            "nav": "funding",
            "funders": funders.order_by("name", "id"),
            "type": kind,
            "types": FunderType.choices,
            "can_add": agencies_for_new_record(request.user, roles=FUNDING_EDITORS).exists(),
        },
    )


@_pages
def funder_create_page(request: HttpRequest) -> HttpResponse:
    require_funding_reader(request.user)
    form = FunderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = agency_for_new_record(request.user, agency_id=None, roles=FUNDING_EDITORS)
            funder = funder_create(actor=request.user, agency=agency, data=form.funder_input())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Added {funder.name} to the funders registry.")
            return redirect("funding:funder_detail", pk=funder.pk)
    return _form_page(
        request,
        {
            "form": form,
            "title": "Add a funder",
            "submit": "Add funder",
            "back": "funding:funder_list",
        },
    )


@_pages
def funder_detail(request: HttpRequest, pk: int) -> HttpResponse:
    funder = access_funder(request.user, pk)
    can_edit = can_edit_funding(request.user, funder.agency_id)
    others = funders_visible_to(request.user).filter(agency_id=funder.agency_id).exclude(pk=pk)
    form = FunderSourceForm(request.POST or None, funders=others)
    if request.method == "POST":
        funder = access_funder(request.user, pk, action="change")
        if form.is_valid():
            try:
                funder_source_add(
                    actor=request.user, funder=funder, source=form.cleaned_data["source"]
                )
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "Named the source.")
                return redirect("funding:funder_detail", pk=funder.pk)
    contributions = (
        contributions_visible_to(request.user)
        .filter(funder=funder)
        .select_related("activity")
        .order_by("-activity__start_date", "id")
    )
    return render(
        request,
        "funding/funder_detail.html",
        {
            "nav": "funding",
            "funder": funder,
            "sources": [link.source for link in funder.sources.select_related("source")],
            "contributions": contributions,
            "form": form,
            "can_edit": can_edit,
        },
        status=422 if form.errors else 200,
    )


# --- an activity's funding ----------------------------------------------------------------


@_pages
def activity_funding_page(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access_funding_activity(request.user, pk)
    funding = activity_funding(activity)
    return render(
        request,
        "funding/activity_funding.html",
        {
            "nav": "activities",
            "activity": activity,
            "funding": funding,
            "can_edit": can_edit_funding(request.user, activity.agency_id),
            "can_screen": can_screen(request.user, activity.agency_id),
            "can_override": can_override_anonymous(request.user, activity.agency_id)
            and funding.has_anonymous
            and funding.override is None,
        },
    )


def _agency_funders(request: HttpRequest, agency_id: int) -> Any:
    return funders_visible_to(request.user).filter(agency_id=agency_id).order_by("name")


@_pages
def contribution_create_page(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access_funding_activity(request.user, pk, action="change")
    form = ContributionForm(
        request.POST or None,
        funders=_agency_funders(request, activity.agency_id),
        participants=activity.participations.filter(employee__isnull=False),
    )
    if request.method == "POST" and form.is_valid():
        try:
            contribution_create(
                actor=request.user, activity=activity, data=form.contribution_input()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Recorded the contribution.")
            return redirect("funding:activity", pk=activity.pk)
    return _form_page(
        request,
        {
            "form": form,
            "activity": activity,
            "title": "Record a contribution",
            "submit": "Record contribution",
        },
    )


@_pages
def contribution_correct_page(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = access_contribution(request.user, pk, action="change")
    activity = contribution.activity
    form = ContributionCorrectionForm(
        request.POST or None,
        initial=ContributionCorrectionForm.initial_from(contribution),
        funders=_agency_funders(request, activity.agency_id),
        participants=activity.participations.filter(employee__isnull=False),
    )
    if request.method == "POST" and form.is_valid():
        try:
            contribution_correct(
                actor=request.user,
                contribution=contribution,
                data=form.contribution_input(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request, "Corrected the contribution; the history keeps the old values."
            )
            return redirect("funding:activity", pk=activity.pk)
    return _form_page(
        request,
        {
            "form": form,
            "activity": activity,
            "title": "Correct a contribution",
            "submit": "Save the correction",
        },
    )


@_pages
def screening_create_page(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access_funding_activity(request.user, pk)
    if not can_screen(request.user, activity.agency_id):
        raise Forbidden(NOT_A_SCREENER)
    funders = (
        _agency_funders(request, activity.agency_id)
        .filter(contributions__activity=activity)
        .distinct()
    )
    form = ScreeningForm(request.POST or None, funders=funders)
    if request.method == "POST" and form.is_valid():
        try:
            screening_record(actor=request.user, activity=activity, data=form.screening_input())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Recorded the conflict-of-interest screening.")
            return redirect("funding:activity", pk=activity.pk)
    return _form_page(
        request,
        {
            "form": form,
            "activity": activity,
            "title": "Screen a funder for conflicts of interest",
            "submit": "Record screening",
        },
    )


@_pages
def selection_create_page(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access_funding_activity(request.user, pk, action="change")
    form = SelectionForm(
        request.POST or None,
        travellers=activity.participations.filter(employee__isnull=False, selection__isnull=True),
        employees=employees_visible_to(request.user).filter(agency_id=activity.agency_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            selection_record(
                actor=request.user,
                participation=form.cleaned_data["participation"],
                data=form.selection_input(),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Recorded who selected the traveller.")
            return redirect("funding:activity", pk=activity.pk)
    return _form_page(
        request,
        {
            "form": form,
            "activity": activity,
            "title": "Record who selected a traveller",
            "submit": "Record selection",
        },
    )


@_pages
def override_create_page(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access_funding_activity(request.user, pk)
    if not can_override_anonymous(request.user, activity.agency_id):
        raise Forbidden(NOT_AN_OVERRIDER)
    form = OverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            anonymous_override_record(
                actor=request.user, activity=activity, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Recorded your override of the anonymous funding.")
            return redirect("funding:activity", pk=activity.pk)
    return _form_page(
        request,
        {
            "form": form,
            "activity": activity,
            "title": "Override anonymous funding",
            "submit": "Record override",
        },
    )


# --- Form 801 -----------------------------------------------------------------------------


@_pages
def form801_create_page(request: HttpRequest, pk: int) -> HttpResponse:
    contribution = access_contribution(request.user, pk, action="change")
    form = Form801Form(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = form801_create(
                actor=request.user,
                contribution=contribution,
                official_use=form.cleaned_data["official_use"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Started the Form 801.")
            return redirect("funding:form801", pk=record.pk)
    return _form_page(
        request,
        {
            "form": form,
            "activity": contribution.activity,
            "title": "Start the Form 801 of a payment",
            "submit": "Start Form 801",
        },
    )


@_pages
def form801_page(request: HttpRequest, pk: int) -> HttpResponse:
    record = access_form801(request.user, pk)
    can_edit = can_edit_funding(request.user, record.agency_id)
    form = Form801UpdateForm(request.POST or None)
    if request.method == "POST":
        record = access_form801(request.user, pk, action="change")
        if form.is_valid():
            try:
                form801_update(actor=request.user, form=record, **form.changes())
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, "Saved the Form 801.")
                return redirect("funding:form801", pk=record.pk)
    return render(
        request,
        "funding/form801.html",
        {
            "nav": "funding",
            "record": record,
            "fields": form801_fields(record),
            "form": form,
            "can_edit": can_edit,
        },
        status=422 if form.errors else 200,
    )


@_pages
def form801_pdf_page(request: HttpRequest, pk: int) -> HttpResponse:
    record = access_form801(request.user, pk)
    response = HttpResponse(form801_pdf(record), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="form-801-{record.pk}.pdf"'
    return response
