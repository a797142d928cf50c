"""``python manage.py backup PATH``: a consistent copy of the database (docs/backup.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from liaison.core.backup import BackupError, backup, describe


class Command(BaseCommand):
    help = "Back up the database to PATH (SQLite: online backup API; PostgreSQL: pg_dump -Fc)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The backup file to write (must not exist).")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        info = describe()
        self.stdout.write(f"Backed up the {info['vendor']} database to {path}.")
