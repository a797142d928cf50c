"""The activity exchange format: one row per activity, the columns the export writes and
the import reads (docs/import.md is the column reference; ADR 0022 the why).

Multi-valued cells are lists separated by ``'; '`` (``tabular.LIST_SEPARATOR``). Cells
that hold a list of *records* (participants, funding, approvals, reports) write each
record as fields separated by ``' | '`` in a fixed order (``*_FIELDS`` below), so a
spreadsheet user can read and type them; neither separator may appear inside a value.

The value functions read an ``Activity`` as ``selectors.export_rows`` yields it (with its
relations prefetched): no function here runs a query of its own.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from liaison.activities.models import (
    NOT_ON_RECORD_STEPS,
    Activity,
    Direction,
    Kind,
    ParticipantRole,
)
from liaison.activities.workflow import Status
from liaison.approvals.models import DECIDED_STATES, StepKind
from liaison.core import tabular
from liaison.core.tabular import BOOLEAN, CODE, DATE, DATETIME, DECIMAL, LIST, TEXT, Column
from liaison.funding.models import FunderType, PaidFor
from liaison.reports.workflow import ReportStatus

FIELD_SEPARATOR = " | "

PARTICIPANT_FIELDS = ("serial_number", "name", "rank", "unit", "agency", "role")
FUNDING_FIELDS = (
    "funder",
    "funder_type",
    "paid_for",
    "amount",
    "currency",
    "usd_rate",
    "rate_date",
    "paid_on",
    "grant_identifier",
    "description",
    "valuation_method",
    "participant",
)
APPROVAL_FIELDS = ("kind", "role", "decision", "decided_at", "name", "rank", "reason", "conditions")
REPORT_FIELDS = ("status", "submitted_on", "authors")
AUTHOR_SEPARATOR = ", "

# An activity entered in Liaison (not imported) is keyed as "Liaison <ORI>" + its id, so
# an export of this deployment's own records re-imports onto the same records.
LIAISON_SYSTEM = "Liaison {ori}"

# Report statuses an import can record (a report is never imported as returned).
IMPORTABLE_REPORT_STATUSES = (
    ReportStatus.DRAFT,
    ReportStatus.SUBMITTED,
    ReportStatus.ACKNOWLEDGED,
)


def _choices(choices: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(value), str(label)) for value, label in choices)


def record_of(activity: Activity) -> Any:
    """The activity's ``ImportedRecord``, or ``None`` for one entered here."""
    try:
        return activity.import_record  # type: ignore[attr-defined]
    except Exception:  # RelatedObjectDoesNotExist: entered here, not imported
        return None


def source_system(activity: Activity) -> str:
    record = record_of(activity)
    if record is not None:
        return str(record.source_system)
    return LIAISON_SYSTEM.format(ori=activity.agency.ori_code)


def source_id(activity: Activity) -> str:
    record = record_of(activity)
    return str(record.source_id) if record is not None else str(activity.pk)


def join_fields(values: list[Any]) -> str:
    return FIELD_SEPARATOR.join(tabular.text_cell(v) for v in values).rstrip(" |")


def _org(org: Any) -> str:
    return str(org) if org is not None else ""


def _locations(a: Activity) -> list[str]:
    return [
        f"{loc.country}:{loc.city}" if loc.city else str(loc.country) for loc in a.locations.all()
    ]


def _participants(a: Activity) -> list[str]:
    items = []
    for p in a.participations.all():
        serial = p.employee.serial_number if p.employee is not None else ""
        items.append(
            join_fields(
                [serial, p.name_at_time, p.rank_at_time, p.unit_at_time, p.agency_at_time, p.role]
            )
        )
    return items


def participant_label(p: Any) -> str:
    """How a funding item names the participant it paid for: serial, else name."""
    if p is None:
        return ""
    return p.employee.serial_number if p.employee is not None else p.name_at_time


def _funding(a: Activity) -> list[str]:
    items = []
    for c in a.contributions.all():  # type: ignore[attr-defined]
        items.append(
            join_fields(
                [
                    c.funder.name,
                    c.funder.funder_type,
                    c.paid_for,
                    c.amount,
                    c.currency,
                    c.usd_rate.normalize() if c.usd_rate is not None else None,
                    c.rate_date,
                    c.paid_on,
                    c.grant_identifier,
                    c.description,
                    c.valuation_method,
                    participant_label(c.participation),
                ]
            )
        )
    return items


def _approvals(a: Activity) -> list[str]:
    items = []
    for s in a.approval_steps.all():  # type: ignore[attr-defined]
        if s.state not in DECIDED_STATES:
            continue
        items.append(
            join_fields(
                [
                    s.kind,
                    s.role,
                    s.state,
                    s.decided_at,
                    s.decided_by_name,
                    s.decided_by_rank,
                    s.reason,
                    s.conditions,
                ]
            )
        )
    return items


def _reports(a: Activity) -> list[str]:
    items = []
    for r in a.evaluation_reports.all():  # type: ignore[attr-defined]
        submitted = r.submitted_at.astimezone(dt.UTC).date() if r.submitted_at else None
        authors = AUTHOR_SEPARATOR.join(
            participant_label(author.participation) for author in r.authors.all()
        )
        items.append(join_fields([r.status, submitted, authors]))
    return items


