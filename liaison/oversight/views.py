"""The oversight summary page: the registry in figures, for overseers and coordinators.

Thin by rule: ``require_oversight`` decides who may see it (403 for everyone else),
``registry_summary`` computes the figures (the API serves the same dictionary), and the
view only arranges them for the template.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django_countries import countries

from liaison.core.forms import error_items
from liaison.core.views import domain_errors_as_http
from liaison.funding.selectors import disclosure_status
from liaison.oversight.access import oversight_agencies, require_oversight
from liaison.oversight.forms import SummaryFilterForm
from liaison.oversight.selectors import outcome_figures, registry_summary


def _chart(
    rows: list[dict[str, Any]],
    *,
    key: str,
    label: str,
    caption: str,
    heading: str,
    employees: bool = False,
) -> dict[str, Any]:
    """One breakdown as the template draws it: a table whose count cell carries a bar
    as long as the count relative to the largest (the number is always printed too)."""
    return {
        "key": key,
        "heading": heading,
        "caption": caption,
        "label": label,
        "rows": rows,
        "employees": employees,
        "max": max((row["activities"] for row in rows), default=0),
    }


@login_required
@domain_errors_as_http
def summary(request: HttpRequest) -> HttpResponse:
    require_oversight(request.user)
    agencies = list(oversight_agencies(request.user))
    form = SummaryFilterForm(request.GET, agencies=agencies)
    context: dict[str, Any] = {
        "nav": "oversight",
        "form": form,
        "agencies": agencies,
        "filter_errors": error_items(form),
        # Funding disclosure (ADR 0019): not filtered, its own panel.
        "funding": disclosure_status(user=request.user, today=timezone.localdate()),
    }
    if not form.is_valid():
        # No figures for a filter that did not parse: numbers that ignore part of what
        # the reader asked for would be read as an answer to it.
        return render(request, "oversight/summary.html", context)
    figures = registry_summary(user=request.user, filters=form.summary_filters())
    figures["outcomes"] = outcome_figures(user=request.user, agency_id=figures["agency_id"])
    home = countries.name(figures["home_country"]) or figures["home_country"]
    charts = [
        _chart(
            [{**r, "label": r["year"]} for r in figures["by_year"]],
            key="year",
            label="Year",
            heading="By year",
            employees=True,
            caption="Activities and distinct employees by the year the activity started",
        ),
        _chart(
            [{**r, "label": r["name"]} for r in figures["by_country"]],
            key="country",
            label="Country",
            heading="By foreign country",
            employees=True,
            caption="Activities and distinct employees by foreign country of the activity "
            f"(an activity held in several countries counts in each; {home} and virtual "
            "events are not counted)",
        ),
        _chart(
            [{**r, "label": r["name"]} for r in figures["by_category"]],
            key="category",
            label="Category",
            heading="By category",
            caption="Activities by category",
        ),
        _chart(
            figures["by_direction"],
            key="direction",
            label="Direction",
            heading="By direction",
            caption="Activities by direction",
        ),
        _chart(
            figures["by_status"],
            key="status",
            label="Status",
            heading="By status",
            caption="Activities by status (the statuses counted)",
        ),
    ]
    context.update({"summary": figures, "charts": charts, "agency_id": figures["agency_id"]})
    return render(request, "oversight/summary.html", context)
