"""Importing legacy spreadsheets of activities (ADR 0022): upload, check, import, cancel.

The contract, whatever the door (page, API, ``manage.py import_records``):

- **One path for the check and the import.** The dry run runs the import's own checks:
  a new record without funding, approvals or reports is checked in memory by the
  services' rules (``activity_import_prepare``, against registries read once per file)
  and, in the import, written in sets (``activity_import_bulk``, ADR 0026); every other
  row goes through the services (``activity_import``, ``contribution_create``,
  ``approval_step_import``, ``report_import``) inside a transaction the dry run always
  rolls back. A file the check passes is a file the import accepts, and each problem
  comes back naming its row, column, value and why.
- **All or nothing.** The import writes every row in ONE transaction; one bad row, a
  cancellation or a killed process leaves nothing behind.
- **Idempotent.** Each row is keyed by ``source_system`` + ``source_id``
  (``ImportedRecord``); a row whose record is already here and reads the same is left
  alone, so importing the same file twice changes nothing.
- **Provenance.** Every activity imported says "FILE, row N" (its ``source``), and its
  ``ImportedRecord`` links it to the batch: file name, SHA-256, who, when.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from liaison.accounts.models import Agency
from liaison.activities.models import Activity, ParticipantRole, Participation
from liaison.activities.services import (
    ActivityInput,
    ActivityLookups,
    CheckMemo,
    LocationInput,
    ParticipantInput,
    PreparedImport,
    activity_import,
    activity_import_bulk,
    activity_import_check,
    activity_import_prepare,
    activity_import_update,
)
from liaison.activities.summary import summary_refresh, summary_touched
from liaison.approvals.models import StepKind
from liaison.approvals.services import approval_step_import
from liaison.core.audit import save_audited
from liaison.core.errors import Forbidden, validation_messages
from liaison.core.tabular import text_cell
from liaison.exchange import progress
from liaison.exchange.access import can_import
from liaison.exchange.models import BatchStatus, ImportBatch, ImportedRecord
from liaison.exchange.reader import FileNotReadable, Problem, format_of, read_table
from liaison.exchange.selectors import export_value_rows
from liaison.exchange.spec import (
    ACTIVITIES,
    APPROVAL_FIELDS,
    AUTHOR_SEPARATOR,
    FUNDING_FIELDS,
    IMPORTABLE_REPORT_STATUSES,
    LIAISON_SYSTEM,
    PARTICIPANT_FIELDS,
    REPORT_FIELDS,
)
from liaison.funding.models import Funder, FunderType
from liaison.funding.services import (
    ContributionInput,
    FunderInput,
    contribution_create,
    funder_create,
)
from liaison.people.models import Employee, ExternalPerson, Organisation
from liaison.reports.services import ImportedReport, report_import

CREATE, UPDATE, UNCHANGED, ERROR = "create", "update", "unchanged", "error"
ACTION_LABELS = {
    CREATE: "Would be created",
    UPDATE: "Already here: would be updated from the file",
    UNCHANGED: "Already here, unchanged: left alone",
    ERROR: "Has problems (see below)",
}
# How often a running check or import reports progress and looks for a cancel request.
PROGRESS_EVERY = 25
# How often, at most, the progress shown on the page is written (seconds).
REPORT_SECONDS = 0.5
# How often, at most, a cancel request is looked for after the first look (seconds): a
# read of the file cache is tens of microseconds, as much as checking a row.
CANCEL_SECONDS = 0.1
MAX_KEY_LENGTH = 100
_ROLES = frozenset(ParticipantRole.values)


class ImportCancelled(Exception):
    """Someone asked the running import to stop: everything it wrote is rolled back."""


class RowFailed(Exception):
    """One row's problems: raised inside the row's savepoint so its writes roll back."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    plan: list[list[Any]] = field(default_factory=list)
    # Participant names the review step must settle (ADR 0028).
    ambiguous: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


# --- reading one row ------------------------------------------------------------------------


def split_list(cell: str) -> list[str]:
    if not cell:
        return []
    return [item for item in map(str.strip, cell.split(";")) if item]


def split_fields(item: str, names: tuple[str, ...]) -> dict[str, str] | None:
    parts = [part.strip() for part in item.split("|")]
    if len(parts) > len(names):
        return None
    parts += [""] * (len(names) - len(parts))
    return dict(zip(names, parts, strict=True))


class _Row:
    """One data row being read: its cells, and the problems found so far."""

    def __init__(self, number: int, cells: dict[str, str]) -> None:
        self.number = number
        self.cells = cells
        self.problems: list[Problem] = []
        # Each cell's text, stripped once (``cell``).
        self.text = dict(zip(cells, map(str.strip, cells.values()), strict=True))

    def cell(self, column: str) -> str:
        return self.text.get(column, "")

    def problem(self, column: str, message: str, value: str | None = None) -> None:
        shown = self.cell(column) if value is None else value
        self.problems.append(Problem(self.number, column, shown, message))

    def date(self, column: str, *, required: bool) -> dt.date | None:
        text = self.cell(column)
        if not text:
            if required:
                self.problem(column, "Give the date as YYYY-MM-DD.")
            return None
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.problem(column, "Not a date: give it as YYYY-MM-DD.")
            return None

    def decimal(self, column: str) -> Decimal | None:
        text = self.cell(column).replace(",", "")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            self.problem(column, "Not a number: give it like 1250.00.")
            return None
        if not number.is_finite():
            self.problem(column, "Not a number: give it like 1250.00.")
            return None
        return number

    def when(self, column: str, text: str, value: str | None = None) -> dt.datetime | None:
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            self.problem(column, "Not a date and time: give it as ISO 8601, e.g. "
                         "2019-03-04T12:00:00+00:00.", value)  # fmt: skip
            return None
        if timezone.is_naive(moment):
            self.problem(column, "Give the time with its offset (e.g. +00:00).", value)
            return None
        return moment


