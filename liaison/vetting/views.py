"""Pages for foreign contacts, inbound trainees, vetting requests, the vetting work queue
and the log of restricted reads.

Thin by rule: each view calls an ``access_*`` function, a selector or a service, and
renders; ``NotFound`` becomes a 404 and ``Forbidden`` a 403. Every page that shows
restricted records logs one read per record shown (door ``page``) — the same rule as the
API (ADR 0016).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from liaison.core.errors import InvalidTransition, validation_messages
from liaison.core.pagination import paginate
from liaison.core.views import domain_errors_as_http
from liaison.people.access import external_persons_visible_to, organisations_visible_to
from liaison.records.services import log_restricted_read, log_restricted_reads
from liaison.vetting.access import (
    access_contact,
    access_restricted_activity,
    access_trainee,
    access_vetting,
    can_edit_vetting,
    require_read_log_reader,
    require_restricted_reader,
)
from liaison.vetting.forms import (
    ContactForm,
    TraineeForm,
    VettingDecisionForm,
    VettingForm,
    apply_service_errors,
)
from liaison.vetting.models import Contact, InboundTrainee, VettingRequest
from liaison.vetting.selectors import contact_detail as annotate_contact
from liaison.vetting.selectors import (
    contact_list,
    page_of_rows,
    read_log,
    report_deadline,
    trainee_list,
    vetting_queue,
    vetting_requests_of,
)
from liaison.vetting.selectors import trainee_detail as annotate_trainee
from liaison.vetting.services import (
    contact_create,
    contact_update,
    trainee_create,
    vetting_request_create,
    vetting_request_transition,
)
from liaison.vetting.workflow import trainees_vetted, transitions_from

View = Callable[..., HttpResponse]
PAGE = "page"


def _pages(view: View) -> View:
    return login_required(domain_errors_as_http(view))


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() else 1


def _logged(request: HttpRequest, objs: Iterable[Model]) -> None:
    log_restricted_reads(user=request.user, objs=list(objs), door=PAGE, path=request.path)


def _form_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    form = context["form"]
    return render(
        request, template, {"nav": "vetting", **context}, status=422 if form.errors else 200
    )


# --- an activity's contacts and trainees --------------------------------------------------


@_pages
def activity_contacts(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access_restricted_activity(request.user, pk)
    today = timezone.localdate()
    contacts = contact_list(user=request.user, activity=activity, today=today)
    trainees = trainee_list(user=request.user, activity=activity)
    _logged(request, [*contacts, *trainees])
    return render(
        request,
        "vetting/activity_contacts.html",
        {
            "nav": "vetting",
            "activity": activity,
            "contacts": contacts,
            "trainees": trainees,
            "deadline": report_deadline(activity),
            "trainees_vetted": trainees_vetted(activity),
            "inbound": activity.direction in ("inbound", "foreign_trainers"),
            "can_edit": can_edit_vetting(request.user, activity.agency_id),
        },
    )


@_pages
def contact_create_page(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access_restricted_activity(request.user, pk, action="change")
    form = ContactForm(
        request.POST or None,
        people=external_persons_visible_to(request.user).filter(agency_id=activity.agency_id),
        organisations=organisations_visible_to(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            contact = contact_create(
                actor=request.user, activity=activity, data=form.contact_input()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Recorded contact {contact.party_name}.")
            return redirect("vetting:contact_detail", pk=contact.pk)
    return _form_page(request, "vetting/contact_form.html", {"form": form, "activity": activity})


@_pages
def trainee_create_page(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access_restricted_activity(request.user, pk, action="change")
    form = TraineeForm(
        request.POST or None,
        people=external_persons_visible_to(request.user).filter(agency_id=activity.agency_id),
        organisations=organisations_visible_to(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            trainee = trainee_create(
                actor=request.user, activity=activity, data=form.trainee_input()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Recorded trainee {trainee.external_person}.")
            return redirect("vetting:trainee_detail", pk=trainee.pk)
    return _form_page(request, "vetting/trainee_form.html", {"form": form, "activity": activity})


# --- contacts -----------------------------------------------------------------------------

REPORT_FILTERS = [
    ("", "All contacts"),
    ("flagged", "Late or overdue"),
    ("overdue", "Not reported, past the deadline"),
    ("late", "Reported late"),
]


@_pages
def contact_list_page(request: HttpRequest) -> HttpResponse:
    require_restricted_reader(request.user)
    report = request.GET.get("report", "")
    report = report if report in dict(REPORT_FILTERS) else ""
    rows = contact_list(user=request.user, report=report, today=timezone.localdate())
    page = page_of_rows(rows, page=_page_number(request), page_size=None, clamp=True)
    _logged(request, page.items)
    return render(
        request,
        "vetting/contact_list.html",
        {"nav": "vetting", "page": page, "report": report, "report_filters": REPORT_FILTERS},
    )


@_pages
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = annotate_contact(access_contact(request.user, pk), today=timezone.localdate())
    log_restricted_read(user=request.user, obj=contact, door=PAGE, path=request.path)
    return render(
        request,
        "vetting/contact_detail.html",
        {
            "nav": "vetting",
            "contact": contact,
            "requests": vetting_requests_of(contact),
            "can_edit": can_edit_vetting(request.user, contact.agency_id),
        },
    )


@_pages
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = access_contact(request.user, pk, action="change")
    log_restricted_read(user=request.user, obj=contact, door=PAGE, path=request.path)
    form = ContactForm(request.POST or None, editing=True, initial=ContactForm.initial_for(contact))
    if request.method == "POST" and form.is_valid():
        try:
            contact = contact_update(actor=request.user, contact=contact, **form.changes())
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Saved contact {contact.party_name}.")
            return redirect("vetting:contact_detail", pk=contact.pk)
    return _form_page(
        request,
        "vetting/contact_form.html",
        {"form": form, "activity": contact.activity, "contact": contact},
    )


# --- trainees -----------------------------------------------------------------------------


@_pages
def trainee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    trainee = annotate_trainee(access_trainee(request.user, pk))
    log_restricted_read(user=request.user, obj=trainee, door=PAGE, path=request.path)
    return render(
        request,
        "vetting/trainee_detail.html",
        {
            "nav": "vetting",
            "trainee": trainee,
            "requests": vetting_requests_of(trainee),
            "can_edit": can_edit_vetting(request.user, trainee.agency_id),
        },
    )


# --- vetting requests ---------------------------------------------------------------------


def _vetting_create(
    request: HttpRequest, subject: Contact | InboundTrainee, back: str
) -> HttpResponse:
    log_restricted_read(user=request.user, obj=subject, door=PAGE, path=request.path)
    form = VettingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            vetting = vetting_request_create(
                actor=request.user, subject=subject, data=form.vetting_input()
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Recorded the vetting request.")
            return redirect("vetting:vetting_detail", pk=vetting.pk)
    return _form_page(
        request, "vetting/vetting_form.html", {"form": form, "subject": subject, "back": back}
    )


@_pages
def contact_vetting_create(request: HttpRequest, pk: int) -> HttpResponse:
    contact = access_contact(request.user, pk, action="change")
    return _vetting_create(request, contact, reverse("vetting:contact_detail", args=[contact.pk]))


@_pages
def trainee_vetting_create(request: HttpRequest, pk: int) -> HttpResponse:
    trainee = access_trainee(request.user, pk, action="change")
    return _vetting_create(request, trainee, reverse("vetting:trainee_detail", args=[trainee.pk]))


def _subject_url(vetting: VettingRequest) -> str:
    if vetting.contact_id:
        return reverse("vetting:contact_detail", args=[vetting.contact_id])
    return reverse("vetting:trainee_detail", args=[vetting.trainee_id])


@_pages
def vetting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    vetting = access_vetting(request.user, pk)
    log_restricted_read(user=request.user, obj=vetting, door=PAGE, path=request.path)
    can_edit = can_edit_vetting(request.user, vetting.agency_id)
    return render(
        request,
        "vetting/vetting_detail.html",
        {
            "nav": "vetting",
            "vetting": vetting,
            "subject_url": _subject_url(vetting),
            "transitions": transitions_from(vetting.status) if can_edit else [],
            "form": VettingDecisionForm(),
        },
    )


@_pages
@require_POST
def vetting_transition(request: HttpRequest, pk: int) -> HttpResponse:
    vetting = access_vetting(request.user, pk, action="change")
    form = VettingDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a decision and give valid dates; nothing was changed.")
        return redirect("vetting:vetting_detail", pk=vetting.pk)
    try:
        vetting_request_transition(actor=request.user, vetting=vetting, **form.decision())
    except InvalidTransition as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        texts = [t for ts in validation_messages(exc).values() for t in ts]
        messages.error(request, " ".join(texts) + " Nothing was changed.")
    else:
        messages.success(request, "Recorded the decision.")
    return redirect("vetting:vetting_detail", pk=vetting.pk)


# --- the work queue and the log of reads --------------------------------------------------


@_pages
def queue(request: HttpRequest) -> HttpResponse:
    require_restricted_reader(request.user)
    work = vetting_queue(user=request.user, today=timezone.localdate())
    _logged(request, work.shown())
    return render(request, "vetting/queue.html", {"nav": "vetting", "queue": work})


@_pages
def reads(request: HttpRequest) -> HttpResponse:
    require_read_log_reader(request.user)
    username = request.GET.get("username", "").strip()[:150]
    page = paginate(read_log(user=request.user, username=username), page=_page_number(request))
    return render(
        request, "vetting/reads.html", {"nav": "vetting", "page": page, "username": username}
    )
