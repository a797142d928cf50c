"""Reads for activities: the filtered, searched, sorted list every door uses.

The page, the API and the bench all call ``activity_list``; it starts from
``activities_visible_to`` so no filter can widen what a user may see.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from liaison.activities.access import activities_visible_to
from liaison.activities.models import Activity, Category, Location, Participation
from liaison.activities.search import activity_search
from liaison.people.access import external_persons_visible_to
from liaison.people.models import ExternalPerson
from liaison.people.selectors import employees_matching

# The one definition of the list's sort orders: the page's select, the API's enum
# (``schemas.Sort``, checked against these keys by a test) and the query all read it.
SORTS: dict[str, tuple[str, ...]] = {
    "-start_date": ("-start_date", "-id"),
    "start_date": ("start_date", "id"),
    "title": ("title", "id"),
    "-title": ("-title", "-id"),
}
SORT_LABELS: dict[str, str] = {
    "-start_date": "Newest first",
    "start_date": "Oldest first",
    "title": "Title, A to Z",
    "-title": "Title, Z to A",
}
DEFAULT_SORT = "-start_date"
# The years the year filter accepts, on the page and in the API alike.
YEAR_MIN = 1900
YEAR_MAX = 2100


@dataclass(frozen=True)
class ActivityFilters:
    """What a user may filter by. Every field is optional; empty means "any"."""

    q: str = ""
    country: str = ""
    category: str = ""  # slug
    direction: str = ""
    year: int | None = None
    status: str = ""
    person: str = ""  # an employee's serial number, or words of their name
    person_id: int | None = None  # an employee's id (their own pages, not user input)
    organisation: int | None = None  # host or organiser
    agency: int | None = None
    sort: str = DEFAULT_SORT

    def is_empty(self) -> bool:
        return self == ActivityFilters(sort=self.sort)


def activity_list(*, user: Any, filters: ActivityFilters) -> QuerySet[Activity]:
    """Activities the user may see that match ``filters``, sorted, ready to paginate."""
    qs = activities_visible_to(user)
    f = filters
    if f.agency:
        qs = qs.filter(agency_id=f.agency)
    if f.country:
        qs = qs.filter(
            Exists(Location.objects.filter(activity_id=OuterRef("pk"), country=f.country.upper()))
        )
    if f.category:
        qs = qs.filter(category__slug=f.category)
    if f.direction:
        qs = qs.filter(direction=f.direction)
    if f.year:
        qs = qs.filter(
            start_date__gte=dt.date(f.year, 1, 1), start_date__lt=dt.date(f.year + 1, 1, 1)
        )
    if f.status:
        qs = qs.filter(status=f.status)
    if f.person_id:
        # IN, not EXISTS: one person has few activities, and SQLite would otherwise probe
        # every activity with a correlated subquery (bench/README.md).
        qs = qs.filter(
            pk__in=Participation.objects.filter(employee_id=f.person_id).values("activity_id")
        )
    if f.person:
        # A person is named as people know them (serial number or name), resolved among
        # the employees the user may see: a name cannot be used to probe for others.
        people = employees_matching(user=user, text=f.person).values("pk")
        qs = qs.filter(
            pk__in=Participation.objects.filter(employee_id__in=people).values("activity_id")
        )
    if f.organisation:
        qs = qs.filter(
            Q(host_organisation_id=f.organisation) | Q(organiser_organisation_id=f.organisation)
        )
    if f.q:
        qs = activity_search(qs, f.q)
    return qs.order_by(*SORTS.get(f.sort, SORTS[DEFAULT_SORT]))


def with_list_relations(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    """What a list row shows: category, agency and locations, without N+1 queries."""
    # Prefetched rather than joined: the page query stays single-table, which keeps
    # SQLite's planner on the activity indexes (bench/README.md); neutral on PostgreSQL.
    return qs.prefetch_related(
        "category",
        "agency",
        Prefetch("locations", queryset=Location.objects.order_by("position", "id")),
    )


def activity_detail(*, activity: Activity) -> Activity:
    """Reload ``activity`` (already passed through ``access_activity``) with everything the
    detail page and the API's detail shape show, in a fixed number of queries."""
    return with_detail_relations(Activity.objects.filter(pk=activity.pk)).get()


