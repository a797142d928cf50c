"""The activity exchange format: one row per activity, the columns the export writes and
the import reads (docs/import.md is the column reference; ADR 0022 the why).

Multi-valued cells are lists separated by ``'; '`` (``tabular.LIST_SEPARATOR``). Cells
that hold a list of *records* (participants, funding, approvals, reports) write each
record as fields separated by ``' | '`` in a fixed order (``*_FIELDS`` below), so a
spreadsheet user can read and type them; neither separator may appear inside a value.

A row of this export is not an ``Activity`` but the list of its cell values in the order
of ``HEADERS``, as ``selectors.export_value_rows`` builds it from ``values_list`` queries
(one per relation and chunk of activities; ADR 0027): a column's value function picks
its cell from that list, and the formatting helpers below are what the builder writes
each cell with. No function here runs a query.
"""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from liaison.activities.models import (
    NOT_ON_RECORD_STEPS,
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


# The columns, in the order the file writes them and a row of values holds them.
HEADERS = (
    "source_system",
    "source_id",
    "title",
    "direction",
    "kind",
    "category",
    "topics",
    "purpose",
    "justification",
    "start_date",
    "end_date",
    "estimated_cost",
    "status",
    "host_organisation",
    "organiser_organisation",
    "locations",
    "participants",
    "funding",
    "approvals",
    "reports",
    "recorded_at",
    "not_on_record",
)


def _at(header: str) -> Any:
    """The value function of ``header``: its cell in a row of values."""
    return itemgetter(HEADERS.index(header))


def _choices(choices: Any) -> tuple[tuple[str, str], ...]:
    return tuple((str(value), str(label)) for value, label in choices)


def join_fields(values: list[Any]) -> str:
    """One record of a list cell: its fields as text, separated by ``' | '``, with the
    empty trailing fields left off."""
    convert, formula = tabular.text_cell, tabular.FORMULA_FIRST
    return FIELD_SEPARATOR.join(
        [v if type(v) is str and v[:1] not in formula else convert(v) for v in values]
    ).rstrip(" |")


def organisation_cell(name: str | None, country: str | None) -> str:
    """An organisation as ``Organisation.__str__`` writes it: “Name (CC)”, or the name
    alone when its country is not known; empty when there is none."""
    if name is None:
        return ""
    return f"{name} ({country})" if country else name


def location_cell(country: str, city: str) -> str:
    return f"{country}:{city}" if city else str(country)


def participant_label(participation_id: Any, serial: str | None, name: str) -> str:
    """How a funding item or a report names a participant: serial, else name."""
    if participation_id is None:
        return ""
    return serial if serial is not None else name


def steps_cell(not_on_record: Any) -> list[str]:
    steps = not_on_record or []
    return [str(k) for k in NOT_ON_RECORD_STEPS if k in steps]


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
            _at("source_system"),
        ),
        Column(
            "source_id",
            "The record's identifier in its source system (for a record entered here, its "
            "Liaison id). Unique within the source system. Required.",
            _at("source_id"),
        ),
        Column("title", "The activity's title. Required.", _at("title")),
        Column(
            "direction",
            "Who trains whom, and where. Required.",
            _at("direction"),
            CODE,
            _choices(Direction.choices),
        ),
        Column("kind", "Kind of event. Required.", _at("kind"), CODE, _choices(Kind.choices)),
        Column(
            "category",
            "The category's slug in the maintained vocabulary (e.g. human-trafficking). "
            "Required; the category must exist.",
            _at("category"),
        ),
        Column(
            "topics",
            "Topics covered; new ones are added.",
            _at("topics"),
            LIST,
        ),
        Column(
            "purpose",
            "What the department expected to learn or teach. Required.",
            _at("purpose"),
        ),
        Column("justification", "Why the department took part.", _at("justification")),
        Column("start_date", "First day. Required.", _at("start_date"), DATE),
        Column("end_date", "Last day (not before the first). Required.", _at("end_date"), DATE),
        Column(
            "estimated_cost",
            "The requester's estimate of the total cost in US dollars (e.g. 1250.00); empty "
            "when not known.",
            _at("estimated_cost"),
            DECIMAL,
        ),
        Column(
            "status",
            "The status the source shows. Required.",
            _at("status"),
            CODE,
            _choices(Status.choices),
        ),
        Column(
            "host_organisation",
            "The host, as “Name (CC)” with its ISO country code, from the organisations "
            "registry; empty when not known.",
            _at("host_organisation"),
        ),
        Column(
            "organiser_organisation",
            "The organiser, as “Name (CC)”, from the organisations registry; empty when not known.",
            _at("organiser_organisation"),
        ),
        Column(
            "locations",
            "Each place as CC:City (ISO 3166 alpha-2 code, a colon, the city; the city may "
            "be left out). At least one. Required.",
            _at("locations"),
            LIST,
        ),
        Column(
            "participants",
            "Each participant as serial_number | name | rank | unit | agency | role, as they "
            "were at the time. Matched by serial number, then by name among the agency's "
            "employees, then its external persons; role is one of the allowed values.",
            _at("participants"),
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
            _at("funding"),
            LIST,
            _choices(PaidFor.choices),
        ),
        Column(
            "approvals",
            "Each decision on record as kind | role | decision | decided_at | name | rank | "
            "reason | conditions; kind is " + " or ".join(StepKind.values) + ", decision "
            "is approved, denied or returned, decided_at an ISO 8601 date and time with "
            "its offset.",
            _at("approvals"),
            LIST,
            tuple((str(s.value), str(s.label)) for s in DECIDED_STATES),
        ),
        Column(
            "reports",
            "Each evaluation report on record as status | submitted_on | authors, authors "
            "being the participants' serial numbers (or names) separated by commas.",
            _at("reports"),
            LIST,
            tuple((str(s.value), str(s.label)) for s in IMPORTABLE_REPORT_STATUSES),
        ),
        Column(
            "recorded_at",
            "When the department first recorded the activity, per the source (ISO 8601 "
            "with offset); empty when not on record.",
            _at("recorded_at"),
            DATETIME,
        ),
        Column(
            "not_on_record",
            "The lifecycle steps the source does not document, shown on the record as "
            "“… not on record”.",
            _at("not_on_record"),
            LIST,
            STEP_CHOICES,
        ),
    ],
)

assert ACTIVITIES.headers == HEADERS, "the columns and HEADERS list the same names in order"

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
