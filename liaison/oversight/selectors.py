"""Oversight figures computed from live data: the reads behind the summary page and
``GET /api/v1/oversight/summary`` (one selector, two shapes).

Everything here is narrowed to the agencies in which the user holds an oversight-reading
role (``oversight.access.oversight_scope``), so no parameter can widen what a user may
count.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Max, Min, QuerySet
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django_countries import countries

from liaison.accounts.access import Scope, _AllAgencies, scope_q
from liaison.accounts.models import Agency
from liaison.activities.models import Activity, Category, Direction, Location, Participation
from liaison.activities.selectors import DIRECTION_GROUPS, ActivityFilters, apply_filters
from liaison.activities.workflow import Status
from liaison.oversight.access import oversight_scope

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
    *, user: Any, agency_id: int | None = None, filters: SummaryFilters | None = None
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
    - Every count carries ``list_query``: the activity list's query string (page and API)
      that lists exactly the activities counted.
    """
    filters = filters or SummaryFilters()
    if agency_id is not None:
        filters = dataclasses.replace(filters, agency=agency_id)
    scope = oversight_scope(user, agency_id=filters.agency)
    as_of = timezone.now()
    f = _activity_filters(scope, filters)
    activities = apply_filters(summary_activities(scope=scope), f, user=user).order_by()
    ids = activities.values("pk")
    participations = Participation.objects.filter(activity__in=ids, employee__isnull=False)

    groups = _activity_groups(activities)
    home = home_country()
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
        "distinct_employees": participations.values("employee_id").distinct().count(),
        "first_date": min((g["first"] for g in groups), default=None),
        "last_date": max((g["last"] for g in groups), default=None),
        "by_year": _by_year(f, groups, participations),
        "by_country": _by_country(
            _foreign_filters(f), summary_activities(scope=scope), home=home, user=user
        ),
        "by_category": _by_category(f, groups),
        "by_direction": _by_choice(f, groups, "direction", Direction.choices),
        "by_status": _by_choice(
            f,
            groups,
            "status",
            [(v, label) for v, label in Status.choices if v in f.statuses],
        ),
    }


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
    f: ActivityFilters, groups: list[dict[str, Any]], participations: QuerySet[Participation]
) -> list[dict[str, Any]]:
    counts = _sum_by(groups, "start_year")
    if not counts:
        return []
    people = dict(
        participations.annotate(start_year=ExtractYear("activity__start_date"))
        .values("start_year")
        .annotate(n=Count("employee_id", distinct=True))
        .values_list("start_year", "n")
    )
    return [
        {
            "year": year,
            "activities": counts.get(year, 0),
            "employees": people.get(year, 0),
            "list_query": list_query(f, year=year),
        }
        for year in range(min(counts), max(counts) + 1)
    ]


def _by_country(
    f: ActivityFilters, base: QuerySet[Activity], *, home: str, user: Any
) -> list[dict[str, Any]]:
    ids = apply_filters(base, f, user=user).order_by().values("pk")
    locations = Location.objects.filter(activity__in=ids).exclude(country=home)
    counts = dict(
        locations.values("country")
        .annotate(n=Count("activity_id", distinct=True))
        .values_list("country", "n")
    )
    people = dict(
        Participation.objects.filter(
            activity__in=ids,
            employee__isnull=False,
            activity__locations__country__in=list(counts),
        )
        .values("activity__locations__country")
        .annotate(n=Count("employee_id", distinct=True))
        .values_list("activity__locations__country", "n")
    )
    rows = [
        {
            "country": str(code),
            "name": str(countries.name(code)) or str(code),
            "activities": n,
            "employees": people.get(code, 0),
            "list_query": list_query(f, country=str(code)),
        }
        for code, n in counts.items()
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
