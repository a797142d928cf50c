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


def user_sessions_of(user: Any) -> list[Any]:
    """``user``'s sessions that are still alive, most recently active first: in the session
    store, not expired, and active within the idle lock (``SESSION_IDLE_MINUTES``). Rows
    of sessions that ended by themselves (idle, expired) are left out here and swept when
    the user next signs in (``services.user_session_touch``)."""
    from importlib import import_module

    from django.conf import settings
    from django.utils import timezone

    from liaison.accounts.models import UserSession

    store = import_module(settings.SESSION_ENGINE).SessionStore
    idle_since = timezone.now() - dt.timedelta(minutes=settings.SESSION_IDLE_MINUTES)
    rows = UserSession.objects.filter(user_id=user.pk, last_activity__gte=idle_since)
    return [r for r in rows.order_by("-last_activity") if store().exists(r.session_key)]
