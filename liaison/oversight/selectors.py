"""Oversight figures computed from live data: the reads behind the summary page and
``GET /api/v1/oversight/summary`` (one selector, two shapes).

Everything here is narrowed to the agencies in which the user holds an oversight-reading
role (``oversight.access.oversight_scope``), so no parameter can widen what a user may
count.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import reduce
from operator import or_
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Max, Min, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django_countries import countries

from liaison.accounts.access import Scope, _AllAgencies, scope_for, scope_q
from liaison.accounts.models import Agency
from liaison.activities.models import (
    Activity,
    Category,
    Direction,
    Location,
    Participation,
    Span,
    SummaryCell,
    SummaryCount,
)
from liaison.activities.selectors import DIRECTION_GROUPS, ActivityFilters, apply_filters
from liaison.activities.summary import bitmap_decode, bitmap_of, month_of, next_month
from liaison.activities.workflow import Status
from liaison.outcomes.selectors import alignment_counts
from liaison.oversight.access import oversight_scope
from liaison.reports.selectors import report_counts
from liaison.retention.access import RETENTION_READERS
from liaison.retention.selectors import destroyed_by_year

# What an inspector counts unless told otherwise: everything that was asked for or done,
# not drafts nobody submitted, nor requests that were denied or cancelled.
EXCLUDED_BY_DEFAULT = (Status.DRAFT, Status.CANCELLED, Status.DENIED, Status.WITHDRAWN)
DEFAULT_STATUSES: tuple[str, ...] = tuple(
    str(s) for s in Status.values if s not in EXCLUDED_BY_DEFAULT
)


@dataclasses.dataclass(frozen=True)
class SummaryFilters:
    """What a summary may be narrowed by. ``statuses`` empty means the default set."""

    agency: int | None = None
    start_from: dt.date | None = None
    start_to: dt.date | None = None
    statuses: tuple[str, ...] = ()
    direction_groups: tuple[str, ...] = ()

    @property
    def effective_statuses(self) -> tuple[str, ...]:
        chosen = set(self.statuses) or set(DEFAULT_STATUSES)
        return tuple(str(s) for s in Status.values if s in chosen)


def home_country(agency: Agency | None = None) -> str:
    """The agency's own country, which the summary does not count as a foreign one. Every
    agency of a deployment is in one country (``HOME_COUNTRY``, default "US"); the agency
    argument is where a per-agency country would come from if that ever changed."""
    return str(settings.HOME_COUNTRY).upper()


def summary_activities(*, scope: Scope) -> QuerySet[Activity]:
    """The activities an oversight summary may count: every activity of the agencies in
    ``scope`` (from ``oversight_scope``). Oversight readers are agency readers
    (``OVERSIGHT_READERS`` ⊂ ``AGENCY_READERS``), so this is never more than the user may
    see one by one; ``test_oversight_readers_may_read_every_activity_they_count`` holds
    that true."""
    return Activity.objects.filter(scope_q(scope)).order_by()


def _activity_filters(scope: Scope, filters: SummaryFilters) -> ActivityFilters:
    """The activity-list filters that select exactly what the summary counts."""
    return ActivityFilters(
        agencies=() if isinstance(scope, _AllAgencies) else tuple(sorted(scope)),
        start_from=filters.start_from,
        start_to=filters.start_to,
        statuses=filters.effective_statuses,
        direction_groups=tuple(g for g in DIRECTION_GROUPS if g in filters.direction_groups),
    )


def list_query(f: ActivityFilters, **extra: Any) -> str:
    """The query string of the activity list (page ``/activities/?…`` and API
    ``/api/v1/activities?…`` alike) that lists what ``f`` and ``extra`` select."""
    params: list[tuple[str, Any]] = [("agency", a) for a in f.agencies]
    if f.start_from:
        params.append(("start_from", f.start_from.isoformat()))
    if f.start_to:
        params.append(("start_to", f.start_to.isoformat()))
    params += [("status", s) for s in f.statuses]
    params += [("direction_group", g) for g in f.direction_groups]
    params += [(k, v) for k, v in extra.items()]
    return urlencode(params)


def _foreign_filters(f: ActivityFilters) -> ActivityFilters:
    """``f`` without virtual events: a virtual event's location is not a visit abroad."""
    groups = tuple(g for g in (f.direction_groups or DIRECTION_GROUPS) if g != "virtual")
    # Asked for virtual events only: no group is left, and nothing is abroad.
    return dataclasses.replace(f, direction_groups=groups or ("none",))


