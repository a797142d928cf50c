"""``python manage.py import_country_risk FILE [--dry-run] [--user USERNAME]``: the same
all-or-nothing import as the register's import page (``services.country_risk_import``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.accounts.models import User
from liaison.core.errors import DomainError, validation_messages
from liaison.security.services import country_risk_import


class Command(BaseCommand):
    help = "Import advisory levels and human-rights concerns into the country risk register."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A UTF-8 CSV file (see docs/api.md for the columns).")
        parser.add_argument("--dry-run", action="store_true", help="Check and preview only.")
        parser.add_argument(
            "--user",
            default="",
            help="Attribute the changes to this security officer or administrator "
            "(default: the system, as for any command run with shell access).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        actor = None
        if options["user"]:
            actor = User.objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"No user named {options['user']!r}.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file at {path}.")
        try:
            with path.open("rb") as handle:
                result = country_risk_import(actor=actor, file=handle, dry_run=options["dry_run"])
        except ValidationError as exc:
            lines = [m for messages in validation_messages(exc).values() for m in messages]
            raise CommandError("Nothing was imported:\n  " + "\n  ".join(lines)) from None
        except DomainError as exc:
            raise CommandError(exc.message) from None
        counts = result.counts
        verb = "Would add" if result.dry_run else "Added"
        self.stdout.write(
            f"{verb} {counts['create']}, changed {counts['update']}, "
            f"{counts['unchanged']} already up to date."
            + (" (dry run: nothing saved)" if result.dry_run else "")
        )
