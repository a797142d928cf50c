"""Evaluation reports as a file (issue 9, ADR 0025): ``REPORTS``, read from the rows of
``selectors.report_list`` (the report list's own selector, its prefetches included), and
registered in ``ReportsConfig.ready`` for the data dictionary.

The contacts made are left out: they are restricted records (vetting), shown on the
report page only to those who may read them; a file that leaves the system cannot keep
that rule, so the export carries the report's own text and not the contacts."""

from __future__ import annotations

from typing import Any

from liaison.activities.models import Origin
from liaison.core.tabular import CODE, DATE, DATETIME, INTEGER, LIST, Column, ExportSpec
from liaison.reports.workflow import ReportStatus


def _authors(report: Any) -> list[str]:
    # The prefetched authors (``selectors.with_relations``): no query per row.
    names = []
    for author in report.authors.all():
        p = author.participation
        names.append(p.name_at_time or (p.employee.full_name if p.employee else str(p)))
    return names


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
        Column("authors", "The participants who wrote it, by name as recorded.", _authors, LIST),
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
            lambda r: [t.name for t in r.topics.all()],
            LIST,
        ),
        Column(
            "recommendations",
            "The report's recommendations, in order.",
            lambda r: [rec.text for rec in r.recommendations.all()],
            LIST,
        ),
    ),
)
