"""Keeping the summary tables current (``SummaryCount``, ``SummaryCell``; ADR 0013).

The tables hold, per agency and calendar month, what the oversight summary counts: the
activities by category, direction and status (``SummaryCount``), and per status, direction
group and place (every place, or one country) the activities and the *set* of employees
who took part, as a bitmap (``SummaryCell``). Months are rolled up into years and all time,
so a summary over whole years reads a few rows per year.

The rule that keeps them exact: every service that writes an activity, its locations or its
participants calls

    before = summary_touched([activity.pk])   # before writing, from what is stored
    ...write...
    summary_refresh(before | summary_touched([activity.pk]))

which recounts each (agency, month) the activity was in or is now in from live data and
rolls the cells that changed up into their year and all time. It locks the agencies' rows
first (in id order), so two writers of one agency take turns and the second recounts what
the first committed (PostgreSQL, READ COMMITTED); SQLite has one writer at a time anyway.

A write that bypasses the services (a raw ``bulk_create``, ``bench/generate.py``, a data
fix in a shell) leaves the tables stale: ``python manage.py summary_rebuild`` recounts
everything, and ``python manage.py summary_check`` says whether they match live data.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Count, Max, Min, QuerySet, Sum

from liaison.accounts.models import Agency
from liaison.activities.models import (
    ALL_TIME,
    Activity,
    Direction,
    Location,
    Participation,
    Span,
    SummaryCell,
    SummaryCount,
)
from liaison.activities.selectors import DIRECTION_GROUPS

# Each direction's group ("abroad", "at_home", "virtual"); a direction in no group is "".
DIRECTION_GROUP_OF: dict[str, str] = {
    str(d): group for group, (_label, directions) in DIRECTION_GROUPS.items() for d in directions
}
ALL_TIME_DATE = dt.date.fromisoformat(ALL_TIME)
# zlib's fastest level: a write compresses hundreds of cells, and the dense ones barely
# compress at any level (bench/README.md, "Summary tables").
COMPRESSION = 1

AgencyMonth = tuple[int, dt.date]
# A part of an agency-month: (status, direction group); None for all of it.
Slice = tuple[str, str] | None
Touched = tuple[int, dt.date, Slice]
# A cell's key within an agency and period: (status, direction group, country or "").
CellKey = tuple[str, str, str]


# --- bitmaps --------------------------------------------------------------------------


def bitmap_of(employee_ids: Iterable[int]) -> int:
    """A set of employee ids as an int (bit *n* set = employee *n*): OR them with ``|``
    and count with ``int.bit_count()``."""
    ids = set(employee_ids)
    if not ids:
        return 0
    buf = bytearray(max(ids) // 8 + 1)
    for i in ids:
        buf[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(buf, "little")


def bitmap_encode(bits: int) -> bytes:
    """How a bitmap is stored: its little-endian bytes, zlib-compressed (sparse sets of a
    large department compress to a few bytes). The empty set is ``b""``."""
    if not bits:
        return b""
    return zlib.compress(bits.to_bytes((bits.bit_length() + 7) // 8, "little"), COMPRESSION)


def bitmap_decode(stored: bytes | memoryview | None) -> int:
    """A stored bitmap as an int."""
    if not stored:
        return 0
    return int.from_bytes(zlib.decompress(bytes(stored)), "little")


# --- periods --------------------------------------------------------------------------


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


# --- what a write touches --------------------------------------------------------------


def summary_touched(activity_ids: Iterable[int | None]) -> set[Touched]:
    """The (agency, start month, status, direction group) of each activity, as stored now.
    Call it before a write and after it, and refresh the union: an activity that moved
    month or status is recounted where it was and where it is."""
    ids = [pk for pk in activity_ids if pk is not None]
    if not ids:
        return set()
    return {
        (agency_id, month_of(start), (str(status), DIRECTION_GROUP_OF.get(str(direction), "")))
        for agency_id, start, status, direction in Activity.objects.filter(pk__in=ids).values_list(
            "agency_id", "start_date", "status", "direction"
        )
    }


@transaction.atomic
def summary_refresh(touched: Iterable[Touched]) -> None:
    """Recount every (agency, month, slice) in ``touched`` from live data, then roll what
    changed up into its year and all time. Called by the activity services, inside their
    transaction, after they wrote."""
    slices = sorted(set(touched), key=lambda t: (t[0], t[1], t[2] or ("", "")))
    if not slices:
        return
    agencies = sorted({agency_id for agency_id, _, _ in slices})
    # Writers of one agency take turns here: see the module's docstring.
    list(Agency.objects.select_for_update().filter(pk__in=agencies).order_by("pk").values("pk"))
    changed_cells: dict[tuple[int, int], set[CellKey]] = defaultdict(set)
    count_years: set[tuple[int, int, Slice]] = set()
    for agency_id, month, part in slices:
        _recount_month(agency_id, month, part)
        count_years.add((agency_id, month.year, part))
        changed_cells[(agency_id, month.year)] |= _recount_cells(agency_id, month, part)
    for agency_id, year, part in sorted(count_years, key=lambda t: (t[0], t[1], t[2] or ("", ""))):
        _roll_up_counts(agency_id, year, part)
    by_agency: dict[int, set[CellKey]] = defaultdict(set)
    for (agency_id, year), keys in sorted(changed_cells.items()):
        if keys:
            _roll_up_cells(agency_id, Span.YEAR, dt.date(year, 1, 1), keys)
            by_agency[agency_id] |= keys
    for agency_id, keys in sorted(by_agency.items()):
        _roll_up_cells(agency_id, Span.ALL, ALL_TIME_DATE, keys)


def _directions_of(group: str) -> list[str]:
    return [str(d) for d in Direction.values if DIRECTION_GROUP_OF.get(str(d), "") == group]


def _in_slice(
    rows: QuerySet[Any], part: Slice, direction_field: str = "direction"
) -> QuerySet[Any]:
    """``rows`` narrowed to one (status, direction group); ``None`` is every slice."""
    if part is None:
        return rows
    status, group = part
    return rows.filter(status=status, **{f"{direction_field}__in": _directions_of(group)})


def _month_activities(agency_id: int, month: dt.date, part: Slice = None) -> QuerySet[Activity]:
    return _in_slice(
        Activity.objects.filter(
            agency_id=agency_id, start_date__gte=month, start_date__lt=next_month(month)
        ).order_by(),
        part,
    )


def _count_rows(rows: Iterable[Any], **fields: Any) -> list[SummaryCount]:
    return [
        SummaryCount(
            **fields,
            category_id=r["category_id"],
            direction=r["direction"],
            status=r["status"],
            activities=r["n"],
            first_start=r["first"],
            last_end=r["last"],
        )
        for r in rows
    ]


def _live_counts(agency_id: int, month: dt.date, part: Slice = None) -> QuerySet[Any]:
    """The month's activities counted from the activity table: the one definition the
    refresh writes and ``summary_differences`` checks against."""
    return (
        _month_activities(agency_id, month, part)
        .values("category_id", "direction", "status")
        .annotate(n=Count("pk"), first=Min("start_date"), last=Max("end_date"))
        .order_by()
    )


def _recount_month(agency_id: int, month: dt.date, part: Slice = None) -> None:
    rows = _live_counts(agency_id, month, part)
    stored = SummaryCount.objects.filter(span=Span.MONTH, agency_id=agency_id, period=month)
    _in_slice(stored, part).delete()
    SummaryCount.objects.bulk_create(
        _count_rows(rows, agency_id=agency_id, span=Span.MONTH, period=month)
    )


def _roll_up_counts(agency_id: int, year: int, part: Slice = None) -> None:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 1)
    months = SummaryCount.objects.filter(
        span=Span.MONTH, agency_id=agency_id, period__gte=first, period__lte=last
    )
    rows = list(
        _in_slice(months, part)
        .values("category_id", "direction", "status")
        .annotate(n=Sum("activities"), first=Min("first_start"), last=Max("last_end"))
        .order_by()
    )
    stored = SummaryCount.objects.filter(span=Span.YEAR, agency_id=agency_id, period=first)
    _in_slice(stored, part).delete()
    SummaryCount.objects.bulk_create(
        _count_rows(rows, agency_id=agency_id, span=Span.YEAR, period=first)
    )


def month_cells(
    activities: Iterable[tuple[int, str, str]],
    countries: Iterable[tuple[int, str]],
    participants: Iterable[tuple[int, int]],
) -> dict[CellKey, tuple[set[int], set[int]]]:
    """Group one month's activities into cells: ``activities`` as (id, status, direction),
    ``countries`` (activity id, country) and ``participants`` (activity id, employee id).
    Returns {(status, direction group, country or ""): (activity ids, employee ids)}."""
    key_of = {pk: (str(status), DIRECTION_GROUP_OF.get(str(d), "")) for pk, status, d in activities}
    places: dict[int, set[str]] = defaultdict(set)
    for pk, country in countries:
        if pk in key_of:
            places[pk].add(str(country))
    people: dict[int, set[int]] = defaultdict(set)
    for pk, employee_id in participants:
        people[pk].add(employee_id)
    cells: dict[CellKey, tuple[set[int], set[int]]] = {}
    for pk, (status, group) in key_of.items():
        for country in ("", *places[pk]):
            acts, emps = cells.setdefault((status, group, country), (set(), set()))
            acts.add(pk)
            emps |= people[pk]
    return cells


def _live_cells(
    agency_id: int, month: dt.date, part: Slice = None
) -> dict[CellKey, tuple[int, int]]:
    """The month's cells counted from the activity tables, as {key: (activities, employee
    bitmap)}: the one definition the refresh writes and ``summary_differences`` checks.
    A participant who withdrew before the activity ran did not take part."""
    acts = _month_activities(agency_id, month, part)
    ids = acts.values("pk")
    fresh = month_cells(
        acts.values_list("pk", "status", "direction"),
        Location.objects.filter(activity__in=ids)
        .values_list("activity_id", "country")
        .order_by()
        .distinct(),
        Participation.objects.filter(
            activity__in=ids, employee__isnull=False, withdrawn_at__isnull=True
        ).values_list("activity_id", "employee_id"),
    )
    return {key: (len(a), bitmap_of(e)) for key, (a, e) in fresh.items()}


def _recount_cells(agency_id: int, month: dt.date, part: Slice = None) -> set[CellKey]:
    """Recount the month's cells (of one slice, or all); return the keys that changed."""
    # Compared as sets (ints), not as stored bytes: the same set may compress differently.
    new = _live_cells(agency_id, month, part)
    stored = SummaryCell.objects.filter(span=Span.MONTH, agency_id=agency_id, period=month)
    if part is not None:
        stored = stored.filter(status=part[0], direction_group=part[1])
    old = {
        (status, group, country): (n, bitmap_decode(bits), pk)
        for pk, status, group, country, n, bits in stored.values_list(
            "pk", "status", "direction_group", "country", "activities", "employees"
        )
    }
    changed = {k for k in old.keys() | new.keys() if old.get(k, (None, None))[:2] != new.get(k)}
    if changed:
        SummaryCell.objects.filter(pk__in=[old[k][2] for k in changed if k in old]).delete()
        SummaryCell.objects.bulk_create(
            SummaryCell(
                agency_id=agency_id,
                span=Span.MONTH,
                period=month,
                status=k[0],
                direction_group=k[1],
                country=k[2],
                activities=new[k][0],
                employees=bitmap_encode(new[k][1]),
            )
            for k in sorted(changed)
            if k in new
        )
    return changed