def registry_summary(
    *,
    user: Any,
    agency_id: int | None = None,
    filters: SummaryFilters | None = None,
    from_tables: bool = True,
) -> dict[str, Any]:
    """The registry in figures, as the Inspector General counts it: activities, distinct
    employees, and breakdowns by year, country, category, direction and status.

    Contract:
    - Activities are counted by their start date: ``start_from``/``start_to`` and
      ``by_year`` look at the start date only.
    - By default drafts, denied and cancelled requests are left out (``DEFAULT_STATUSES``);
      ``filters.statuses`` picks any set instead.
    - ``by_year`` is ascending, with every year from the first to the last present (a year
      with no activity shows 0 rather than vanishing from a chart).
    - ``by_country`` counts an activity once in each foreign country where it has a
      location, so its rows may add up to more than the total. The agency's own country
      (``home_country``) and virtual events are not counted as foreign countries.
      ``employees`` there is the number of distinct employees who took part in an activity
      held in that country.
    - ``by_direction`` lists every direction and ``by_status`` every status counted, zeros
      included, in their declared order; ``by_country`` and ``by_category`` list only
      values that occur, largest first.
    - The figures come from the summary tables the services keep, plus the days of a
      partial month at a range's edges counted live (ADR 0013); ``from_tables=False``
      counts everything live instead (the reference the tables are tested against).
    - Every count carries ``list_query``: the activity list's query string (page and API)
      that lists exactly the activities counted.
    """
    filters = filters or SummaryFilters()
    if agency_id is not None:
        filters = dataclasses.replace(filters, agency=agency_id)
    scope = oversight_scope(user, agency_id=filters.agency)
    as_of = timezone.now()
    f = _activity_filters(scope, filters)
    home = home_country()
    figures = _figures(scope, f, user=user, home=home, from_tables=from_tables)
    groups = figures.groups
    foreign = _foreign_filters(f)
    return {
        "agency_id": filters.agency,
        "as_of": as_of,
        "start_from": filters.start_from,
        "start_to": filters.start_to,
        "statuses": list(f.statuses),
        "direction_groups": list(f.direction_groups),
        "home_country": home,
        # The agencies the figures cover, so that a reader knows what "all" means.
        "agencies": [
            {"id": a.pk, "name": a.name}
            for a in Agency.objects.filter(scope_q(scope, "id")).order_by("name")
        ],
        "total_activities": sum(g["n"] for g in groups),
        "list_query": list_query(f),
        "distinct_employees": reduce(or_, figures.year_employees.values(), 0).bit_count(),
        "first_date": min((g["first"] for g in groups), default=None),
        "last_date": max((g["last"] for g in groups), default=None),
        "by_year": _by_year(f, groups, figures.year_employees),
        "by_country": _by_country(foreign, figures),
        "by_category": _by_category(f, groups),
        "by_direction": _by_choice(f, groups, "direction", Direction.choices),
        "by_status": _by_choice(
            f,
            groups,
            "status",
            [(v, label) for v, label in Status.choices if v in f.statuses],
        ),
        # What the record does not know (ADR 0024): reconstructed records and missing
        # steps under the same filters, and records destroyed under retention.
        "coverage": _coverage(scope, f, user=user),
        # Evaluation reports as of today (ADR 0017): not filtered by date or status.
        "evaluation_reports": dataclasses.asdict(
            report_counts(user=user, today=timezone.localdate(), agency_id=filters.agency)
        ),
    }


# Coverage: each count is the activity list under the summary's filters plus one more.
COVERAGE_ROWS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("reconstructed", "Reconstructed from other sources (imported)", {"origin": "imported"}),
    ("no_report", "No evaluation report on record", {"missing": "report"}),
    ("no_approval", "No approval on record", {"missing": "approval"}),
    ("no_funding", "No funding on record", {"missing": "funding"}),
)


