"""``manage.py refresh_search``: rebuild every activity's search text.

The search text (``services.build_search_text``) is derived data kept on the row; the
services keep it current. Run this once after upgrading to a version whose search covers
more (places, organisations and participants' names since issue 5), or after changing an
organisation's name outside the services (e.g. in the Django admin). It writes no history
rows: the text is outside the history.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from liaison.activities.models import Activity
from liaison.activities.services import activity_search_refresh


class Command(BaseCommand):
    help = "Rebuild the full-text search text of every activity."

    def handle(self, *args: Any, **options: Any) -> None:
        count = activity_search_refresh(activities=Activity.objects.order_by("pk"))
        self.stdout.write(f"Search text rebuilt for {count:,} activities.")
