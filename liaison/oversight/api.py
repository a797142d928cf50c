"""Oversight figures over the API. Mounted at /oversight.

The same selector and the same permission as the page at /oversight/: overseers and
coordinators read the figures of their agencies; anyone else gets 403.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from liaison.core.schemas import errors
from liaison.oversight.access import require_oversight
from liaison.oversight.schemas import SummaryOut, SummaryParams
from liaison.oversight.selectors import SummaryFilters, outcome_figures, registry_summary

router = Router(tags=["oversight"])


@router.get(
    "/summary",
    response={200: SummaryOut, **errors(403, 404)},
    operation_id="oversight_summary",
    url_name="oversight_summary",
    summary="The registry in figures (overseers and coordinators)",
)
def summary(request: HttpRequest, params: Query[SummaryParams]) -> dict[str, Any]:
    """Activities, distinct employees, and counts by year, country, category, direction
    and status, over every agency the caller oversees, or only ``agency`` (404 if the
    caller does not oversee it). Activities are counted by the date they started; by
    default drafts, denied and cancelled requests are not counted."""
    require_oversight(request.user)
    figures = registry_summary(
        user=request.user,
        filters=SummaryFilters(
            agency=params.agency,
            start_from=params.start_from,
            start_to=params.start_to,
            statuses=tuple(params.status),
            direction_groups=tuple(params.direction_group),
        ),
    )
    figures["outcomes"] = outcome_figures(user=request.user, agency_id=params.agency)
    return figures