def _coverage(scope: Scope, f: ActivityFilters, *, user: Any) -> dict[str, Any]:
    base = summary_activities(scope=scope)
    rows = [
        {
            "key": key,
            "label": label,
            "activities": apply_filters(base, dataclasses.replace(f, **extra), user=user).count(),
            "list_query": list_query(f, **extra),
        }
        for key, label, extra in COVERAGE_ROWS
    ]
    # Tombstones are read by the oversight readers who also read retention records.
    readable = scope_for(user, *RETENTION_READERS)
    destroyed = (
        destroyed_by_year(user=user, scope=scope, agencies=f.agencies)
        if readable != frozenset()
        else []
    )
    return {
        "activities": rows,
        "destroyed_by_year": destroyed,
        "destroyed_total": sum(r["records"] for r in destroyed),
    }


# --- where the figures come from ---------------------------------------------------------
#
# The figures of any filter are a sum of parts: whole years and whole months read from the
# summary tables the services keep (activities.summary; ADR 0013), and the days at the
# edges of a date range that do not fill a month, counted live. A part's employees are
# bitmaps, so the parts' distinct employees combine exactly (OR, then count the bits).


@dataclasses.dataclass
class _Figures:
    groups: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    year_employees: dict[int, int] = dataclasses.field(default_factory=dict)
    country_activities: dict[str, int] = dataclasses.field(default_factory=dict)
    country_employees: dict[str, int] = dataclasses.field(default_factory=dict)

    def add(self, other: _Figures) -> None:
        self.groups += other.groups
        for year, bits in other.year_employees.items():
            self.year_employees[year] = self.year_employees.get(year, 0) | bits
        for code, n in other.country_activities.items():
            self.country_activities[code] = self.country_activities.get(code, 0) + n
        for code, bits in other.country_employees.items():
            self.country_employees[code] = self.country_employees.get(code, 0) | bits


@dataclasses.dataclass(frozen=True)
class _Plan:
    """A start-date range cut into what the tables answer and what is counted live."""

    live: tuple[tuple[dt.date, dt.date], ...] = ()
    # Whole years from the tables, (first, last); None within it means unbounded.
    years: tuple[int | None, int | None] | None = None
    # Whole months outside those years, as (first month, last month) pieces.
    months: tuple[tuple[dt.date | None, dt.date | None], ...] = ()

    @property
    def everything(self) -> bool:
        return self.years == (None, None)


def _last_day(day: dt.date) -> dt.date:
    return next_month(month_of(day)) - dt.timedelta(days=1)


def summary_plan(start_from: dt.date | None, start_to: dt.date | None) -> _Plan:
    """Cut ``[start_from, start_to]`` (either may be open) into whole years, whole months
    and at most two partial months at its edges (counted live)."""
    lo, hi = start_from, start_to
    if lo and hi and lo > hi:
        return _Plan()
    live: list[tuple[dt.date, dt.date]] = []
    first_month = lo  # the first whole month, or None: from the beginning
    if lo and lo.day != 1:
        if hi and hi <= _last_day(lo):
            return _Plan(live=((lo, hi),))
        live.append((lo, _last_day(lo)))
        first_month = next_month(month_of(lo))
    last_month = None  # the last whole month, or None: to the end
    if hi:
        if hi != _last_day(hi):
            live.append((month_of(hi), hi))
            last_month = month_of(month_of(hi) - dt.timedelta(days=1))
        else:
            last_month = month_of(hi)
        if first_month and last_month < first_month:
            return _Plan(live=tuple(live))
    first_year = None
    if first_month:
        first_year = first_month.year if first_month.month == 1 else first_month.year + 1
    last_year = None
    if last_month:
        last_year = last_month.year if last_month.month == 12 else last_month.year - 1
    if first_year is not None and last_year is not None and first_year > last_year:
        return _Plan(live=tuple(live), months=((first_month, last_month),))
    months: list[tuple[dt.date | None, dt.date | None]] = []
    if first_month and first_year != first_month.year:
        months.append((first_month, dt.date(first_month.year, 12, 1)))
    if last_month and last_year != last_month.year:
        months.append((dt.date(last_month.year, 1, 1), last_month))
    return _Plan(live=tuple(live), years=(first_year, last_year), months=tuple(months))


