"""The retention step: the department's pre-2021 travel records, destroyed under its
retention schedule, as tombstones (ADR 0024).

Seed 000: travel records before 2021 were deleted under retention rules, which is why the
Inspector General's review had to be reconstructed. The 117 activities of the registry
step are that reconstruction; this step loads the *original* travel-unit records the
review could not see — one per reconstructed activity whose ``travel_records`` column in
``activities.csv`` says ``destroyed_under_retention`` (84, all of 2014–2020) — sets the
agency's schedule (3 years after the trip), runs the retention service over exactly those
records, and leaves their tombstones. Then the inspector places a legal hold on every
record of the agency for the review, so a later ``manage.py apply_retention`` on the demo
destroys nothing else (its dry run lists what the hold keeps).

Idempotent: an original whose tombstone exists is not loaded again (found by its source),
the schedule and the hold are set once.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from liaison.activities.models import Activity, Origin
from liaison.activities.services import (
    ActivityInput,
    LocationInput,
    ParticipantInput,
    activity_import,
)
from liaison.demo.context import DemoContext, read_rows
from liaison.retention.models import HoldScope, LegalHold, RecordType, Tombstone
from liaison.retention.services import hold_place, retention_apply, schedule_set

ORIGINAL_SOURCE = "Travel unit file, original travel record for entry {key}"
SCHEDULE_YEARS = 3
AUTHORITY = (
    "Metro City records retention schedule, travel and training records: "
    "3 years after the trip (invented for the demo)"
)
HOLD_REASON = (
    "Inspector General's review of foreign training activities, 2014–2024: "
    "preserve every record of the department until the review closes."
)


def _original(ctx: DemoContext, key: str) -> Activity:
    """The original travel record of reconstructed activity ``key``: the same trip, its
    places and travellers, as the travel unit recorded it at the time."""
    assert ctx.agency is not None
    copy = ctx.activity(key)
    data = ActivityInput(
        title=f"Travel record: {copy.title}",
        direction=copy.direction,
        kind=copy.kind,
        category_id=copy.category_id,
        purpose=copy.purpose,
        start_date=copy.start_date,
        end_date=copy.end_date,
        topics=list(copy.topics.values_list("name", flat=True)),
        host_organisation_id=copy.host_organisation_id,
        organiser_organisation_id=copy.organiser_organisation_id,
        locations=[LocationInput(str(loc.country), loc.city) for loc in copy.locations.all()],
        participants=[
            ParticipantInput(
                employee_id=p.employee_id,
                external_person_id=p.external_person_id,
                role=p.role,
                rank_at_time=p.rank_at_time,
                unit_at_time=p.unit_at_time,
            )
            for p in copy.participations.all()
        ],
    )
    recorded = dt.datetime.combine(
        copy.start_date - dt.timedelta(days=21), dt.time(12), tzinfo=timezone.get_current_timezone()
    )
    return activity_import(
        actor=ctx.actor,
        agency=ctx.agency,
        data=data,
        status=copy.status,
        recorded_at=recorded,
        source=ORIGINAL_SOURCE.format(key=key),
    )


def load(ctx: DemoContext) -> None:
    assert ctx.agency is not None
    schedule_set(
        actor=ctx.actor,
        agency=ctx.agency,
        record_type=RecordType.ACTIVITY,
        years=SCHEDULE_YEARS,
        authority=AUTHORITY,
    )
    keys = [
        row["key"]
        for row in read_rows("activities.csv")
        if row["travel_records"] == "destroyed_under_retention"
    ]
    sources = {ORIGINAL_SOURCE.format(key=key): key for key in keys}
    gone = set(
        Tombstone.objects.filter(
            agency=ctx.agency, record_type=RecordType.ACTIVITY, source__in=list(sources)
        ).values_list("source", flat=True)
    )
    waiting = {
        a.source: a
        for a in Activity.objects.filter(
            agency=ctx.agency, origin=Origin.IMPORTED, source__in=list(sources)
        )
    }
    originals: list[int] = []
    for source, key in sources.items():
        if source in gone:
            ctx.report.count("destroyed travel records", False)
            continue
        original = waiting.get(source) or _original(ctx, key)
        originals.append(original.pk)
    if originals:
        plan = retention_apply(actor=ctx.actor, activity_ids=originals)
        assert len(plan.destroyed) == len(originals), "a demo travel record was not due"
        for _ in plan.destroyed:
            ctx.report.count("destroyed travel records", True)
    if not LegalHold.objects.filter(
        agency=ctx.agency, scope=HoldScope.AGENCY, reason=HOLD_REASON, released_at__isnull=True
    ).exists():
        hold_place(
            actor=ctx.logins["inspector"],
            agency=ctx.agency,
            scope=HoldScope.AGENCY,
            reason=HOLD_REASON,
        )
