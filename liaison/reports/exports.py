"""Evaluation reports as a file (issue 9, ADR 0025): ``REPORTS``, read from the rows of
``selectors.report_list`` (the report list's own selector, its prefetches included), and
registered in ``ReportsConfig.ready`` for the data dictionary.

The contacts made are left out: they are restricted records (vetting), shown on the
report page only to those who may read them; a file that leaves the system cannot keep
that rule, so the export carries the report's own text and not the contacts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet

from liaison.activities.models import Origin
from liaison.core.downloads import CHUNK_SIZE
from liaison.core.tabular import CODE, DATE, DATETIME, INTEGER, LIST, Column, ExportSpec
from liaison.reports.models import EvaluationReport, Recommendation, ReportAuthor
from liaison.reports.workflow import ReportStatus


def export_rows(reports: QuerySet[EvaluationReport]) -> Iterator[EvaluationReport]:
    """The rows of ``reports`` (the report list's own queryset: its filters and access
    rule) for the export, a chunk at a time, with each report's authors, topics and
    recommendations read in three queries per chunk as plain values.

    The list's ``prefetch_related`` would do the same reading through model instances and
    a queryset per report and relation, which measured ~1.5 ms a row and held its
    reference cycles until the garbage collector ran (bench/export_memory.py)."""
    chunk: list[EvaluationReport] = []
    rows = reports.prefetch_related(None).select_related("agency", "activity")
    for report in rows.iterator(chunk_size=CHUNK_SIZE):
        chunk.append(report)
        if len(chunk) == CHUNK_SIZE:
            yield from _with_lists(chunk)
            chunk = []
    yield from _with_lists(chunk)


def _with_lists(chunk: list[EvaluationReport]) -> list[EvaluationReport]:
    ids = [report.pk for report in chunk]
    authors: dict[int, list[str]] = defaultdict(list)
    for report_id, name, rank, first, last, external in (
        ReportAuthor.objects.filter(report_id__in=ids)
        .order_by("report_id", "id")
        .values_list(
            "report_id",
            "participation__name_at_time",
            "participation__employee__rank",
            "participation__employee__first_name",
            "participation__employee__last_name",
            "participation__external_person__full_name",
        )
    ):
        # As ``selectors.author_name``: the name recorded on the activity, else today's.
        today = " ".join(part for part in (rank, first, last) if part) or external or ""
        authors[report_id].append(name or today)
    topics: dict[int, list[str]] = defaultdict(list)
    for report_id, topic in (
        EvaluationReport.topics.through.objects.filter(evaluationreport_id__in=ids)
        .order_by("topic__name")
        .values_list("evaluationreport_id", "topic__name")
    ):
        topics[report_id].append(topic)
    recommendations: dict[int, list[str]] = defaultdict(list)
    for report_id, text in (
        Recommendation.objects.filter(report_id__in=ids)
        .order_by("report_id", "position", "id")
        .values_list("report_id", "text")
    ):
        recommendations[report_id].append(text)
    for report in chunk:
        report.export_lists = (  # type: ignore[attr-defined]
            authors[report.pk],
            topics[report.pk],
            recommendations[report.pk],
        )
    return chunk


def _lists(report: Any) -> tuple[list[str], list[str], list[str]]:
    """Authors, topics and recommendations: from ``export_rows``, or else read from the
    report's (prefetched) relations, so the spec also reads a plain report."""
    found = getattr(report, "export_lists", None)
    if found is not None:
        return found  # type: ignore[no-any-return]
    authors = []
    for author in report.authors.all():
        p = author.participation
        today = p.employee.full_name if p.employee else str(p.person or "")
        authors.append(p.name_at_time or today)
    return (
        authors,
        [t.name for t in report.topics.all()],
        [rec.text for rec in report.recommendations.all()],
    )


REPORTS = ExportSpec(
    name="reports",
    title="Evaluation reports",
    description=(
        "Post-activity evaluation reports, as the report list shows them (the same "
        "filters), with their text. The contacts made are not exported (restricted records)."
    ),
    columns=(
        Column("id", "Liaison's record number of the report.", lambda r: r.pk, INTEGER),
        Column(
            "agency",
            "The agency whose record this is, by its ORI code.",
            lambda r: r.agency.ori_code,
        ),
        Column(
            "activity_id",
            "Record number of the activity reported on.",
            lambda r: r.activity_id,
            INTEGER,
        ),
        Column("activity_title", "Title of the activity reported on.", lambda r: r.activity.title),
        Column(
            "status", "Where the report stands.", lambda r: r.status, CODE, ReportStatus.choices
        ),
        Column(
            "origin",
            "Entered in Liaison, or imported from an earlier record.",
            lambda r: r.origin,
            CODE,
            Origin.choices,
        ),
        Column(
            "authors",
            "The participants who wrote it, by name as recorded.",
            lambda r: _lists(r)[0],
            LIST,
        ),
        Column(
            "due_on",
            "When it is due (the activity's end plus the agency's period).",
            lambda r: r.due_on,
            DATE,
        ),
        Column(
            "resubmit_by",
            "When a returned report must come back (empty: not returned).",
            lambda r: r.resubmit_by,
            DATE,
        ),
        Column(
            "submitted_at",
            "When it was submitted (empty: not yet).",
            lambda r: r.submitted_at,
            DATETIME,
        ),
        Column(
            "acknowledged_at",
            "When a supervisor acknowledged it (empty: not yet).",
            lambda r: r.acknowledged_at,
            DATETIME,
        ),
        Column(
            "purpose", "Why the authors went: the report's purpose section.", lambda r: r.purpose
        ),
        Column("itinerary", "Itinerary and units visited.", lambda r: r.itinerary),
        Column("key_takeaways", "What the authors learned.", lambda r: r.key_takeaways),
        Column(
            "practical_applications",
            "How it could be applied in the department.",
            lambda r: r.practical_applications,
        ),
        Column(
            "potential_benefits", "What the department could gain.", lambda r: r.potential_benefits
        ),
        Column(
            "topics",
            "The topics the report covers.",
            lambda r: _lists(r)[1],
            LIST,
        ),
        Column(
            "recommendations",
            "The report's recommendations, in order.",
            lambda r: _lists(r)[2],
            LIST,
        ),
    ),
)
