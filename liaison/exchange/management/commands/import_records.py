"""``manage.py import_records FILE --agency ORI [--dry-run] [--user USERNAME]
[--resolutions CSV]``: check, and unless ``--dry-run``, import a legacy spreadsheet of
activities (docs/import.md). ``--resolutions`` answers the review step for ambiguous
participant names (ADR 0028): a CSV ``row,participant,serial_number`` (``none``: none of
them); the command prints the names to answer when a check finds some.

All or nothing in one transaction: a file with one bad row saves nothing, and the command
prints each problem (row, column, value, why) and exits with status 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.accounts.models import Agency, Role, RoleGrant, User
from liaison.core.errors import DomainError, validation_messages
from liaison.exchange.models import BatchStatus, ImportBatch
from liaison.exchange.review import choices_from_csv, import_batch_resolve
from liaison.exchange.services import (
    import_batch_check,
    import_batch_create,
    import_batch_run,
    import_file,
)
from liaison.people.models import Employee


class Command(BaseCommand):
    help = "Check and import a CSV or XLSX file of activities (the export's columns)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A .csv or .xlsx file in the exchange format.")
        parser.add_argument("--agency", required=True, help="The agency's ORI code.")
        parser.add_argument("--dry-run", action="store_true", help="Check every row; save nothing.")
        parser.add_argument(
            "--user",
            default="",
            help="Username of the coordinator the import is recorded as (default: the "
            "agency's only active coordinator).",
        )
        parser.add_argument(
            "--resolutions",
            default="",
            help="A CSV (row,participant,serial_number) saying who each ambiguous "
            "participant name is; serial_number 'none' for none of the candidates.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        agency = Agency.objects.filter(ori_code=options["agency"].strip().upper()).first()
        if agency is None:
            raise CommandError(f"No agency has the ORI code {options['agency']}.")
        actor = self._actor(agency, options["user"])
        answers = Path(options["resolutions"]) if options["resolutions"] else None
        if answers is not None and not answers.is_file():
            raise CommandError(f"No file at {answers}.")
        try:
            if answers is None:
                batch = import_file(
                    actor=actor,
                    agency=agency,
                    file_name=path.name,
                    content=path.read_bytes(),
                    dry_run=options["dry_run"],
                )
            else:
                batch = self._with_answers(actor, agency, path, answers, options["dry_run"])
        except ValidationError as exc:
            raise CommandError(
                " ".join(m for ms in validation_messages(exc).values() for m in ms)
            ) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        for problem in batch.errors:
            self.stderr.write(
                f"row {problem['row']}, column {problem['column']}, value "
                f"“{problem['value']}”: {problem['message']}"
            )
        counts = (
            f"{batch.rows} rows: {batch.created} to create, {batch.updated} differing, "
            f"{batch.unchanged} unchanged"
        )
        self.stdout.write(
            f"Batch {batch.pk} ({batch.file_name}, SHA-256 {batch.sha256}): "
            f"{batch.get_status_display()}. {counts}."
        )
        for entry in batch.ambiguous or []:
            self.stderr.write(
                f"to review: row {entry['row']}, participant {entry['participant']} "
                f"“{entry['name']}”: serial numbers "
                + ", ".join(
                    Employee.objects.filter(pk__in=entry["candidates"])
                    .order_by("serial_number")
                    .values_list("serial_number", flat=True)
                )
            )
        if batch.status not in (BatchStatus.CHECKED, BatchStatus.IMPORTED):
            raise CommandError(f"Nothing imported: {len(batch.errors)} problem(s).")

    def _with_answers(
        self, actor: User, agency: Agency, path: Path, answers: Path, dry_run: bool
    ) -> ImportBatch:
        """Check the file, apply the answers to the names it finds ambiguous, check it
        again and, unless ``dry_run``, import it."""
        batch = import_batch_create(
            actor=actor, agency=agency, file_name=path.name, content=path.read_bytes()
        )
        batch = import_batch_check(actor=actor, batch=batch)
        if batch.ambiguous:
            choices = choices_from_csv(batch, answers.read_text(encoding="utf-8"))
            if choices:
                batch = import_batch_resolve(actor=actor, batch=batch, choices=choices)
                batch = import_batch_check(actor=actor, batch=batch)
        if not dry_run and batch.status == BatchStatus.CHECKED:
            batch = import_batch_run(actor=actor, batch=batch)
        return batch

    def _actor(self, agency: Agency, username: str) -> User:
        grants = RoleGrant.objects.filter(
            role=Role.COORDINATOR, agency=agency, user__is_active=True
        )
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"No user named {username}.")
            return user
        users = list(User.objects.filter(pk__in=grants.values("user_id")).order_by("username"))
        if len(users) != 1:
            names = ", ".join(u.username for u in users) or "none"
            raise CommandError(
                f"Name the coordinator to record the import as with --user "
                f"(coordinators of {agency.name}: {names})."
            )
        return users[0]
