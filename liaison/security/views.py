"""Pages of the country risk register and the risk assessments. Thin: parse, access,
service or selector, render; the API calls the same functions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from liaison.core.errors import InvalidTransition, validation_messages
from liaison.core.forms import error_items
from liaison.core.pagination import paginate
from liaison.core.views import domain_errors_as_http
from liaison.records.services import log_restricted_read
from liaison.security import selectors, services
from liaison.security.access import (
    access_country_risk,
    access_location_to_assess,
    access_risk_assessment,
    can_assess,
    can_edit_register,
    require_register_editor,
    require_signed_in,
)
from liaison.security.forms import (
    AdvisoryForm,
    AssessmentForm,
    BriefingForm,
    CountryFilterForm,
    ImportForm,
    apply_errors,
)
from liaison.security.models import RiskAssessment


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() and len(value) < 10 else 1


@login_required
@domain_errors_as_http
def country_list(request: HttpRequest) -> HttpResponse:
    require_signed_in(request.user)
    form = CountryFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.CountryFilters(
        q=data.get("q") or "", level=data.get("level"), indicator=data.get("indicator") or ""
    )
    page = paginate(selectors.country_risk_list(filters=filters), page=_page_number(request))
    context = {
        "nav": "security",
        "form": form,
        "page": page,
        "can_edit": can_edit_register(request.user),
        "filter_errors": error_items(form),
    }
    return render(request, "security/country_list.html", context)


@login_required
@domain_errors_as_http
def country_detail(request: HttpRequest, code: str) -> HttpResponse:
    entry = access_country_risk(request.user, code)
    context = {
        "nav": "security",
        **selectors.country_risk_detail(entry),
        "history": selectors.country_risk_history(entry),
        "can_edit": can_edit_register(request.user),
    }
    return render(request, "security/country_detail.html", context)


@login_required
@domain_errors_as_http
def advisory_add(request: HttpRequest, code: str) -> HttpResponse:
    entry = access_country_risk(request.user, code)
    require_register_editor(request.user)
    form = AdvisoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.country_advisory_add(
                actor=request.user, country=str(str(entry.country)), **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, validation_messages(exc))
        else:
            messages.success(request, "Advisory level added.")
            return redirect("security:country_detail", code=str(entry.country))
    status = 422 if form.is_bound else 200
    return render(
        request,
        "security/advisory_form.html",
        {"nav": "security", "entry": entry, "form": form},
        status=status,
    )


@login_required
@domain_errors_as_http
def country_import(request: HttpRequest) -> HttpResponse:
    require_register_editor(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    row_errors: list[tuple[str, str]] = []
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            try:
                result = services.country_risk_import(
                    actor=request.user,
                    file=form.cleaned_data["file"],
                    dry_run=form.cleaned_data["dry_run"],
                )
            except ValidationError as exc:
                found = validation_messages(exc)
                row_errors = [(k, m) for k, texts in found.items() for m in texts]
                if "file" in found:
                    apply_errors(form, {"file": found.pop("file")})
            else:
                status = 200
                if not result.dry_run:
                    counts = result.counts
                    messages.success(
                        request,
                        f"Imported: {counts['create']} added, {counts['update']} changed, "
                        f"{counts['unchanged']} already up to date.",
                    )
    context = {
        "nav": "security",
        "form": form,
        "result": result,
        "row_errors": row_errors,
        "errors": error_items(form),
    }
    return render(request, "security/import.html", context, status=status)


@login_required
@domain_errors_as_http
def assessment_record(request: HttpRequest, pk: int) -> HttpResponse:
    location = access_location_to_assess(request.user, pk)
    existing = RiskAssessment.objects.filter(location_id=location.pk).first()
    if existing is not None and existing.is_done:
        return redirect("security:assessment_detail", pk=existing.pk)
    form = AssessmentForm(request.POST or None)
    advisory = selectors.advisory_level_on(str(location.country), timezone.localdate())
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_assessment_record(
                actor=request.user, location=location, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, validation_messages(exc))
        except InvalidTransition as exc:
            messages.error(request, exc.message)
            return redirect("activities:detail", pk=location.activity_id)
        else:
            messages.success(request, f"Risk assessment of {location} recorded.")
            return redirect("activities:detail", pk=location.activity_id)
    context = {
        "nav": "activities",
        "location": location,
        "activity": location.activity,
        "advisory": advisory,
        "existing": existing,
        "form": form,
    }
    return render(
        request, "security/assessment_form.html", context, status=422 if form.errors else 200
    )


def _render_detail(
    request: HttpRequest, assessment: RiskAssessment, briefing_form: BriefingForm, status: int = 200
) -> HttpResponse:
    log_restricted_read(
        user=request.user, obj=assessment, agency_id=assessment.activity.agency_id, door="page"
    )
    context = {
        "nav": "activities",
        "assessment": assessment,
        "activity": assessment.activity,
        "briefings": list(assessment.briefings.all()),
        "can_assess": can_assess(request.user, assessment.activity.agency_id),
        "briefing_form": briefing_form,
        "history": list(assessment.history.all()[:20]),  # type: ignore[attr-defined]
    }
    return render(request, "security/assessment_detail.html", context, status=status)


@login_required
@domain_errors_as_http
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access_risk_assessment(request.user, pk, action="view_restricted")
    return _render_detail(request, assessment, BriefingForm())


@login_required
@require_POST
@domain_errors_as_http
def briefing_add(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access_risk_assessment(request.user, pk, action="change")
    form = BriefingForm(request.POST)
    if form.is_valid():
        try:
            services.briefing_add(actor=request.user, assessment=assessment, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, validation_messages(exc))
        else:
            messages.success(request, "Briefing recorded.")
            return redirect("security:assessment_detail", pk=assessment.pk)
    return _render_detail(request, assessment, form, status=422)


@login_required
@domain_errors_as_http
def assessment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = access_risk_assessment(request.user, pk, action="change")
    initial = {
        name: getattr(assessment, name)
        for name in ("concerns", "mitigations", "decision", "conditions")
    }
    form = AssessmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_assessment_update(
                actor=request.user, assessment=assessment, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_errors(form, validation_messages(exc))
        else:
            messages.success(request, "Risk assessment updated.")
            return redirect("security:assessment_detail", pk=assessment.pk)
    if request.method == "GET":
        log_restricted_read(
            user=request.user, obj=assessment, agency_id=assessment.activity.agency_id, door="page"
        )
    context = {
        "nav": "activities",
        "assessment": assessment,
        "activity": assessment.activity,
        "location": assessment.location,
        "form": form,
    }
    return render(
        request, "security/assessment_form.html", context, status=422 if form.errors else 200
    )
