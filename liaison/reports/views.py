"""Pages: my reports, starting a report, the report form, the report with its review,
attachments, the overdue list, search, and the report rules (ADR 0017).

Thin by rule: each view parses input, asks ``access`` / ``selectors`` / ``services`` and
renders; the API's handlers call the same functions. ``NotFound`` becomes a 404 and
``Forbidden`` a 403 (``domain_errors_as_http``); a refused move is a message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from liaison.activities.access import access_activity
from liaison.activities.models import Activity
from liaison.core.downloads import export_page
from liaison.core.errors import InvalidTransition, NotFound
from liaison.core.forms import error_items
from liaison.core.pagination import paginate
from liaison.core.views import domain_errors_as_http
from liaison.reports import selectors, services
from liaison.reports.access import (
    access_attachment,
    access_policy_agency,
    access_report,
    edit_refusal,
    is_author,
    is_supervisor,
    require_tracker,
)
from liaison.reports.exports import REPORTS, export_rows
from liaison.reports.forms import (
    AttachmentForm,
    PolicyForm,
    ReportForm,
    ReviewForm,
    StartForm,
    TrackingForm,
    apply_service_errors,
)
from liaison.reports.models import ReportStatus
from liaison.reports.printouts import report_pdf_response
from liaison.reports.workflow import CHECKLIST
from liaison.vetting.access import may_read_restricted
from liaison.vetting.models import Contact

# Views that stream (the exports) answer an HttpResponseBase.
View = Callable[..., HttpResponseBase]


def _pages(view: View) -> View:
    return login_required(domain_errors_as_http(view))


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() else 1


@_pages
def mine(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    reports = [selectors.decorate(r, today=today) for r in selectors.my_reports(user=request.user)]
    to_start = selectors.reports_to_start(user=request.user, today=today)
    return render(
        request,
        "reports/mine.html",
        {"nav": "reports", "reports": reports, "to_start": to_start, "today": today},
    )


def _list_filters(request: HttpRequest) -> tuple[selectors.ReportFilters, Activity | None]:
    """The report list's filters from the query string, shared by the page and its file:
    ``status`` (an unknown one means every status) and ``activity`` (the activity page's
    "evaluation reports" link; an activity the user may not see answers 404, as its page
    would)."""
    status = request.GET.get("status", "")
    status = status if status in ReportStatus.values else ""
    activity = None
    raw = request.GET.get("activity", "")
    if raw:
        if not raw.isdigit() or len(raw) > 18:
            raise NotFound("No activity with that id.")
        activity = selectors.report_list_activity(user=request.user, activity_id=int(raw))
    filters = selectors.ReportFilters(
        status=status, activity_id=activity.pk if activity is not None else None
    )
    return filters, activity


@_pages
def report_list(request: HttpRequest) -> HttpResponse:
    filters, activity = _list_filters(request)
    status = filters.status
    qs = selectors.report_list(user=request.user, filters=filters)
    page = paginate(qs, page=_page_number(request))
    today = timezone.localdate()
    page = replace(page, items=[selectors.decorate(r, today=today) for r in page.items])
    return render(
        request,
        "reports/list.html",
        {
            "nav": "reports",
            "page": page,
            "status": status,
            "activity": activity,
            "statuses": [("", "Every status"), *ReportStatus.choices],
        },
    )


@_pages
def report_export(request: HttpRequest) -> HttpResponseBase:
    """The report list as a file: the list's own selector and filters."""
    filters, _activity = _list_filters(request)
    qs = selectors.report_list(user=request.user, filters=filters)
    return export_page(request, REPORTS, export_rows(qs))


@_pages
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return report_pdf_response(request, access_report(request.user, pk))