_ORG = re.compile(r"^(?P<name>.*\S)\s*\((?P<cc>[A-Za-z]{2})\)$")


@dataclass
class _Organisations:
    """The organisations registry, read once per file: the organisation columns resolve
    in memory (a name, case-insensitively, optionally with its country code)."""

    by_name: dict[str, list[int]]
    by_name_country: dict[tuple[str, str], list[int]]

    @classmethod
    def of(cls) -> _Organisations:
        by_name: dict[str, list[int]] = {}
        by_name_country: dict[tuple[str, str], list[int]] = {}
        for pk, name, country in Organisation.objects.order_by("pk").values_list(
            "pk", "name", "country"
        ):
            by_name.setdefault(name.lower(), []).append(pk)
            by_name_country.setdefault((name.lower(), str(country).upper()), []).append(pk)
        return cls(by_name, by_name_country)

    def find(self, name: str, country: str | None) -> list[int]:
        if country is None:
            return self.by_name.get(name.lower(), [])
        return self.by_name_country.get((name.lower(), country.upper()), [])


def _organisation(
    row: _Row, column: str, organisations: _Organisations | None = None
) -> int | None:
    text = row.cell(column)
    if not text:
        return None
    match = _ORG.match(text)
    if organisations is not None:
        ids = organisations.find(*((match["name"], match["cc"]) if match else (text, None)))[:2]
    elif match:
        ids = list(
            Organisation.objects.filter(
                name__iexact=match["name"], country=match["cc"].upper()
            ).values_list("pk", flat=True)[:2]
        )
    else:
        ids = list(Organisation.objects.filter(name__iexact=text).values_list("pk", flat=True)[:2])
    if len(ids) == 1:
        return ids[0]
    if not ids:
        row.problem(column, "Not in the organisations registry: add it there first, or "
                    "write it as “Name (CC)” exactly as the registry has it.")  # fmt: skip
    else:
        row.problem(column, "Several organisations have this name: add the country "
                    "code, as “Name (CC)”.")  # fmt: skip
    return None


@dataclass
class _People:
    """The agency's employees and external persons, read once per file: the participant
    matching rule (serial number, then name) runs in memory. It also carries the review
    step (ADR 0028): ``resolutions`` are the coordinator's answers for ambiguous names,
    keyed by (row, participant position); ``ambiguous`` collects the names still to
    settle. Serial numbers include those the agency's former employees held here
    (people who moved keep one identity, ``review.former_serials``)."""

    by_serial: dict[str, int]
    by_name: dict[str, list[tuple[int, str]]]
    externals: dict[str, list[int]]
    resolutions: dict[tuple[int, int], int | None] = field(default_factory=dict)
    ambiguous: list[dict[str, Any]] = field(default_factory=list)
    # A participants cell read without a problem and without a name that needed the
    # review's answer for its row reads the same in every row (``_participants``).
    read: dict[str, tuple[ParticipantInput, ...]] = field(default_factory=dict)
    by_row: int = 0

    @classmethod
    def of(
        cls, agency: Agency, *, resolutions: dict[tuple[int, int], int | None] | None = None
    ) -> _People:
        from liaison.exchange.review import former_serials

        by_serial: dict[str, int] = former_serials(agency)
        by_name: dict[str, list[tuple[int, str]]] = {}
        for pk, serial, first, last in Employee.objects.filter(agency=agency).values_list(
            "pk", "serial_number", "first_name", "last_name"
        ):
            by_serial[serial] = pk
            by_name.setdefault(_name_key(f"{first} {last}"), []).append((pk, serial))
        externals: dict[str, list[int]] = {}
        for pk, name in ExternalPerson.objects.filter(agency=agency).values_list("pk", "full_name"):
            externals.setdefault(_name_key(name), []).append(pk)
        return cls(by_serial, by_name, externals, dict(resolutions or {}))


def _name_key(name: str) -> str:
    return " ".join(name.lower().split())


def _participants(row: _Row, people: _People, agency: Agency) -> list[ParticipantInput]:
    """The participants cell read into what the services take; the same cell text in a
    later row is read once (its result depends on nothing else unless it had a problem
    or an ambiguous name the review answers by row, and those are read again)."""
    cell = row.cell("participants")
    known = people.read.get(cell)
    if known is not None:
        return list(known)
    problems, by_row = len(row.problems), people.by_row
    result = _read_participants(row, people, agency)
    if len(row.problems) == problems and people.by_row == by_row and len(people.read) < 4096:
        people.read[cell] = tuple(result)
    return result


def _read_participants(row: _Row, people: _People, agency: Agency) -> list[ParticipantInput]:
    result: list[ParticipantInput] = []
    for index, item in enumerate(split_list(row.cell("participants")), start=1):
        where = f"participant {index}"
        values = split_fields(item, PARTICIPANT_FIELDS)
        if values is None:
            row.problem("participants", f"{where} has more than {len(PARTICIPANT_FIELDS)} "
                        "fields: write serial_number | name | rank | unit | agency | role.",
                        item)  # fmt: skip
            continue
        role = values["role"] or ParticipantRole.ATTENDEE
        if role not in _ROLES:
            row.problem("participants", f"{where}: unknown role “{role}”; allowed: "
                        + ", ".join(ParticipantRole.values) + ".", item)  # fmt: skip
            continue
        serial, name = values["serial_number"], values["name"]
        employee_id = people.by_serial.get(serial) if serial else None
        external_id = None
        if employee_id is None and name:
            named = people.by_name.get(_name_key(name), [])
            if len(named) > 1:
                people.by_row += 1
                chosen = people.resolutions.get((row.number, index), 0)
                if chosen and chosen in {pk for pk, _ in named}:
                    named = [(chosen, "")]
                else:
                    from liaison.exchange.review import ambiguous_problem

                    ambiguous_problem(row, people, agency, index, item, name, named, chosen)
                    continue
            if named:
                employee_id = named[0][0]
            else:
                externals = people.externals.get(_name_key(name), [])
                if len(externals) > 1:
                    row.problem("participants", f"{where}: ambiguous — {len(externals)} "
                                f"external persons are named {name}.", item)  # fmt: skip
                    continue
                external_id = externals[0] if externals else None
        if employee_id is None and external_id is None:
            said = f"serial number {serial}" if serial else f"the name {name or '(none)'}"
            row.problem("participants", f"{where}: no employee or external person of "
                        f"{agency.name} has {said}; add them to People first.", item)  # fmt: skip
            continue
        result.append(
            ParticipantInput(
                employee_id=employee_id,
                external_person_id=external_id,
                role=role,
                name_at_time=name,
                rank_at_time=values["rank"],
                unit_at_time=values["unit"],
                # A former employee (moved since) was of this agency at the time.
                agency_at_time=values["agency"] or (agency.name if employee_id else ""),
            )
        )
    return result


