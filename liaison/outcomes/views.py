"""Pages for outcomes (decisions, adoptions, follow-ups, "nothing was adopted"
statements), alignment reviews and the policy library.

Thin by rule: each view calls an ``access_*`` function, a selector or a service, and
renders; ``NotFound`` becomes a 404, ``Forbidden`` a 403, a refused move a message on the
page it returns to (nothing changed), bad input a form with its errors (422).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from liaison.accounts.access import agency_for_new_record
from liaison.core.errors import Forbidden, InvalidTransition, validation_messages
from liaison.core.pagination import paginate
from liaison.core.views import domain_errors_as_http
from liaison.outcomes.access import (
    NOT_A_POLICY_EDITOR,
    POLICY_EDITORS,
    access_adoption,
    access_outcomes_activity,
    access_policy,
    access_recommendation,
    access_statement,
    can_decide,
    can_edit_policies,
    can_review,
    policies_visible_to,
    require_outcome_reader,
)
from liaison.outcomes.forms import (
    AdoptionForm,
    CloseForm,
    DecisionForm,
    FollowUpForm,
    PolicyFilterForm,
    PolicyForm,
    ReviewForm,
    StatementForm,
    WithdrawForm,
    apply_service_errors,
)
from liaison.outcomes.selectors import (
    activity_outcomes,
    adoption_detail,
    adoption_list,
    decision_moves,
    decision_of,
    policy_history,
    policy_list,
    policy_reviews,
)
from liaison.outcomes.services import (
    adoption_record,
    adoption_transition,
    alignment_review_record,
    follow_up_record,
    nothing_adopted_state,
    nothing_adopted_withdraw,
    policy_create,
    policy_update,
    recommendation_decide,
)
from liaison.outcomes.workflow import DecisionOutcome
from liaison.vetting.selectors import page_of_rows

View = Callable[..., HttpResponse]
NAV = "outcomes"


def _pages(view: View) -> View:
    return login_required(domain_errors_as_http(view))


def _page_number(request: HttpRequest) -> int:
    value = request.GET.get("page", "1")
    return int(value) if value.isdigit() else 1


def _form_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    form = context["form"]
    return render(request, template, {"nav": NAV, **context}, status=422 if form.errors else 200)


def _refused(request: HttpRequest, exc: Exception) -> None:
    """A refused write, as a message on the page it returns to: nothing was changed."""
    if isinstance(exc, InvalidTransition):
        messages.error(request, f"{exc.message} Nothing was changed.")
    elif isinstance(exc, ValidationError):
        texts = [t for ts in validation_messages(exc).values() for t in ts]
        messages.error(request, " ".join(texts) + " Nothing was changed.")


def _form_errors(request: HttpRequest, form: Any) -> None:
    texts = [f"{form.fields[k].label if k in form.fields else ''}: {' '.join(v)}".lstrip(": ")
             for k, v in form.errors.items()]  # fmt: skip
    messages.error(request, " ".join(texts) + " Nothing was changed.")


# --- an activity's outcomes ---------------------------------------------------------------


@_pages
def activity_outcomes_page(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access_outcomes_activity(request.user, pk)
    outcomes = activity_outcomes(user=request.user, activity=activity, today=timezone.localdate())
    return render(
        request,
        "outcomes/activity_outcomes.html",
        {
            "nav": NAV,
            "activity": activity,
            "outcomes": outcomes,
            "can_decide": can_decide(request.user, activity.agency_id),
            "statement_form": StatementForm(),
            "withdraw_form": WithdrawForm(),
        },
    )


@_pages
@require_POST
def statement_create(request: HttpRequest, pk: int) -> HttpResponse:
    activity = access_outcomes_activity(request.user, pk, action="decide")
    form = StatementForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            nothing_adopted_state(actor=request.user, activity=activity, **form.cleaned_data)
        except (InvalidTransition, ValidationError) as exc:
            _refused(request, exc)
        else:
            messages.success(request, "Recorded the statement that nothing was adopted.")
    return redirect("outcomes:activity", pk=activity.pk)


@_pages
@require_POST
def statement_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    statement = access_statement(request.user, pk, action="decide")
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            nothing_adopted_withdraw(actor=request.user, statement=statement, **form.cleaned_data)
        except (InvalidTransition, ValidationError) as exc:
            _refused(request, exc)
        else:
            messages.success(request, "Withdrew the statement that nothing was adopted.")
    return redirect("outcomes:activity", pk=statement.activity_id)


# --- recommendations ----------------------------------------------------------------------


@_pages
def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    rec = access_recommendation(request.user, pk)
    decision = decision_of(rec)
    adoptions = adoption_list(user=request.user, today=timezone.localdate(), activity=rec.activity)
    return render(
        request,
        "outcomes/recommendation_detail.html",
        {
            "nav": NAV,
            "rec": rec,
            "decision": decision,
            "history": list(decision.history.order_by("history_date")) if decision else [],
            "adoptions": [a for a in adoptions if a.recommendation_id == rec.pk],
            "moves": decision_moves(user=request.user, recommendation=rec),
            "can_adopt": decision is not None
            and decision.outcome == DecisionOutcome.ADOPTED
            and can_decide(request.user, rec.agency_id),
            "form": DecisionForm(),
        },
    )


@_pages
@require_POST
def recommendation_decide_page(request: HttpRequest, pk: int) -> HttpResponse:
    rec = access_recommendation(request.user, pk, action="decide")
    form = DecisionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            decision = recommendation_decide(actor=request.user, recommendation=rec,
                                             **form.cleaned_data)  # fmt: skip
        except (InvalidTransition, ValidationError) as exc:
            _refused(request, exc)
        else:
            messages.success(
                request, f"Recorded the decision: {decision.get_outcome_display().lower()}."
            )
            if decision.outcome == DecisionOutcome.ADOPTED:
                return redirect("outcomes:adoption_create", pk=rec.pk)
    return redirect("outcomes:recommendation", pk=rec.pk)


@_pages
def adoption_create(request: HttpRequest, pk: int) -> HttpResponse:
    rec = access_recommendation(request.user, pk, action="decide")
    form = AdoptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            adoption = adoption_record(actor=request.user, recommendation=rec,
                                       data=form.adoption_input())  # fmt: skip
        except ValidationError as exc:
            apply_service_errors(form, exc)
        except InvalidTransition as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "Recorded the adoption.")
            return redirect("outcomes:adoption", pk=adoption.pk)
    return _form_page(request, "outcomes/adoption_form.html", {"form": form, "rec": rec})


# --- adoptions ------------------------------------------------------------------------------

STATE_FILTERS = [
    ("", "All adoptions"),
    ("unreviewed", "Awaiting alignment review"),
    ("conflicts", "In conflict with a policy"),
    ("follow_up_overdue", "Follow-up overdue"),
    ("open", "Open"),
    ("closed", "Closed"),
]


def _adoption_list(request: HttpRequest, state: str) -> HttpResponse:
    require_outcome_reader(request.user)
    state = state if state in dict(STATE_FILTERS) else ""
    agency = request.GET.get("agency", "")
    # An id the database can hold (a longer one names no agency and would overflow).
    valid = agency.isascii() and agency.isdigit() and len(agency) <= 18
    scope = frozenset({int(agency)}) if valid else None
    rows = adoption_list(user=request.user, today=timezone.localdate(), state=state, scope=scope)
    page = page_of_rows(rows, page=_page_number(request), page_size=None, clamp=True)
    return render(
        request,
        "outcomes/adoption_list.html",
        {
            "nav": NAV,
            "page": page,
            "state": state,
            "state_label": dict(STATE_FILTERS)[state],
            "state_filters": STATE_FILTERS,
            "current": "awaiting" if state == "unreviewed" else "adoptions",
            "agency": agency if scope is not None else "",
        },
    )


@_pages
def adoption_list_page(request: HttpRequest) -> HttpResponse:
    return _adoption_list(request, request.GET.get("state", ""))


@_pages
def awaiting_review(request: HttpRequest) -> HttpResponse:
    """Adoptions awaiting review: the reviewers' work list (the list, filtered)."""
    return _adoption_list(request, "unreviewed")