@_pages
def start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a report on activity ``pk``: the participants who have none yet, the
    signed-in employee's own row ticked."""
    activity = access_activity(request.user, pk)
    choices = selectors.reportable_participations(activity)
    own = [p.pk for p in choices if p.employee and p.employee.user_id == request.user.pk]
    form = StartForm(request.POST or None, choices=choices, initial={"participations": own})
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(
                actor=request.user,
                activity=activity,
                participations=list(form.cleaned_data["participations"]),
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Report started: fill it in and submit it when ready.")
            return redirect("reports:edit", pk=report.pk)
    return render(
        request,
        "reports/start.html",
        {
            "nav": "reports",
            "activity": activity,
            "form": form,
            "errors": error_items(form) if form.is_bound else [],
        },
        status=422 if form.errors else 200,
    )


def _contacts_for(request: HttpRequest, report: Any) -> Any:
    if not may_read_restricted(request.user, report.agency_id):
        return None
    return Contact.objects.filter(activity_id=report.activity_id).select_related(
        "external_person", "organisation"
    )


@_pages
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = access_report(request.user, pk, action="change")
    form = ReportForm(
        request.POST or None,
        initial=ReportForm.initial_for(report),
        contacts=_contacts_for(request, report),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.report_update(
                actor=request.user, report=report, data=form.report_input(report)
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Report saved.")
            return redirect("reports:detail", pk=report.pk)
    today = timezone.localdate()
    report = selectors.report_detail(report=report, today=today)
    return render(
        request,
        "reports/form.html",
        {
            "nav": "reports",
            "report": report,
            "form": form,
            "errors": error_items(form) if form.is_bound else [],
        },
        status=422 if form.errors else 200,
    )


@_pages
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access_report(request.user, pk)
    today = timezone.localdate()
    report = selectors.report_detail(report=report, today=today)
    user = request.user
    author = is_author(user, report)
    context = {
        "nav": "reports",
        "report": report,
        "can_edit": edit_refusal(user, report) is None,
        "is_author": author,
        "my_author": next(
            (
                a
                for a in report.authors.all()
                if a.participation.employee and a.participation.employee.user_id == user.pk
            ),
            None,
        ),
        "can_review": (
            report.status == ReportStatus.SUBMITTED
            and is_supervisor(user, report.agency_id)
            and not author
        ),
        "can_read_contacts": may_read_restricted(user, report.agency_id),
        "checklist": CHECKLIST,
    }
    return render(request, "reports/detail.html", context)


@require_POST
@_pages
def sign(request: HttpRequest, pk: int) -> HttpResponse:
    report = access_report(request.user, pk, action="change")
    services.report_sign(actor=request.user, report=report)
    messages.success(request, "You signed off on this report.")
    return redirect("reports:detail", pk=report.pk)


@require_POST
@_pages
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    report = access_report(request.user, pk)
    try:
        services.report_transition(actor=request.user, report=report, name="submit")
    except InvalidTransition as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Report submitted for review.")
    return redirect("reports:detail", pk=report.pk)


@_pages
def review(request: HttpRequest, pk: int) -> HttpResponse:
    report = access_report(request.user, pk, action="review")
    form = ReviewForm(request.POST or None, initial={"decision": "acknowledge"})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.report_transition(
                actor=request.user,
                report=report,
                name=data["decision"],
                reason=data["reason"],
                resubmit_by=data["resubmit_by"],
                checklist=form.answers(),
            )
        except InvalidTransition as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            report.refresh_from_db()
            messages.success(request, f"Done: the report is {report.get_status_display().lower()}.")
            return redirect("reports:detail", pk=report.pk)
    today = timezone.localdate()
    report = selectors.report_detail(report=report, today=today)
    return render(
        request,
        "reports/review.html",
        {
            "nav": "reports",
            "report": report,
            "form": form,
            "errors": error_items(form) if form.is_bound else [],
        },
        status=422 if form.errors else 200,
    )


@_pages
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    report = access_report(request.user, pk, action="change")
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.attachment_add(
                actor=request.user,
                report=report,
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Attachment added.")
            return redirect("reports:detail", pk=report.pk)
    return render(
        request,
        "reports/attachment_form.html",
        {
            "nav": "reports",
            "report": report,
            "form": form,
            "accepted": settings.REPORT_ATTACHMENT_TYPES,
            "max_bytes": settings.REPORT_ATTACHMENT_MAX_BYTES,
            "errors": error_items(form) if form.is_bound else [],
        },
        status=422 if form.errors else 200,
    )


def attachment_response(attachment: Any) -> FileResponse:
    """The one way an attachment leaves the system (page and API): always a download,
    never rendered by the browser, with the stored content type and nosniff."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@_pages
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    # A FileResponse streams; Django serves it like any response.
    return cast(HttpResponse, attachment_response(access_attachment(request.user, pk)))


@require_POST
@_pages
def attachment_remove(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = access_attachment(request.user, pk)
    report_id = attachment.report_id
    access_report(request.user, report_id, action="change")
    services.attachment_remove(actor=request.user, attachment=attachment)
    messages.success(request, "Attachment removed.")
    return redirect("reports:detail", pk=report_id)


@_pages
def overdue(request: HttpRequest) -> HttpResponse:
    require_tracker(request.user)
    units, approvers = selectors.tracking_choices(request.user)
    form = TrackingForm(request.GET or None, units=units, approvers=approvers)
    which, unit, approver = "overdue", "", None
    if form.is_bound and form.is_valid():
        which = form.cleaned_data["which"] or "overdue"
        unit = form.cleaned_data["unit"]
        approver = int(form.cleaned_data["approver"]) if form.cleaned_data["approver"] else None
    today = timezone.localdate()
    items = selectors.owed_reports(
        user=request.user,
        filters=selectors.TrackingFilters(which=which, unit=unit, approver_id=approver),
        today=today,
    )
    return render(
        request,
        "reports/overdue.html",
        {"nav": "reports", "form": form, "items": items, "which": which, "today": today},
    )


@_pages
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    results: list[Any] = []
    if query:
        results = selectors.search_results(user=request.user, query=query)
    return render(
        request, "reports/search.html", {"nav": "reports", "q": query, "results": results}
    )


@_pages
def policy_list(request: HttpRequest) -> HttpResponse:
    policies = selectors.policies_visible_to(request.user)
    return render(request, "reports/policy_list.html", {"nav": "reports", "policies": policies})


@_pages
def policy_edit(request: HttpRequest, agency_id: int) -> HttpResponse:
    agency = access_policy_agency(request.user, agency_id)
    policy = selectors.policy_for(agency)
    form = PolicyForm(request.POST or None, initial=PolicyForm.initial_for(policy))
    if request.method == "POST" and form.is_valid():
        try:
            services.report_policy_update(actor=request.user, agency=agency, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Report rules of {agency.name} saved.")
            return redirect("reports:policy_list")
    return render(
        request,
        "reports/policy_form.html",
        {
            "nav": "reports",
            "agency": agency,
            "form": form,
            "errors": error_items(form) if form.is_bound else [],
        },
        status=422 if form.errors else 200,
    )
