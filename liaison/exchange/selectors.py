"""Reads for the exchange: the activity export's rows, and the import batches.

The export is the activity list itself: ``activities.selectors.activity_list`` (the
list page's and the API's selector, which starts from ``activities_visible_to``), read as
values with the relations the format writes (``export_value_rows``, ADR 0027), so a
filter narrows the file exactly as it narrows the list, and no filter widens what the
user may see.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Generator, Iterable, Iterator
from itertools import islice
from typing import Any

from django.db.models import FilteredRelation, Q, QuerySet

from liaison.activities.models import Activity, Location, Participation
from liaison.activities.selectors import ActivityFilters, activity_list
from liaison.approvals.models import DECIDED_STATES, ApprovalStep
from liaison.core.streaming import streaming_transaction
from liaison.core.tabular import csv_value_batches
from liaison.exchange import spec
from liaison.exchange.access import batches_visible_to
from liaison.exchange.models import ImportBatch
from liaison.funding.models import Contribution
from liaison.reports.models import EvaluationReport, ReportAuthor

# Rows fetched per round trip by each of the export's streams (the activities and one per
# relation): memory holds one such chunk per stream, however many rows.
CHUNK = 2000

# The activity's own cells, in one query: the joins are to-one (agency, category,
# organisations, the import record), so one row per activity.
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

_NOTHING: list[Any] = []


class _Stream:
    """``(key, item)`` pairs in key order, taken a key at a time (a merge join)."""

    __slots__ = ("head", "rows")

    def __init__(self, rows: Iterable[tuple[Any, Any]]) -> None:
        self.rows = iter(rows)
        self.head = next(self.rows, None)

    def take(self, key: Any) -> list[Any]:
        """The items of ``key``: the pairs at the head of the stream with that key."""
        head = self.head
        if head is None or head[0] != key:
            return _NOTHING
        items = []
        rows = self.rows
        while head is not None and head[0] == key:
            items.append(head[1])
            head = next(rows, None)
        self.head = head
        return items

    def check_finished(self, what: str) -> None:
        if self.head is not None:
            raise RuntimeError(f"The export's {what} did not come in the activities' order.")


def _in_activity_order(
    qs: QuerySet[Activity], related: QuerySet[Any], path: str, *own_order: str
) -> QuerySet[Any]:
    """``related`` (rows reached from an activity through ``path``) for the activities of
    ``qs``, sorted first as ``qs`` sorts its activities, then by ``own_order``: the order
    the merge in ``export_value_rows`` reads them in."""
    order = []
    for term in qs.query.order_by or Activity._meta.ordering or ():
        if not isinstance(term, str) or "__" in term or term.startswith("?"):
            raise ValueError(f"The activity export cannot follow the ordering {term!r}.")
        descending = term.startswith("-")
        name = term.removeprefix("-")
        order.append(f"{'-' if descending else ''}{path}__{'id' if name == 'pk' else name}")
    return related.filter(**{f"{path}__in": qs.values("pk")}).order_by(*order, *own_order)


def _relations(qs: QuerySet[Activity], chunk: int) -> dict[str, _Stream]:
    """One stream per list cell of ``qs``'s activities, each one query in the activities'
    order (then in the order the format writes the list, ADR 0022), read as values."""
    join = spec.join_fields
    label = spec.participant_label
    location = spec.location_cell

    def rows(related: QuerySet[Any], path: str, order: tuple[str, ...], *fields: str) -> Any:
        return (
            _in_activity_order(qs, related, path, *order)
            .values_list(*fields)
            .iterator(chunk_size=chunk)
        )

    locations = (
        (a, location(country, city))
        for a, country, city in rows(
            Location.objects.all(), "activity", ("position", "id"),
            "activity_id", "country", "city",
        )
    )  # fmt: skip
    topics = rows(
        Activity.topics.through.objects.all(), "activity", ("topic__name",),
        "activity_id", "topic__name",
    )  # fmt: skip
    participants = (
        (a, join([serial, name, rank, unit, agency, role]))
        for a, serial, name, rank, unit, agency, role in rows(
            Participation.objects.all(), "activity", ("id",),
            "activity_id", "employee__serial_number", "name_at_time", "rank_at_time",
            "unit_at_time", "agency_at_time", "role",
        )
    )  # fmt: skip
    funding = (
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
        for c in rows(
            Contribution.objects.all(), "activity", ("id",),
            "activity_id", "funder__name", "funder__funder_type", "paid_for", "amount",
            "currency", "usd_rate", "rate_date", "paid_on", "grant_identifier",
            "description", "valuation_method", "participation_id",
            "participation__employee__serial_number", "participation__name_at_time",
        )
    )  # fmt: skip
    approvals = (
        (step[0], join(list(step[1:])))
        for step in rows(
            ApprovalStep.objects.filter(state__in=DECIDED_STATES), "activity",
            ("round", "position", "id"),
            "activity_id", "kind", "role", "state", "decided_at", "decided_by_name",
            "decided_by_rank", "reason", "conditions",
        )
    )  # fmt: skip
    authors = _Stream(
        (report, label(participation, serial, name))
        for report, participation, serial, name in rows(
            ReportAuthor.objects.all(), "report__activity", ("report_id", "participation_id"),
            "report_id", "participation_id", "participation__employee__serial_number",
            "participation__name_at_time",
        )
    )  # fmt: skip
    reports = (
        (
            a,
            join(
                [
                    status,
                    submitted.astimezone(dt.UTC).date() if submitted else None,
                    spec.AUTHOR_SEPARATOR.join(authors.take(report)),
                ]
            ),
        )
        for report, a, status, submitted in rows(
            EvaluationReport.objects.all(), "activity", ("id",),
            "id", "activity_id", "status", "submitted_at",
        )
    )  # fmt: skip
    return {
        "locations": _Stream(locations),
        "topics": _Stream(topics),
        "participants": _Stream(participants),
        "funding": _Stream(funding),
        "approvals": _Stream(approvals),
        "reports": _Stream(reports),
        "report authors": authors,
    }


def export_value_rows(qs: QuerySet[Activity], *, chunk: int = CHUNK) -> Iterator[list[Any]]:
    """The activities of ``qs``, in its order, as rows of the export's cell values (in
    ``spec.HEADERS`` order), read as values, never as model instances (ADR 0027).

    One query for the activities and one per relation, each sorted in the activities'
    order and read through ``.iterator()`` (server-side cursors on PostgreSQL), merged as
    they stream: memory holds a chunk of each stream, however many rows."""
    for _, row in keyed_value_rows(qs, chunk=chunk):
        yield row


def keyed_value_rows(
    qs: QuerySet[Activity], *, chunk: int = CHUNK
) -> Iterator[tuple[int, list[Any]]]:
    """``export_value_rows`` with each row's activity id: ``(id, row)``."""
    liaison = spec.LIAISON_SYSTEM
    steps = spec.steps_cell
    org = spec.organisation_cell
    activities = qs.values_list(*_ACTIVITY_FIELDS).iterator(chunk_size=chunk)
    streams = _relations(qs, chunk)
    locations, topics, participants, funding, approvals, reports = (
        streams[name].take
        for name in ("locations", "topics", "participants", "funding", "approvals", "reports")
    )
    for (pk, ori, record, system, source, title, direction, kind, category, purpose,
         justification, start, end, cost, status, host, host_country, organiser,
         organiser_country, recorded_at, not_on_record) in activities:  # fmt: skip
        yield (
            pk,
            [
                str(system) if record is not None else liaison.format(ori=ori),
                str(source) if record is not None else str(pk),
                title,
                direction,
                kind,
                category,
                topics(pk),
                purpose,
                justification,
                start,
                end,
                cost,
                status,
                org(host, host_country),
                org(organiser, organiser_country),
                locations(pk),
                participants(pk),
                funding(pk),
                approvals(pk),
                reports(pk),
                recorded_at,
                steps(not_on_record),
            ],
        )
    for name, stream in streams.items():
        stream.check_finished(name)