@_pages
def adoption_page(request: HttpRequest, pk: int) -> HttpResponse:
    adoption = adoption_detail(access_adoption(request.user, pk), today=timezone.localdate())
    return render(
        request,
        "outcomes/adoption_detail.html",
        {
            "nav": NAV,
            "adoption": adoption,
            "can_decide": can_decide(request.user, adoption.agency_id),
            "can_review": can_review(request.user, adoption.agency_id),
            "follow_up_form": FollowUpForm(),
            "close_form": CloseForm(),
        },
    )


@_pages
@require_POST
def follow_up_create(request: HttpRequest, pk: int) -> HttpResponse:
    adoption = access_adoption(request.user, pk, action="decide")
    form = FollowUpForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            follow_up_record(actor=request.user, adoption=adoption, **form.cleaned_data)
        except (InvalidTransition, ValidationError) as exc:
            _refused(request, exc)
        else:
            messages.success(request, "Recorded the follow-up.")
    return redirect("outcomes:adoption", pk=adoption.pk)


@_pages
@require_POST
def adoption_close(request: HttpRequest, pk: int) -> HttpResponse:
    adoption = access_adoption(request.user, pk, action="decide")
    form = CloseForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            adoption_transition(actor=request.user, adoption=adoption, name="close",
                                **form.cleaned_data)  # fmt: skip
        except (InvalidTransition, ValidationError) as exc:
            _refused(request, exc)
        else:
            messages.success(request, "Closed the adoption.")
    return redirect("outcomes:adoption", pk=adoption.pk)