@dataclass
class _Parsed:
    key: tuple[str, str]
    data: ActivityInput
    status: str
    recorded_at: dt.datetime | None
    not_on_record: list[str]
    funding: list[dict[str, str]]
    approvals: list[dict[str, str]]
    reports: list[dict[str, str]]


@functools.lru_cache(maxsize=4096)
def _locations(cell: str) -> tuple[LocationInput, ...]:
    """The locations cell read (its text alone decides it: a file repeats a few cells)."""
    locations = []
    for item in split_list(cell):
        country, _, city = item.partition(":")
        locations.append(LocationInput(country=country.strip(), city=city.strip()))
    return tuple(locations)


def _parse(
    row: _Row, people: _People, agency: Agency, *, organisations: _Organisations | None = None
) -> _Parsed:
    """Read one row into what the services take, naming each problem of the file itself
    (its row, column, value and why). No query when ``organisations`` is given: the
    import reads the registries once per file (``_People``, ``_Organisations``)."""
    cell = row.text.get  # ``row.cell`` without a call per column
    system, ident = cell("source_system", ""), cell("source_id", "")
    if not system or not ident or len(system) > MAX_KEY_LENGTH or len(ident) > MAX_KEY_LENGTH:
        for column, value in (("source_system", system), ("source_id", ident)):
            if not value:
                row.problem(column, "Required: with the other key column it says which "
                            "record this row is, so a re-import finds it again.")  # fmt: skip
            elif len(value) > MAX_KEY_LENGTH:
                row.problem(column, f"Keep it to {MAX_KEY_LENGTH} characters.")
    if "__extra__" in row.cells:
        row.problem("(beyond the last column)", "This row has more cells than the header "
                    "has columns.", row.cells["__extra__"])  # fmt: skip
    locations = list(_locations(cell("locations", "")))
    recorded_at = None
    recorded_text = cell("recorded_at", "")
    if recorded_text:
        recorded_at = row.when("recorded_at", recorded_text)
    lists: dict[str, list[dict[str, str]]] = {}
    for column, names in (
        ("funding", FUNDING_FIELDS),
        ("approvals", APPROVAL_FIELDS),
        ("reports", REPORT_FIELDS),
    ):
        lists[column] = found = []
        text = cell(column, "")
        if not text:  # most rows: nothing to split
            continue
        for index, item in enumerate(split_list(text), start=1):
            values = split_fields(item, names)
            if values is None:
                row.problem(column, f"item {index} has more than {len(names)} fields: write "
                            + " | ".join(names) + ".", item)  # fmt: skip
            else:
                values["__item__"] = item
                values["__index__"] = str(index)
                found.append(values)
    category = cell("category", "")
    data = ActivityInput(
        title=cell("title", ""),
        direction=cell("direction", ""),
        kind=cell("kind", ""),
        category_id=None,
        category_slug=category,
        purpose=cell("purpose", ""),
        justification=cell("justification", ""),
        start_date=row.date("start_date", required=True),
        end_date=row.date("end_date", required=True),
        estimated_cost=row.decimal("estimated_cost"),
        topics=split_list(cell("topics", "")),
        host_organisation_id=_organisation(row, "host_organisation", organisations),
        organiser_organisation_id=_organisation(row, "organiser_organisation", organisations),
        locations=locations,
        participants=_participants(row, people, agency),
    )
    if not category:
        row.problem("category", "Required: the category's slug, e.g. human-trafficking.")
    return _Parsed(
        key=(system, ident),
        data=data,
        status=cell("status", ""),
        recorded_at=recorded_at,
        not_on_record=split_list(cell("not_on_record", "")),
        funding=lists["funding"],
        approvals=lists["approvals"],
        reports=lists["reports"],
    )


# --- the services' errors, as the file's columns -------------------------------------------

_COLUMN_OF = {
    "host_organisation": "host_organisation",
    "organiser_organisation": "organiser_organisation",
    "category": "category",
}


def _column_for(key: str) -> str:
    base = key.split("[", 1)[0].split(".", 1)[0]
    if base in ACTIVITIES.headers:
        return base
    return _COLUMN_OF.get(base, "(row)")


def _service_problems(row: _Row, exc: ValidationError, *, column: str = "") -> list[Problem]:
    problems = []
    found = validation_messages(exc)
    for key, messages in found.items():
        if len(found) > 1 or len(messages) > 1:
            # "Unknown category." already says it: not also "This field cannot be null."
            messages = [m for m in messages if m != "This field cannot be null."] or messages
        target = column or _column_for(key)
        value = row.cell(target) if target in row.cells else ""
        match = re.match(r"^(locations|participants)\[(\d+)\]", key)
        if match and not column:
            items = split_list(row.cell(match[1]))
            index = int(match[2])
            value = items[index] if index < len(items) else value
            messages = [f"{match[1][:-1]} {index + 1}: {m}" for m in messages]
        for message in messages:
            problems.append(Problem(row.number, target, value, message))
    return problems


