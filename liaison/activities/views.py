"""Activity pages: list with filters, detail, create, edit and status moves.

Thin by rule: each view parses input, asks ``access`` / ``selectors`` / ``services`` and
renders. ``domain_errors_as_http`` turns ``NotFound`` into 404 and ``Forbidden`` into 403.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

from liaison.accounts.access import (
    ACTIVITY_CREATORS,
    NO_AGENCY,
    agencies_for_new_record,
    agency_for_new_record,
)
from liaison.accounts.models import Agency
from liaison.activities import selectors, services
from liaison.activities.access import (
    access_activity,
    access_participation,
    allowed_transitions,
    can_change_activity,
    can_view_history,
    can_withdraw_participation,
    refused_transitions,
    transition_refusal,
)
from liaison.activities.forms import (
    ActivityFilterForm,
    ActivityForm,
    LocationFormSet,
    ParticipantFormSet,
    RowEdit,
    activity_input,
    apply_service_errors,
    employee_choice_label,
    external_person_choices,
    filter_form_for,
    location_formset,
    location_initial,
    participant_formset,
    participant_initial,
)
from liaison.activities.models import Activity, Direction
from liaison.activities.printouts import activity_pdf_response
from liaison.activities.workflow import find_transition
from liaison.core.errors import Forbidden, InvalidTransition, NotFound
from liaison.core.forms import error_items
from liaison.core.views import domain_errors_as_http
from liaison.people.access import (
    access_organisation,
    employees_visible_to,
    external_persons_visible_to,
    organisations_visible_to,
)
from liaison.people.selectors import employees_named

# The table shows the short name ("Outbound"); the filter and detail, the long one.
_SHORT_DIRECTIONS = {value: str(label).split(" (")[0] for value, label in Direction.choices}


def short_direction(value: str) -> str:
    return _SHORT_DIRECTIONS.get(value, value)


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() else 1


def _filter_subjects(request: HttpRequest, form: ActivityFilterForm) -> dict[str, str]:
    """Names for the person and organisation filters: the person as the filter resolved
    them (one employee the user may see, by name; otherwise the words as typed), the
    organisation from its id (links from organisation pages); ids the user may not see
    stay unnamed."""
    names: dict[str, str] = {}
    data = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    if data.get("person"):
        matches = list(employees_named(user=request.user, text=data["person"])[:2])
        names["person"] = matches[0].full_name if len(matches) == 1 else f"“{data['person']}”"
    if data.get("organisation"):
        with contextlib.suppress(NotFound):
            names["organisation"] = str(access_organisation(request.user, data["organisation"]))
    return names


@login_required
@domain_errors_as_http
def activity_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The activity as a printable PDF, under the activity page's own rule."""
    return activity_pdf_response(request, access_activity(request.user, pk))


@login_required
@domain_errors_as_http
def activity_list(request: HtmxHttpRequest) -> HttpResponse:
    # One read of the category vocabulary serves the filter (active ones) and the rows
    # (any, retired ones too) instead of a query for each.
    categories = selectors.category_vocabulary()
    form = filter_form_for(
        request.GET,
        years=selectors.year_range(user=request.user),
        categories=[c for c in categories if c.active],
    )
    filters = form.filters()
    # Rows as values, through statements kept per rule, filters and page (ADR 0034).
    page = selectors.activity_list_page(
        user=request.user, filters=filters, page=_page_number(request)
    )
    selectors.attach_categories(page.items, categories)
    places = selectors.list_places(page.items)
    context = {
        "nav": "activities",
        "form": form,
        "page": page,
        "rows": [(a, short_direction(a.direction), places[a.pk]) for a in page.items],
        "filters_applied": not filters.is_empty(),
        "subjects": _filter_subjects(request, form),
        "filter_errors": error_items(form),
    }
    # htmx swaps only the results region; without JavaScript the same URL renders the
    # whole page, so both answer the same query the same way. A history-restore request
    # (Back after a cache miss) needs the whole page.
    partial = request.htmx and not request.htmx.history_restore_request
    template = "activities/_results.html" if partial else "activities/list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


