"""The report export's reading of authors, topics and recommendations (``export_rows``:
plain values, a few queries per chunk) agrees with the report list's prefetched reading,
and does not grow with the number of reports."""

from __future__ import annotations

from typing import Any

import pytest

from liaison.activities.models import Topic
from liaison.activities.tests.factories import ActivityFactory, ParticipationFactory
from liaison.people.tests.factories import EmployeeFactory
from liaison.reports import selectors
from liaison.reports.exports import REPORTS, export_rows
from liaison.reports.tests.factories import AuthorFactory, RecommendationFactory, ReportFactory


def _report(clerk: Any, agency: Any, n: int) -> None:
    activity = ActivityFactory.create(agency=agency)
    report = ReportFactory.create(activity=activity, created_by=clerk)
    named = ParticipationFactory.create(activity=activity, name_at_time=f"Dana Reyes {n}")
    unnamed = ParticipationFactory.create(
        activity=activity,
        employee=EmployeeFactory.create(
            agency=agency, rank="Lt", first_name="Ana", last_name="Cruz"
        ),
    )
    AuthorFactory.create(report=report, participation=named)
    AuthorFactory.create(report=report, participation=unnamed)
    report.topics.add(Topic.objects.create(name=f"Zebra crossings {n}"))
    report.topics.add(Topic.objects.create(name=f"Aviation {n}"))
    RecommendationFactory.create(report=report, position=2, text="Second.")
    RecommendationFactory.create(report=report, position=1, text="First.")


def test_the_export_reads_what_the_list_reads(clerk: Any, agency: Any) -> None:
    for n in range(3):
        _report(clerk, agency, n)
    qs = selectors.report_list(user=clerk, filters=selectors.ReportFilters())
    listed = [REPORTS.values(report) for report in qs]
    exported = [REPORTS.values(report) for report in export_rows(qs)]
    assert exported == listed
    authors = REPORTS.headers.index("authors")
    assert exported[0][authors] == ["Dana Reyes 0", "Lt Ana Cruz"]
    assert exported[0][REPORTS.headers.index("recommendations")] == ["First.", "Second."]
    assert exported[0][REPORTS.headers.index("topics")] == ["Aviation 0", "Zebra crossings 0"]


@pytest.mark.parametrize("reports", [1, 6])
def test_the_export_reads_a_chunk_in_a_fixed_number_of_queries(
    clerk: Any, agency: Any, reports: int, django_assert_num_queries: Any
) -> None:
    for n in range(reports):
        _report(clerk, agency, n)
    qs = selectors.report_list(user=clerk, filters=selectors.ReportFilters())
    # The reports (with agency and activity), then authors, topics, recommendations.
    with django_assert_num_queries(4):
        assert len([REPORTS.values(report) for report in export_rows(qs)]) == reports
