"""``python manage.py restore PATH [--force]``: put a backup back (docs/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.core.backup import BackupError, describe, restore


class Command(BaseCommand):
    help = "Restore the database from a backup made by `backup` (refuses a non-empty one)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The backup file.")
        parser.add_argument(
            "--force", action="store_true", help="Overwrite a database that holds data."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            restore(path, force=options["force"])
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        info = describe()
        self.stdout.write(f"Restored the {info['vendor']} database from {path}.")
