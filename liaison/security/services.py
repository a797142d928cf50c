"""Writes for the country risk register and the risk assessments.

Keyword-only, ``actor`` first, validated before anything is written (errors keyed by
field, ``rows[3].level`` for an import row), one transaction, history rows attributed to
the actor through ``core.audit``. Pages, the API, the management command and the demo all
come through here.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_countries import countries

from liaison.activities.models import Activity, Location
from liaison.core.audit import save_audited
from liaison.core.errors import Forbidden, InvalidTransition
from liaison.people.models import Employee
from liaison.security.access import can_assess, require_register_editor
from liaison.security.models import (
    ADVISORY_LEVELS,
    INDICATOR_LETTERS,
    AdvisoryLevel,
    AssessmentStatus,
    Briefing,
    BriefingKind,
    CountryRisk,
    Decision,
    HumanRightsConcern,
    RiskAssessment,
    RiskIndicator,
)
from liaison.security.selectors import advisory_level_on, needs_assessment

# --- the register ----------------------------------------------------------------------

IMPORT_COLUMNS = (
    "country",
    "record",
    "level",
    "effective_date",
    "indicators",
    "text",
    "source",
    "source_reference",
)
RECORD_KINDS = ("advisory", "concern")
MAX_IMPORT_ROWS = 5000


def country_code(value: str) -> str | None:
    """An ISO 3166 alpha-2 code from a code or an English country name; ``None`` if
    neither names a country."""
    text = " ".join((value or "").split())
    if len(text) == 2 and text.upper() in dict(countries):
        return text.upper()
    code = countries.by_name(text) if text else ""
    return str(code) or None


def parse_indicators(value: str) -> str | None:
    """``"T; U"``, ``"TU"`` or ``"terrorism; civil unrest"`` → ``"TU"`` in declared order;
    ``None`` when a part names no indicator."""
    parts = [p.strip() for p in (value or "").replace(",", ";").split(";") if p.strip()]
    letters: set[str] = set()
    by_label = {i.label.lower(): i.value for i in RiskIndicator}
    for part in parts:
        if part.lower() in by_label:
            letters.add(by_label[part.lower()])
        elif part.isalpha() and all(ch in INDICATOR_LETTERS for ch in part.upper()):
            letters.update(part.upper())
        else:
            return None
    return "".join(ch for ch in INDICATOR_LETTERS if ch in letters)


def _level(value: str) -> int | None:
    text = (value or "").strip()
    return int(text) if text.isdigit() and int(text) in ADVISORY_LEVELS else None


@dataclass
class ImportChange:
    row: int
    country: str
    record: str
    action: str  # "create", "update" or "unchanged"
    summary: str


@dataclass
class ImportResult:
    """What an import did (or, for a dry run, would do): one entry per data row."""

    dry_run: bool
    changes: list[ImportChange] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        counter = Counter(c.action for c in self.changes)
        return {k: counter.get(k, 0) for k in ("create", "update", "unchanged")}


@dataclass
class _Planned:
    row: int
    code: str
    record: str
    values: dict[str, Any]


def _read_csv(file: IO[str] | IO[bytes] | str) -> list[dict[str, str]]:
    if isinstance(file, str):
        text = file
    else:
        raw = file.read()
        if isinstance(raw, bytes):
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError({"file": ["The file is not UTF-8 text."]}) from None
        else:
            text = raw
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise ValidationError({"file": ["The file is not a CSV file (it holds NUL bytes)."]})
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in ("country", "record", "source") if c not in header]
    unknown = [c for c in header if c not in IMPORT_COLUMNS]
    problems = []
    if not header:
        problems.append("The file is empty: the first line must name the columns.")
    if missing and header:
        problems.append("Missing column(s): " + ", ".join(missing) + ".")
    if unknown:
        problems.append(
            "Unknown column(s): " + ", ".join(unknown) + "; known: " + ", ".join(IMPORT_COLUMNS)
        )
    if problems:
        raise ValidationError({"file": problems})
    rows = []
    try:
        for raw_row in reader:
            rows.append({(k or "").strip(): (v or "").strip() for k, v in raw_row.items() if k})
            if len(rows) > MAX_IMPORT_ROWS:
                raise ValidationError(
                    {"file": [f"The file has more than {MAX_IMPORT_ROWS} rows; split it."]}
                )
    except csv.Error as exc:
        raise ValidationError(
            {"file": [f"Line {reader.line_num}: the file is not valid CSV ({exc})."]}
        ) from None
    return rows


def _plan(rows: Sequence[dict[str, str]]) -> tuple[list[_Planned], dict[str, list[str]]]:
    """Check every row; return what it would write and the errors keyed ``rows[n].column``
    (n = the line number a spreadsheet shows, the header being line 1)."""
    errors: dict[str, list[str]] = {}
    planned: list[_Planned] = []
    seen: dict[tuple[str, str, str], int] = {}

    def error(row: int, column: str, value: str, why: str) -> None:
        shown = f"“{value}”" if value else "empty"
        errors.setdefault(f"rows[{row}].{column}", []).append(
            f"Row {row}, {column} ({shown}): {why}"
        )

    for index, row in enumerate(rows):
        line = index + 2
        ok = True
        code = country_code(row.get("country", ""))
        if code is None:
            error(
                line,
                "country",
                row.get("country", ""),
                "unknown country; give an ISO 3166 code such as IL or a country's English name.",
            )
            ok = False
        record = row.get("record", "").lower()
        if record not in RECORD_KINDS:
            error(
                line,
                "record",
                row.get("record", ""),
                "say what the row records: advisory or concern.",
            )
            continue
        source = " ".join(row.get("source", "").split())
        if not source:
            error(
                line,
                "source",
                "",
                "missing source; name where this comes from (e.g. the advisory and its date).",
            )
            ok = False
        elif len(source) > 300:
            error(line, "source", source[:40] + "…", "keep the source name to 300 characters.")
            ok = False
        reference = row.get("source_reference", "")
        if len(reference) > 500:
            error(
                line,
                "source_reference",
                reference[:40] + "…",
                "keep the reference to 500 characters.",
            )
            ok = False
        values: dict[str, Any] = {"source_name": source, "source_reference": reference}
        if record == "advisory":
            level = _level(row.get("level", ""))
            if level is None:
                error(
                    line, "level", row.get("level", ""), "not an advisory level; give 1, 2, 3 or 4."
                )
                ok = False
            text_date = row.get("effective_date", "")
            effective: dt.date | None
            try:
                effective = dt.date.fromisoformat(text_date)
                if len(text_date) != 10:
                    raise ValueError
            except ValueError:
                error(line, "effective_date", text_date, "not a date; write it as YYYY-MM-DD.")
                ok = False
                effective = None
            else:
                if effective is not None and effective > timezone.localdate():
                    error(
                        line,
                        "effective_date",
                        text_date,
                        "in the future; record an advisory once issued.",
                    )
                    ok = False
            indicators = parse_indicators(row.get("indicators", ""))
            if indicators is None:
                known = ", ".join(f"{i.value} ({i.label.lower()})" for i in RiskIndicator)
                error(
                    line,
                    "indicators",
                    row.get("indicators", ""),
                    f"unknown indicator; use the letters {known}, separated by “;”.",
                )
                ok = False
            values.update(level=level, effective_date=effective, indicators=indicators or "")
            key = (code or "", "advisory", text_date)
        else:
            text = " ".join(row.get("text", "").split())
            if not text:
                error(line, "text", "", "a concern needs its text.")
                ok = False
            values["text"] = text
            key = (code or "", "concern", text)
        if ok and key in seen:
            error(
                line,
                "country",
                row.get("country", ""),
                f"the same {record} is already on row {seen[key]}.",
            )
            ok = False
        seen.setdefault(key, line)
        if ok and code is not None:
            planned.append(_Planned(line, code, record, values))
    return planned, errors


def _advisory_summary(values: dict[str, Any]) -> str:
    ind = f", indicators {values['indicators']}" if values["indicators"] else ""
    return f"level {values['level']} from {values['effective_date'].isoformat()}{ind}"


@transaction.atomic
def country_risk_import(
    *, actor: Any, file: IO[str] | IO[bytes] | str, dry_run: bool = False
) -> ImportResult:
    """Import advisory levels and human-rights concerns from a CSV file (columns
    ``IMPORT_COLUMNS``; one row per advisory or concern), all or nothing.

    Every row is checked before anything is written; any error raises ``ValidationError``
    keyed ``rows[<line>].<column>`` whose message names the row, the column, the value and
    why, and nothing is saved. An advisory is identified by country and effective date, a
    concern by country and text: a row that matches what is stored changes nothing, so
    importing the same file twice writes no history. ``dry_run`` returns what would be
    done without writing. Security officers and administrators only (``actor=None`` is
    the system: a management command run with shell access)."""
    if actor is not None:
        require_register_editor(actor)
    planned, errors = _plan(_read_csv(file))
    if errors:
        raise ValidationError(errors)
    result = ImportResult(dry_run=dry_run)
    entries = {
        str(e.country): e for e in CountryRisk.objects.filter(country__in={p.code for p in planned})
    }
    for item in planned:
        entry = entries.get(item.code)
        existing: AdvisoryLevel | HumanRightsConcern | None
        if item.record == "advisory":
            existing = (
                AdvisoryLevel.objects.filter(
                    country_risk=entry, effective_date=item.values["effective_date"]
                ).first()
                if entry
                else None
            )
            summary = _advisory_summary(item.values)
        else:
            existing = (
                HumanRightsConcern.objects.filter(
                    country_risk=entry, text=item.values["text"]
                ).first()
                if entry
                else None
            )
            summary = item.values["text"][:80]
        if existing is None:
            action = "create"
        elif all(getattr(existing, k) == v for k, v in item.values.items()):
            action = "unchanged"
        else:
            action = "update"
        result.changes.append(ImportChange(item.row, item.code, item.record, action, summary))
        if dry_run or action == "unchanged":
            continue
        if entry is None:
            entry = CountryRisk(country=item.code)
            save_audited(entry, actor=actor)
            entries[item.code] = entry
        target: Any = existing or (
            AdvisoryLevel(country_risk=entry)
            if item.record == "advisory"
            else HumanRightsConcern(country_risk=entry)
        )
        for name, value in item.values.items():
            setattr(target, name, value)
        save_audited(target, actor=actor, reason="imported")
    return result


@transaction.atomic
def country_advisory_add(
    *,
    actor: Any,
    country: str,
    level: Any,
    effective_date: dt.date | None,
    source_name: str,
    source_reference: str = "",
    indicators: Iterable[str] = (),
) -> AdvisoryLevel:
    """Add one dated advisory level to a country's series (creating the country's entry
    if needed). The series is never rewritten: a second level on the same date is
    refused. Security officers and administrators only."""
    require_register_editor(actor)
    errors: dict[str, list[str]] = {}
    code = country_code(country)
    if code is None:
        errors["country"] = [f"“{country}” is not a country; give an ISO 3166 code such as IL."]
    parsed_level = _level(str(level if level is not None else ""))
    if parsed_level is None:
        errors["level"] = [f"“{level}” is not an advisory level; give 1, 2, 3 or 4."]
    if effective_date is None:
        errors["effective_date"] = ["Give the date the level took effect."]
    elif effective_date > timezone.localdate():
        errors["effective_date"] = ["The date is in the future; record an advisory once issued."]
    source_name = " ".join((source_name or "").split())
    if not source_name:
        errors["source_name"] = ["Name the source (e.g. the advisory and its date)."]
    letters = parse_indicators(";".join(indicators))
    if letters is None:
        errors["indicators"] = ["Unknown indicator; use the letters " + INDICATOR_LETTERS + "."]
    if (
        code
        and effective_date
        and AdvisoryLevel.objects.filter(
            country_risk__country=code, effective_date=effective_date
        ).exists()
    ):
        errors.setdefault("effective_date", []).append(
            "This country already has a level from that date; import a corrected file to change it."
        )
    if errors:
        raise ValidationError(errors)
    assert code is not None and parsed_level is not None and effective_date is not None
    entry = CountryRisk.objects.filter(country=code).first()
    if entry is None:
        entry = CountryRisk(country=code)
        save_audited(entry, actor=actor)
    advisory = AdvisoryLevel(
        country_risk=entry,
        level=parsed_level,
        effective_date=effective_date,
        indicators=letters or "",
        source_name=source_name,
        source_reference=(source_reference or "").strip(),
    )
    save_audited(advisory, actor=actor)
    return advisory


# --- risk assessments ------------------------------------------------------------------

# Activities past the point where assessing still means anything.
_CLOSED_STATUSES = frozenset({"denied", "cancelled", "completed", "closed"})
_TEXT_FIELDS = ("concerns", "mitigations", "decision", "conditions")


def _assessor_snapshot(actor: Any) -> dict[str, str]:
    employee = Employee.objects.filter(user_id=actor.pk).first()
    name = (actor.get_full_name() or "").strip() or actor.get_username()
    if employee is not None:
        name = f"{employee.first_name} {employee.last_name}".strip() or name
    return {
        "assessor_name_at_time": name[:200],
        "assessor_rank_at_time": (employee.rank if employee else "")[:100],
    }


def _check_text(values: dict[str, str], errors: dict[str, list[str]]) -> None:
    decision = values.get("decision", "")
    if decision not in Decision.values:
        errors["decision"] = [
            "Choose a decision: " + ", ".join(label.lower() for label in Decision.labels) + "."
        ]
    if decision == Decision.PROCEED_WITH_CONDITIONS and not values.get("conditions", "").strip():
        errors["conditions"] = [
            "Say which conditions apply when the trip may proceed with conditions."
        ]


def _snapshot_register(assessment: RiskAssessment, location: Location) -> None:
    """Copy the register's advisory in force today into the assessment: from now on it
    is the level *at the time*, whatever the register says later."""
    advisory = advisory_level_on(str(location.country), timezone.localdate())
    assessment.country = location.country
    assessment.city = location.city
    assessment.advisory_level_at_time = advisory.level if advisory else None
    assessment.advisory_effective_date_at_time = advisory.effective_date if advisory else None
    assessment.advisory_indicators_at_time = advisory.indicators if advisory else ""
    assessment.advisory_source_at_time = advisory.source_name if advisory else ""


@transaction.atomic
def risk_assessment_record(
    *,
    actor: Any,
    location: Location,
    decision: str,
    concerns: str = "",
    mitigations: str = "",
    conditions: str = "",
) -> RiskAssessment:
    """Assess one location abroad of an outbound activity: snapshot the advisory level in
    force today (and its date, indicators and source), the assessor's name and rank, and
    the time; record concerns, mitigations, decision and conditions. The assessment is
    *done* and counts for approval (``workflow.RISK_ASSESSED``).

    A reopened assessment (the itinerary changed) is assessed again here: a new snapshot,
    a new assessor and time, one history row. A location that already has a done
    assessment is refused (edit it instead); so are locations that need none (home
    country, other directions) and activities that are closed, denied or cancelled.
    Security officers of the activity's agency only (``Forbidden``)."""
    location = Location.objects.select_for_update().select_related("activity").get(pk=location.pk)
    activity: Activity = location.activity
    if not can_assess(actor, activity.agency_id):
        raise Forbidden("Only security officers of this agency assess a location's risks.")
    if activity.status in _CLOSED_STATUSES:
        raise InvalidTransition(
            f"A {activity.get_status_display().lower()} activity is no longer assessed."
        )
    errors: dict[str, list[str]] = {}
    if not needs_assessment(location):
        errors["location"] = [
            "Only locations abroad of an outbound activity need a risk assessment."
        ]
    existing = RiskAssessment.objects.filter(location_id=location.pk).first()
    if existing is not None and existing.is_done:
        errors.setdefault("location", []).append(
            "This location already has a risk assessment; edit it instead."
        )
    values = {
        "decision": decision or "",
        "concerns": (concerns or "").strip(),
        "mitigations": (mitigations or "").strip(),
        "conditions": (conditions or "").strip(),
    }
    _check_text(values, errors)
    if errors:
        raise ValidationError(errors)
    assessment = existing or RiskAssessment(activity=activity, location=location)
    for name, value in values.items():
        setattr(assessment, name, value)
    _snapshot_register(assessment, location)
    for name, value in _assessor_snapshot(actor).items():
        setattr(assessment, name, value)
    assessment.assessor = actor
    assessment.assessed_at = timezone.now()
    reason = ""
    if existing is not None:
        reason = "assessed again after the itinerary changed"
    assessment.status = AssessmentStatus.DONE
    assessment.reopened_reason = ""
    save_audited(assessment, actor=actor, reason=reason)
    return assessment


