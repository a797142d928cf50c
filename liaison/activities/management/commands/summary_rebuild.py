"""``manage.py summary_rebuild``: recount the oversight summary tables from live data.

The services keep ``SummaryCount`` and ``SummaryCell`` current (docs/adr/0013). Run this
after writes that bypassed them: a bulk load (``bench/generate.py`` runs it), a data fix
in a shell or the admin, a restore of the activity tables without these. It replaces the
tables in one transaction, so a summary read meanwhile sees the old figures or the new.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from liaison.activities.summary import summary_rebuild


class Command(BaseCommand):
    help = "Recount the oversight summary tables from the activities as stored."

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        months = summary_rebuild()
        self.stdout.write(
            f"Summary tables rebuilt: {months:,} agency-months in "
            f"{time.perf_counter() - started:.1f} s."
        )
