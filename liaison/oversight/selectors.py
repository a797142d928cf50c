"""Oversight figures computed from live data: the reads behind the summary page and
``GET /api/v1/oversight/summary`` (one selector, two shapes).

Everything here is narrowed to the agencies in which the user holds an oversight-reading
role (``oversight.access.oversight_scope``), so no parameter can widen what a user may
count.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Max, Min, QuerySet
from django.db.models.functions import ExtractYear
from django_countries import countries

from liaison.accounts.access import Scope, scope_q
from liaison.accounts.models import Agency
from liaison.activities.models import Activity, Direction, Location, Participation
from liaison.activities.workflow import Status
from liaison.oversight.access import oversight_scope


def summary_activities(*, scope: Scope) -> QuerySet[Activity]:
    """The activities an oversight summary counts: every status, every activity of the
    agencies in ``scope`` (from ``oversight_scope``). Oversight readers are agency readers
    (``OVERSIGHT_READERS`` ⊂ ``AGENCY_READERS``), so this is never more than the user may
    see one by one; ``test_oversight_readers_may_read_every_activity_they_count`` holds
    that true."""
    return Activity.objects.filter(scope_q(scope)).order_by()


def registry_summary(*, user: Any, agency_id: int | None = None) -> dict[str, Any]:
    """The registry in figures, as the Inspector General counted it: activities, distinct
    employees, and breakdowns by year, country, category, direction and status.

    Contract:
    - Counts cover activities in every status (drafts, denials and cancellations
      included: the status breakdown tells them apart).
    - ``by_year`` is by start date, ascending, with every year from the first to the last
      present (a year with no activity shows 0 rather than vanishing from a chart).
    - ``by_country`` counts an activity once in each country where it has a location, so
      its rows may add up to more than the total; ``employees`` there is the number of
      distinct employees who took part in an activity held in that country.
    - ``by_direction`` and ``by_status`` list every value, zeros included, in their
      declared order; ``by_country`` and ``by_category`` list only values that occur,
      largest first.
    """
    scope = oversight_scope(user, agency_id=agency_id)
    activities = summary_activities(scope=scope)
    ids = activities.values("pk")
    participations = Participation.objects.filter(activity__in=ids, employee__isnull=False)

    dates = activities.aggregate(first=Min("start_date"), last=Max("end_date"))
    return {
        "agency_id": agency_id,
        # The agencies the figures cover, so that a reader knows what "all" means.
        "agencies": [
            {"id": a.pk, "name": a.name}
            for a in Agency.objects.filter(scope_q(scope, "id")).order_by("name")
        ],
        "total_activities": activities.count(),
        "distinct_employees": participations.values("employee_id").distinct().count(),
        "first_date": dates["first"],
        "last_date": dates["last"],
        "by_year": _by_year(activities, participations),
        "by_country": _by_country(ids, participations),
        "by_category": _by_category(activities),
        "by_direction": _by_choice(activities, "direction", Direction.choices),
        "by_status": _by_choice(activities, "status", Status.choices),
    }


def _by_year(
    activities: QuerySet[Activity], participations: QuerySet[Participation]
) -> list[dict[str, Any]]:
    # "start_year", not "year": Activity has a ``year`` property.
    counts = dict(
        activities.annotate(start_year=ExtractYear("start_date"))
        .values("start_year")
        .annotate(n=Count("pk"))
        .values_list("start_year", "n")
    )
    people = dict(
        participations.annotate(start_year=ExtractYear("activity__start_date"))
        .values("start_year")
        .annotate(n=Count("employee_id", distinct=True))
        .values_list("start_year", "n")
    )
    if not counts:
        return []
    return [
        {"year": year, "activities": counts.get(year, 0), "employees": people.get(year, 0)}
        for year in range(min(counts), max(counts) + 1)
    ]


def _by_country(
    ids: QuerySet[Any, Any], participations: QuerySet[Participation]
) -> list[dict[str, Any]]:
    counts = dict(
        Location.objects.filter(activity__in=ids)
        .values("country")
        .annotate(n=Count("activity_id", distinct=True))
        .values_list("country", "n")
    )
    people = dict(
        participations.filter(activity__locations__isnull=False)
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
        }
        for code, n in counts.items()
    ]
    return sorted(rows, key=lambda r: (-r["activities"], r["name"]))


def _by_category(activities: QuerySet[Activity]) -> list[dict[str, Any]]:
    rows = (
        activities.values("category__slug", "category__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "category__name")
    )
    return [
        {"slug": r["category__slug"], "name": r["category__name"], "activities": r["n"]}
        for r in rows
    ]


def _by_choice(
    activities: QuerySet[Activity], field: str, choices: list[tuple[str, str]]
) -> list[dict[str, Any]]:
    counts = dict(activities.values(field).annotate(n=Count("pk")).values_list(field, "n"))
    return [
        {field: str(value), "label": str(label), "activities": counts.get(value, 0)}
        for value, label in choices
    ]