@transaction.atomic
def risk_assessment_update(
    *, actor: Any, assessment: RiskAssessment, **changes: Any
) -> RiskAssessment:
    """Change an assessment's concerns, mitigations, decision or conditions. The level at
    the time, the assessor and the time stay those of the assessment (assessing again is
    ``risk_assessment_record`` on a reopened one). An edit that changes nothing writes
    nothing. Security officers of the activity's agency only."""
    assessment = (
        RiskAssessment.objects.select_for_update().select_related("activity").get(pk=assessment.pk)
    )
    if not can_assess(actor, assessment.activity.agency_id):
        raise Forbidden("Only security officers of this agency edit a risk assessment.")
    unknown = sorted(set(changes) - set(_TEXT_FIELDS))
    if unknown:
        raise ValidationError({name: ["This field cannot be changed here."] for name in unknown})
    values = {name: getattr(assessment, name) for name in _TEXT_FIELDS}
    for name, value in changes.items():
        values[name] = (value or "").strip() if name != "decision" else (value or "")
    errors: dict[str, list[str]] = {}
    _check_text(values, errors)
    if errors:
        raise ValidationError(errors)
    if all(getattr(assessment, k) == v for k, v in values.items()):
        return assessment
    for name, value in values.items():
        setattr(assessment, name, value)
    save_audited(assessment, actor=actor)
    return assessment


