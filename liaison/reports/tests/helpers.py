"""A trip that ended, its participant (the ``employee_record`` persona) and a started
report: what most report tests begin from."""

from __future__ import annotations

import datetime as dt
from typing import Any

from liaison.accounts.models import User
from liaison.activities.models import Activity, Participation
from liaison.activities.tests.factories import ActivityFactory, ParticipationFactory
from liaison.people.models import Employee
from liaison.reports.models import EvaluationReport
from liaison.reports.services import ReportInput, report_create, report_update
from liaison.reports.tests.factories import FULL_CONTENT


def ended_trip(agency: Any, *, end: dt.date = dt.date(2026, 10, 9), **kw: Any) -> Activity:
    return ActivityFactory.create(
        agency=agency, start_date=end - dt.timedelta(days=4), end_date=end, **kw
    )


def participant(activity: Activity, employee: Employee) -> Participation:
    return ParticipationFactory.create(
        activity=activity,
        employee=employee,
        name_at_time=employee.full_name,
        unit_at_time=employee.unit or "Metropolitan Division",
    )


def started_report(
    user: User, employee: Employee, activity: Activity | None = None
) -> EvaluationReport:
    activity = activity or ended_trip(employee.agency)
    p = participant(activity, employee)
    return report_create(actor=user, activity=activity, participations=[p])


def full_input(**overrides: Any) -> ReportInput:
    values: dict[str, Any] = dict(
        FULL_CONTENT,
        topics=["crowd control"],
        recommendations=[
            "Form police liaison teams for demonstrations of more than 500 people.",
            "Keep a written decision log for every public order commander.",
        ],
    )
    values.update(overrides)
    return ReportInput(**values)


def filled_report(user: User, employee: Employee, **overrides: Any) -> EvaluationReport:
    report = started_report(user, employee)
    return report_update(actor=user, report=report, data=full_input(**overrides))
