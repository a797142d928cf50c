"""TEMPORARY (outcomes branch only): a few acknowledged evaluation reports with
recommendations, so that the outcomes step has something to decide before the reports
app's own demo step exists. The lead drops this file at merge (the reports step makes the
reports); it does nothing when any recommendation is already in the demo agency.

Written to the database directly (with attributed history): the reports app's services
are not on this branch. Data: ``data/reports_stub.csv`` (activity key, position, text).
"""

from __future__ import annotations

import datetime as dt
import logging

from liaison.core.audit import save_audited
from liaison.demo.context import DemoContext, read_rows
from liaison.reports.models import EvaluationReport, Recommendation

log = logging.getLogger(__name__)


def load(ctx: DemoContext) -> None:
    assert ctx.agency is not None
    if Recommendation.objects.filter(agency=ctx.agency).exists():
        ctx.report.count("stub recommendations", False)
        return
    reports: dict[str, EvaluationReport] = {}
    for row in read_rows("reports_stub.csv"):
        activity = ctx.activity(row["key"])
        report = reports.get(row["key"])
        if report is None:
            report = EvaluationReport(
                agency=ctx.agency,
                activity=activity,
                status="acknowledged",
                due_on=activity.end_date + dt.timedelta(days=30),
                purpose=activity.purpose,
                key_takeaways="See the recommendations.",
                created_by=ctx.actor,
            )
            save_audited(report, actor=ctx.actor)
            reports[row["key"]] = report
        rec = Recommendation(
            agency=ctx.agency,
            activity=activity,
            report=report,
            position=int(row["position"]),
            text=row["text"],
        )
        save_audited(rec, actor=ctx.actor)
        ctx.report.count("stub recommendations", True)
    log.info("reports_stub: made %d stand-in reports with recommendations", len(reports))