@login_required
@domain_errors_as_http
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access_activity(request.user, pk)
    activity = selectors.activity_detail(activity=activity)
    participations = list(activity.participations.all())
    employee_ids = [p.employee_id for p in participations if p.employee_id]
    external_ids = [p.external_person_id for p in participations if p.external_person_id]
    context = {
        "nav": "activities",
        "activity": activity,
        "participations": participations,
        # Link a person only when their page would open for this user.
        "linkable_employees": set(
            employees_visible_to(request.user)
            .filter(pk__in=employee_ids)
            .values_list("pk", flat=True)
        ),
        "linkable_externals": set(
            external_persons_visible_to(request.user)
            .filter(pk__in=external_ids)
            .values_list("pk", flat=True)
        ),
        "transitions": allowed_transitions(request.user, activity),
        "refused_transitions": refused_transitions(request.user, activity),
        "can_edit": can_change_activity(request.user, activity),
        "history": (
            selectors.activity_history(activity=activity)
            if can_view_history(request.user, activity)
            else None
        ),
        "reason_max_length": services.TRANSITION_REASON_MAX_LENGTH,
        "confirmed_transitions": CONFIRMED_TRANSITIONS,
        "started_without_approval": selectors.started_without_approval(activity),
        "may_withdraw": {
            p.pk for p in participations if can_withdraw_participation(request.user, p, activity)
        },
    }
    return render(request, "activities/detail.html", context)


