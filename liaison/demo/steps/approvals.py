"""Requests of 2025–2026 in every state of the request workflow, with approval records.

The agency's approval rules first (higher command above $10,000 and for Israel and the
UAE), then each row of ``approvals.csv``:

- ``origin`` "entered": made through the services as the demo sign-ins would: the
  employee requests (and takes part), the security officer reviews and clears, the
  commander and the deputy decide, the coordinator cancels. Approval must precede the
  start, and these moves happen *now*: a start date that is no longer at least a week
  ahead is moved on by whole years, so the demo loads the same way whenever it is run.
- ``origin`` "imported": requests decided on paper before Liaison, loaded with
  ``activity_import`` and the decisions their file shows (``approval_step_import``); one
  has no approval on record and is flagged, like the 117 legacy records.

Idempotent: a request is recognised by its title in the demo agency.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils import timezone

from liaison.accounts.models import Role
from liaison.activities.models import Activity
from liaison.activities.services import (
    ActivityInput,
    LocationInput,
    ParticipantInput,
    activity_create,
    activity_import,
    activity_transition,
)
from liaison.approvals.models import ApprovalPolicy
from liaison.approvals.services import (
    approval_decide,
    approval_policy_update,
    approval_step_import,
)
from liaison.demo.context import DemoContext, read_rows, split_list
from liaison.security.services import risk_assessment_record

POLICY: dict[str, Any] = {
    "approver_role": Role.APPROVER.value,
    "higher_command_role": Role.COMMAND.value,
    "cost_threshold": Decimal("10000.00"),
    "advisory_level_threshold": 3,
    "countries": ["AE", "IL"],
    "foreign_ministry_inbound": True,
}
SOURCE = "Request file {key}, training unit (paper, before Liaison)"


def load(ctx: DemoContext) -> None:
    _policy(ctx)
    for row in read_rows("approvals.csv"):
        assert ctx.agency is not None
        if Activity.objects.filter(agency=ctx.agency, title=row["title"]).exists():
            ctx.report.count("requests", False)
            continue
        if row["origin"] == "imported":
            _imported(ctx, row)
        else:
            _entered(ctx, row)
        ctx.report.count("requests", True)


def _policy(ctx: DemoContext) -> None:
    assert ctx.agency is not None
    current = ApprovalPolicy.objects.filter(agency=ctx.agency).first()
    if current is not None and all(getattr(current, k) == v for k, v in POLICY.items()):
        ctx.report.count("approval rules", False)
        return
    values = dict(POLICY)
    approval_policy_update(
        actor=ctx.actor, agency=ctx.agency, countries_list=values.pop("countries"), **values
    )
    ctx.report.count("approval rules", True)


def _dates(row: dict[str, str], *, shift: bool) -> tuple[dt.date, dt.date]:
    start = dt.date.fromisoformat(row["start_date"])
    end = dt.date.fromisoformat(row["end_date"])
    years = 0
    while shift and start.replace(year=start.year + years) < timezone.localdate() + dt.timedelta(7):
        years += 1
    return start.replace(year=start.year + years), end.replace(year=end.year + years)


def _input(ctx: DemoContext, row: dict[str, str], *, shift: bool) -> ActivityInput:
    start, end = _dates(row, shift=shift)
    me = ctx.logins["employee"].employee  # type: ignore[attr-defined]
    return ActivityInput(
        title=row["title"],
        direction=row["direction"],
        kind=row["kind"],
        category_id=ctx.categories[row["category"]].pk,
        purpose=row["purpose"],
        start_date=start,
        end_date=end,
        estimated_cost=Decimal(row["estimated_cost"]),
        topics=split_list(row["topics"]),
        host_organisation_id=ctx.organisations[row["host"]].pk,
        organiser_organisation_id=ctx.organisations[row["organiser"]].pk,
        locations=[
            LocationInput(country=country, city=city)
            for country, _, city in (loc.partition(":") for loc in split_list(row["locations"]))
        ],
        participants=[ParticipantInput(employee_id=me.pk)],
    )


def _imported(ctx: DemoContext, row: dict[str, str]) -> None:
    assert ctx.agency is not None
    decisions = [d.split("|") for d in split_list(row["decisions"])]
    first_day = min((d[3] for d in decisions), default="")
    activity = activity_import(
        actor=ctx.actor,
        agency=ctx.agency,
        data=_input(ctx, row, shift=False),
        status=row["state"],
        recorded_at=_noon(first_day) - dt.timedelta(days=14) if first_day else None,
        source=SOURCE.format(key=row["key"]),
        not_on_record=[] if decisions else ["approval"],
    )
    for role, name, rank, day in decisions:
        approval_step_import(
            actor=ctx.actor, activity=activity, kind="approval", role=role, state="approved",
            decided_at=_noon(day), decided_by_name=name, decided_by_rank=rank,
            source=SOURCE.format(key=row["key"]),
        )  # fmt: skip


def _noon(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(12)))


def _entered(ctx: DemoContext, row: dict[str, str]) -> None:
    assert ctx.agency is not None
    who = ctx.logins
    employee, security, commander = who["employee"], who["security"], who["commander"]
    activity = activity_create(actor=employee, agency=ctx.agency, data=_input(ctx, row, shift=True))
    state, reason = row["state"], row["reason"]

    def move(actor: Any, name: str, why: str = "") -> None:
        activity_transition(actor=actor, activity=activity, name=name, reason=why)

    if state == "draft":
        return
    move(employee, "submit")
    if state == "submitted":
        return
    if state == "withdrawn":
        move(employee, "withdraw", reason)
        return
    if state == "cancelled":
        move(who["coordinator"], "cancel", reason)
        return
    move(security, "start_review")
    if state == "security_review":
        return
    # Clearing security review needs every location abroad assessed (ADR 0015).
    for location in activity.locations.exclude(country=settings.HOME_COUNTRY):
        if activity.direction == "outbound":
            risk_assessment_record(
                actor=security,
                location=location,
                decision="proceed_with_conditions" if row["conditions"] else "proceed",
                concerns="Assessed against the advisory level in force before clearance.",
                conditions=row["conditions"],
            )
    move(security, "clear", "Host country and hosts checked; no concerns.")
    if state == "in_approval":
        return
    if state == "returned":
        approval_decide(actor=commander, activity=activity, decision="return", reason=reason)
        return
    if state == "denied":
        approval_decide(actor=commander, activity=activity, decision="deny", reason=reason)
        return
    approval_decide(
        actor=commander, activity=activity, decision="approve", conditions=row["conditions"]
    )
    activity.refresh_from_db()
    if activity.status != "approved":  # higher command's step (the agency's rules)
        approval_decide(actor=who["deputy"], activity=activity, decision="approve")
