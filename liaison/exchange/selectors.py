"""Reads for the exchange: the activity export's rows, and the import batches.

The export is the activity list itself: ``activities.selectors.activity_list`` (the
list page's and the API's selector, which starts from ``activities_visible_to``), read as
values with the relations the format writes (``export_value_rows``, ADR 0027), so a
filter narrows the file exactly as it narrows the list, and no filter widens what the
user may see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

from django.db.models import QuerySet

from liaison.activities.models import Activity, Location, Participation
from liaison.activities.selectors import ActivityFilters, activity_list
from liaison.approvals.models import DECIDED_STATES, ApprovalStep
from liaison.exchange import spec
from liaison.exchange.access import batches_visible_to
from liaison.exchange.models import ImportBatch
from liaison.funding.models import Contribution
from liaison.reports.models import EvaluationReport, ReportAuthor

# Activities per chunk: their relations are read in one query per relation and chunk,
# so a million rows cost ~ 1,000,000 / CHUNK × 7 queries, and memory holds one chunk.
CHUNK = 2000

# The activity's own cells (and the keys of its relations), in one query: the joins are
# to-one (agency, category, organisations, the import record), so one row per activity.
_ACTIVITY_FIELDS = (
    "id",
    "agency__ori_code",
    "import_record__id",
    "import_record__source_system",
    "import_record__source_id",
    "title",
    "direction",
    "kind",
    "category__slug",
    "purpose",
    "justification",
    "start_date",
    "end_date",
    "estimated_cost",
    "status",
    "host_organisation__name",
    "host_organisation__country",
    "organiser_organisation__name",
    "organiser_organisation__country",
    "recorded_at",
    "not_on_record",
)


def _grouped(rows: Iterable[tuple[Any, ...]]) -> dict[Any, list[Any]]:
    """``(key, value)`` pairs as ``{key: [value, …]}``, in the order the rows came."""
    grouped: dict[Any, list[Any]] = {}
    for key, value in rows:
        if key in grouped:
            grouped[key].append(value)
        else:
            grouped[key] = [value]
    return grouped


def _relations(ids: list[int]) -> tuple[dict[Any, list[Any]], ...]:
    """The list cells of the activities ``ids``: one ``values_list`` query per relation,
    each in the order the format writes the list (ADR 0022), grouped by activity."""
    join = spec.join_fields
    label = spec.participant_label
    locations = _grouped(
        (a, spec.location_cell(country, city))
        for a, country, city in Location.objects.filter(activity_id__in=ids)
        .order_by("position", "id")
        .values_list("activity_id", "country", "city")
    )
    topics = _grouped(
        Activity.topics.through.objects.filter(activity_id__in=ids)
        .order_by("topic__name")
        .values_list("activity_id", "topic__name")
    )
    participants = _grouped(
        (a, join([serial, name, rank, unit, agency, role]))
        for a, serial, name, rank, unit, agency, role in Participation.objects.filter(
            activity_id__in=ids
        )
        .order_by("id")
        .values_list(
            "activity_id",
            "employee__serial_number",
            "name_at_time",
            "rank_at_time",
            "unit_at_time",
            "agency_at_time",
            "role",
        )
    )
    funding = _grouped(
        (
            c[0],
            join(
                [
                    *c[1:6],
                    c[6].normalize() if c[6] is not None else None,
                    *c[7:12],
                    label(c[12], c[13], c[14]),
                ]
            ),
        )
        for c in Contribution.objects.filter(activity_id__in=ids)
        .order_by("id")
        .values_list(
            "activity_id",
            "funder__name",
            "funder__funder_type",
            "paid_for",
            "amount",
            "currency",
            "usd_rate",
            "rate_date",
            "paid_on",
            "grant_identifier",
            "description",
            "valuation_method",
            "participation_id",
            "participation__employee__serial_number",
            "participation__name_at_time",
        )
    )
    approvals = _grouped(
        (s[0], join(list(s[1:])))
        for s in ApprovalStep.objects.filter(activity_id__in=ids, state__in=DECIDED_STATES)
        .order_by("round", "position", "id")
        .values_list(
            "activity_id",
            "kind",
            "role",
            "state",
            "decided_at",
            "decided_by_name",
            "decided_by_rank",
            "reason",
            "conditions",
        )
    )
    authors = _grouped(
        (report, label(participation, serial, name))
        for report, participation, serial, name in ReportAuthor.objects.filter(
            report__activity_id__in=ids
        )
        .order_by("participation_id")
        .values_list(
            "report_id",
            "participation_id",
            "participation__employee__serial_number",
            "participation__name_at_time",
        )
    )
    reports = _grouped(
        (
            a,
            join(
                [
                    status,
                    submitted.astimezone(dt.UTC).date() if submitted else None,
                    spec.AUTHOR_SEPARATOR.join(authors.get(report, ())),
                ]
            ),
        )
        for report, a, status, submitted in EvaluationReport.objects.filter(activity_id__in=ids)
        .order_by("id")
        .values_list("id", "activity_id", "status", "submitted_at")
    )
    return locations, topics, participants, funding, approvals, reports


def export_value_rows(qs: QuerySet[Activity], *, chunk: int = CHUNK) -> Iterator[list[Any]]:
    """The activities of ``qs``, in its order, as rows of the export's cell values (in
    ``spec.HEADERS`` order), read as values, never as model instances (ADR 0027).

    The activities stream through ``.iterator()`` (a server-side cursor on PostgreSQL);
    per chunk of ``chunk`` activities, one query per relation fills the list cells. Memory
    holds one chunk, however many rows."""
    liaison = spec.LIAISON_SYSTEM
    no_items: list[str] = []
    steps = spec.steps_cell
    org = spec.organisation_cell
    rows = qs.values_list(*_ACTIVITY_FIELDS).iterator(chunk_size=chunk)
    while batch := list(islice(rows, chunk)):
        locations, topics, participants, funding, approvals, reports = _relations(
            [r[0] for r in batch]
        )
        for (pk, ori, record, system, source, title, direction, kind, category, purpose,
             justification, start, end, cost, status, host, host_country, organiser,
             organiser_country, recorded_at, not_on_record) in batch:  # fmt: skip
            yield [
                str(system) if record is not None else liaison.format(ori=ori),
                str(source) if record is not None else str(pk),
                title,
                direction,
                kind,
                category,
                topics.get(pk, no_items),
                purpose,
                justification,
                start,
                end,
                cost,
                status,
                org(host, host_country),
                org(organiser, organiser_country),
                locations.get(pk, no_items),
                participants.get(pk, no_items),
                funding.get(pk, no_items),
                approvals.get(pk, no_items),
                reports.get(pk, no_items),
                recorded_at,
                steps(not_on_record),
            ]


def activity_export(*, user: Any, filters: ActivityFilters) -> QuerySet[Activity]:
    """The activities the list shows ``user`` under ``filters``, in the list's order: the
    list's own selector (``activity_list``, which starts from ``activities_visible_to``),
    so the export and the list are two doors with one rule."""
    return activity_list(user=user, filters=filters)


def activity_export_rows(*, user: Any, filters: ActivityFilters) -> Iterator[list[Any]]:
    """``activity_export`` as rows of cell values, streamed in chunks: constant memory
    however many rows."""
    return export_value_rows(activity_export(user=user, filters=filters))


def batch_list(*, user: Any) -> QuerySet[ImportBatch]:
    """The imports of the agencies where ``user`` imports, newest first (without the
    files' bytes and row plans, which a list does not show)."""
    return (
        batches_visible_to(user)
        .defer("content", "plan", "errors")
        .select_related("agency", "uploaded_by")
        .order_by("-uploaded_at", "-id")
    )