# --- writing one row -----------------------------------------------------------------------


def _participation(activity: Activity, who: str) -> Participation | None:
    if not who:
        return None
    return (
        Participation.objects.filter(activity=activity)
        .filter(Q(employee__serial_number=who) | Q(name_at_time__iexact=who))
        .first()
    )


def _write_funding(
    *, actor: Any, row: _Row, activity: Activity, items: list[dict[str, str]]
) -> None:
    for item in items:
        where = f"item {item['__index__']}"
        value = item["__item__"]
        name = item["funder"]
        if not name:
            row.problem("funding", f"{where}: name the funder.", value)
            continue
        funder = Funder.objects.filter(agency_id=activity.agency_id, name__iexact=name).first()
        if funder is None:
            if item["funder_type"] not in FunderType.values:
                row.problem("funding", f"{where}: {name} is not in the funders registry; give "
                            "its type to add it (" + ", ".join(FunderType.values) + ").",
                            value)  # fmt: skip
                continue
            funder = funder_create(
                actor=actor,
                agency=activity.agency,
                data=FunderInput(name=name, funder_type=item["funder_type"]),
            )
        elif item["funder_type"] and item["funder_type"] != funder.funder_type:
            row.problem("funding", f"{where}: {funder.name} is registered as "
                        f"{funder.funder_type}, not {item['funder_type']}.", value)  # fmt: skip
            continue
        dates: dict[str, dt.date | None] = {}
        for name_ in ("rate_date", "paid_on"):
            text = item[name_]
            dates[name_] = None
            if text:
                try:
                    dates[name_] = dt.date.fromisoformat(text)
                except ValueError:
                    row.problem("funding", f"{where}: {name_} is not a date (YYYY-MM-DD).", value)
        participation = _participation(activity, item["participant"])
        if item["participant"] and participation is None:
            row.problem("funding", f"{where}: {item['participant']} is not a participant of "
                        "this row.", value)  # fmt: skip
            continue
        try:
            contribution_create(
                actor=actor,
                activity=activity,
                data=ContributionInput(
                    funder=funder,
                    paid_for=item["paid_for"],
                    amount=item["amount"],
                    currency=item["currency"] or "USD",
                    usd_rate=item["usd_rate"] or None,
                    rate_date=dates["rate_date"],
                    paid_on=dates["paid_on"],
                    participation=participation,
                    description=item["description"],
                    valuation_method=item["valuation_method"],
                    grant_identifier=item["grant_identifier"],
                ),
            )
        except ValidationError as exc:
            for message in _flat(exc):
                row.problem("funding", f"{where}: {message}", value)


def _flat(exc: ValidationError) -> list[str]:
    return [
        f"{key}: {message}" if key not in ("__all__", "") else message
        for key, messages in validation_messages(exc).items()
        for message in messages
    ]


def _write_approvals(
    *, actor: Any, row: _Row, activity: Activity, items: list[dict[str, str]], source: str
) -> None:
    from liaison.accounts.models import Role

    for item in items:
        where = f"item {item['__index__']}"
        value = item["__item__"]
        if item["kind"] not in StepKind.values:
            row.problem("approvals", f"{where}: kind is " + " or ".join(StepKind.values)
                        + ".", value)  # fmt: skip
            continue
        if item["role"] not in Role.values:
            row.problem("approvals", f"{where}: unknown role “{item['role']}”.", value)
            continue
        if not item["name"]:
            row.problem("approvals", f"{where}: name who decided.", value)
            continue
        decided_at = row.when("approvals", item["decided_at"], value)
        if decided_at is None:
            continue
        try:
            approval_step_import(
                actor=actor,
                activity=activity,
                kind=item["kind"],
                role=item["role"],
                state=item["decision"],
                decided_at=decided_at,
                decided_by_name=item["name"],
                decided_by_rank=item["rank"],
                reason=item["reason"],
                conditions=item["conditions"],
                source=source,
            )
        except ValidationError as exc:
            for message in _flat(exc):
                row.problem("approvals", f"{where}: {message}", value)


def _write_reports(
    *, actor: Any, row: _Row, activity: Activity, items: list[dict[str, str]]
) -> None:
    for item in items:
        where = f"item {item['__index__']}"
        value = item["__item__"]
        if item["status"] not in IMPORTABLE_REPORT_STATUSES:
            row.problem("reports", f"{where}: status is one of "
                        + ", ".join(IMPORTABLE_REPORT_STATUSES) + ".", value)  # fmt: skip
            continue
        submitted = None
        if item["submitted_on"]:
            try:
                submitted = dt.date.fromisoformat(item["submitted_on"])
            except ValueError:
                row.problem("reports", f"{where}: submitted_on is not a date.", value)
                continue
        authors = []
        for who in [
            w.strip() for w in item["authors"].split(AUTHOR_SEPARATOR.strip()) if w.strip()
        ]:
            participation = _participation(activity, who)
            if participation is None:
                row.problem("reports", f"{where}: author {who} is not a participant of this "
                            "row.", value)  # fmt: skip
            else:
                authors.append(participation)
        if len(authors) != len([w for w in item["authors"].split(",") if w.strip()]):
            continue
        try:
            report_import(
                actor=actor,
                activity=activity,
                data=ImportedReport(
                    participations=authors, status=item["status"], submitted_on=submitted
                ),
            )
        except ValidationError as exc:
            for message in _flat(exc):
                row.problem("reports", f"{where}: {message}", value)


def _refused(row: _Row, exc: ValidationError) -> RowFailed:
    """The row's problems when ``activity_import`` (or its checks) refused it: what the
    file itself got wrong comes first; a service's sentence about a column already named
    ("This field cannot be null" for an unreadable date) adds nothing."""
    named = {p.column for p in row.problems}
    extra = [p for p in _service_problems(row, exc) if p.column not in named]
    return RowFailed(row.problems + extra)