def _steps_key(a: Activity) -> list[str]:
    return [str(k) for k in NOT_ON_RECORD_STEPS if k in (a.not_on_record or [])]


STEP_CHOICES = tuple(NOT_ON_RECORD_STEPS.items())
NEEDED = "required"

ACTIVITIES = tabular.ExportSpec(
    name="activities",
    title="Activities",
    description=(
        "One row per activity, with its locations, participants (as they were at the "
        "time), topics, funding, approval record and reports. The import reads exactly "
        "these columns, so an export imports back unchanged (docs/import.md)."
    ),
    columns=[
        Column(
            "source_system",
            "Where the record is kept: the legacy system or file series it came from, or "
            "“Liaison <ORI>” for a record entered here. With source_id, the key a "
            "re-import is matched by. Required.",
            source_system,
        ),
        Column(
            "source_id",
            "The record's identifier in its source system (for a record entered here, its "
            "Liaison id). Unique within the source system. Required.",
            source_id,
        ),
        Column("title", "The activity's title. Required.", lambda a: a.title),
        Column(
            "direction",
            "Who trains whom, and where. Required.",
            lambda a: a.direction,
            CODE,
            _choices(Direction.choices),
        ),
        Column("kind", "Kind of event. Required.", lambda a: a.kind, CODE, _choices(Kind.choices)),
        Column(
            "category",
            "The category's slug in the maintained vocabulary (e.g. human-trafficking). "
            "Required; the category must exist.",
            lambda a: a.category.slug,
        ),
        Column(
            "topics",
            "Topics covered; new ones are added.",
            lambda a: [t.name for t in a.topics.all()],
            LIST,
        ),
        Column(
            "purpose",
            "What the department expected to learn or teach. Required.",
            lambda a: a.purpose,
        ),
        Column("justification", "Why the department took part.", lambda a: a.justification),
        Column("start_date", "First day. Required.", lambda a: a.start_date, DATE),
        Column(
            "end_date", "Last day (not before the first). Required.", lambda a: a.end_date, DATE
        ),
        Column(
            "estimated_cost",
            "The requester's estimate of the total cost in US dollars (e.g. 1250.00); empty "
            "when not known.",
            lambda a: a.estimated_cost,
            DECIMAL,
        ),
        Column(
            "status",
            "The status the source shows. Required.",
            lambda a: a.status,
            CODE,
            _choices(Status.choices),
        ),
        Column(
            "host_organisation",
            "The host, as “Name (CC)” with its ISO country code, from the organisations "
            "registry; empty when not known.",
            lambda a: _org(a.host_organisation),
        ),
        Column(
            "organiser_organisation",
            "The organiser, as “Name (CC)”, from the organisations registry; empty when not known.",
            lambda a: _org(a.organiser_organisation),
        ),
        Column(
            "locations",
            "Each place as CC:City (ISO 3166 alpha-2 code, a colon, the city; the city may "
            "be left out). At least one. Required.",
            _locations,
            LIST,
        ),
        Column(
            "participants",
            "Each participant as serial_number | name | rank | unit | agency | role, as they "
            "were at the time. Matched by serial number, then by name among the agency's "
            "employees, then its external persons; role is one of the allowed values.",
            _participants,
            LIST,
            _choices(ParticipantRole.choices),
        ),
        Column(
            "funding",
            "Each contribution as funder | funder_type | paid_for | amount | currency | "
            "usd_rate | rate_date | paid_on | grant_identifier | description | "
            "valuation_method | participant. A funder not yet in the agency's registry is "
            "added with the type given (types: " + ", ".join(FunderType.values) + "); "
            "participant is a serial number or name, empty for the whole activity.",
            _funding,
            LIST,
            _choices(PaidFor.choices),
        ),
        Column(
            "approvals",
            "Each decision on record as kind | role | decision | decided_at | name | rank | "
            "reason | conditions; kind is " + " or ".join(StepKind.values) + ", decision "
            "is approved, denied or returned, decided_at an ISO 8601 date and time with "
            "its offset.",
            _approvals,
            LIST,
            tuple((str(s.value), str(s.label)) for s in DECIDED_STATES),
        ),
        Column(
            "reports",
            "Each evaluation report on record as status | submitted_on | authors, authors "
            "being the participants' serial numbers (or names) separated by commas.",
            _reports,
            LIST,
            tuple((str(s.value), str(s.label)) for s in IMPORTABLE_REPORT_STATUSES),
        ),
        Column(
            "recorded_at",
            "When the department first recorded the activity, per the source (ISO 8601 "
            "with offset); empty when not on record.",
            lambda a: a.recorded_at,
            DATETIME,
        ),
        Column(
            "not_on_record",
            "The lifecycle steps the source does not document, shown on the record as "
            "“… not on record”.",
            _steps_key,
            LIST,
            STEP_CHOICES,
        ),
    ],
)

# Columns a file must have; the others may be left out (read as empty).
REQUIRED_COLUMNS = (
    "source_system",
    "source_id",
    "title",
    "direction",
    "kind",
    "category",
    "purpose",
    "start_date",
    "end_date",
    "status",
    "locations",
)

__all__ = ["ACTIVITIES", "BOOLEAN", "REQUIRED_COLUMNS", "TEXT"]
