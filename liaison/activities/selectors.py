"""Reads for activities: the filtered, searched, sorted list every door uses.

The page, the API and the bench all call ``activity_list``; it starts from
``activities_visible_to`` so no filter can widen what a user may see.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, models
from django.db.models import Exists, F, Max, Min, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django_countries import countries

from liaison.accounts.access import ACTIVITY_CREATORS, agencies_where
from liaison.activities.access import activities_visible_to, visibility_key
from liaison.activities.models import (
    NOT_ON_RECORD_STEPS,
    Activity,
    Category,
    Direction,
    Location,
    ParticipantRole,
    Participation,
)
from liaison.activities.search import activity_search
from liaison.activities.workflow import TRANSITIONS, Status
from liaison.core.errors import Forbidden
from liaison.core.pagination import Page, count_capped, paginate_reads
from liaison.core.statements import kept_rows
from liaison.people.access import employees_visible_to, external_persons_visible_to
from liaison.people.models import Employee, ExternalPerson
from liaison.people.selectors import employees_matching, employees_named

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

# Direction groups, as an inspector asks: our staff travelling abroad; foreign trainers or
# trainees with us at home; virtual events. The oversight summary and the list share them.
DIRECTION_GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "abroad": ("Travel abroad", (Direction.OUTBOUND,)),
    "at_home": (
        "Foreign trainers or trainees at home",
        (Direction.INBOUND, Direction.FOREIGN_TRAINERS),
    ),
    "virtual": ("Virtual", (Direction.VIRTUAL,)),
}


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
    # Several values of one filter match any of them; different filters all apply.
    start_from: dt.date | None = None  # start date on or after
    start_to: dt.date | None = None  # start date on or before
    statuses: tuple[str, ...] = ()
    direction_groups: tuple[str, ...] = ()  # keys of DIRECTION_GROUPS
    agencies: tuple[int, ...] = ()
    started_without_approval: bool = False
    origin: str = ""  # "imported": reconstructed from other sources; "entered": entered here
    missing: str = ""  # a key of MISSING_ON_RECORD: no report / approval / funding on record

    def is_empty(self) -> bool:
        return self == ActivityFilters(sort=self.sort)


def activity_list(*, user: Any, filters: ActivityFilters) -> QuerySet[Activity]:
    """Activities the user may see that match ``filters``, sorted, ready to paginate."""
    qs = apply_filters(activities_visible_to(user), filters, user=user)
    return qs.order_by(*SORTS.get(filters.sort, SORTS[DEFAULT_SORT]))


def apply_filters(
    qs: QuerySet[Activity], filters: ActivityFilters, *, user: Any
) -> QuerySet[Activity]:
    """Narrow ``qs`` by every filter that is set (no sorting). The list and the oversight
    summary both count through here, so a summary figure and the list it links to agree.
    ``user`` resolves a person named by serial number or name among those they may see."""
    f = filters
    if f.agencies:
        qs = qs.filter(agency_id__in=f.agencies)
    if f.start_from:
        qs = qs.filter(start_date__gte=f.start_from)
    if f.start_to:
        qs = qs.filter(start_date__lte=f.start_to)
    if f.statuses:
        qs = qs.filter(status__in=f.statuses)
    if f.direction_groups:
        qs = qs.filter(
            direction__in=[
                d
                for g in f.direction_groups
                if g in DIRECTION_GROUPS
                for d in DIRECTION_GROUPS[g][1]
            ]
        )
    if f.agency:
        qs = qs.filter(agency_id=f.agency)
    if f.country:
        qs = qs.filter(
            pk__in=_locations_in(f.country.upper(), _start_window(f)).values("activity_id")
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
        people = employees_named(user=user, text=f.person).values("pk")
        qs = qs.filter(
            pk__in=Participation.objects.filter(employee_id__in=people).values("activity_id")
        )
    if f.organisation:
        qs = qs.filter(
            Q(host_organisation_id=f.organisation) | Q(organiser_organisation_id=f.organisation)
        )
    if f.started_without_approval:
        qs = qs.filter(started_without_approval_q())
    if f.origin:
        qs = qs.filter(origin=f.origin)
    if f.missing in MISSING_ON_RECORD:
        qs = qs.filter(~Q(Exists(MISSING_ON_RECORD[f.missing][1]())))
    if f.q:
        qs = activity_search(qs, f.q)
    return qs


def _reports_on_record() -> QuerySet[Activity]:
    # The reports, approvals and funding apps sit above this one: their rows are reached
    # by relation name, never imported (as ``_approved_in_time`` does).
    return Activity.objects.filter(
        pk=OuterRef("pk"),
        evaluation_reports__status__in=["submitted", "returned", "acknowledged"],
    )


def _approval_on_record() -> QuerySet[Activity]:
    return Activity.objects.filter(
        pk=OuterRef("pk"), approval_steps__kind="approval", approval_steps__state="approved"
    )


def _funding_on_record() -> QuerySet[Activity]:
    return Activity.objects.filter(pk=OuterRef("pk"), contributions__isnull=False)


# What the record may not show, for the ``missing`` filter (the oversight summary's
# coverage counts link here; ADR 0024): key → (label, "what would be on record").
MISSING_ON_RECORD: dict[str, tuple[str, Any]] = {
    "report": ("No evaluation report on record (none submitted)", _reports_on_record),
    "approval": ("No approval on record", _approval_on_record),
    "funding": ("No funding on record (no contribution recorded)", _funding_on_record),
}


# Statuses that say the activity went ahead (or was cleared to): approval should be on
# record, decided before the start date.
PAST_APPROVAL_STATUSES = (Status.APPROVED, Status.IN_PROGRESS, Status.COMPLETED, Status.CLOSED)


def _approved_in_time() -> Exists:
    # ``approval_steps`` is the approvals app's ApprovalStep: it sits above this app, so
    # it is reached by its relation name, never imported.
    return Exists(
        Activity.objects.filter(
            pk=OuterRef("pk"),
            approval_steps__kind="approval",
            approval_steps__state="approved",
            approval_steps__decided_at__date__lt=F("start_date"),
        )
    )


def started_without_approval_q(today: dt.date | None = None) -> Q:
    """Activities that started (start date today or earlier) in a status past approval
    with no approval step decided before their start date: imported records whose source
    shows no approval, and anything back-dated. Flagged on the list and the detail page
    and in the API, never hidden (ADR 0014)."""
    today = today or timezone.localdate()
    return Q(status__in=PAST_APPROVAL_STATUSES, start_date__lte=today) & ~Q(_approved_in_time())


def started_without_approval(activity: Activity) -> bool:
    """``started_without_approval_q`` for one activity (the list rows carry it annotated)."""
    annotated = getattr(activity, "flag_started_without_approval", None)
    if annotated is not None:
        return bool(annotated)
    if activity.status not in PAST_APPROVAL_STATUSES:
        return False
    if activity.start_date > timezone.localdate():
        return False
    return not activity.approval_steps.filter(  # type: ignore[attr-defined]
        kind="approval", state="approved", decided_at__date__lt=activity.start_date
    ).exists()


def _start_window(f: ActivityFilters) -> tuple[dt.date | None, dt.date | None]:
    """The narrowest start-date window the filters imply (inclusive bounds)."""
    low, high = f.start_from, f.start_to
    if f.year:
        year_low, year_high = dt.date(f.year, 1, 1), dt.date(f.year, 12, 31)
        low = max(low, year_low) if low else year_low
        high = min(high, year_high) if high else year_high
    return low, high


def _locations_in(country: str, window: tuple[dt.date | None, dt.date | None]) -> QuerySet[Any]:
    """Locations in ``country`` whose activity starts within ``window``. Locations carry
    their activity's start date (``Location.start_date``), so a country + year filter reads
    that year's locations of the country through one index range instead of every
    location of the country (bench/README.md)."""
    locations = Location.objects.filter(country=country)
    low, high = window
    if low is not None:
        locations = locations.filter(start_date__gte=low)
    if high is not None:
        locations = locations.filter(start_date__lte=high)
    return locations


LIST_ROWS_DO_NOT_SHOW = ("search_text", "purpose", "justification", "not_on_record", "source")


def with_list_relations(
    qs: QuerySet[Activity], *, agency: bool = True, category: bool = True, locations: bool = True
) -> QuerySet[Activity]:
    """What a list row shows: category, agency and locations, without N+1 queries. The
    pages' rows do not show the agency (``agency=False`` saves them a query); the API's
    rows name it. ``category=False`` is for a caller that already holds the categories
    (the list page reads them for its filter) and attaches them with ``attach_categories``;
    ``locations=False`` for one that reads the places as values (``list_places``)."""
    # Prefetched rather than joined: the page query stays single-table, which keeps
    # SQLite's planner on the activity indexes (bench/README.md); neutral on PostgreSQL.
    today = timezone.localdate()
    # A row shows none of the long texts: not fetching them halves the page query's bytes.
    return (
        qs.defer(*LIST_ROWS_DO_NOT_SHOW)
        .prefetch_related(
            *(["category"] if category else []),
            *(["agency"] if agency else []),
            *(
                [Prefetch("locations", queryset=Location.objects.order_by(*LOCATION_ORDER))]
                if locations
                else []
            ),
        )
        .annotate(flag_started_without_approval=_flag_expression(today))
    )


@functools.lru_cache(maxsize=2)
def _flag_expression(today: dt.date) -> models.ExpressionWrapper:
    # The same expression for every list query of a day (building it, with its EXISTS
    # subquery, cost ~0.4 ms a list page). Safe to share: ``annotate`` resolves a copy
    # and never changes the expression it is given.
    return models.ExpressionWrapper(
        started_without_approval_q(today), output_field=models.BooleanField()
    )


# The order an activity's locations are shown in, everywhere.
LOCATION_ORDER = ("position", "id")


def list_places(activities: Iterable[Any]) -> dict[int, list[tuple[str, str]]]:
    """Each activity's locations as (city, country code), in ``LOCATION_ORDER``: what a
    list row shows, read as plain values in one query. The same rows as the locations
    prefetch, without building a ``Location`` per row and the prefetch's bookkeeping
    (~1 ms of the list page; ``tests``: equal to the prefetch)."""
    places: dict[int, list[tuple[str, str]]] = {activity.pk: [] for activity in activities}
    if places:
        # A fixed statement (built once per number of ids) instead of a queryset: the
        # ORM's building and compiling of this one plain read cost more than the read
        # itself. The ids are the caller's, already through access; only values come back.
        with connection.cursor() as cursor:
            cursor.execute(_places_sql(len(places)), list(places))
            for activity_id, city, country in cursor.fetchall():
                places[activity_id].append((city, str(country)))
    return places


@functools.lru_cache(maxsize=64)
def _places_sql(count: int) -> str:
    meta = Location._meta
    name = connection.ops.quote_name

    def column(field: str) -> str:
        found = meta.get_field(field)
        assert isinstance(found, models.Field) and found.column
        return name(found.column)

    order = ", ".join(column(f) for f in LOCATION_ORDER)
    return (
        f"SELECT {column('activity')}, {column('city')}, {column('country')} "
        f"FROM {name(meta.db_table)} WHERE {column('activity')} IN ({', '.join(['%s'] * count)}) "
        f"ORDER BY {order}"
    )


# What a list page row shows, read as values: no model instance per row.
LIST_ROW_FIELDS = (
    "pk",
    "title",
    "start_date",
    "end_date",
    "category_id",
    "status",
    "direction",
    "flag_started_without_approval",
)


@dataclass(slots=True)
class ListRow:
    """One row of the activity list page: the columns it shows, and its category once
    ``attach_categories`` gave it one."""

    pk: int
    title: str
    start_date: dt.date
    end_date: dt.date
    category_id: int
    status: str
    direction: str
    flag_started_without_approval: bool
    category: Category | None = None


def _list_row(row: Any) -> ListRow:
    # A raw row of the kept statement, converted as the ORM converts it.
    pk, title, start, end, category_id, status, direction, flag = row
    start_date, end_date = _as_date(start), _as_date(end)
    assert start_date is not None and end_date is not None  # both columns are NOT NULL
    return ListRow(pk, title, start_date, end_date, category_id, status, direction, bool(flag))


def activity_list_page(*, user: Any, filters: ActivityFilters, page: int) -> Page:
    """One page of ``activity_list`` for the list page: ``ListRow`` values, the capped count
    of ``core.pagination``, and the same rows in the same order as ``paginate`` over the
    model query (``tests``: compared on both databases).

    The count and rows statements are kept (``core/statements.py``) under everything they
    are built from: the visibility rule (``visibility_key``), the filters, the day (the
    started-without-approval flag compares with it) and the slice. The person filter looks
    the person up while the query is built (a serial number, or else name words), so its
    statements depend on the data and are never kept."""
    rule = visibility_key(user)
    key = None if rule is None or filters.person else (rule, filters, timezone.localdate())
    built: list[QuerySet[Activity]] = []

    def queryset() -> QuerySet[Activity]:
        if not built:
            built.append(
                with_list_relations(
                    activity_list(user=user, filters=filters),
                    agency=False,
                    category=False,
                    locations=False,
                )
            )
        return built[0]

    def count(limit: int) -> int:
        [counted] = kept_rows(
            key and ("list-count", key, limit),
            lambda: [count_capped(queryset(), limit)],
            lambda row: int(row[0]),
        )
        return counted

    def rows(start: int, stop: int) -> list[ListRow]:
        return kept_rows(
            key and ("list-rows", key, start, stop),
            lambda: [ListRow(*row) for row in queryset()[start:stop].values_list(*LIST_ROW_FIELDS)],
            _list_row,
        )

    return paginate_reads(count, rows, page=page)


def attach_categories(activities: Iterable[Any], categories: Iterable[Category]) -> None:
    """Give each activity its category object from ``categories`` (the whole vocabulary),
    as a prefetch would, without a query."""
    by_id = {category.pk: category for category in categories}
    for activity in activities:
        activity.category = by_id[activity.category_id]


def activity_detail(*, activity: Activity) -> Activity:
    """Reload ``activity`` (already passed through ``access_activity``) with everything the
    detail page and the API's detail shape show, in a fixed number of queries."""
    return with_detail_relations(Activity.objects.filter(pk=activity.pk)).get()