def _roll_up_cells(agency_id: int, span: str, period: dt.date, keys: set[CellKey]) -> None:
    """Rewrite the ``span`` cells of ``keys`` from the cells one level down (months of the
    year, or years for all time)."""
    lower = SummaryCell.objects.filter(agency_id=agency_id)
    if span == Span.YEAR:
        lower = lower.filter(
            span=Span.MONTH, period__gte=period, period__lte=dt.date(period.year, 12, 1)
        )
    else:
        lower = lower.filter(span=Span.YEAR)
    lower = lower.filter(
        status__in={k[0] for k in keys},
        direction_group__in={k[1] for k in keys},
        country__in={k[2] for k in keys},
    )
    totals: dict[CellKey, list[int]] = {}
    for c in lower.values_list("status", "direction_group", "country", "activities", "employees"):
        key = (c[0], c[1], c[2])
        if key in keys:
            total = totals.setdefault(key, [0, 0])
            total[0] += c[3]
            total[1] |= bitmap_decode(c[4])
    existing = SummaryCell.objects.filter(agency_id=agency_id, span=span, period=period).filter(
        status__in={k[0] for k in keys},
        direction_group__in={k[1] for k in keys},
        country__in={k[2] for k in keys},
    )
    SummaryCell.objects.filter(
        pk__in=[
            pk
            for pk, *key in existing.values_list("pk", "status", "direction_group", "country")
            if tuple(key) in keys
        ]
    ).delete()
    SummaryCell.objects.bulk_create(
        SummaryCell(
            agency_id=agency_id,
            span=span,
            period=period,
            status=key[0],
            direction_group=key[1],
            country=key[2],
            activities=n,
            employees=bitmap_encode(bits),
        )
        for key, (n, bits) in sorted(totals.items())
    )