def _period_q(plan: _Plan) -> Q:
    q = Q(pk__in=[])
    if plan.years is not None:
        first, last = plan.years
        years = Q(span=Span.YEAR)
        if first is not None:
            years &= Q(period__gte=dt.date(first, 1, 1))
        if last is not None:
            years &= Q(period__lte=dt.date(last, 1, 1))
        q |= years
    for first_month, last_month in plan.months:
        months = Q(span=Span.MONTH)
        if first_month is not None:
            months &= Q(period__gte=first_month)
        if last_month is not None:
            months &= Q(period__lte=last_month)
        q |= months
    return q


def _figures(
    scope: Scope, f: ActivityFilters, *, user: Any, home: str, from_tables: bool
) -> _Figures:
    base = summary_activities(scope=scope)
    if not from_tables:
        return _live_figures(apply_filters(base, f, user=user).order_by(), home=home)
    plan = summary_plan(f.start_from, f.start_to)
    figures = _table_figures(f, plan, home=home)
    for first, last in plan.live:
        edge = dataclasses.replace(f, start_from=first, start_to=last)
        figures.add(_live_figures(apply_filters(base, edge, user=user).order_by(), home=home))
    return figures


def _directions(f: ActivityFilters) -> list[str]:
    return [str(d) for g in f.direction_groups for d in DIRECTION_GROUPS[g][1]]


def _table_figures(f: ActivityFilters, plan: _Plan, *, home: str) -> _Figures:
    figures = _Figures()
    if plan.years is None and not plan.months:
        return figures
    periods = _period_q(plan)
    scoped = Q(status__in=f.statuses)
    if f.agencies:
        scoped &= Q(agency_id__in=f.agencies)
    counts = SummaryCount.objects.filter(periods, scoped)
    cells = SummaryCell.objects.filter(scoped)
    if f.direction_groups:
        counts = counts.filter(direction__in=_directions(f))
        cells = cells.filter(direction_group__in=f.direction_groups)
    rows = counts.values_list(
        "period", "category_id", "direction", "status", "activities", "first_start", "last_end"
    )
    figures.groups = [
        {
            "start_year": period.year,
            "category_id": category_id,
            "direction": direction,
            "status": status,
            "n": n,
            "first": first,
            "last": last,
        }
        for period, category_id, direction, status, n, first, last in rows
    ]
    for period, bits in cells.filter(periods, country="").values_list("period", "employees"):
        year = period.year
        figures.year_employees[year] = figures.year_employees.get(year, 0) | bitmap_decode(bits)
    abroad = cells.exclude(country__in=["", home]).exclude(direction_group="virtual")
    abroad = abroad.filter(span=Span.ALL) if plan.everything else abroad.filter(periods)
    for code, n, bits in abroad.values_list("country", "activities", "employees"):
        figures.country_activities[code] = figures.country_activities.get(code, 0) + n
        figures.country_employees[code] = figures.country_employees.get(code, 0) | bitmap_decode(
            bits
        )
    return figures


def _live_figures(activities: QuerySet[Activity], *, home: str) -> _Figures:
    """The figures of ``activities`` counted from the activity tables themselves: the
    edges of a date range, and the reference the tables are tested against."""
    figures = _Figures(groups=_activity_groups(activities))
    ids = activities.values("pk")
    years: dict[int, set[int]] = {}
    by_activity: dict[int, set[int]] = {}
    # A participant who withdrew before the activity ran did not take part.
    for activity_id, employee_id, start in Participation.objects.filter(
        activity__in=ids, employee__isnull=False, withdrawn_at__isnull=True
    ).values_list("activity_id", "employee_id", "activity__start_date"):
        years.setdefault(start.year, set()).add(employee_id)
        by_activity.setdefault(activity_id, set()).add(employee_id)
    figures.year_employees = {year: bitmap_of(people) for year, people in years.items()}
    virtual = DIRECTION_GROUPS["virtual"][1]
    places: dict[str, set[int]] = {}
    for activity_id, code in (
        Location.objects.filter(activity__in=activities.exclude(direction__in=virtual).values("pk"))
        .exclude(country=home)
        .values_list("activity_id", "country")
        .distinct()
    ):
        places.setdefault(str(code), set()).add(activity_id)
    for code, acts in places.items():
        figures.country_activities[code] = len(acts)
        people = set().union(*(by_activity.get(a, set()) for a in acts))
        figures.country_employees[code] = bitmap_of(people)
    return figures