def external_person_choices_for(
    *, user: Any, agency_id: int, activity: Activity | None = None
) -> QuerySet[ExternalPerson]:
    """External persons the user may name on an activity of ``agency_id``: those of that
    agency the user may see, plus, when editing, those already on ``activity``. Without
    the latter, an employee editing their own request would silently drop a trainee a
    coordinator had added. The form's choices and ``activity_create``/``activity_update``
    both ask this, so a page and the API accept the same people."""
    visible = Q(pk__in=external_persons_visible_to(user).values("pk"))
    if activity is not None:
        visible |= Q(pk__in=activity.participations.values("external_person_id"))
    return (
        ExternalPerson.objects.filter(visible, agency_id=agency_id)
        .select_related("organisation", "agency")
        .order_by("full_name", "id")
    )


def employee_choices_for(
    *, user: Any, agency_ids: list[int] | None, activity: Activity | None = None
) -> QuerySet[Employee]:
    """Employees the user may name as participants — the one rule behind the participant
    autocomplete and the form that resolves a typed name: the employees the user may see
    (a people reader: their agencies' people; anyone else, such as an employee making
    their own request: themselves), limited to ``activity``'s agency, or to ``agency_ids``
    for a new activity (None: any agency); plus, when editing, the people already on
    ``activity`` wherever they work now, so that an edit never drops a colleague a
    coordinator added, nor a participant who has since moved to another agency (the
    same person, ADR 0028)."""
    visible = Q(pk__in=employees_visible_to(user).values("pk"))
    if activity is not None:
        already_on_it = Q(pk__in=activity.participations.values("employee_id"))
        qs = Employee.objects.filter((visible & Q(agency_id=activity.agency_id)) | already_on_it)
    else:
        qs = Employee.objects.filter(visible)
        if agency_ids is not None:
            qs = qs.filter(agency_id__in=agency_ids)
    return qs.order_by("last_name", "first_name", "serial_number", "id")


