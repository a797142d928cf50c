"""Reads for accounts: the authentication log, as a page, an API list and a CSV file
(one selector, three shapes)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet

from liaison.accounts.access import auth_events_visible_to
from liaison.accounts.models import AuthEvent


def auth_event_log(*, user: Any, username: str = "", kind: str = "") -> QuerySet[AuthEvent]:
    """The authentication log the user may read, newest first, optionally for one account
    name and one kind of event."""
    qs = auth_events_visible_to(user).select_related("user", "actor")
    if username:
        qs = qs.filter(username=username)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-at", "-id")


CSV_COLUMNS = ["at", "kind", "success", "username", "by", "ip_address", "user_agent", "detail"]


def _cell(value: str) -> str:
    # A cell a spreadsheet would read as a formula (=, +, -, @) is quoted with a leading
    # apostrophe: user agents and names come from outside (OWASP CSV injection).
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def auth_events_csv(events: Iterable[AuthEvent]) -> Iterator[str]:
    """The log as CSV lines (a header, then one line per event), times in UTC ISO 8601."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    yield buffer.getvalue()
    for event in events:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(
            [
                event.at.astimezone(dt.UTC).isoformat(),
                event.kind,
                "yes" if event.success else "no",
                _cell(event.username),
                _cell(event.actor.get_username() if event.actor else ""),
                event.ip_address or "",
                _cell(event.user_agent),
                _cell(event.detail),
            ]
        )
        yield buffer.getvalue()