def external_person_choices_for(*, user: Any, activity: Activity) -> QuerySet[ExternalPerson]:
    """External persons an editor of ``activity`` may pick: those of its agency the user may
    see, plus those already on it. Without the latter, an employee editing their own
    request would silently drop a trainee a coordinator had added."""
    return (
        ExternalPerson.objects.filter(
            Q(pk__in=external_persons_visible_to(user).values("pk"))
            | Q(participations__activity=activity),
            agency=activity.agency_id,
        )
        .distinct()
        .select_related("organisation", "agency")
        .order_by("full_name")
    )


def with_detail_relations(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    return (
        with_list_relations(qs)
        .select_related("host_organisation", "organiser_organisation", "created_by")
        .prefetch_related(
            "topics",
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related(
                    "employee", "external_person__organisation"
                ).order_by("id"),
            ),
        )
    )


def _readable(model: type, field_name: str, value: Any, names: dict[tuple[type, Any], str]) -> Any:
    """Show a history value as a person reads it: a related record by its name rather
    than its id, the topics list as names rather than link rows."""
    if value is None or value == "":
        return value
    field = model._meta.get_field(field_name)  # type: ignore[attr-defined]
    if field.many_to_many:
        related = field.related_model
        ids = [row.get(related._meta.model_name) for row in value if isinstance(row, dict)]
        return sorted(_name_of(related, pk, names) for pk in ids if pk is not None)
    if field.is_relation:
        return _name_of(field.related_model, value, names)
    return value


def _name_of(model: type, pk: Any, names: dict[tuple[type, Any], str]) -> str:
    key = (model, pk)
    if key not in names:
        obj = model._default_manager.filter(pk=pk).first()  # type: ignore[attr-defined]
        names[key] = str(obj) if obj is not None else f"#{pk} (no longer exists)"
    return names[key]


def activity_history(*, activity: Activity) -> list[dict[str, Any]]:
    """The change log of an activity and its locations and participants, newest first:
    who, when, what kind of change, and which fields changed from what to what."""
    entries: list[dict[str, Any]] = []
    names: dict[tuple[type, Any], str] = {}
    sources: list[tuple[str, Any]] = [
        (
            "Activity",
            activity.history.select_related("history_user").order_by("history_date", "history_id"),
        ),
        (
            "Location",
            Location.history.filter(activity_id=activity.pk)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id"),
        ),
        (
            "Participant",
            Participation.history.filter(activity_id=activity.pk)
            .select_related("history_user")
            .order_by("id", "history_date", "history_id"),
        ),
    ]
    for label, records in sources:
        previous: dict[int, Any] = {}
        for record in records:
            changes: list[dict[str, Any]] = []
            before = previous.get(record.id)
            if before is not None and record.history_type == "~":
                delta = record.diff_against(before)
                model = type(record.instance)
                changes = [
                    {
                        "field": c.field,
                        "old": _readable(model, c.field, c.old, names),
                        "new": _readable(model, c.field, c.new, names),
                    }
                    for c in delta.changes
                ]
            entries.append(
                {
                    "when": record.history_date,
                    "who": str(record.history_user) if record.history_user else "system",
                    "object": label,
                    "object_id": record.id,
                    "action": {"+": "created", "~": "changed", "-": "deleted"}[record.history_type],
                    "summary": str(record.instance) if label != "Activity" else "",
                    "changes": changes,
                    "reason": record.history_change_reason or "",
                }
            )
            previous[record.id] = record
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries


def category_choices() -> QuerySet[Category]:
    return Category.objects.filter(active=True).order_by("name")


def category_list(*, active: bool | None = None) -> QuerySet[Category]:
    """The whole vocabulary (retired categories too, unless ``active`` says otherwise):
    every signed-in user may read it."""
    qs = Category.objects.order_by("name", "id")
    return qs if active is None else qs.filter(active=active)


def year_range(*, user: Any) -> list[int]:
    """The years from the user's latest activity back to the earliest, newest first (for
    the year filter). Two one-row queries down the date index rather than a DISTINCT over
    every row, which cost 150 ms to 1.6 s per list page at a million activities."""
    # Two queries, not one aggregate(Min, Max): SQLite optimises MIN or MAX only when it
    # stands alone in its query.
    dates = activities_visible_to(user).values_list("start_date", flat=True)
    first = dates.order_by("start_date").first()
    last = dates.order_by("-start_date").first()
    if first is None or last is None:
        return []
    return list(range(last.year, first.year - 1, -1))
