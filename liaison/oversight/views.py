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

from liaison.core.views import domain_errors_as_http
from liaison.oversight.access import oversight_agencies, require_oversight
from liaison.oversight.selectors import registry_summary


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
    raw = request.GET.get("agency", "")
    agency_id = int(raw) if raw.isdigit() else None
    figures = registry_summary(user=request.user, agency_id=agency_id)
    charts = [
        _chart(
            [{**r, "label": r["year"]} for r in figures["by_year"]],
            key="year",
            label="Year",
            heading="By year",
            employees=True,
            caption="Activities and distinct employees by year the activity started",
        ),
        _chart(
            [{**r, "label": r["name"]} for r in figures["by_country"]],
            key="country",
            label="Country",
            heading="By country",
            employees=True,
            caption="Activities and distinct employees by country of the activity "
            "(an activity held in several countries counts in each)",
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
            caption="Activities by status",
        ),
    ]
    return render(
        request,
        "oversight/summary.html",
        {
            "nav": "oversight",
            "summary": figures,
            "charts": charts,
            "agencies": agencies,
            "agency_id": agency_id,
        },
    )
