"""``manage.py summary_check``: do the oversight summary tables match live data?

Recounts every agency-month in memory and compares (writes nothing). Exit status 0 when
they agree, 1 with the first differences listed when not — then run ``summary_rebuild``
and find the write that bypassed the services (docs/adr/0013).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from liaison.activities.summary import summary_differences


class Command(BaseCommand):
    help = "Check the oversight summary tables against the activities as stored."

    def handle(self, *args: Any, **options: Any) -> None:
        problems = summary_differences()
        if problems:
            raise CommandError(
                "The summary tables differ from live data (run summary_rebuild):\n"
                + "\n".join(f"- {p}" for p in problems)
            )
        self.stdout.write("The summary tables match the activities as stored.")
