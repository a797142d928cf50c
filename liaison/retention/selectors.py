"""Reads for retention: schedules, holds, tombstones, and destroyed records by year."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, QuerySet
from django.db.models.functions import ExtractYear

from liaison.accounts.access import Scope, scope_q
from liaison.retention.access import (
    holds_visible_to,
    require_retention_reader,
    schedules_visible_to,
    tombstones_visible_to,
)
from liaison.retention.models import LegalHold, RetentionSchedule, Tombstone


@dataclass(frozen=True)
class TombstoneFilters:
    agencies: tuple[int, ...] = ()
    year: int | None = None  # the year the destroyed activity started


def tombstone_list(*, user: Any, filters: TombstoneFilters) -> QuerySet[Tombstone]:
    """Tombstones the user may read that match ``filters``, newest destruction first."""
    require_retention_reader(user)
    qs = tombstones_visible_to(user)
    if filters.agencies:
        qs = qs.filter(agency_id__in=filters.agencies)
    if filters.year:
        qs = qs.filter(start_date__year=filters.year)
    return qs.order_by("-destroyed_at", "-id")


def destroyed_by_year(
    *, user: Any, scope: Scope, agencies: tuple[int, ...] = ()
) -> list[dict[str, Any]]:
    """Records destroyed under retention, counted by the year the destroyed activity
    started (the period whose record now has a gap), over ``scope``. Each count carries
    the tombstone list's query string that lists exactly those tombstones (naming
    ``agencies``, the scope's agencies, unless it spans every agency)."""
    require_retention_reader(user)
    rows = (
        tombstones_visible_to(user)
        .filter(scope_q(scope))
        .annotate(year=ExtractYear("start_date"))
        .order_by()
        .values("year")
        .annotate(n=Count("id"))
        .order_by("year")
    )
    extra = [("agency", a) for a in agencies]
    return [
        {
            "year": row["year"],
            "records": row["n"],
            "list_query": urlencode([*extra, ("year", row["year"])]),
        }
        for row in rows
    ]


def schedule_list(*, user: Any) -> QuerySet[RetentionSchedule]:
    require_retention_reader(user)
    return schedules_visible_to(user).order_by("agency__name", "record_type")


def schedule_history(*, schedule: RetentionSchedule) -> list[Any]:
    return list(schedule.history.select_related("history_user").order_by("-history_date"))  # type: ignore[attr-defined]


def hold_list(*, user: Any, in_force: bool | None = None) -> QuerySet[LegalHold]:
    require_retention_reader(user)
    qs = holds_visible_to(user)
    if in_force is True:
        qs = qs.filter(released_at__isnull=True)
    elif in_force is False:
        qs = qs.filter(released_at__isnull=False)
    return qs.order_by("-placed_at", "-id")


def hold_history(*, hold: LegalHold) -> list[Any]:
    return list(hold.history.select_related("history_user").order_by("history_date"))  # type: ignore[attr-defined]