@transaction.atomic
def briefing_add(
    *,
    actor: Any,
    assessment: RiskAssessment,
    kind: str,
    given_on: dt.date | None,
    given_by: str,
    notes: str = "",
) -> Briefing:
    """Record a briefing given to the travellers (defensive security, counter-intelligence
    or other): when and by whom. Security officers of the activity's agency only."""
    assessment = RiskAssessment.objects.select_related("activity").get(pk=assessment.pk)
    if not can_assess(actor, assessment.activity.agency_id):
        raise Forbidden("Only security officers of this agency record briefings.")
    errors: dict[str, list[str]] = {}
    if kind not in BriefingKind.values:
        errors["kind"] = [
            "Choose the kind of briefing: " + ", ".join(BriefingKind.labels).lower() + "."
        ]
    if given_on is None:
        errors["given_on"] = ["Give the date the briefing was given."]
    elif given_on > timezone.localdate():
        errors["given_on"] = ["The date is in the future; record a briefing once given."]
    given_by = " ".join((given_by or "").split())
    if not given_by:
        errors["given_by"] = ["Say who gave the briefing."]
    if errors:
        raise ValidationError(errors)
    assert given_on is not None
    briefing = Briefing(
        assessment=assessment,
        kind=kind,
        given_on=given_on,
        given_by=given_by[:200],
        notes=(notes or "").strip()[:500],
    )
    save_audited(briefing, actor=actor)
    return briefing


REOPEN_REASON_MAX = 100  # simple-history's change-reason column


@transaction.atomic
def risk_assessments_reopen_for_itinerary(
    *, actor: Any, activity: Activity, changes: Sequence[str]
) -> list[RiskAssessment]:
    """Reopen every done assessment of ``activity`` because its itinerary changed
    (``changes`` says how, e.g. "added Haifa, IL"): status ``reopened`` with the reason,
    one history row each, attributed to whoever changed the itinerary. A reopened
    assessment no longer counts for approval until a security officer assesses again.
    Called by ``activities.services.activity_update`` through ``activities.hooks``; the
    actor's right to edit the activity has been checked there."""
    reason = "Itinerary changed: " + "; ".join(changes)
    reopened = []
    for assessment in RiskAssessment.objects.select_for_update().filter(
        activity_id=activity.pk, status=AssessmentStatus.DONE
    ):
        assessment.status = AssessmentStatus.REOPENED
        assessment.reopened_reason = reason[:300]
        save_audited(
            assessment,
            actor=actor,
            validate=False,
            reason=reason[: REOPEN_REASON_MAX - 1] + "…"
            if len(reason) > REOPEN_REASON_MAX
            else reason,
        )
        reopened.append(assessment)
    return reopened
