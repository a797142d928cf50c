"""The import's review step for ambiguous participant names, and the rule for people who
moved between agencies (ADR 0028).

- A participant named without a serial number the agency knows, whose name several
  employees of the agency share, is *ambiguous*. The check records it on the batch
  (``ImportBatch.ambiguous``: row, participant position, value, name, candidate ids) and
  the row is an error. The coordinator answers for each one (an employee among the
  candidates, or none of them); the answers are stored as ``MatchResolution`` rows
  (audited), the batch goes back to "uploaded", and the next check and the import apply
  them through ``_People`` (``_People.of(agency, resolutions=resolutions_for(batch))``),
  so any path that parses rows with that ``_People`` applies them. "None of these" leaves
  the row an error.
- A serial number the file gives for the agency also finds a *former* employee: someone
  whose own history shows that serial number in this agency and who has since moved.
  One person keeps one ``Employee`` row; the participation keeps the agency of the time.

The page, the API and ``manage.py import_records --resolutions FILE`` all go through
``pending_matches`` (reads) and ``import_batch_resolve`` (writes).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from liaison.accounts.models import Agency
from liaison.core.audit import save_audited
from liaison.core.errors import Forbidden
from liaison.exchange.access import can_import
from liaison.exchange.models import BatchStatus, ImportBatch, MatchResolution
from liaison.people.access import employees_visible_to
from liaison.people.models import Employee
from liaison.people.selectors import former_employees_of

if TYPE_CHECKING:
    from liaison.exchange.services import _People, _Row

# A batch whose check has finished may be answered (and answered again).
RESOLVABLE = (BatchStatus.CHECKED, BatchStatus.REFUSED, BatchStatus.FAILED)
NONE_OF_THESE = "none"


# --- the rule for people who moved ----------------------------------------------------------


def former_serials(agency: Agency) -> dict[str, int]:
    """Serial number → employee, for the serial numbers people held in ``agency`` before
    they moved to another one (their history shows it). A serial number two former
    employees held is left out (it says nobody for sure); a current employee's serial
    number wins over a former one (the caller lays the current ones over these)."""
    former = former_employees_of(agency.pk).values("pk")
    found: dict[str, set[int]] = {}
    for pk, serial in (
        Employee.history.filter(agency_id=agency.pk, id__in=former)  # type: ignore[attr-defined]
        .values_list("id", "serial_number")
        .distinct()
    ):
        found.setdefault(serial, set()).add(pk)
    return {serial: next(iter(ids)) for serial, ids in found.items() if len(ids) == 1}


# --- what the check records ---------------------------------------------------------------


def resolutions_for(batch: ImportBatch) -> dict[tuple[int, int], int | None]:
    """The coordinator's answers for ``batch``: (row, participant) → employee id, or
    ``None`` for "none of these"."""
    if batch.pk is None:
        return {}
    return {
        (row, participant): employee_id
        for row, participant, employee_id in MatchResolution.objects.filter(
            batch=batch
        ).values_list("row_number", "participant", "employee_id")
    }


def ambiguous_problem(
    row: _Row,
    people: _People,
    agency: Agency,
    index: int,
    item: str,
    name: str,
    named: list[tuple[int, str]],
    chosen: int | None,
) -> None:
    """Record an ambiguous participant on ``people`` (for the review step) and on ``row``
    (the problem naming the row, the column, the value and why)."""
    people.ambiguous.append(
        {
            "row": row.number,
            "participant": index,
            "column": "participants",
            "value": item,
            "name": name,
            "candidates": sorted(pk for pk, _ in named),
        }
    )
    serials = ", ".join(sorted(s for _, s in named))
    where = f"participant {index}"
    if chosen is None:
        row.problem("participants", f"{where}: you chose none of the {len(named)} employees "
                    f"of {agency.name} named {name} (serial numbers {serials}); give the "
                    "serial number, or add the person to People first.", item)  # fmt: skip
        return
    row.problem("participants", f"{where}: ambiguous — {len(named)} employees of "
                f"{agency.name} are named {name} (serial numbers {serials}); choose which "
                "on the review step, or give the serial number.", item)  # fmt: skip


# --- reads ----------------------------------------------------------------------------------


@dataclass
class Candidate:
    id: int
    serial_number: str
    name: str
    rank: str
    unit: str
    agency: str


@dataclass
class Match:
    """One ambiguous participant of a batch, with the candidates the reader may see and
    the answer given so far (``decided`` False: none yet)."""

    row: int
    participant: int
    column: str
    value: str
    name: str
    candidates: list[Candidate]
    decided: bool
    employee_id: int | None

    @property
    def key(self) -> str:
        return f"match-{self.row}-{self.participant}"


def pending_matches(*, user: Any, batch: ImportBatch) -> list[Match]:
    """The ambiguous participants the last check of ``batch`` found, in file order (the
    caller has passed ``access_batch``). Candidates are limited to the employees ``user``
    may see."""
    entries = batch.ambiguous or []
    ids = {pk for e in entries for pk in e["candidates"]}
    visible = {
        e.pk: e for e in employees_visible_to(user).filter(pk__in=ids).select_related("agency")
    }
    answers = resolutions_for(batch)
    matches = []
    for e in entries:
        key = (e["row"], e["participant"])
        candidates = [
            Candidate(
                id=pk,
                serial_number=visible[pk].serial_number,
                name=f"{visible[pk].first_name} {visible[pk].last_name}",
                rank=visible[pk].rank,
                unit=visible[pk].unit,
                agency=visible[pk].agency.name,
            )
            for pk in e["candidates"]
            if pk in visible
        ]
        matches.append(
            Match(
                row=e["row"],
                participant=e["participant"],
                column=e["column"],
                value=e["value"],
                name=e["name"],
                candidates=candidates,
                decided=key in answers,
                employee_id=answers.get(key),
            )
        )
    return matches


# --- writes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    """One answer: the participant at ``row`` / ``participant`` is ``employee_id``
    (``None``: none of the candidates)."""

    row: int
    participant: int
    employee_id: int | None


@transaction.atomic
def import_batch_resolve(
    *, actor: Any, batch: ImportBatch, choices: Sequence[Choice]
) -> ImportBatch:
    """Store the coordinator's answers for ambiguous participants and send the batch back
    to be checked again ("uploaded"; the caller starts the check). Coordinators of the
    batch's agency only (``Forbidden``); ``ValidationError`` keyed ``resolutions[i].row``
    or ``resolutions[i].employee_id`` naming the bad value (a participant the check did not
    find ambiguous; an employee who is not one of its candidates the actor may see), or
    ``status`` for a batch not waiting for answers. All or nothing."""
    if not can_import(actor, batch.agency_id):
        raise Forbidden("Only coordinators of this agency import records.")
    batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status not in RESOLVABLE:
        raise ValidationError(
            {
                "status": [
                    f"This file is {batch.get_status_display().lower()}: only a checked "
                    "file's names can be reviewed."
                ]
            }
        )
    entries = {(e["row"], e["participant"]): e for e in batch.ambiguous or []}
    if not choices:
        raise ValidationError({"resolutions": ["Give at least one answer."]})
    visible = set(
        employees_visible_to(actor)
        .filter(pk__in={pk for e in entries.values() for pk in e["candidates"]})
        .values_list("pk", flat=True)
    )
    errors: dict[str, list[str]] = {}
    seen: set[tuple[int, int]] = set()
    for i, choice in enumerate(choices):
        key = (choice.row, choice.participant)
        entry = entries.get(key)
        if entry is None:
            errors[f"resolutions[{i}].row"] = [
                f"Row {choice.row}, participant {choice.participant} is not an ambiguous "
                "name of this file's last check."
            ]
            continue
        if key in seen:
            errors[f"resolutions[{i}].row"] = [
                f"Row {choice.row}, participant {choice.participant} is answered twice."
            ]
            continue
        seen.add(key)
        if choice.employee_id is not None and (
            choice.employee_id not in entry["candidates"] or choice.employee_id not in visible
        ):
            errors[f"resolutions[{i}].employee_id"] = [
                f"Employee {choice.employee_id} is not one of the people named "
                f"{entry['name']} for row {choice.row}, participant {choice.participant}."
            ]
    if errors:
        raise ValidationError(errors)
    for choice in choices:
        entry = entries[(choice.row, choice.participant)]
        resolution = MatchResolution.objects.filter(
            batch=batch, row_number=choice.row, participant=choice.participant
        ).first() or MatchResolution(
            batch=batch, row_number=choice.row, participant=choice.participant
        )
        resolution.value = str(entry["value"])[:500]
        resolution.employee_id = choice.employee_id
        resolution.decided_by = actor
        save_audited(resolution, actor=actor, reason="review of an ambiguous name")
    batch.status = BatchStatus.UPLOADED
    save_audited(batch, actor=actor, validate=False, reason="names reviewed: to check again")
    return batch


def choices_from_csv(batch: ImportBatch, text: str) -> list[Choice]:
    """The command's ``--resolutions FILE``: a CSV with the header ``row,participant,
    serial_number``; the serial number of the chosen candidate, or ``none`` for none of
    them. ``ValidationError`` naming the line and the value for anything else."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    needed = {"row", "participant", "serial_number"}
    if not needed <= set(reader.fieldnames or []):
        raise ValidationError(
            {"resolutions": ["The first line must be: row,participant,serial_number."]}
        )
    entries = {(e["row"], e["participant"]): e for e in batch.ambiguous or []}
    serials = dict(
        Employee.objects.filter(
            pk__in={pk for e in entries.values() for pk in e["candidates"]}
        ).values_list("pk", "serial_number")
    )
    choices, errors = [], []
    for line, record in enumerate(reader, start=2):
        try:
            key = (int(record["row"]), int(record["participant"]))
        except (TypeError, ValueError):
            errors.append(f"line {line}: row and participant must be numbers.")
            continue
        serial = (record["serial_number"] or "").strip()
        entry = entries.get(key)
        if entry is None:
            errors.append(f"line {line}: row {key[0]}, participant {key[1]} is not an "
                          "ambiguous name of this file.")  # fmt: skip
            continue
        if serial.lower() == NONE_OF_THESE:
            choices.append(Choice(key[0], key[1], None))
            continue
        found = [pk for pk in entry["candidates"] if serials.get(pk) == serial]
        if not found:
            known = ", ".join(sorted(serials[pk] for pk in entry["candidates"] if pk in serials))
            errors.append(
                f"line {line}: serial number “{serial}” is not one of the people named "
                f"{entry['name']} ({known}); or write {NONE_OF_THESE}."
            )
            continue
        choices.append(Choice(key[0], key[1], found[0]))
    if errors:
        raise ValidationError({"resolutions": errors})
    return choices