@login_required
@domain_errors_as_http
def activity_history(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole change log (the detail page shows the latest entries): coordinators and
    overseers only — others who may see the activity get 403, like the API."""
    activity = access_activity(request.user, pk, action="view_history")
    context = {
        "nav": "activities",
        "activity": activity,
        "history": selectors.activity_history(activity=activity),
    }
    return render(request, "activities/history.html", context)


def _render_form(
    request: HtmxHttpRequest,
    *,
    form: ActivityForm,
    locations: LocationFormSet,
    participants: ParticipantFormSet,
    activity: Activity | None,
    status: int = 200,
    edit: RowEdit | None = None,
) -> HttpResponse:
    focus_id = ""
    if edit is not None:
        rows = locations if edit.group == "locations" else participants
        focus_id = edit.focus_id(rows.total_form_count())
        for row in rows.forms:
            for field in row:
                if field.auto_id == focus_id:
                    field.field.widget.attrs["autofocus"] = True
    errors = error_items(form, locations, participants) if form.is_bound and edit is None else []
    context = {
        "nav": "activities",
        "form": form,
        "locations": locations,
        "participants": participants,
        "activity": activity,
        "errors": errors,
        "focus_id": focus_id,
        "lookup_url": reverse("activities:participant_lookup"),
    }
    if edit is not None and request.htmx:
        # htmx asked for the rows only (hx-select picks the fieldset out of this).
        template = f"activities/_{edit.group}.html"
        response = render(request, template, context, status=status)
    else:
        response = render(request, "activities/form.html", context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _creator_agencies(request: HttpRequest) -> QuerySet[Agency]:
    agencies = agencies_for_new_record(request.user, roles=ACTIVITY_CREATORS)
    if not agencies.exists():
        raise Forbidden(NO_AGENCY)
    return agencies


def _posted(request: HttpRequest) -> tuple[Any, RowEdit | None]:
    """The submitted data, with a row added or removed when the user pressed "Add a …"
    or "Remove …" rather than "Save activity" (then nothing is saved)."""
    if request.method != "POST":
        return None, None
    edit = RowEdit.from_post(request.POST)
    return (edit.apply(request.POST) if edit else request.POST), edit


@login_required
@domain_errors_as_http
def activity_create(request: HtmxHttpRequest) -> HttpResponse:
    agencies = _creator_agencies(request)
    several = agencies.count() > 1
    externals = (
        external_persons_visible_to(request.user)
        .filter(agency__in=agencies)
        .select_related("organisation", "agency")
    )
    external_choices = external_person_choices(externals, with_agency=several)
    data, edit = _posted(request)
    form = ActivityForm(
        data,
        agencies=agencies if several else None,
        organisations=organisations_visible_to(request.user),
    )
    locations = location_formset(data)
    participants = participant_formset(
        data,
        external_choices=external_choices,
        candidates=selectors.employee_choices_for(
            user=request.user, agency_ids=list(agencies.values_list("pk", flat=True))
        ),
        lookup_url=reverse("activities:participant_lookup"),
    )
    if data is None or edit is not None:
        return _render_form(
            request,
            form=form,
            locations=locations,
            participants=participants,
            activity=None,
            edit=edit,
        )

    # "&", not "and": validate all three so every error shows at once.
    if form.is_valid() & locations.is_valid() & participants.is_valid():
        try:
            # The same function, and so the same sentences, as the API's POST /activities.
            agency = agency_for_new_record(
                request.user,
                agency_id=form.selected_agency_id() if several else None,
                roles=ACTIVITY_CREATORS,
            )
            activity = services.activity_create(
                actor=request.user,
                agency=agency,
                data=activity_input(form, locations, participants),
            )
        except ValidationError as exc:
            apply_service_errors(exc, form, locations, participants)
        else:
            messages.success(request, f"Activity “{activity.title}” saved as a draft.")
            return redirect("activities:detail", pk=activity.pk)
    return _render_form(
        request,
        form=form,
        locations=locations,
        participants=participants,
        activity=None,
        status=422,
    )


@login_required
@domain_errors_as_http
def activity_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    activity = access_activity(request.user, pk, action="change")
    externals = selectors.external_person_choices_for(
        user=request.user, agency_id=activity.agency_id, activity=activity
    )
    external_choices = external_person_choices(externals, with_agency=False)
    data, edit = _posted(request)
    form_kwargs: dict[str, Any] = {
        "agencies": None,
        "organisations": organisations_visible_to(request.user),
        "current_category": activity.category,
    }
    if data is None:
        form = ActivityForm(initial=ActivityForm.initial_for(activity), **form_kwargs)
    else:
        form = ActivityForm(data, **form_kwargs)
    # The rows keep their original count on POST (the management form says how many).
    locations = location_formset(data, initial=location_initial(activity))
    participants = participant_formset(
        data,
        initial=participant_initial(activity),
        external_choices=external_choices,
        candidates=selectors.employee_choices_for(
            user=request.user, agency_ids=None, activity=activity
        ),
        lookup_url=reverse("activities:participant_lookup") + f"?activity={activity.pk}",
    )
    if data is None or edit is not None:
        return _render_form(
            request,
            form=form,
            locations=locations,
            participants=participants,
            activity=activity,
            edit=edit,
        )

    # "&", not "and": validate all three so every error shows at once.
    if form.is_valid() & locations.is_valid() & participants.is_valid():
        try:
            activity = services.activity_update(
                actor=request.user,
                activity=activity,
                data=activity_input(form, locations, participants),
            )
        except ValidationError as exc:
            apply_service_errors(exc, form, locations, participants)
        else:
            messages.success(request, f"Activity “{activity.title}” updated.")
            return redirect("activities:detail", pk=activity.pk)
    return _render_form(
        request,
        form=form,
        locations=locations,
        participants=participants,
        activity=activity,
        status=422,
    )


@login_required
@domain_errors_as_http
def participant_lookup(request: HttpRequest) -> HttpResponse:
    """The participant autocomplete's options (an HTML fragment for forms.js): employees
    the user may name, from ``selectors.employee_choices_for``. ``activity`` (when
    editing) adds the people already on it and needs the right to edit it."""
    q = request.GET.get("q", "")[:100]
    activity_param = request.GET.get("activity", "")
    activity = None
    if activity_param.isdigit() and len(activity_param) < 19:
        activity = access_activity(request.user, int(activity_param), action="change")
    elif activity_param:
        raise NotFound("No activity with that id.")
    people = selectors.participant_lookup(user=request.user, q=q, activity=activity)
    options = [(employee_choice_label(p), p) for p in people]
    return render(request, "activities/_lookup_options.html", {"options": options, "q": q})


@login_required
@require_POST
@domain_errors_as_http
def activity_transition(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access_activity(request.user, pk)
    name = request.POST.get("name", "").strip()
    if not name:
        messages.error(request, "Choose what to do with the activity.")
        return redirect("activities:detail", pk=activity.pk)
    try:
        activity = services.activity_transition(
            actor=request.user, activity=activity, name=name, reason=request.POST.get("reason", "")
        )
    except InvalidTransition as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, f"Done: the activity is now {activity.get_status_display().lower()}."
        )
    return redirect("activities:detail", pk=activity.pk)


@dataclass(frozen=True)
class Confirmation:
    """The words of a transition that asks "are you sure?" on its own page first."""

    heading: str
    button: str
    consequence: str


# Moves that cannot be undone by the person making them: the detail page links to a
# confirmation step with a reason field instead of acting on one click.
CONFIRMED_TRANSITIONS = {
    "cancel": Confirmation(
        heading="Cancel this activity?",
        button="Yes, cancel this activity",
        consequence="A cancelled activity can no longer be edited, submitted or approved.",
    ),
    "deny": Confirmation(
        heading="Deny this request?",
        button="Yes, deny this request",
        consequence="A denied request can no longer be edited or approved.",
    ),
    "withdraw": Confirmation(
        heading="Withdraw this request?",
        button="Yes, withdraw my request",
        consequence="A withdrawn request stays on the record but can no longer be "
        "reviewed or approved; make a new request if plans change again.",
    ),
    "return": Confirmation(
        heading="Return this request to draft?",
        button="Yes, return it to draft",
        consequence="The requester sees your reason and may correct and resubmit the request.",
    ),
}
# Every move the table says needs a reason has its confirmation words (a test holds it).


@login_required
@domain_errors_as_http
def activity_transition_confirm(request: HttpRequest, pk: int, name: str) -> HttpResponse:
    """GET: the confirmation step for a cancel or deny, with a reason field. POST: make
    the move through ``services.activity_transition`` (which re-checks the table and the
    actor's roles), then back to the activity."""
    activity = access_activity(request.user, pk)
    confirmation = CONFIRMED_TRANSITIONS.get(name)
    if confirmation is None:
        raise NotFound("No such step.")
    reason = request.POST.get("reason", "") if request.method == "POST" else ""
    error = ""
    if request.method == "POST":
        try:
            activity = services.activity_transition(
                actor=request.user, activity=activity, name=name, reason=reason
            )
        except InvalidTransition as exc:
            messages.error(request, exc.message)
            return redirect("activities:detail", pk=activity.pk)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request, f"Done: the activity is now {activity.get_status_display().lower()}."
            )
            return redirect("activities:detail", pk=activity.pk)
    else:
        # The move is not open to this user now: say why on the activity, in the words a
        # POST would get (the guard's own sentence, or the table's).
        transition = find_transition(activity.status, name)
        refusal = (
            transition_refusal(request.user, activity, transition)
            if transition is not None
            else InvalidTransition(
                f"You cannot {name} this activity now "
                f"(it is {activity.get_status_display().lower()})."
            )
        )
        if refusal is not None:
            messages.error(request, refusal.message)
            return redirect("activities:detail", pk=activity.pk)
    context = {
        "nav": "activities",
        "activity": activity,
        "name": name,
        "confirmation": confirmation,
        "reason": reason,
        "reason_error": error,
        "reason_max_length": services.TRANSITION_REASON_MAX_LENGTH,
    }
    return render(
        request, "activities/confirm_transition.html", context, status=422 if error else 200
    )


@login_required
@domain_errors_as_http
def participation_withdraw(request: HttpRequest, pk: int, participation_id: int) -> HttpResponse:
    """GET: "withdraw from this activity?" with a reason field. POST: withdraw through
    ``services.participation_withdraw`` (which checks who may and when), then back."""
    participation = access_participation(request.user, pk, participation_id)
    activity = participation.activity
    reason = request.POST.get("reason", "") if request.method == "POST" else ""
    error = ""
    if request.method == "POST":
        try:
            services.participation_withdraw(
                actor=request.user, participation=participation, reason=reason
            )
        except InvalidTransition as exc:
            messages.error(request, exc.message)
            return redirect("activities:detail", pk=activity.pk)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"Done: {participation.display_name} has withdrawn.")
            return redirect("activities:detail", pk=activity.pk)
    elif not can_withdraw_participation(request.user, participation, activity):
        raise Forbidden("You may not withdraw this participant now.")
    context = {
        "nav": "activities",
        "activity": activity,
        "participation": participation,
        "reason": reason,
        "reason_error": error,
    }
    return render(
        request, "activities/confirm_withdraw.html", context, status=422 if error else 200
    )