def participant_lookup(
    *, user: Any, q: str, activity: Activity | None = None, limit: int = 10
) -> list[Employee]:
    """The autocomplete's answer, on the page and in the API alike: up to ``limit``
    employees from ``employee_choices_for`` whose name or serial number matches every
    word of ``q`` (nothing for an empty ``q``). Without ``activity`` (a new one) the
    people come from the agencies where the user may create activities; a user who may
    create none is refused (``Forbidden``). With ``activity`` the caller has passed
    ``access_activity(..., action="change")``."""
    agency_ids: list[int] | None = None
    if activity is None:
        agency_ids = agencies_where(user, *ACTIVITY_CREATORS)
        if agency_ids == []:
            raise Forbidden("Your roles do not allow you to name participants.")
    if not q.strip():
        return []
    candidates = employee_choices_for(user=user, agency_ids=agency_ids, activity=activity)
    return list(employees_matching(candidates, q)[:limit])


def with_detail_relations(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    return (
        with_list_relations(qs)
        .defer(None)  # the detail shows every field
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


# History shows dates in one format (the lists' "12 May 2016"), times in the page's zone.
HISTORY_DATE_FORMAT = "j M Y"

# Field names a reader sees where the model's verbose name would not do.
_FIELD_LABELS = {
    "recorded_at": "Recorded",
    "not_on_record": "Not on record",
    "position": "Order",
    "agency_at_time": "Agency at the time",
    "name_at_time": "Name at the time",
    "rank_at_time": "Rank at the time",
    "unit_at_time": "Unit at the time",
}
# Kept by the database on every save: a change to them is not a change anyone made.
_UNSHOWN_FIELDS = frozenset({"updated_at", "search_text"})


class _AsOf:
    """Names of related records as they were at a moment, read from their own history
    (``history_date`` at or before the moment), so a later rename never shows as if it
    had been the name then. Each record's history is read once per call."""

    def __init__(self) -> None:
        self._rows: dict[tuple[type, Any], list[Any]] = {}
        self._current: dict[tuple[type, Any], Any] = {}
        self._instances: dict[tuple[type, Any], Any] = {}

    def rows(self, model: type, pk: Any) -> list[Any]:
        key = (model, pk)
        if key not in self._rows:
            history = getattr(model, "history", None)
            self._rows[key] = (
                list(history.filter(id=pk).order_by("history_date", "history_id"))
                if history is not None
                else []
            )
        return self._rows[key]

    def _instance(self, row: Any) -> Any:
        # ``.instance`` builds a new object each time, and for a model with fields kept
        # out of the history (the user's password) reads them from the database: once.
        key = (type(row), row.history_id)
        if key not in self._instances:
            self._instances[key] = row.instance
        return self._instances[key]

    def record(self, model: type, pk: Any, when: dt.datetime) -> tuple[Any, bool]:
        """The record as it was at ``when`` and whether that is certain: (historical
        instance or today's row or None, exact). Not exact means the history starts
        later than ``when`` and the first row we have is a change, not the creation."""
        rows = self.rows(model, pk)
        before = [r for r in rows if r.history_date <= when]
        if before:
            return self._instance(before[-1]), True
        if rows:
            return self._instance(rows[0]), rows[0].history_type == "+"
        key = (model, pk)
        if key not in self._current:
            self._current[key] = model._default_manager.filter(pk=pk).first()  # type: ignore[attr-defined]
        return self._current[key], False

    def name(self, model: type, pk: Any, when: dt.datetime) -> str:
        obj, exact = self.record(model, pk, when)
        if obj is None:
            return f"#{pk} (no longer exists)"
        return str(obj) if exact else f"{obj} (name recorded later)"


def _label_of(field: Any) -> str:
    name = _FIELD_LABELS.get(field.name, str(field.verbose_name))
    return name[:1].upper() + name[1:]


def _readable(field: Any, value: Any, when: dt.datetime, as_of: _AsOf) -> Any:
    """A history value as a person reads it: a choice by its label, a related record by
    its name on the day, topics as a comma-separated list of names, a date in the one
    history format. Empty stays empty (``None``)."""
    if value is None or value == "" or value == []:
        return None
    if field.many_to_many:
        related = field.related_model
        ids = [row.get(related._meta.model_name) for row in value if isinstance(row, dict)]
        return ", ".join(sorted(as_of.name(related, pk, when) for pk in ids if pk is not None))
    if field.is_relation:
        return as_of.name(field.related_model, value, when)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.name == "country":
        return countries.name(str(value)) or str(value)
    if field.name == "not_on_record" and isinstance(value, list):
        return ", ".join(NOT_ON_RECORD_STEPS.get(str(v), str(v)) for v in value)
    if field.name == "position" and isinstance(value, int):
        return value + 1
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        local = timezone.localtime(value)
        return f"{date_format(local, HISTORY_DATE_FORMAT)}, {local:%H:%M} {local.tzname()}"
    if isinstance(value, dt.date):
        return date_format(value, HISTORY_DATE_FORMAT)
    return value


def participant_summary(row: Any, *, when: dt.datetime, as_of: _AsOf) -> str:
    """A participation as it was recorded: the name, rank and unit stored on the row when
    the person was added (``*_at_time``), never today's employee record. A row written
    before those fields existed falls back to the person's own history as of ``when``."""
    name, rank, unit, org = row.name_at_time, row.rank_at_time, row.unit_at_time, row.agency_at_time
    if not name:
        if row.employee_id:
            person, _ = as_of.record(Employee, row.employee_id, when)
            if person is not None:
                name = f"{person.first_name} {person.last_name}"
                rank, unit = person.rank, person.unit
        elif row.external_person_id:
            person, _ = as_of.record(ExternalPerson, row.external_person_id, when)
            if person is not None:
                name, unit = person.full_name, person.position
    role = dict(ParticipantRole.choices).get(row.role, row.role)
    who = " ".join(part for part in (rank, name) if part) or "Unknown person"
    details = "; ".join(part for part in (unit, org) if part)
    return f"{who}{f' ({details})' if details else ''} — {role}"


def _transition_label(old: Any, new: Any) -> str:
    for transition in TRANSITIONS:
        if transition.source == old and transition.target == new:
            return transition.label
    return ""


def activity_history(*, activity: Activity) -> list[dict[str, Any]]:
    """The change log of an activity and its locations and participants, newest first:
    who, when, what kind of change, and which fields changed from what to what.

    Each entry shows the change as it was recorded: a participant by the name, rank and
    unit stored on its own history row, related records (category, organisations,
    topics, the acting user) by their names on the day of the change, choices by their
    labels. A status move is summarised by its transition's label ("Submit for
    approval"); the reason is the user's own words, or empty."""
    entries: list[dict[str, Any]] = []
    as_of = _AsOf()
    sources: list[tuple[str, type[models.Model], Any]] = [
        (
            "Activity",
            Activity,
            activity.history.order_by("history_date", "history_id"),
        ),
        (
            "Location",
            Location,
            Location.history.filter(activity_id=activity.pk).order_by(
                "id", "history_date", "history_id"
            ),
        ),
        (
            "Participant",
            Participation,
            Participation.history.filter(activity_id=activity.pk).order_by(
                "id", "history_date", "history_id"
            ),
        ),
    ]
    for label, model, records in sources:
        previous: dict[int, Any] = {}
        for record in records:
            when = record.history_date
            changes: list[dict[str, Any]] = []
            summary = ""
            before = previous.get(record.id)
            if before is not None and record.history_type == "~":
                for c in record.diff_against(before).changes:
                    if c.field in _UNSHOWN_FIELDS:
                        continue
                    field = model._meta.get_field(c.field)
                    changes.append(
                        {
                            "field": c.field,
                            "label": _label_of(field),
                            "old": _readable(field, c.old, when, as_of),
                            "new": _readable(field, c.new, when, as_of),
                        }
                    )
                    if label == "Activity" and c.field == "status":
                        summary = _transition_label(c.old, c.new)
            if label == "Participant":
                summary = participant_summary(record, when=when, as_of=as_of)
            elif label == "Location":
                summary = str(record.instance)
            who = (
                as_of.name(get_user_model(), record.history_user_id, when).removesuffix(
                    " (name recorded later)"
                )
                if record.history_user_id
                else "system"
            )
            entries.append(
                {
                    "when": when,
                    "who": who,
                    "object": label,
                    "object_id": record.id,
                    "action": {"+": "created", "~": "changed", "-": "deleted"}[record.history_type],
                    "summary": summary,
                    "changes": changes,
                    "reason": record.history_change_reason or "",
                }
            )
            previous[record.id] = record
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries


def category_choices() -> QuerySet[Category]:
    return Category.objects.filter(active=True).order_by("name")


_DATE = models.DateField()


def _as_date(value: Any) -> dt.date | None:
    # What the ORM's converters give for a date column: SQLite answers a string.
    return None if value is None else _DATE.to_python(value)


def _first_date(row: Any) -> dt.date:
    found = _as_date(row[0])
    assert found is not None
    return found


def category_list(*, active: bool | None = None) -> QuerySet[Category]:
    """The whole vocabulary (retired categories too, unless ``active`` says otherwise):
    every signed-in user may read it."""
    qs = Category.objects.order_by("name", "id")
    return qs if active is None else qs.filter(active=active)


_CATEGORY_COLUMNS = tuple(f.attname for f in Category._meta.concrete_fields)


def _category(row: Any) -> Category:
    # A raw row of the vocabulary's kept statement (its columns in the model's order, as
    # the ORM selects them), converted as the ORM converts it.
    values = dict(zip(_CATEGORY_COLUMNS, row, strict=True))
    values["active"] = bool(values["active"])
    return Category.from_db(connection.alias, list(values), list(values.values()))


def category_vocabulary() -> list[Category]:
    """``category_list()`` read: the list page's filter and rows need the whole vocabulary
    on every request. The statement is fixed, so it is kept (``core/statements.py``); the
    categories are read every time (a renamed or retired one shows on the next page)."""
    return kept_rows(("category-vocabulary",), lambda: list(category_list()), _category)


def year_range(*, user: Any) -> list[int]:
    """The years from the user's latest activity back to the earliest, newest first (for
    the year filter). Index probes down the date index rather than a DISTINCT over every
    row, which cost 150 ms to 1.6 s per list page at a million activities. The statements
    are kept per visibility rule (``core/statements.py``): the years are read every time."""
    rule = visibility_key(user)
    if connection.vendor == "postgresql":
        # One statement: PostgreSQL answers MIN and MAX side by side with one index probe
        # each (a round trip and a query compilation fewer on every list page).
        def bounds() -> list[tuple[Any, Any]]:
            found = activities_visible_to(user).aggregate(
                first=Min("start_date"), last=Max("start_date")
            )
            return [(found["first"], found["last"])]

        [(first, last)] = kept_rows(
            rule and ("year-range", rule),
            bounds,
            lambda row: (_as_date(row[0]), _as_date(row[1])),
        ) or [(None, None)]
    else:
        # Two statements: SQLite optimises MIN or MAX only when it stands alone.
        def edge(order: str) -> list[dt.date]:
            values = activities_visible_to(user).values_list("start_date", flat=True)
            return list(values.order_by(order)[:1])

        firsts = kept_rows(rule and ("year-first", rule), lambda: edge("start_date"), _first_date)
        lasts = kept_rows(rule and ("year-last", rule), lambda: edge("-start_date"), _first_date)
        first = firsts[0] if firsts else None
        last = lasts[0] if lasts else None
    if first is None or last is None:
        return []
    return list(range(last.year, first.year - 1, -1))
