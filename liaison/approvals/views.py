"""Pages: waiting for me, a decision on an approval step, the approval rules.

Thin by rule: each view parses input, asks ``access`` / ``selectors`` / ``services`` and
renders; the API's handlers call the same functions.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from liaison.approvals import selectors, services
from liaison.approvals.access import access_approval_record, access_policy_agency
from liaison.approvals.forms import DecisionForm, PolicyForm
from liaison.approvals.selectors import current_step, policy_for
from liaison.core.errors import InvalidTransition
from liaison.core.forms import error_items
from liaison.core.views import domain_errors_as_http


@login_required
@domain_errors_as_http
def waiting(request: HttpRequest) -> HttpResponse:
    items = selectors.waiting_for(user=request.user)
    return render(request, "approvals/waiting.html", {"nav": "waiting", "items": items})


@login_required
@domain_errors_as_http
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The decision on the current approval step: approve with conditions, deny or
    return, each through ``services.approval_decide`` (which checks the table, the roles
    and the guards on the locked row)."""
    activity = access_approval_record(request.user, pk)
    form = DecisionForm(request.POST or None, initial={"decision": "approve"})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.approval_decide(
                actor=request.user,
                activity=activity,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
                conditions=form.cleaned_data["conditions"],
            )
        except InvalidTransition as exc:
            messages.error(request, exc.message)
            return redirect("activities:detail", pk=activity.pk)
        except ValidationError as exc:
            for field, texts in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, texts)
        else:
            activity.refresh_from_db()
            messages.success(
                request, f"Done: the request is now {activity.get_status_display().lower()}."
            )
            return redirect("activities:detail", pk=activity.pk)
    if request.method == "POST":
        status = 422
    context = {
        "nav": "activities",
        "activity": activity,
        "step": current_step(activity),
        "form": form,
        "errors": error_items(form) if form.is_bound else [],
    }
    return render(request, "approvals/decide.html", context, status=status)


@login_required
@domain_errors_as_http
def policy_list(request: HttpRequest) -> HttpResponse:
    policies = selectors.policies_visible_to(request.user)
    return render(request, "approvals/policy_list.html", {"nav": "rules", "policies": policies})


@login_required
@domain_errors_as_http
def policy_edit(request: HttpRequest, agency_id: int) -> HttpResponse:
    agency = access_policy_agency(request.user, agency_id)
    policy = policy_for(agency)
    initial = {
        "approver_role": policy.approver_role,
        "higher_command_role": policy.higher_command_role,
        "cost_threshold": policy.cost_threshold,
        "advisory_level_threshold": policy.advisory_level_threshold,
        "countries": ", ".join(policy.countries or []),
        "foreign_ministry_inbound": policy.foreign_ministry_inbound,
    }
    form = PolicyForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.approval_policy_update(
                    actor=request.user,
                    agency=agency,
                    approver_role=data["approver_role"],
                    higher_command_role=data["higher_command_role"],
                    cost_threshold=data["cost_threshold"],
                    advisory_level_threshold=data["advisory_level_threshold"],
                    countries_list=[c for c in data["countries"].split(",") if c.strip()],
                    foreign_ministry_inbound=data["foreign_ministry_inbound"],
                )
            except ValidationError as exc:
                for field, texts in exc.message_dict.items():
                    name = "countries" if field.startswith("countries") else field
                    form.add_error(name if name in form.fields else None, texts)
            else:
                messages.success(request, f"Approval rules of {agency.name} saved.")
                return redirect("approvals:policy_list")
    context = {
        "nav": "rules",
        "agency": agency,
        "form": form,
        "errors": error_items(form) if form.is_bound else [],
    }
    return render(request, "approvals/policy_form.html", context, status=status)
