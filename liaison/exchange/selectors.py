"""Reads for the exchange: the activity export's rows, and the import batches.

The export is the activity list itself: ``activities.selectors.activity_list`` (the
list page's and the API's selector, which starts from ``activities_visible_to``) with the
relations the format writes prefetched, so a filter narrows the file exactly as it
narrows the list, and no filter widens what the user may see.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db.models import Prefetch, QuerySet

from liaison.activities.models import Activity, Location, Participation
from liaison.activities.selectors import ActivityFilters, activity_list
from liaison.approvals.models import DECIDED_STATES, ApprovalStep
from liaison.exchange.access import batches_visible_to
from liaison.exchange.models import ImportBatch
from liaison.funding.models import Contribution
from liaison.reports.models import EvaluationReport, ReportAuthor

# Rows fetched per round trip when streaming: each chunk also runs one query per
# prefetched relation, so a million rows cost ~ 1,000,000 / CHUNK × 8 queries.
CHUNK = 2000


def export_queryset(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    """``qs`` with everything the exchange format writes, in a fixed number of queries
    per chunk and in the order the format writes lists."""
    participant = Participation.objects.select_related("employee")
    return qs.select_related(
        "agency", "category", "host_organisation", "organiser_organisation", "import_record"
    ).prefetch_related(
        Prefetch("locations", queryset=Location.objects.order_by("position", "id")),
        Prefetch("topics"),
        Prefetch("participations", queryset=participant.order_by("id")),
        Prefetch(
            "contributions",
            queryset=Contribution.objects.select_related(
                "funder", "participation__employee"
            ).order_by("id"),
        ),
        Prefetch(
            "approval_steps",
            queryset=ApprovalStep.objects.filter(state__in=DECIDED_STATES).order_by(
                "round", "position", "id"
            ),
        ),
        Prefetch(
            "evaluation_reports",
            queryset=EvaluationReport.objects.order_by("id").prefetch_related(
                Prefetch(
                    "authors",
                    queryset=ReportAuthor.objects.select_related(
                        "participation__employee"
                    ).order_by("participation_id"),
                )
            ),
        ),
    )


def activity_export(*, user: Any, filters: ActivityFilters) -> QuerySet[Activity]:
    """The activities the list shows ``user`` under ``filters``, in the list's order,
    ready for the exchange format."""
    return export_queryset(activity_list(user=user, filters=filters))


def activity_export_rows(*, user: Any, filters: ActivityFilters) -> Iterator[Activity]:
    """``activity_export`` streamed in chunks: constant memory however many rows."""
    return activity_export(user=user, filters=filters).iterator(chunk_size=CHUNK)


def batch_list(*, user: Any) -> QuerySet[ImportBatch]:
    """The imports of the agencies where ``user`` imports, newest first (without the
    files' bytes and row plans, which a list does not show)."""
    return (
        batches_visible_to(user)
        .defer("content", "plan", "errors")
        .select_related("agency", "uploaded_by")
        .order_by("-uploaded_at", "-id")
    )
