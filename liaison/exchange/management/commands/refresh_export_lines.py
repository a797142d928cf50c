"""``python manage.py refresh_export_lines [--batch N]``: store the activity export's
missing lines (ADR 0031), from a timer (docs/operations; README, "Operations").

Idempotent and safe to run while people edit: a line is written only if nothing it is
made from changed since the refresh read it (``exchange.lines``), so a run never stores
a stale line; what changed meanwhile is left for the next run.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from liaison.exchange.lines import refresh_lines


class Command(BaseCommand):
    help = "Store the CSV line of every activity whose export line is missing or stale."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", type=int, default=2000, help="Activities read and written at a time."
        )

    def handle(self, *args: Any, batch: int, **options: Any) -> None:
        if batch < 1:
            self.stderr.write("--batch must be at least 1.")
            raise SystemExit(2)
        start = time.perf_counter()
        written = refresh_lines(batch=batch)
        self.stdout.write(f"{written} export lines written in {time.perf_counter() - start:.1f} s.")
