"""The security step: the country risk register, and risk assessments of new requests.

- The register (``data/country_risk.csv``: a dated series of advisory levels for every
  country the demo activities visit, and a few human-rights concerns) comes in through
  ``security.services.country_risk_import`` as the demo security officer, exactly as an
  officer would import a file; the import is idempotent, so a second run writes nothing.
- Four **new** requests (``data/security_requests.csv``), entered by the demo employee
  and submitted, in 2027; three are assessed by the security officer
  (``data/risk_assessments.csv``, ``risk_assessment_record`` and ``briefing_add``), the
  fourth waits for one. R003's itinerary then gains a city, which reopens its assessment
  (``activity_update`` → ``activities.hooks``), so the demo shows that state too.
- The 117 legacy activities get no assessment: the gap the IG found stays visible
  (``GET /api/v1/security/gaps``).

Idempotent: a request is found again by its title and start date among the agency's
entered activities; an assessment by its location; a briefing by kind and date.
"""

from __future__ import annotations

import datetime as dt

from liaison.activities.models import Activity, Category, Origin
from liaison.activities.services import (
    ActivityInput,
    LocationInput,
    ParticipantInput,
    activity_create,
    activity_transition,
    activity_update,
)
from liaison.demo.context import DATA_DIR, DemoContext, read_rows, split_list
from liaison.security.models import RiskAssessment
from liaison.security.services import briefing_add, country_risk_import, risk_assessment_record


def _locations(cell: str) -> list[LocationInput]:
    result = []
    for part in split_list(cell):
        country, _, city = part.partition(":")
        result.append(LocationInput(country.strip(), city.strip()))
    return result


def _input(ctx: DemoContext, row: dict[str, str], locations: str) -> ActivityInput:
    employee = ctx.report.employee_login
    return ActivityInput(
        title=row["title"],
        direction="outbound",
        kind=row["kind"],
        category_id=Category.objects.get(slug=row["category"]).pk,
        purpose=row["purpose"],
        start_date=dt.date.fromisoformat(row["start_date"]),
        end_date=dt.date.fromisoformat(row["end_date"]),
        locations=_locations(locations),
        participants=[ParticipantInput(employee_id=employee.pk)] if employee else [],
    )


def load(ctx: DemoContext) -> None:
    officer = ctx.logins["security"]
    requester = ctx.logins["employee"]
    assert ctx.agency is not None
    with (DATA_DIR / "country_risk.csv").open("rb") as handle:
        result = country_risk_import(actor=officer, file=handle)
    for kind, count in (("create", True), ("update", True), ("unchanged", False)):
        for _ in range(result.counts[kind]):
            ctx.report.count("country risk rows", count)

    requests: dict[str, Activity] = {}
    for row in read_rows("security_requests.csv"):
        found = Activity.objects.filter(
            agency=ctx.agency,
            origin=Origin.ENTERED,
            title=row["title"],
            start_date=dt.date.fromisoformat(row["start_date"]),
        ).first()
        ctx.report.count("new requests", found is None)
        if found is None:
            found = activity_create(
                actor=requester, agency=ctx.agency, data=_input(ctx, row, row["locations"])
            )
            found = activity_transition(actor=requester, activity=found, name="submit")
        requests[row["key"]] = found

    for row in read_rows("risk_assessments.csv"):
        activity = requests[row["request"]]
        location = activity.locations.get(city=row["city"])
        assessment = RiskAssessment.objects.filter(location=location).first()
        ctx.report.count("risk assessments", assessment is None)
        if assessment is None:
            assessment = risk_assessment_record(
                actor=officer,
                location=location,
                decision=row["decision"],
                concerns=row["concerns"],
                mitigations=row["mitigations"],
                conditions=row["conditions"],
            )
        for briefing in split_list(row["briefings"]):
            kind, day, given_by = briefing.split(":", 2)
            given_on = dt.date.fromisoformat(day)
            if not assessment.briefings.filter(kind=kind, given_on=given_on).exists():
                briefing_add(
                    actor=officer,
                    assessment=assessment,
                    kind=kind,
                    given_on=given_on,
                    given_by=given_by,
                )

    # An itinerary change after the assessment reopens it (once: the new itinerary stays).
    for row in read_rows("security_requests.csv"):
        if not row["change_locations"]:
            continue
        activity = requests[row["key"]]
        wanted = [(loc.country, loc.city) for loc in _locations(row["change_locations"])]
        stored = list(activity.locations.values_list("country", "city"))
        if [(str(c), city) for c, city in stored] != wanted:
            activity_update(
                actor=requester,
                activity=activity,
                data=_input(ctx, row, row["change_locations"]),
            )
