"""The oversight page and its API summary count evaluation reports: overdue, awaiting
review, and filed-but-insufficient (legacy one-liners)."""

from __future__ import annotations

import datetime as dt

from conftest import client_for
from liaison.accounts.models import User
from liaison.people.models import Employee
from liaison.reports.services import ImportedReport, ReportInput, report_import
from liaison.reports.tests.helpers import ended_trip, participant


def test_the_summary_counts_overdue_and_insufficient_reports(
    clerk: User, inspector: User, employee_record: Employee, outsider: User
) -> None:
    agency = employee_record.agency
    legacy = ended_trip(agency, end=dt.date(2016, 5, 1))
    report_import(
        actor=clerk, activity=legacy,
        data=ImportedReport(
            participations=[participant(legacy, employee_record)],
            content=ReportInput(key_takeaways="The course was very informative."),
        ),
    )  # fmt: skip
    ended_trip_owed = ended_trip(agency, end=dt.date(2020, 1, 10))
    participant(ended_trip_owed, employee_record)
    figures = client_for(inspector).get("/api/v1/oversight/summary").json()
    assert figures["evaluation_reports"] == {
        "overdue": 1, "due_soon": 0, "submitted_awaiting_review": 0, "returned": 0,
        "acknowledged": 1, "insufficient": 1,
    }  # fmt: skip
    page = client_for(inspector).get("/oversight/").content.decode()
    assert 'data-figure="reports_insufficient">1<' in page
    other = client_for(outsider).get("/api/v1/oversight/summary").json()
    assert other["evaluation_reports"]["insufficient"] == 0