# --- rebuild and check ------------------------------------------------------------------


def _stored_months() -> set[AgencyMonth]:
    counted = SummaryCount.objects.filter(span=Span.MONTH).values_list("agency_id", "period")
    celled = SummaryCell.objects.filter(span=Span.MONTH).values_list("agency_id", "period")
    return set(counted) | set(celled)


def _live_months() -> set[AgencyMonth]:
    return {
        (agency_id, month_of(start))
        for agency_id, start in Activity.objects.values_list("agency_id", "start_date")
        .distinct()
        .order_by()
    }


@transaction.atomic
def summary_rebuild() -> int:
    """Recount the summary tables from scratch (after writes that bypassed the services,
    and after a bulk load). Returns the number of (agency, month) pairs counted."""
    SummaryCount.objects.all().delete()
    SummaryCell.objects.all().delete()
    months = _live_months()
    summary_refresh((agency_id, month, None) for agency_id, month in months)
    return len(months)


def summary_differences(limit: int = 20) -> list[str]:
    """What differs between the stored tables and live data (empty: they agree). Rolls
    nothing back because it writes nothing: it recounts in memory."""
    problems: list[str] = []
    for agency_id, month in sorted(_stored_months() | _live_months()):
        live_counts = {
            (r["category_id"], r["direction"], r["status"]): (r["n"], r["first"], r["last"])
            for r in _live_counts(agency_id, month)
        }
        stored_counts = {
            (c.category_id, c.direction, c.status): (c.activities, c.first_start, c.last_end)
            for c in SummaryCount.objects.filter(span=Span.MONTH, agency_id=agency_id, period=month)
        }
        if live_counts != stored_counts:
            problems.append(f"agency {agency_id}, {month:%Y-%m}: activity counts differ")
        live_cells = _live_cells(agency_id, month)
        stored_cells = {
            (c.status, c.direction_group, c.country): (c.activities, bitmap_decode(c.employees))
            for c in SummaryCell.objects.filter(span=Span.MONTH, agency_id=agency_id, period=month)
        }
        if live_cells != stored_cells:
            problems.append(f"agency {agency_id}, {month:%Y-%m}: employee cells differ")
        if len(problems) >= limit:
            return problems
    problems += _roll_up_differences()
    return problems[:limit]