@_pages
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    adoption = access_adoption(request.user, pk, action="review")
    policies = policies_visible_to(request.user).filter(agency_id=adoption.agency_id)
    form = ReviewForm(request.POST or None, policies=policies.order_by("identifier"))
    if request.method == "POST" and form.is_valid():
        try:
            alignment_review_record(actor=request.user, adoption=adoption, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, "Recorded the alignment review.")
            return redirect("outcomes:adoption", pk=adoption.pk)
    return _form_page(request, "outcomes/review_form.html", {"form": form, "adoption": adoption})


# --- the policy library -------------------------------------------------------------------


@_pages
def policy_list_page(request: HttpRequest) -> HttpResponse:
    require_outcome_reader(request.user)
    filters = PolicyFilterForm(request.GET)
    q = filters.cleaned_data.get("q", "") if filters.is_valid() else ""
    page = paginate(policy_list(user=request.user, q=q.strip()), page=_page_number(request))
    return render(
        request,
        "outcomes/policy_list.html",
        {
            "nav": "policies",
            "page": page,
            "filters": filters,
            "q": q,
            "can_edit": can_edit_policies(request.user),
        },
    )


@_pages
def policy_create_page(request: HttpRequest) -> HttpResponse:
    require_outcome_reader(request.user)
    if not can_edit_policies(request.user):
        raise Forbidden(NOT_A_POLICY_EDITOR)
    form = PolicyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agency = agency_for_new_record(request.user, agency_id=None, roles=POLICY_EDITORS)
            policy = policy_create(actor=request.user, agency=agency, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Added {policy.identifier} to the policy library.")
            return redirect("outcomes:policy", pk=policy.pk)
    return render(
        request,
        "outcomes/policy_form.html",
        {"nav": "policies", "form": form, "policy": None},
        status=422 if form.errors else 200,
    )


@_pages
def policy_page(request: HttpRequest, pk: int) -> HttpResponse:
    policy = access_policy(request.user, pk)
    return render(
        request,
        "outcomes/policy_detail.html",
        {
            "nav": "policies",
            "policy": policy,
            "reviews": policy_reviews(policy),
            "history": policy_history(policy),
            "can_edit": can_edit_policies(request.user, policy.agency_id),
        },
    )


@_pages
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    policy = access_policy(request.user, pk)
    if not can_edit_policies(request.user, policy.agency_id):
        raise Forbidden(NOT_A_POLICY_EDITOR)
    form = PolicyForm(request.POST or None, initial=PolicyForm.initial_for(policy))
    if request.method == "POST" and form.is_valid():
        try:
            policy = policy_update(actor=request.user, policy=policy, **form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"Saved {policy.identifier}.")
            return redirect("outcomes:policy", pk=policy.pk)
    return render(
        request,
        "outcomes/policy_form.html",
        {"nav": "policies", "form": form, "policy": policy},
        status=422 if form.errors else 200,
    )