def _activity_groups(activities: QuerySet[Activity]) -> list[dict[str, Any]]:
    """One pass over the activities counted: a row per (start year, category, direction,
    status) with its count and date bounds. Every activity-level figure (total, dates, by
    year, category, direction and status) is a sum over these few thousand rows, instead
    of six scans of the activity table (bench/README.md)."""
    # "start_year", not "year": Activity has a ``year`` property.
    rows = (
        activities.annotate(start_year=ExtractYear("start_date"))
        .values("start_year", "category_id", "direction", "status")
        .annotate(n=Count("pk"), first=Min("start_date"), last=Max("end_date"))
        .order_by()
    )
    return [dict(row) for row in rows]


def _sum_by(groups: list[dict[str, Any]], key: str) -> dict[Any, int]:
    totals: dict[Any, int] = {}
    for g in groups:
        totals[g[key]] = totals.get(g[key], 0) + g["n"]
    return totals


def _by_year(
    f: ActivityFilters, groups: list[dict[str, Any]], employees: dict[int, int]
) -> list[dict[str, Any]]:
    counts = _sum_by(groups, "start_year")
    if not counts:
        return []
    return [
        {
            "year": year,
            "activities": counts.get(year, 0),
            "employees": employees.get(year, 0).bit_count(),
            "list_query": list_query(f, year=year),
        }
        for year in range(min(counts), max(counts) + 1)
    ]


def _by_country(f: ActivityFilters, figures: _Figures) -> list[dict[str, Any]]:
    rows = [
        {
            "country": str(code),
            "name": str(countries.name(code)) or str(code),
            "activities": n,
            "employees": figures.country_employees.get(code, 0).bit_count(),
            "list_query": list_query(f, country=str(code)),
        }
        for code, n in figures.country_activities.items()
        if n
    ]
    return sorted(rows, key=lambda r: (-r["activities"], r["name"]))


def _by_category(f: ActivityFilters, groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    counts = _sum_by(groups, "category_id")
    names = {c.pk: c for c in Category.objects.filter(pk__in=[k for k in counts if k])}
    rows = [
        {
            "slug": names[pk].slug,
            "name": names[pk].name,
            "activities": n,
            "list_query": list_query(f, category=names[pk].slug),
        }
        for pk, n in counts.items()
        if pk in names
    ]
    return sorted(rows, key=lambda r: (-r["activities"], r["name"]))


def _by_choice(
    f: ActivityFilters,
    groups: list[dict[str, Any]],
    field: str,
    choices: list[tuple[str, str]],
) -> list[dict[str, Any]]:
    counts = _sum_by(groups, field)
    # A status row lists that status alone; a direction row keeps the status filter.
    narrow = (lambda v: dataclasses.replace(f, statuses=(v,))) if field == "status" else None
    return [
        {
            field: str(value),
            "label": str(label),
            "activities": counts.get(value, 0),
            "list_query": list_query(narrow(str(value)))
            if narrow
            else list_query(f, **{field: str(value)}),
        }
        for value, label in choices
    ]


# --- outcomes: adoptions in conflict, not reviewed, follow-ups overdue (ADR 0018) ------


def outcome_figures(*, user: Any, agency_id: int | None = None) -> dict[str, Any]:
    """Adoptions in conflict with a policy, not yet reviewed against any, and open ones
    whose six-monthly follow-up is overdue, over the agencies the user oversees (or
    ``agency_id``). Counted by ``outcomes.selectors.adoption_list``, the function behind
    the lists they link to, so a count always equals its list. Dates of the summary's
    filters do not apply: these are the adoptions as they stand today."""
    scope = oversight_scope(user, agency_id=agency_id)
    counts = alignment_counts(user=user, scope=scope, today=timezone.localdate())
    extra = {"agency": agency_id} if agency_id is not None else {}
    return {
        key: {
            "adoptions": getattr(counts, key),
            "list_query": urlencode({"state": key, **extra}),
        }
        for key in ("conflicts", "unreviewed", "follow_up_overdue")
    }
