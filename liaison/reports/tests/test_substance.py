"""Substance rules: a one-line statement is refused on submission, naming what is
missing; a draft may be incomplete; the minimums are the agency's settings."""

from __future__ import annotations

import pytest

from liaison.accounts.models import Agency, User
from liaison.core.errors import InvalidTransition
from liaison.people.models import Employee
from liaison.reports.models import ReportStatus
from liaison.reports.services import (
    POLICY_FIELDS,
    ReportInput,
    report_policy_update,
    report_transition,
    report_update,
)
from liaison.reports.tests.helpers import filled_report, full_input, started_report

ONE_LINE = "Attended the course, it was very informative and useful for the department."


def test_a_draft_may_be_incomplete(employee_user: User, employee_record: Employee) -> None:
    report = started_report(employee_user, employee_record)
    report = report_update(
        actor=employee_user, report=report, data=ReportInput(key_takeaways=ONE_LINE)
    )
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert report.key_takeaways == ONE_LINE


def test_it_refuses_a_one_line_report_and_names_the_missing_parts(
    employee_user: User, employee_record: Employee
) -> None:
    report = started_report(employee_user, employee_record)
    report_update(actor=employee_user, report=report, data=ReportInput(key_takeaways=ONE_LINE))
    with pytest.raises(InvalidTransition) as refused:
        report_transition(actor=employee_user, report=report, name="submit")
    message = refused.value.message
    for part in ("Purpose: missing", "Itinerary and units visited: missing",
                 "Practical applications: missing", "Potential benefits: missing",
                 "Recommendations: 0 given", "Topics covered: 0 given"):  # fmt: skip
        assert part in message
    assert f"Key takeaways: too short ({len(ONE_LINE)} characters; at least 200" in message
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    assert report.submitted_at is None
    assert report.authors.get().signed_at is None


def test_a_full_report_is_submitted_and_signed_by_its_submitter(
    employee_user: User, employee_record: Employee
) -> None:
    report = filled_report(employee_user, employee_record)
    report_transition(actor=employee_user, report=report, name="submit")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.authors.get().signed_at is not None


def test_the_minimums_are_the_agencys_setting(
    agency: Agency, clerk: User, employee_user: User, employee_record: Employee
) -> None:
    values = {name: 0 for name in POLICY_FIELDS} | {
        "due_days": 30, "reminder_interval_days": 7, "min_key_takeaways": 50,
    }  # fmt: skip
    report_policy_update(actor=clerk, agency=agency, **values)
    report = started_report(employee_user, employee_record)
    report_update(actor=employee_user, report=report, data=ReportInput(key_takeaways=ONE_LINE))
    report_transition(actor=employee_user, report=report, name="submit")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED


def test_a_group_report_waits_for_every_author(
    agency: Agency, employee_user: User, employee_record: Employee
) -> None:
    from liaison.accounts.tests.factories import user_with_role
    from liaison.people.tests.factories import EmployeeFactory
    from liaison.reports.services import report_create, report_sign
    from liaison.reports.tests.helpers import ended_trip, participant

    colleague_user = user_with_role("employee", agency, "colleague")
    colleague = EmployeeFactory.create(agency=agency, user=colleague_user, last_name="Okafor")
    trip = ended_trip(agency)
    mine, theirs = participant(trip, employee_record), participant(trip, colleague)
    report = report_create(actor=employee_user, activity=trip, participations=[mine, theirs])
    report_update(actor=employee_user, report=report, data=full_input())
    with pytest.raises(InvalidTransition, match=r"still to sign: .*Okafor"):
        report_transition(actor=employee_user, report=report, name="submit")
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT
    report_sign(actor=colleague_user, report=report)
    report_transition(actor=employee_user, report=report, name="submit")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