def _source(batch: ImportBatch, row: _Row) -> str:
    return f"{batch.file_name}, row {row.number}"


def _record(*, agency: Agency, batch: ImportBatch, row: _Row, parsed: _Parsed) -> ImportedRecord:
    return ImportedRecord(
        agency=agency,
        batch=batch,
        source_system=parsed.key[0],
        source_id=parsed.key[1],
        row_number=row.number,
        row_sha256=row_digest(row),
    )


def _create(
    *, actor: Any, agency: Agency, batch: ImportBatch, row: _Row, parsed: _Parsed
) -> Activity:
    """One new record through the services, in the caller's savepoint: the path of a row
    with funding, approvals or reports, and of a set the bulk write could not take."""
    try:
        activity = activity_import(
            actor=actor,
            agency=agency,
            data=parsed.data,
            status=parsed.status,
            recorded_at=parsed.recorded_at,
            source=_source(batch, row),
            not_on_record=parsed.not_on_record,
            # The summary tables are recounted once for the whole file (``_run``).
            refresh_summary=False,
        )
    except ValidationError as exc:
        raise _refused(row, exc) from exc
    if row.problems:
        # The file's own problems (found while reading it) stand even if the service
        # accepted what could be read: roll this row back.
        raise RowFailed(row.problems)
    record = _record(agency=agency, batch=batch, row=row, parsed=parsed)
    record.activity = activity
    save_audited(record, actor=actor, reason="imported")
    source = _source(batch, row)
    _write_funding(actor=actor, row=row, activity=activity, items=parsed.funding)
    _write_approvals(actor=actor, row=row, activity=activity, items=parsed.approvals, source=source)
    _write_reports(actor=actor, row=row, activity=activity, items=parsed.reports)
    if row.problems:
        raise RowFailed(row.problems)
    return activity


SET_COLUMNS = frozenset({"topics", "not_on_record"})


def row_digest(row: _Row) -> str:
    """SHA-256 of the row's cells (columns in the format's order, the key included): the
    same row in a later file reads as the same, whatever else that file holds."""
    cells = [f"{h}={row.cell(h)}" for h in ACTIVITIES.headers if h in row.cells]
    return hashlib.sha256("\x1f".join(cells).encode()).hexdigest()


def _differences(activity: Activity, row: _Row) -> list[str]:
    """The columns in which the file's row differs from the stored record: none when the
    row is the very row the record was imported from (its digest), otherwise those whose
    text differs from what the export writes for the record (columns the file leaves out
    are not compared), so a file exported from here reads as unchanged."""
    from liaison.exchange.reader import _cell_text

    digest = ImportedRecord.objects.filter(activity_id=activity.pk).values_list(
        "row_sha256", flat=True
    )
    if row_digest(row) in digest:
        return []
    (stored,) = export_value_rows(Activity.objects.filter(pk=activity.pk))
    differing = []
    for column, value in zip(ACTIVITIES.headers, ACTIVITIES.values(stored), strict=True):
        if column not in row.cells:
            continue
        stored_text, given = _cell_text(text_cell(value)), row.cell(column)
        if column in SET_COLUMNS:
            # A set, not a sequence: the order the file lists them in says nothing.
            same = sorted(map(str.lower, split_list(stored_text))) == sorted(
                map(str.lower, split_list(given))
            )
        else:
            same = stored_text == given
        if not same:
            differing.append(column)
    return differing


# Columns an import may change on a record it brought in earlier (a corrected file). The
# status moves only through the workflow; funding, approvals and reports are records of
# their own, added through their pages once the activity is here.
UPDATABLE = frozenset(
    {
        "title", "direction", "kind", "category", "topics", "purpose", "justification",
        "start_date", "end_date", "estimated_cost", "host_organisation",
        "organiser_organisation", "locations", "participants", "recorded_at", "not_on_record",
    }
)  # fmt: skip


def _update_or_refuse(
    *, actor: Any, existing: Activity, row: _Row, parsed: _Parsed, differing: list[str]
) -> None:
    """A row whose record is here but reads differently: updated through
    ``activity_import_update`` when the record was imported and only updatable columns
    differ; otherwise a problem naming the columns (nothing changes)."""
    fixed = [c for c in differing if c not in UPDATABLE]
    if existing.origin != "imported" or fixed:
        why = (
            "the record was entered here, not imported: change it on its page"
            if existing.origin != "imported"
            else "an import does not change " + ", ".join(fixed) + " of a record already "
            "here (the status moves through the workflow; funding, approvals and reports "
            "are added on the record's pages)"
        )
        row.problem((fixed or differing)[0], "This record is already here and the file differs "
                    "in " + ", ".join(differing) + f": {why}.")  # fmt: skip
        return
    try:
        with transaction.atomic():
            activity_import_update(
                actor=actor,
                activity=existing,
                data=parsed.data,
                recorded_at=parsed.recorded_at,
                not_on_record=parsed.not_on_record,
            )
            record = ImportedRecord.objects.get(activity=existing)
            record.row_sha256 = row_digest(row)
            save_audited(record, actor=actor, reason="re-imported")
    except ValidationError as exc:
        row.problems.extend(_service_problems(row, exc))


# Rows written per set by the bulk path (ADR 0026): large enough that the statements
# per set are few per row, small enough that a set's objects stay a few MiB.
BULK_CHUNK = 2000


@dataclass
class _Pending:
    row: _Row
    parsed: _Parsed
    prepared: PreparedImport