def _roll_up_differences() -> list[str]:
    problems: list[str] = []
    expected: dict[tuple[int, str, dt.date, CellKey], list[int]] = {}
    for c in SummaryCell.objects.filter(span=Span.MONTH).values_list(
        "agency_id", "period", "status", "direction_group", "country", "activities", "employees"
    ):
        bits = bitmap_decode(c[6])
        for span, period in ((Span.YEAR, dt.date(c[1].year, 1, 1)), (Span.ALL, ALL_TIME_DATE)):
            total = expected.setdefault((c[0], span, period, (c[2], c[3], c[4])), [0, 0])
            total[0] += c[5]
            total[1] |= bits
    stored = {
        (c[0], c[1], c[2], (c[3], c[4], c[5])): [c[6], bitmap_decode(c[7])]
        for c in SummaryCell.objects.exclude(span=Span.MONTH).values_list(
            "agency_id",
            "span",
            "period",
            "status",
            "direction_group",
            "country",
            "activities",
            "employees",
        )
    }
    if stored != expected:
        problems.append("year or all-time employee cells differ from their months")
    year_counts: dict[tuple[int, dt.date, int, str, str], tuple[int, dt.date, dt.date]] = {}
    for r in SummaryCount.objects.filter(span=Span.MONTH):
        key = (r.agency_id, dt.date(r.period.year, 1, 1), r.category_id, r.direction, r.status)
        n, first, last = year_counts.get(key, (0, r.first_start, r.last_end))
        year_counts[key] = (n + r.activities, min(first, r.first_start), max(last, r.last_end))
    stored_years = {
        (r.agency_id, r.period, r.category_id, r.direction, r.status): (
            r.activities,
            r.first_start,
            r.last_end,
        )
        for r in SummaryCount.objects.filter(span=Span.YEAR)
    }
    if stored_years != year_counts:
        problems.append("year activity counts differ from their months")
    return problems
