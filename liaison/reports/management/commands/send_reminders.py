"""``python manage.py send_reminders [--date YYYY-MM-DD]``: the daily reminder run for
evaluation reports (``services.reminders_send``). Run it once a day (cron, a systemd
timer); running it again the same day sends nothing new. Mail is enqueued with
``django.tasks`` (``manage.py db_worker`` sends it with the database backend)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from liaison.reports.services import reminders_send


class Command(BaseCommand):
    help = "Remind participants of evaluation reports due soon or overdue; escalate late ones."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date", default="", help="Run as of this day (default: today, in TIME_ZONE)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        today = timezone.localdate()
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError("Give --date as YYYY-MM-DD.") from None
        run = reminders_send(today=today)
        self.stdout.write(
            f"{today}: {run.reminders} reminder(s) and {run.escalations} escalation(s) "
            f"enqueued; {run.skipped} already sent within the interval."
        )