class _Keys:
    """The records this agency's files brought in, by key, read once per file; a key of
    a record entered here (``Liaison <ORI>`` + its id) is looked up when met."""

    def __init__(self, agency: Agency) -> None:
        self.agency = agency
        self.imported: dict[tuple[str, str], int] = {
            (system, ident): activity_id
            for system, ident, activity_id in ImportedRecord.objects.filter(
                agency=agency
            ).values_list("source_system", "source_id", "activity_id")
        }
        self.own_system = LIAISON_SYSTEM.format(ori=agency.ori_code)

    def existing(self, key: tuple[str, str]) -> Activity | None:
        if key in self.imported:
            return Activity.objects.get(pk=self.imported[key])
        if key[0] == self.own_system and key[1].isdigit():
            return Activity.objects.filter(
                agency=self.agency, pk=int(key[1]), import_record__isnull=True
            ).first()
        return None


def _bulk_write(*, actor: Any, agency: Agency, batch: ImportBatch, pending: list[_Pending]) -> None:
    """Write a set of checked new records (``activity_import_bulk``) and their
    ``ImportedRecord`` rows, with history rows chained in one batch. When the database
    refuses the set, it is rolled back and its rows go one by one through ``_create``
    in their own savepoints, so the refusal is named by row as the per-row path names
    it (``RowFailed`` problems are then the caller's to report)."""
    from liaison.records.bulk import chain, history_rows

    try:
        with transaction.atomic():
            activities = activity_import_bulk(actor=actor, prepared=[p.prepared for p in pending])
            records = []
            for item, activity in zip(pending, activities, strict=True):
                record = _record(agency=agency, batch=batch, row=item.row, parsed=item.parsed)
                record.activity = activity
                records.append(record)
            ImportedRecord.objects.bulk_create(records)
            chain(history_rows(records, actor=actor, reason="imported"))
        return
    except IntegrityError:
        pass
    for item in pending:
        try:
            with transaction.atomic():
                _create(actor=actor, agency=agency, batch=batch, row=item.row, parsed=item.parsed)
        except RowFailed as failed:
            item.row.problems = failed.problems
        except IntegrityError as exc:
            item.row.problem("(row)", f"The database refused the row: {exc}.")


def run_rows(
    *,
    actor: Any,
    agency: Agency,
    batch: ImportBatch,
    rows: Iterable[tuple[int, dict[str, str]]],
    total: int,
    phase: str,
    on_progress: Callable[[int], None] | None = None,
    write: bool = True,
    bulk: bool = True,
) -> Outcome:
    """Check, and when ``write`` import, every row (the caller holds the transaction and
    decides whether to keep it). Problems are collected, never raised, so the report
    names every bad row; ``ImportCancelled`` ends the run.

    One pass (ADR 0026): each row is read and checked in Python against registries read
    once per file (``_People``, ``_Organisations``, ``ActivityLookups``, the known keys)
    by the services' own rules (``activity_import_prepare``). A new record without
    funding, approvals or reports (the bulk of a legacy file) is then written in sets of
    ``BULK_CHUNK`` (``activity_import_bulk``); the dry run (``write=False``) stops at the
    check. A row with funding, approvals or reports, and a row whose record is already
    here (unchanged or an update), goes through the services one by one in its own
    savepoint, as before — in the dry run too, rolled back with the transaction.
    ``bulk=False`` sends every new record that way (the tests compare the two paths)."""
    from liaison.exchange.review import resolutions_for

    outcome = Outcome()
    people = _People.of(agency, resolutions=resolutions_for(batch))
    organisations = _Organisations.of()
    lookups = ActivityLookups.for_agency(actor=actor, agency=agency, former=True)
    keys = _Keys(agency)
    # The dry run checks without building what it would write (ADR 0030).
    memo = CheckMemo()
    seen: dict[tuple[str, str], int] = {}
    pending: list[_Pending] = []
    # Rows written in a set whose outcome is known only once the set is written.
    waiting: list[tuple[_Row, list[Any]]] = []

    def flush() -> None:
        if write and pending and not outcome.problems:
            _bulk_write(actor=actor, agency=agency, batch=batch, pending=pending)
        for row, entry in waiting:
            if row.problems:
                outcome.problems.extend(row.problems)
                outcome.created -= 1
                entry[1] = ERROR
        outcome.problems.sort(key=lambda p: p.row)
        pending.clear()
        waiting.clear()

    reported = time.monotonic()
    looked: float | None = None  # the first look is at row PROGRESS_EVERY, whatever the time
    for done, (number, cells) in enumerate(rows, start=1):
        outcome.rows += 1
        row = _Row(number, cells)
        parsed = _parse(row, people, agency, organisations=organisations)
        title = row.cell("title")
        if parsed.key in seen and all(parsed.key):
            row.problem("source_id", f"The same key as row {seen[parsed.key]}: each record "
                        "appears once in a file.")  # fmt: skip
        seen.setdefault(parsed.key, number)
        action = ERROR
        existing = keys.existing(parsed.key) if all(parsed.key) else None
        queued = False
        if existing is not None and not row.problems:
            differing = _differences(existing, row)
            if not differing:
                action = UNCHANGED
            else:
                action = UPDATE
                _update_or_refuse(
                    actor=actor, existing=existing, row=row, parsed=parsed, differing=differing
                )
        elif existing is None and (
            not bulk or parsed.funding or parsed.approvals or parsed.reports
        ):
            try:
                with transaction.atomic():
                    _create(actor=actor, agency=agency, batch=batch, row=row, parsed=parsed)
                action = CREATE
            except RowFailed as failed:
                row.problems = failed.problems
            except IntegrityError as exc:
                row.problem("(row)", f"The database refused the row: {exc}.")
            except Forbidden as exc:
                row.problem("(row)", exc.message)
        elif existing is None:
            try:
                if write:
                    prepared = _prepare(actor=actor, agency=agency, batch=batch, row=row,
                                        parsed=parsed, lookups=lookups)  # fmt: skip
                    queued = True
                    pending.append(_Pending(row, parsed, prepared))
                else:
                    _check(actor=actor, agency=agency, batch=batch, row=row, parsed=parsed,
                           lookups=lookups, memo=memo)  # fmt: skip
                action = CREATE
            except RowFailed as failed:
                row.problems = failed.problems
            except Forbidden as exc:
                row.problem("(row)", exc.message)
        if row.problems:
            outcome.problems.extend(row.problems)
            action = ERROR
        if action == CREATE:
            outcome.created += 1
        elif action == UNCHANGED:
            outcome.unchanged += 1
        elif action == UPDATE:
            outcome.updated += 1
        entry: list[Any] = [number, action, parsed.key[0], parsed.key[1], title]
        outcome.plan.append(entry)
        if queued:
            waiting.append((row, entry))
        if len(pending) >= BULK_CHUNK:
            flush()
        if done % PROGRESS_EVERY == 0:
            now = time.monotonic()
            if looked is None or now - looked >= CANCEL_SECONDS:
                if progress.cancel_requested(batch.token):
                    raise ImportCancelled()
                looked = now
            if now - reported >= REPORT_SECONDS:
                # A write to the file cache (milliseconds): not more often than the page
                # reads it.
                progress.report(batch.token, phase=phase, done=done, total=total)
                reported = now
            if on_progress is not None:
                on_progress(done)
    flush()
    progress.report(batch.token, phase=phase, done=outcome.rows, total=total)
    outcome.ambiguous = people.ambiguous
    return outcome