def activity_export(*, user: Any, filters: ActivityFilters) -> QuerySet[Activity]:
    """The activities the list shows ``user`` under ``filters``, in the list's order: the
    list's own selector (``activity_list``, which starts from ``activities_visible_to``),
    so the export and the list are two doors with one rule."""
    return activity_list(user=user, filters=filters)


def activity_export_rows(*, user: Any, filters: ActivityFilters) -> Iterator[list[Any]]:
    """``activity_export`` as rows of cell values, streamed in chunks: constant memory
    however many rows."""
    return export_value_rows(activity_export(user=user, filters=filters))


def export_csv_chunks(
    qs: QuerySet[Activity],
    *,
    window: int = CHUNK,
    on_missing: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """The CSV export of ``qs`` (header, then one line per activity, in ``qs``'s order),
    from the stored lines (ADR 0031): the same bytes as ``csv_value_batches`` over
    ``export_value_rows(qs)``.

    One query: ``qs`` (same selector, filters, visibility rule and order) left-joined to
    each activity's stored line of the current format, streamed ``window`` rows at a time.
    The activities of a window with no current line (new, changed, or written by another
    format) are rendered there and then by the values path (``keyed_value_rows`` of just
    those ids), and the window is written in ``qs``'s order. If most of the first
    window's lines are missing (a cold export), the whole file is written by the values
    path instead (``export_value_rows``, ADR 0027): the same bytes, faster than rendering
    scattered ids window by window. Nothing is written to the
    database; ``on_missing(count)`` is called once, after the file, if lines were
    missing (the caller enqueues the refresh)."""
    header = io.StringIO()
    csv.writer(header, lineterminator="\r\n").writerow(spec.HEADERS)
    yield header.getvalue()
    with streaming_transaction(qs.db):
        missing_total = yield from _stored_line_chunks(qs, window)
    # After the transaction: the refresh's task row is written by a connection that is
    # back in autocommit, so it is enqueued whatever happens to the read.
    if missing_total and on_missing is not None:
        on_missing(missing_total)  # -1: most were missing, the count was not taken


def _stored_line_chunks(qs: QuerySet[Activity], window: int) -> Generator[str, None, int]:
    """``export_csv_chunks``'s body after the header; returns the missing count."""
    from liaison.exchange.lines import line_format, rendered_lines

    current = FilteredRelation("export_line", condition=Q(export_line__format=line_format()))
    stored = qs.annotate(stored=current).values_list("pk", "stored__line").iterator(window)
    missing_total = 0
    first = True
    while True:
        rows = list(islice(stored, window))
        if not rows:
            break
        if first and 2 * sum(line is None for _, line in rows) > len(rows):
            # Cold (most lines missing: a deploy that changed the format, a change to
            # many activities): the values path over the whole export, whose sorted
            # streams beat rendering window by window from scattered ids (ADR 0031).
            del rows
            stored.close()  # type: ignore[attr-defined]
            lines = csv_value_batches(spec.HEADERS, export_value_rows(qs))
            next(lines)  # its header, already sent
            missing_total = -1
            yield from lines
            break
        first = False
        missing = [pk for pk, line in rows if line is None]
        if missing:
            missing_total += len(missing)
            rendered = rendered_lines(missing)
            # An activity deleted since the window was read is left out.
            yield "".join([line if line is not None else rendered.get(pk, "") for pk, line in rows])
        else:
            yield "".join([line for _, line in rows])
    return missing_total


def activity_export_csv(
    *, user: Any, filters: ActivityFilters, on_missing: Callable[[int], None] | None = None
) -> Iterator[str]:
    """``activity_export`` as CSV text, from the stored lines (``export_csv_chunks``)."""
    return export_csv_chunks(activity_export(user=user, filters=filters), on_missing=on_missing)


def batch_list(*, user: Any) -> QuerySet[ImportBatch]:
    """The imports of the agencies where ``user`` imports, newest first (without the
    files' bytes and row plans, which a list does not show)."""
    return (
        batches_visible_to(user)
        .defer("content", "plan", "errors")
        .select_related("agency", "uploaded_by")
        .order_by("-uploaded_at", "-id")
    )
