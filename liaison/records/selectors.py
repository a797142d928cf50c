"""Reading the audit trail: its events across every app, in one shape (ADR 0023).

An audit event is one row of an audit table: a history row of any app (created, changed,
deleted), an authentication event, or a read of a restricted record. ``audit_events``
merges the tables in time order, streaming (each table is read in chunks), so the CSV of
a million events is written in constant memory.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from liaison.accounts.access import ALL_AGENCIES, Scope, auth_events_visible_to
from liaison.accounts.models import AuthEvent, AuthEventKind, RoleGrant
from liaison.records.audit_chain import audited_models
from liaison.records.models import RestrictedRead

AUTH_TABLE = AuthEvent._meta.db_table
READS_TABLE = RestrictedRead._meta.db_table
HISTORY_ACTIONS = {"+": "Created", "~": "Changed", "-": "Deleted"}
CHUNK = 2000


@dataclass(frozen=True)
class AuditEvent:
    at: dt.datetime
    table: str  # the audit table the row is in
    row_id: int  # its id there
    record_type: str
    record_id: int | None
    action: str
    actor: str
    detail: str


@dataclass(frozen=True)
class EventFilters:
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive
    table: str = ""
    actor: str = ""


def _history_models() -> dict[str, type[models.Model]]:
    # The history tables that record a change by someone (the many-to-many snapshot
    # tables belong to their parent's row and carry no actor of their own).
    return {
        m._meta.db_table: m
        for m in audited_models()
        if hasattr(m, "instance_type") and any(f.name == "history_user" for f in m._meta.fields)
    }


def event_tables() -> list[tuple[str, str]]:
    """The sources a reader may pick, as (table, label), by label."""
    found = [
        (table, f"{m.instance_type._meta.verbose_name.capitalize()} history")  # type: ignore[attr-defined]
        for table, m in _history_models().items()
    ]
    found += [(AUTH_TABLE, "Authentication log"), (READS_TABLE, "Reads of restricted records")]
    return sorted(found, key=lambda pair: pair[1])


def _bounds(filters: EventFilters) -> tuple[dt.datetime | None, dt.datetime | None]:
    zone = timezone.get_current_timezone()
    start = end = None
    if filters.date_from:
        start = dt.datetime.combine(filters.date_from, dt.time.min, tzinfo=zone)
    if filters.date_to:
        end = dt.datetime.combine(filters.date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return start, end


def _dated(qs: models.QuerySet[Any], name: str, filters: EventFilters) -> models.QuerySet[Any]:
    start, end = _bounds(filters)
    if start:
        qs = qs.filter(**{f"{name}__gte": start})
    if end:
        qs = qs.filter(**{f"{name}__lt": end})
    return qs


Source = tuple[models.QuerySet[Any], Any]  # ordered values_list, row → AuditEvent


def _history_source(
    model: type[models.Model], scope: Scope, filters: EventFilters, newest_first: bool
) -> Source:
    table = model._meta.db_table
    original = model.instance_type  # type: ignore[attr-defined]
    kind = original._meta.verbose_name.capitalize()
    id_field = original._meta.pk.attname
    qs = _dated(model._base_manager.all(), "history_date", filters)
    if scope is not ALL_AGENCIES:
        holders = RoleGrant.objects.filter(agency_id__in=scope).values("user_id")  # type: ignore[misc]
        qs = qs.filter(history_user_id__in=holders)
    if filters.actor:
        qs = qs.filter(history_user__username=filters.actor)
    order = ("-history_date", "-history_id") if newest_first else ("history_date", "history_id")
    rows = qs.order_by(*order).values_list(
        "history_date",
        "history_id",
        id_field,
        "history_type",
        "history_user__username",
        "history_change_reason",
    )

    def event(row: tuple[Any, ...]) -> AuditEvent:
        at, pk, record_id, action, actor, reason = row
        return AuditEvent(
            at,
            table,
            pk,
            kind,
            record_id,
            HISTORY_ACTIONS.get(action, action),
            actor or "",
            reason or "",
        )

    return rows, event


def _auth_source(user: Any, filters: EventFilters, newest_first: bool) -> Source:
    qs = _dated(auth_events_visible_to(user), "at", filters)
    if filters.actor:
        qs = qs.filter(Q(actor__username=filters.actor) | Q(actor=None, username=filters.actor))
    labels = dict(AuthEventKind.choices)
    order = ("-at", "-id") if newest_first else ("at", "id")
    rows = qs.order_by(*order).values_list(
        "at", "id", "user_id", "kind", "success", "actor__username", "username", "detail"
    )

    def event(row: tuple[Any, ...]) -> AuditEvent:
        at, pk, user_id, kind, success, by, username, detail = row
        action = labels.get(kind, kind) + ("" if success else " (refused)")
        return AuditEvent(at, AUTH_TABLE, pk, "Account", user_id, action, by or username, detail)

    return rows, event


def _read_source(scope: Scope, filters: EventFilters, newest_first: bool) -> Source:
    qs = _dated(RestrictedRead.objects.all(), "at", filters)
    if scope is not ALL_AGENCIES:
        qs = qs.filter(agency_id__in=scope)  # type: ignore[misc]
    if filters.actor:
        qs = qs.filter(user__username=filters.actor)
    order = ("-at", "-id") if newest_first else ("at", "id")
    rows = qs.order_by(*order).values_list(
        "at",
        "id",
        "content_type__model",
        "object_id",
        "door",
        "user__username",
        "object_repr",
        "path",
    )

    def event(row: tuple[Any, ...]) -> AuditEvent:
        at, pk, model, object_id, door, actor, text, path = row
        detail = f"{text} ({path})" if path else text
        return AuditEvent(
            at,
            READS_TABLE,
            pk,
            model.capitalize(),
            object_id,
            f"Read ({'API' if door == 'api' else 'page'})",
            actor,
            detail,
        )

    return rows, event


def _sources(*, user: Any, scope: Scope, filters: EventFilters, newest_first: bool) -> list[Source]:
    tables = dict(event_tables())
    if filters.table and filters.table not in tables:
        raise ValidationError({"table": [f"No audit table is called {filters.table!r}."]})
    if filters.date_from and filters.date_to and filters.date_to < filters.date_from:
        raise ValidationError({"date_to": ["The end date is before the start date."]})
    found: list[Source] = []
    for table, model in _history_models().items():
        if not filters.table or filters.table == table:
            found.append(_history_source(model, scope, filters, newest_first))
    if filters.table in ("", AUTH_TABLE):
        found.append(_auth_source(user, filters, newest_first))
    if filters.table in ("", READS_TABLE):
        found.append(_read_source(scope, filters, newest_first))
    return found


def _stream(source: Source) -> Iterator[AuditEvent]:
    rows, event = source
    for row in rows.iterator(chunk_size=CHUNK):
        yield event(row)


def audit_event_count(*, user: Any, scope: Scope, filters: EventFilters) -> int:
    """How many events ``audit_events`` yields for the same arguments."""
    return sum(
        rows.count()
        for rows, _ in _sources(user=user, scope=scope, filters=filters, newest_first=False)
    )


def audit_events(
    *, user: Any, scope: Scope, filters: EventFilters, newest_first: bool = False
) -> Iterator[AuditEvent]:
    """The audit events ``user`` may read (``scope``: ``access.require_audit_reader``),
    narrowed by ``filters``, in time order (oldest first, or newest first), streamed.
    An unknown table raises ``ValidationError`` naming the field."""
    sources = _sources(user=user, scope=scope, filters=filters, newest_first=newest_first)
    return heapq.merge(
        *(_stream(source) for source in sources),
        key=lambda e: (e.at, e.table, e.row_id),
        reverse=newest_first,
    )