def _prepare(
    *,
    actor: Any,
    agency: Agency,
    batch: ImportBatch,
    row: _Row,
    parsed: _Parsed,
    lookups: ActivityLookups,
) -> PreparedImport:
    """Every check ``_create`` makes before it writes, writing nothing: the row's own
    problems and ``activity_import``'s rules (``activity_import_prepare``), reported as
    ``_create`` reports them."""
    try:
        activity, locations, participations = activity_import_prepare(
            actor=actor,
            agency=agency,
            data=parsed.data,
            status=parsed.status,
            recorded_at=parsed.recorded_at,
            source=_source(batch, row),
            not_on_record=parsed.not_on_record,
            lookups=lookups,
        )
    except ValidationError as exc:
        raise _refused(row, exc) from exc
    if row.problems:
        raise RowFailed(row.problems)
    activity._history_user = actor  # type: ignore[attr-defined]
    return PreparedImport(
        activity=activity,
        locations=locations,
        participations=participations,
        topics=list(parsed.data.topics),
    )


def _check(
    *,
    actor: Any,
    agency: Agency,
    batch: ImportBatch,
    row: _Row,
    parsed: _Parsed,
    lookups: ActivityLookups,
    memo: CheckMemo,
) -> None:
    """``_prepare`` for the dry run: the same checks and the same problems
    (``activity_import_check``), with nothing built to write."""
    try:
        activity_import_check(
            actor=actor,
            agency=agency,
            data=parsed.data,
            status=parsed.status,
            recorded_at=parsed.recorded_at,
            source=_source(batch, row),
            not_on_record=parsed.not_on_record,
            lookups=lookups,
            memo=memo,
        )
    except ValidationError as exc:
        raise _refused(row, exc) from exc
    if row.problems:
        raise RowFailed(row.problems)


# --- the batch -----------------------------------------------------------------------------


