"""Evaluation reports (ADR 0017), through the services, from ``reports.csv``.

- ``imported``: the legacy record. Most reports of the past are one-line statements
  ("Attended the course. It was very informative.") — kept as they were, never refused
  (they predate the substance rules) and flagged "Insufficient: missing …" on every page.
  Seven are complete, with several recommendations each; one recommendation (A110, the
  host's early dispersal with less-lethal launchers) sits badly with the de-escalation
  directive, for the policy reviewers.
- ``entered``: the employee sign-in's own reports of 2025, made as she would: R11 was
  returned once for a vague itinerary, corrected, resubmitted and acknowledged by the
  commander; R12 waits for review. Her R13 trip has no report: it is overdue.
- ``started``: a draft the coordinator opened for the V01 participants, never filled in:
  overdue.

Recommendations are numbered by their place in the report (1, 2, …), so the outcomes
step can name one by activity key and position (A110 #3). Idempotent: an activity that
already has a report is left alone.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from liaison.activities.models import Activity
from liaison.demo.context import DemoContext, read_rows, split_list
from liaison.reports.models import EvaluationReport
from liaison.reports.services import (
    ImportedReport,
    ReportInput,
    report_create,
    report_import,
    report_transition,
    report_update,
)
from liaison.reports.workflow import CHECKLIST_KEYS

# Entered requests of approvals.csv, found by title (the approvals step made them).
ENTERED_TITLES = {
    "R11": "Human Trafficking Victim Interview Course",
    "R12": "Major Event Security Planning Seminar",
}
V01_TITLE = "Cybercrime Investigations Conference"


def load(ctx: DemoContext) -> None:
    for row in read_rows("reports.csv"):
        activity = _activity(ctx, row["key"])
        exists = EvaluationReport.objects.filter(activity=activity).exists()
        ctx.report.count("evaluation reports", not exists)
        if exists:
            continue
        {"imported": _imported, "entered": _entered, "started": _started}[row["route"]](
            ctx, row, activity
        )


def _activity(ctx: DemoContext, key: str) -> Activity:
    assert ctx.agency is not None
    # The approvals and vetting steps name their records' source with their key.
    if key in ENTERED_TITLES:
        title = ENTERED_TITLES[key]
    elif key == "V01":
        title = V01_TITLE
    else:
        return ctx.activity(key)
    return Activity.objects.get(agency=ctx.agency, title=title, source__contains=key)


def _content(row: dict[str, str], *, itinerary: str | None = None) -> ReportInput:
    return ReportInput(
        purpose=row["purpose"],
        itinerary=itinerary if itinerary is not None else row["itinerary"],
        key_takeaways=row["key_takeaways"],
        practical_applications=row["practical_applications"],
        potential_benefits=row["potential_benefits"],
        topics=split_list(row["topics"]),
        contacts_not_in_register=row["contacts_not_in_register"],
        recommendations=[r.strip() for r in row["recommendations"].split(" | ") if r.strip()],
    )


def _participants(activity: Activity) -> list[Any]:
    return list(activity.participations.filter(employee__isnull=False, withdrawn_at__isnull=True))


def _imported(ctx: DemoContext, row: dict[str, str], activity: Activity) -> None:
    report_import(
        actor=ctx.actor,
        activity=activity,
        data=ImportedReport(
            participations=_participants(activity),
            status=row["state"],
            submitted_on=activity.end_date + dt.timedelta(days=21),
            content=_content(row),
        ),
    )


def _entered(ctx: DemoContext, row: dict[str, str], activity: Activity) -> None:
    employee, commander = ctx.logins["employee"], ctx.logins["commander"]
    mine = [p for p in _participants(activity) if p.employee and p.employee.user_id == employee.pk]
    report = report_create(actor=employee, activity=activity, participations=mine)
    returned = row["state"] == "returned_then_acknowledged"
    first = row["first_itinerary"] if returned else None
    report_update(actor=employee, report=report, data=_content(row, itinerary=first))
    report_transition(actor=employee, report=report, name="submit")
    if returned:
        report_transition(
            actor=commander,
            report=report,
            name="return",
            reason=row["return_reason"],
            resubmit_by=timezone.localdate() + dt.timedelta(days=14),
            checklist=dict.fromkeys(CHECKLIST_KEYS, True) | {"purpose_and_itinerary": False},
        )
        report_update(actor=employee, report=report, data=_content(row))
        report_transition(actor=employee, report=report, name="submit")
        report_transition(
            actor=commander,
            report=report,
            name="acknowledge",
            checklist=dict.fromkeys(CHECKLIST_KEYS, True),
        )


def _started(ctx: DemoContext, row: dict[str, str], activity: Activity) -> None:
    report_create(actor=ctx.actor, activity=activity, participations=_participants(activity))