@transaction.atomic
def import_batch_create(
    *, actor: Any, agency: Agency, file_name: str, content: bytes
) -> ImportBatch:
    """Record an uploaded file as a batch (not yet checked): its name, SHA-256, size and
    the bytes themselves. Coordinators of ``agency`` only; ``ValidationError`` (key
    ``file``) for a file that is not CSV or XLSX, is empty or too large, or has no
    readable header row. Writes nothing else."""
    from django.conf import settings

    if not can_import(actor, agency.pk):
        raise Forbidden("Only coordinators of this agency import records.")
    name = (file_name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()[:255]
    try:
        file_format = format_of(name)
    except FileNotReadable as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    if not content:
        raise ValidationError({"file": ["The file is empty."]})
    if len(content) > settings.IMPORT_MAX_BYTES:
        raise ValidationError(
            {"file": [f"The file is larger than {settings.IMPORT_MAX_BYTES:,} bytes."]}
        )
    try:
        table = read_table(content, file_format)
        rows = sum(1 for _ in table.rows)
    except FileNotReadable as exc:
        raise ValidationError({"file": [str(exc)]}) from exc
    batch = ImportBatch(
        agency=agency,
        file_name=name,
        file_format=file_format,
        sha256=hashlib.sha256(content).hexdigest(),
        size=len(content),
        content=content,
        uploaded_by=actor,
        rows=rows,
    )
    save_audited(batch, actor=actor, reason="uploaded")
    return batch


def _run(batch: ImportBatch, *, actor: Any, commit: bool, bulk: bool = True) -> Outcome:
    """Read the batch's file and run every row; keep the writes only when ``commit`` and
    no row has a problem. The batch's own row is written by the caller afterwards."""
    content = bytes(batch.content)
    table = read_table(content, batch.file_format)
    phase = "importing" if commit else "checking"
    with transaction.atomic():
        if table.problems:
            outcome = Outcome(problems=list(table.problems))
        else:
            outcome = run_rows(
                actor=actor,
                agency=batch.agency,
                batch=batch,
                rows=table.rows,
                total=batch.rows,
                phase=phase,
                write=commit or not bulk,
                bulk=bulk,
            )
        if commit and outcome.ok:
            created = list(batch.records.values_list("activity_id", flat=True))
            touched: set[Any] = set()
            for start in range(0, len(created), 5000):  # within SQLite's variable limit
                touched |= summary_touched(created[start : start + 5000])
            summary_refresh(touched)
            batch.status = BatchStatus.IMPORTED
            _finish(batch, outcome, actor=actor)
        else:
            transaction.set_rollback(True)
    return outcome


def _finish(batch: ImportBatch, outcome: Outcome, *, actor: Any) -> None:
    batch.created, batch.updated = outcome.created, outcome.updated
    batch.unchanged = outcome.unchanged
    batch.errors = [p.as_dict() for p in outcome.problems]
    batch.plan = outcome.plan
    batch.ambiguous = outcome.ambiguous
    batch.finished_at = timezone.now()
    save_audited(
        batch, actor=actor, validate=False, reason=batch.status, update_fields=_but_the_file()
    )


def import_batch_check(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """The dry run: every row checked through the import's own path and rolled back.
    The batch becomes "checked" (nothing wrong: ready to import) or "refused" (with each
    problem), with what each row would do. Coordinators of the batch's agency only."""
    if not can_import(actor, batch.agency_id):
        raise Forbidden("Only coordinators of this agency import records.")
    if batch.status not in (BatchStatus.UPLOADED, BatchStatus.CHECKING):
        raise ValidationError(
            {
                "status": [
                    f"This file is {batch.get_status_display().lower()}: upload it "
                    "again to check it again."
                ]
            }
        )
    if batch.status != BatchStatus.CHECKING:
        _set_status(batch, BatchStatus.CHECKING, actor=actor)
    try:
        outcome = _run(batch, actor=actor, commit=False)
    except ImportCancelled:
        _set_status(batch, BatchStatus.CANCELLED, actor=actor)
        return batch
    except FileNotReadable as exc:
        outcome = Outcome(problems=[Problem(1, "(file)", "", str(exc))])
    batch.status = BatchStatus.CHECKED if outcome.ok else BatchStatus.REFUSED
    batch.checked_at = timezone.now()
    batch.rows = outcome.rows or batch.rows
    with transaction.atomic():
        _finish(batch, outcome, actor=actor)
    progress.forget(batch.token)
    return batch


def import_batch_run(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """Import a checked batch: every row again, in one transaction, kept only if no row
    fails now (the records may have changed since the check). "imported" with the counts,
    or "failed" with the problems and nothing saved, or "cancelled" with nothing saved.
    Coordinators of the batch's agency only; a batch that is not "checked" (or queued
    after its check) is refused."""
    if not can_import(actor, batch.agency_id):
        raise Forbidden("Only coordinators of this agency import records.")
    if batch.status not in (BatchStatus.CHECKED, BatchStatus.QUEUED):
        raise ValidationError(
            {
                "status": [
                    f"Only a checked file can be imported; this one is "
                    f"{batch.get_status_display().lower()}."
                ]
            }
        )
    _set_status(batch, BatchStatus.IMPORTING, actor=actor)
    try:
        outcome = _run(batch, actor=actor, commit=True)
    except ImportCancelled:
        _set_status(batch, BatchStatus.CANCELLED, actor=actor)
        return batch
    if not outcome.ok:
        batch.status = BatchStatus.FAILED
        with transaction.atomic():
            _finish(batch, outcome, actor=actor)
    progress.forget(batch.token)
    batch.refresh_from_db()
    return batch


def import_batch_queue(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """Hand a batch to the task worker (the caller enqueues the task on commit): an
    uploaded file becomes "checking", a checked one "queued" for import. Coordinators of
    the batch's agency only; any other status is refused."""
    if not can_import(actor, batch.agency_id):
        raise Forbidden("Only coordinators of this agency import records.")
    if batch.status == BatchStatus.UPLOADED:
        _set_status(batch, BatchStatus.CHECKING, actor=actor)
    elif batch.status == BatchStatus.CHECKED:
        _set_status(batch, BatchStatus.QUEUED, actor=actor)
    else:
        raise ValidationError(
            {
                "status": [
                    f"This file is {batch.get_status_display().lower()}: there is nothing to start."
                ]
            }
        )
    return batch


def import_batch_cancel(*, actor: Any, batch: ImportBatch) -> ImportBatch:
    """Ask a running check or import to stop. It stops at its next progress point and
    rolls back everything it wrote; a batch not yet started is cancelled at once.
    Coordinators of the batch's agency only."""
    if not can_import(actor, batch.agency_id):
        raise Forbidden("Only coordinators of this agency import records.")
    if batch.status in (BatchStatus.UPLOADED, BatchStatus.CHECKED, BatchStatus.REFUSED):
        _set_status(batch, BatchStatus.CANCELLED, actor=actor)
        return batch
    if batch.status not in (BatchStatus.CHECKING, BatchStatus.QUEUED, BatchStatus.IMPORTING):
        raise ValidationError({"status": [f"This file is already "
                                          f"{batch.get_status_display().lower()}."]})  # fmt: skip
    progress.request_cancel(batch.token)
    if batch.status == BatchStatus.QUEUED:
        # Not started: the task will find it cancelled and do nothing.
        _set_status(batch, BatchStatus.CANCELLED, actor=actor)
    return batch


@transaction.atomic
def _set_status(batch: ImportBatch, status: str, *, actor: Any) -> None:
    batch.status = status
    if status == BatchStatus.CANCELLED:
        batch.finished_at = timezone.now()
    save_audited(batch, actor=actor, validate=False, reason=status, update_fields=_but_the_file())


def _but_the_file() -> list[str]:
    """The columns of a saved batch its check or import may change: all but the stored
    file (``content``, up to ``IMPORT_MAX_BYTES``), which is written once, on upload, and
    not sent to the database again with each change of status (ADR 0030, point 7)."""
    return [
        f.name
        for f in ImportBatch._meta.concrete_fields
        if not f.primary_key and f.name != "content"
    ]


def import_file(
    *, actor: Any, agency: Agency, file_name: str, content: bytes, dry_run: bool
) -> ImportBatch:
    """The whole thing in one call (``manage.py import_records``): record the batch,
    check it, and unless ``dry_run`` or the check found problems, import it."""
    batch = import_batch_create(actor=actor, agency=agency, file_name=file_name, content=content)
    batch = import_batch_check(actor=actor, batch=batch)
    if not dry_run and batch.status == BatchStatus.CHECKED:
        batch = import_batch_run(actor=actor, batch=batch)
    return batch
