"""Writes for activities: create, update, status transitions, and the vocabularies.

Every function is keyword-only, takes the acting user, validates everything before it
writes (so bad input changes nothing), runs in one transaction, and leaves history rows
attributed to the actor. Pages, the API, ``load_demo`` and imports all come through here.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.base import ModelState
from django.db.models.expressions import DatabaseDefault
from django.utils import timezone
from django.utils.text import slugify

from liaison.accounts.access import has_role
from liaison.accounts.models import Agency, Role
from liaison.activities.access import (
    can_create_activity_in,
    change_refusal,
    transition_refusal,
)
from liaison.activities.hooks import itinerary_changed, itinerary_of
from liaison.activities.models import (
    NOT_ON_RECORD_STEPS,
    Activity,
    Category,
    Location,
    Origin,
    ParticipantRole,
    Participation,
    Topic,
)
from liaison.activities.selectors import employee_choices_for, external_person_choices_for
from liaison.activities.summary import summary_refresh, summary_touched
from liaison.activities.workflow import (
    TRANSITION_EFFECTS,
    WITHDRAWABLE_STATUSES,
    Status,
    find_transition,
    transitions_from,
)
from liaison.core.audit import delete_audited, save_audited, save_audited_with_m2m
from liaison.core.countries import ISO_ALPHA2, not_a_code
from liaison.core.errors import Forbidden, InvalidTransition
from liaison.people.models import Employee, ExternalPerson, Organisation
from liaison.people.selectors import former_employees_of
from liaison.people.services import organisation_update


@dataclass(frozen=True)
class LocationInput:
    country: str
    city: str = ""


@dataclass(frozen=True)
class ParticipantInput:
    """One participant, named by exactly one of: employee id, employee serial number (as
    legacy records and API clients know people), or external person id."""

    employee_id: int | None = None
    external_person_id: int | None = None
    role: str = ParticipantRole.ATTENDEE
    serial_number: str = ""
    # Imports only (``activity_import``): the name, rank, unit and agency the source shows
    # for the person at the time, kept instead of today's values (empty: today's).
    # ``activity_create`` refuses them.
    rank_at_time: str = ""
    unit_at_time: str = ""
    name_at_time: str = ""
    agency_at_time: str = ""


@dataclass
class ActivityInput:
    """Everything a user supplies for an activity; forms and API schemas build one."""

    title: str
    direction: str
    kind: str
    category_id: int | None
    purpose: str
    start_date: dt.date | None
    end_date: dt.date | None
    justification: str = ""
    topics: Sequence[str] = ()
    host_organisation_id: int | None = None
    organiser_organisation_id: int | None = None
    locations: Sequence[LocationInput] = ()
    participants: Sequence[ParticipantInput] = field(default_factory=list)
    # Alternative to category_id for callers that know the vocabulary by slug (API, imports).
    category_slug: str = ""
    # The requester's estimate, US dollars (the approval rules read it).
    estimated_cost: Decimal | None = None


def _clean_topics(raw: Sequence[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in raw:
        name = " ".join(name.split())
        if name and name.lower() not in seen:
            seen[name.lower()] = name[:100]
    return list(seen.values())


def build_search_text(
    *,
    title: str,
    topics: Sequence[str],
    purpose: str,
    places: Sequence[str] = (),
    organisations: Sequence[str] = (),
    people: Sequence[str] = (),
) -> str:
    """The denormalised text the full-text index reads (``search.py``): title, topics,
    purpose, places (country code and name, city), host and organiser names and
    participants' names. Kept on the row so a search is one index probe, with no join
    (docs/adr/0006-search.md); ``activity_search_refresh`` rebuilds it."""
    return "\n".join(
        [
            title,
            " ".join(topics),
            purpose,
            " ".join(places),
            " ".join(organisations),
            " ".join(people),
        ]
    ).rstrip("\n")


def activity_search_text(activity: Activity) -> str:
    """``build_search_text`` for a saved activity, from what is stored now."""
    places: list[str] = []
    for location in Location.objects.filter(activity_id=activity.pk).order_by("position", "id"):
        country: Any = location.country  # a django-countries Country
        places += [str(country.code), str(country.name), location.city]
    org_ids = [activity.host_organisation_id, activity.organiser_organisation_id]
    organisations = Organisation.objects.filter(pk__in=[i for i in org_ids if i]).values_list(
        "name", flat=True
    )
    people = Participation.objects.filter(activity_id=activity.pk).order_by("id")
    return build_search_text(
        title=activity.title,
        topics=list(activity.topics.order_by("name").values_list("name", flat=True)),
        purpose=activity.purpose,
        places=[p for p in places if p],
        organisations=sorted(organisations),
        people=[p for p in people.values_list("name_at_time", flat=True) if p],
    )


def activity_search_refresh(*, activities: QuerySet[Activity]) -> int:
    """Rebuild the search text of ``activities`` (after an organisation is renamed, or to
    backfill). The text is derived data outside the history, so this writes no history
    row and needs no actor; the database's triggers / generated column follow it."""
    count = 0
    for activity in activities.only(
        "pk", "title", "purpose", "host_organisation_id", "organiser_organisation_id"
    ).iterator(chunk_size=500):
        Activity.objects.filter(pk=activity.pk).update(search_text=activity_search_text(activity))
        count += 1
    return count


def activity_search_refresh_for_organisation(*, organisation_id: int) -> int:
    """Call after renaming an organisation: its activities' search text names it."""
    return activity_search_refresh(
        activities=Activity.objects.filter(
            Q(host_organisation_id=organisation_id) | Q(organiser_organisation_id=organisation_id)
        )
    )


@transaction.atomic
def organisation_edit(*, actor: Any, organisation: Organisation, **changes: Any) -> Organisation:
    """Edit a registry organisation (``people.services.organisation_update``: its rules,
    permission check and history row) and, when its name changes, rewrite the search text
    of every activity it hosts or organises in the same transaction, so a search finds
    them by the new name at once. Both doors call this, not ``organisation_update``."""
    old_name = organisation.name
    updated = organisation_update(actor=actor, organisation=organisation, **changes)
    if updated.name != old_name:
        activity_search_refresh_for_organisation(organisation_id=updated.pk)
    return updated


def _people_for(
    *, actor: Any, agency: Agency, instance: Activity, former: bool = False
) -> tuple[QuerySet[Employee], QuerySet[ExternalPerson]]:
    """The people ``actor`` may name as participants of ``instance``: those of its agency
    the actor may see (``employees_visible_to`` / ``external_persons_visible_to``), plus
    those already on it (an employee editing their own request keeps the colleagues a
    coordinator added). Anyone else reads exactly like a person who does not exist, so
    a participant list cannot be used to read another person's name, rank or unit."""
    # Employees: the same rule as the form's autocomplete (one selector for both).
    employees = employee_choices_for(
        user=actor, agency_ids=[agency.pk], activity=instance if instance.pk else None
    )
    if former:
        # An imported record of the agency's past may name someone who worked here then
        # and has since moved to another agency: the same person, not a new one (ADR 0028).
        employees = employees | former_employees_of(agency.pk)
    externals = external_person_choices_for(
        user=actor, agency_id=agency.pk, activity=instance if instance.pk else None
    )
    return employees, externals


@dataclass
class ActivityLookups:
    """What ``_validate`` checks an activity against, read beforehand: the categories, the
    organisations, and the employees and external persons the actor may name
    (``_people_for``). A service call reads only what its one input names
    (``ActivityLookups.for_input``); a bulk import reads the whole of it once per file
    (``ActivityLookups.for_agency``), and both run the same ``_validate``."""

    categories_by_id: dict[int, Category]
    categories_by_slug: dict[str, Category]
    organisation_ids: set[int]
    employees_by_serial: dict[str, int]
    employee_ids: set[int]
    external_ids: set[int]

    @classmethod
    def for_input(
        cls,
        *,
        actor: Any,
        agency: Agency,
        data: ActivityInput,
        instance: Activity,
        former: bool = False,
    ) -> ActivityLookups:
        categories = []
        if data.category_id:
            categories = list(Category.objects.filter(pk=data.category_id))
        elif data.category_slug:
            categories = list(Category.objects.filter(slug=data.category_slug))
        org_ids = [i for i in (data.host_organisation_id, data.organiser_organisation_id) if i]
        organisations = (
            set(Organisation.objects.filter(pk__in=org_ids).values_list("pk", flat=True))
            if org_ids
            else set()
        )
        serials = {p.serial_number.strip() for p in data.participants if p.serial_number.strip()}
        may_name_employees, may_name_externals = _people_for(
            actor=actor, agency=agency, instance=instance, former=former
        )
        # A serial number is the agency's own: a former employee's is that of another
        # agency now, so it names no one here (the import resolves them by id, ADR 0028).
        by_serial = dict(
            may_name_employees.filter(serial_number__in=serials, agency_id=agency.pk).values_list(
                "serial_number", "pk"
            )
        )
        employee_ids = [p.employee_id for p in data.participants if p.employee_id]
        external_ids = [p.external_person_id for p in data.participants if p.external_person_id]
        return cls(
            categories_by_id={c.pk: c for c in categories},
            categories_by_slug={c.slug: c for c in categories},
            organisation_ids=organisations,
            employees_by_serial=by_serial,
            employee_ids=set(
                may_name_employees.filter(pk__in=employee_ids).values_list("pk", flat=True)
            ),
            external_ids=set(
                may_name_externals.filter(pk__in=external_ids).values_list("pk", flat=True)
            ),
        )

    @classmethod
    def for_agency(cls, *, actor: Any, agency: Agency, former: bool = False) -> ActivityLookups:
        """Everything a new activity of ``agency`` may name, for ``actor``: a handful of
        queries, whatever the number of activities checked against it. ``former``: also
        the agency's former employees (an import of its past, ADR 0028)."""
        categories = list(Category.objects.all())
        may_name_employees, may_name_externals = _people_for(
            actor=actor, agency=agency, instance=Activity(), former=former
        )
        by_serial: dict[str, int] = {}
        employee_ids: set[int] = set()
        rows = may_name_employees.order_by().values_list("pk", "serial_number", "agency_id")
        for pk, serial, agency_id in rows:
            if agency_id == agency.pk:  # a former employee's serial is another agency's now
                by_serial[serial] = pk
            employee_ids.add(pk)
        return cls(
            categories_by_id={c.pk: c for c in categories},
            categories_by_slug={c.slug: c for c in categories},
            organisation_ids=set(Organisation.objects.values_list("pk", flat=True)),
            employees_by_serial=by_serial,
            employee_ids=employee_ids,
            external_ids=set(may_name_externals.order_by().values_list("pk", flat=True)),
        )


# The allowed values of the choices the checks below test on every row, read once (Django
# rebuilds ``TextChoices.values`` on each access).
_ROLES = frozenset(ParticipantRole.values)
_STATUSES = frozenset(Status.values)
# How many distinct values of one field ``CheckMemo`` keeps (titles, sources and the like
# differ on every row: past this the field is simply checked each time).
MEMO_LIMIT = 4096


class CheckMemo:
    """What the import's dry run learnt from earlier rows of the same file: each distinct
    value of an activity's field that Django's own field checks (``Field.clean``, as
    ``Model.clean_fields`` runs it) accepted, and the outcome of each distinct location.
    It holds results of the rules, never rules: a value not seen before, or one that
    fails, goes through the model's ``full_clean`` as before, so every message is the
    model's (ADR 0030). One per file (``activity_import_check``)."""

    def __init__(self) -> None:
        self.fields: dict[str, dict[tuple[type, Any], Any]] = {}
        self.locations: dict[tuple[str, str, int], list[tuple[str, list[str]]]] = {}
        self.participants: dict[tuple[ParticipantInput, ...], list[tuple[str, list[str]]]] = {}
        self._blank: dict[str, Any] | None = None
        self._mutable: list[str] = []
        self._blank_cache: dict[str, Any] = {}
        self._blank_for: tuple[Any, Any] = (None, None)
        self._checked: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}

    def new_activity(self, *, agency: Agency | None = None, created_by: Any = None) -> Activity:
        """A new unsaved ``Activity()``: what the constructor makes (its defaults and
        signals, most of a row's check when run per row) is made once per file and
        copied; a list or dict default is copied, not shared. ``agency`` and
        ``created_by``, when given, are set on that first one (through their
        descriptors, as the caller would set them) and so come with every copy (the
        caller's ``_set_related`` then finds them set)."""
        if self._blank is None or self._blank_for != (agency, created_by):
            blank = Activity()
            if agency is not None:
                blank.agency = agency
            if created_by is not None:
                blank.created_by = created_by
            self._blank = dict(blank.__dict__)
            del self._blank["_state"]
            self._blank_cache = dict(blank._state.fields_cache)
            self._blank_for = (agency, created_by)
            self._mutable = [k for k, v in self._blank.items() if isinstance(v, list | dict)]
        activity = Activity.__new__(Activity)
        values = activity.__dict__
        values.update(self._blank)
        for key in self._mutable:
            values[key] = copy.copy(values[key])
        activity._state = ModelState()
        activity._state.fields_cache = dict(self._blank_cache)
        return activity

    def _plan(self, instance: Activity, exclude: Sequence[str]) -> list[tuple[Any, ...]]:
        """The fields ``clean_fields`` checks for ``exclude``, each with the size limit of
        a plain text field (``_plain_text_limit``, -1 for any other field), whether it may
        be blank, its empty values and the memo of its values that passed."""
        key = tuple(exclude)
        plan = self._checked.get(key)
        if plan is None:
            plan = [
                (
                    f,
                    f.attname,
                    _plain_text_limit(f),
                    f.blank,
                    f.empty_values,
                    self.fields.setdefault(f.name, {}),
                )
                for f in instance._meta.fields
                if f.name not in exclude and not f.generated
            ]
            self._checked[key] = plan
        return plan

    def clean_fields_pass(self, instance: Activity, exclude: Sequence[str]) -> bool:
        """True when ``instance.full_clean(exclude=exclude, validate_constraints=False)``
        would raise nothing: every field's ``clean`` is run (or its earlier success
        reused) exactly as ``Model.clean_fields`` runs it. False on the first field that
        fails (the caller then runs ``full_clean`` for its messages, on the values as they
        were: nothing is set on the instance). ``full_clean``'s other two steps do nothing
        for a new activity (``_full_clean_is_fields_only``). The cleaned values are not
        set back on the instance, as ``clean_fields`` would: the dry run, the only
        caller, checks the instance and drops it (``_import_prepare``).

        A plain text field (``_plain_text_limit``) holding a ``str`` — titles, sources,
        purposes: different on every row — is not run through ``clean`` at all: for
        it ``clean`` is exactly "not blank unless ``blank``, at most ``max_length``
        characters" and returns the string itself (ADR 0030, point 6;
        ``test_check_memo.py`` compares the two on awkward values)."""
        if not _full_clean_is_fields_only(type(instance)) or instance.pk is not None:
            return False
        values = instance.__dict__
        for f, attname, limit, blank, empty, seen in self._plan(instance, exclude):
            try:
                raw = values[attname]
            except KeyError:  # not loaded (never, on a new instance): as clean_fields reads it
                raw = getattr(instance, attname)
            kind = type(raw)
            if limit >= 0 and kind is str:
                if raw:
                    if limit and len(raw) > limit:
                        return False
                    continue
                if blank:
                    continue
                return False
            if blank and raw in empty:
                continue
            if isinstance(raw, DatabaseDefault):
                continue
            try:
                # A list (``not_on_record``) is read as the tuple of its items.
                key: tuple[type, Any] | None = (list, tuple(raw)) if kind is list else (kind, raw)
                if key in seen:
                    continue
            except TypeError:  # an unhashable value (a list): checked each time
                key = None
            try:
                value = f.clean(raw, instance)
            except ValidationError:
                return False
            if key is not None and len(seen) < MEMO_LIMIT:
                seen[key] = value
        return True


def _plain_text_limit(f: Any) -> int:
    """For a field whose ``clean`` of a ``str`` is only "not blank unless ``blank``, at
    most ``max_length`` characters" (returning the string itself): ``max_length``, or 0
    for no limit. -1 for any other field. That is a ``CharField`` or ``TextField``
    exactly (not a subclass), editable, without choices, whose only validator is the
    ``MaxLengthValidator(max_length)`` Django gives it (none for a ``TextField`` without
    ``max_length``): ``to_python`` returns a ``str`` unchanged, ``validate`` then tests
    only "blank", and the validators only the length."""
    from django.core.validators import MaxLengthValidator
    from django.db import models as django_models

    if type(f) not in (django_models.CharField, django_models.TextField):
        return -1
    if not f.editable or f.choices is not None:
        return -1
    expected = (
        [(MaxLengthValidator, f.max_length)]
        if type(f) is django_models.CharField and f.max_length is not None
        else []
    )
    found = [(type(v), v.limit_value) for v in f.validators if type(v) is MaxLengthValidator]
    if len(found) != len(list(f.validators)) or found != expected:
        return -1
    if expected and not (type(f.max_length) is int and f.max_length > 0):
        return -1
    return f.max_length if expected else 0


def _set_related(instance: Activity, name: str, value: Any) -> None:
    """``setattr(instance, name, value)`` for a foreign key, unless the instance already
    holds that very object there (a copy of ``CheckMemo``'s blank): the descriptor would
    leave it as it is."""
    field: Any = instance._meta.get_field(name)
    held = instance._state.fields_cache.get(field.cache_name)
    if (
        value is not None
        and held is value  # the cheapest test first: on most calls it decides
        and field.remote_field.multiple  # a ForeignKey: nothing set on ``value`` itself
        and instance.__dict__.get(field.attname) == held.pk
    ):
        return
    setattr(instance, name, value)


@functools.cache
def _full_clean_is_fields_only(model: type[Activity]) -> bool:
    """Whether ``full_clean`` of a new ``model`` instance is its ``clean_fields`` alone:
    no ``clean()`` of its own, and no unique check but the primary key's (which a new
    instance skips). Otherwise ``CheckMemo`` is not used and ``full_clean`` runs."""
    from django.db import models as django_models

    blank: Any = model()  # ``_get_unique_checks`` is what ``validate_unique`` runs
    unique, dates = blank._get_unique_checks(include_meta_constraints=True)
    return (
        model.clean is django_models.Model.clean
        and not dates
        and unique == [(model, (model._meta.pk.name,))]
    )


@functools.cache
def _country_codes() -> frozenset[str]:
    """The country codes a location may have: the choices of its ``country`` field."""
    field: Any = Location._meta.get_field("country")
    return frozenset(str(code) for code, _ in field.choices)


def _validate_location(
    loc: LocationInput, index: int, errors: dict[str, list[str]]
) -> Location | None:
    """Check one location of an activity (``_validate``), recording problems in
    ``errors``; the unsaved ``Location``, or ``None`` when the code is not even one."""
    code = (loc.country or "").upper()
    if code and not ISO_ALPHA2.fullmatch(code):
        # Not even the shape of a code: django-countries would try "²" as a number.
        errors.setdefault(f"locations[{index}].country", []).append(not_a_code(loc.country))
        return None
    location = Location(country=code, city=loc.city.strip(), position=index)
    try:
        # A code among the country choices needs no second look from ``full_clean``
        # (which walks all the choices: most of a bulk import's check); any other is
        # left to it, so its message is the same.
        known_country = ["country"] if code in _country_codes() else []
        location.full_clean(exclude=["activity", *known_country])
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            if name == "country":
                messages = [
                    f"“{loc.country}” is not an ISO 3166 country code."
                    if loc.country
                    else "Choose a country."
                ]
            errors.setdefault(f"locations[{index}].{name}", []).extend(messages)
    return location


def _validate(
    *,
    actor: Any,
    agency: Agency,
    data: ActivityInput,
    instance: Activity,
    errors: dict[str, list[str]],
    lookups: ActivityLookups | None = None,
    former: bool = False,
    memo: CheckMemo | None = None,
) -> tuple[list[Location], list[Participation]]:
    """Fill ``instance`` from ``data`` and check every part; record problems in ``errors``
    keyed by field (``locations[2].country`` for a row) and return unsaved children.
    Participants resolve only among the people ``actor`` may name (``_people_for``), read
    into ``lookups`` (for this input alone when not given). No query of its own once
    ``lookups`` is given: the bulk import runs it for every row. With ``memo`` (the
    import's dry run, ``activity_import_check``) the same checks reuse what earlier rows
    of the file established, and no children are built (both lists come back empty)."""
    if lookups is None:
        lookups = ActivityLookups.for_input(
            actor=actor, agency=agency, data=data, instance=instance, former=former
        )
    _set_related(instance, "agency", agency)
    instance.title = data.title.strip()
    instance.direction = data.direction
    instance.kind = data.kind
    instance.purpose = data.purpose.strip()
    instance.justification = data.justification.strip()
    instance.start_date = data.start_date  # type: ignore[assignment]
    instance.end_date = data.end_date  # type: ignore[assignment]
    instance.estimated_cost = data.estimated_cost
    if data.estimated_cost is not None and data.estimated_cost < 0:
        errors.setdefault("estimated_cost", []).append(
            "The estimated cost cannot be negative; leave it empty if it is not known."
        )

    category: Category | None = None
    if data.category_id:
        category = lookups.categories_by_id.get(data.category_id)
    elif data.category_slug:
        category = lookups.categories_by_slug.get(data.category_slug)
    if (data.category_id or data.category_slug) and category is None:
        errors.setdefault("category", []).append("Unknown category.")
    elif category is not None and not category.active and instance.category_id != category.pk:
        errors.setdefault("category", []).append(
            f"The category “{category.name}” is retired; choose a current one."
        )
    if category is not None:
        instance.category = category

    # A foreign key already found in ``lookups`` needs no second look from ``full_clean``
    # (a query each): it would pass. One that was not found is left to it, as before.
    known: list[str] = []
    for key in ("host_organisation_id", "organiser_organisation_id"):
        org_id = getattr(data, key)
        if org_id and org_id not in lookups.organisation_ids:
            errors.setdefault(key.removesuffix("_id"), []).append("Unknown organisation.")
        elif org_id:
            known.append(key.removesuffix("_id"))
        setattr(instance, key, org_id or None)
    if category is not None:
        known.append("category")

    exclude = ["agency", "created_by", "search_text", "status", *known]
    if memo is None or not memo.clean_fields_pass(instance, exclude):
        try:
            # Constraints are checked below with field-level messages (and by the database).
            instance.full_clean(exclude=exclude, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors.setdefault(name, []).extend(messages)
    if data.start_date and data.end_date and data.end_date < data.start_date:
        errors.setdefault("end_date", []).append("The end date is before the start date.")

    locations: list[Location] = []
    if not data.locations:
        errors.setdefault("locations", []).append("Give at least one location.")
    for index, loc in enumerate(data.locations):
        if memo is not None:
            # The outcome of this location's checks (below) is that of its values alone.
            memo_key = (loc.country, loc.city, index)
            if memo_key not in memo.locations:
                found: dict[str, list[str]] = {}
                _validate_location(loc, index, found)
                if len(memo.locations) < MEMO_LIMIT:
                    memo.locations[memo_key] = list(found.items())
            else:
                found = dict(memo.locations[memo_key])
            for name, messages in found.items():
                errors.setdefault(name, []).extend(messages)
            continue
        location = _validate_location(loc, index, errors)
        if location is not None:
            locations.append(location)

    if memo is None:
        return locations, _validate_participants(data.participants, agency, lookups, errors)
    # The dry run: the outcome of the participants' checks is that of their list alone
    # (against this file's lookups), and nothing is built to write.
    people_key = tuple(data.participants)
    checked = memo.participants.get(people_key)
    if checked is None:
        outcome: dict[str, list[str]] = {}
        _validate_participants(data.participants, agency, lookups, outcome, build=False)
        checked = list(outcome.items())
        if len(memo.participants) < MEMO_LIMIT:
            memo.participants[people_key] = checked
    for name, messages in checked:
        errors.setdefault(name, []).extend(messages)
    return locations, []


def _validate_participants(
    participants: Sequence[ParticipantInput],
    agency: Agency,
    lookups: ActivityLookups,
    errors: dict[str, list[str]],
    *,
    build: bool = True,
) -> list[Participation]:
    """The participants part of ``_validate``: problems recorded in ``errors``, and
    (when ``build``) the unsaved participations."""
    participations: list[Participation] = []
    # Serial numbers are unique only within an agency, so they resolve within this one.
    by_serial = lookups.employees_by_serial
    employees, externals = lookups.employee_ids, lookups.external_ids
    seen: set[tuple[str, int | None]] = set()
    for index, p in enumerate(participants):
        prefix = f"participants[{index}]"
        serial = p.serial_number.strip()
        if sum(map(bool, (p.employee_id, serial, p.external_person_id))) != 1:
            errors.setdefault(prefix, []).append(
                "Name either an employee or an external person, not both or neither."
            )
            continue
        if p.role not in _ROLES:
            errors.setdefault(f"{prefix}.role", []).append(f"Unknown role “{p.role}”.")
        employee_id = p.employee_id
        if serial:
            employee_id = by_serial.get(serial)
            person_key: tuple[str, int | None] = ("employee", employee_id)
            if employee_id is None:
                person_key = ("serial", index)
                errors.setdefault(f"{prefix}.serial_number", []).append(
                    f"No employee of {agency.name} has serial number {serial}."
                )
        elif p.employee_id:
            person_key = ("employee", p.employee_id)
            if p.employee_id not in employees:
                errors.setdefault(f"{prefix}.employee", []).append(
                    "No such employee in this agency."
                )
        else:
            assert p.external_person_id is not None
            person_key = ("external", p.external_person_id)
            if p.external_person_id not in externals:
                errors.setdefault(f"{prefix}.external_person", []).append(
                    "No such external person in this agency."
                )
        if person_key in seen:
            errors.setdefault(prefix, []).append("This person is listed twice.")
        seen.add(person_key)
        if not build:
            continue  # the dry run builds nothing to write
        participation = Participation(
            employee_id=employee_id, external_person_id=p.external_person_id, role=p.role
        )
        participations.append(participation)
    return participations


def snapshot_participants(participations: Sequence[Participation]) -> None:
    """Record who each participant is *today* on their participation, once, when they are
    added: the activity keeps that rank, unit and agency after the person changes
    (``Participation.*_at_time``). Fields already set (an import's values) are kept.
    Two queries for the whole list, however large the delegation."""
    employees = Employee.objects.select_related("agency").in_bulk(
        [p.employee_id for p in participations if p.employee_id]
    )
    externals = ExternalPerson.objects.select_related("organisation").in_bulk(
        [p.external_person_id for p in participations if p.external_person_id]
    )
    for participation in participations:
        values: dict[str, str]
        if participation.employee_id:
            e = employees[participation.employee_id]
            values = {
                "name_at_time": f"{e.first_name} {e.last_name}",
                "rank_at_time": e.rank,
                "unit_at_time": e.unit,
                "agency_at_time": e.agency.name,
            }
        else:
            x = externals[participation.external_person_id or 0]
            values = {
                "name_at_time": x.full_name,
                "unit_at_time": x.position,
                "agency_at_time": x.organisation.name if x.organisation else "",
            }
        for name, value in values.items():
            if not getattr(participation, name):
                setattr(participation, name, value)


@transaction.atomic
def topic_create(*, actor: Any, name: str) -> Topic:
    """Add ``name`` to the topic vocabulary, or return the topic already named so (names
    are unique regardless of case). Topics are a free vocabulary: whoever may write an
    activity may add one, so the callers are the activity services, which have checked
    that; a new topic's history row names the actor like any other write."""
    name = " ".join((name or "").split())[:100]
    if not name:
        raise ValidationError({"topics": ["A topic needs a name."]})
    topic = Topic.objects.filter(name__iexact=name).first()
    if topic is None:
        topic = Topic(name=name)
        save_audited(topic, actor=actor, validate=False)
    return topic


def _topics_for(*, actor: Any, names: Sequence[str]) -> list[Topic]:
    return [topic_create(actor=actor, name=name) for name in names]


# Fields whose change is not a change a person made (kept by the database or derived).
_NOT_EDITS = frozenset({"updated_at", "search_text"})


def _field_values(activity: Activity) -> dict[str, Any]:
    return {
        f.attname: getattr(activity, f.attname)
        for f in Activity._meta.concrete_fields
        if f.attname not in _NOT_EDITS
    }


def _match_locations(
    old: list[Location], new: list[Location]
) -> list[tuple[Location | None, Location | None]]:
    """Pair the stored locations with the submitted ones so that an edit touches only
    what changed: first the same place in the list with the same country and city
    (unchanged), then the same country and city anywhere (moved), then the same place in
    the list (changed in place). What is left is added or removed."""
    pairs: dict[int, Location] = {}  # index in ``new`` → stored location
    free = list(old)

    def same(a: Location, b: Location) -> bool:
        return str(a.country) == str(b.country) and a.city == b.city

    rules = (
        lambda o, i, n: o.position == i and same(o, n),
        lambda o, i, n: same(o, n),
        lambda o, i, n: o.position == i,
    )
    for rule in rules:
        for index, loc in enumerate(new):
            if index in pairs:
                continue
            match = next((o for o in free if rule(o, index, loc)), None)
            if match is not None:
                pairs[index] = match
                free.remove(match)
    result: list[tuple[Location | None, Location | None]] = [
        (pairs.get(index), loc) for index, loc in enumerate(new)
    ]
    result.extend((o, None) for o in free)
    return result


def _save_children(
    *,
    actor: Any,
    activity: Activity,
    data: ActivityInput,
    locations: list[Location],
    participations: list[Participation],
    before: dict[str, Any] | None = None,
) -> None:
    """Write the activity and its rows, touching only what changed: an edit that changes
    nothing writes nothing, and each changed row leaves one history row attributed to
    ``actor`` (``before`` holds the activity's stored field values on update)."""
    topic_names = _clean_topics(data.topics)
    topics = _topics_for(actor=actor, names=topic_names)
    if before is None:
        topics_changed = True
    else:
        stored = set(activity.topics.values_list("pk", flat=True))
        topics_changed = stored != {t.pk for t in topics}
    if before is None or topics_changed or _field_values(activity) != before:
        save_audited_with_m2m(activity, actor=actor, set_m2m=lambda: activity.topics.set(topics))

    # Locations: keep what is unchanged, change in place what moved or changed.
    for old, new in _match_locations(list(activity.locations.all()), locations):
        if new is None:
            assert old is not None
            delete_audited(old, actor=actor)
        elif old is None:
            new.activity = activity
            save_audited(new, actor=actor, validate=False)
        elif (str(old.country), old.city, old.position) != (
            str(new.country),
            new.city,
            new.position,
        ):
            old.country, old.city, old.position = new.country, new.city, new.position
            save_audited(old, actor=actor, validate=False)

    # Participations keep their identity (later reports hang off them) and the snapshot
    # taken when they were added: update in place, and only the role can change.
    existing = {(p.employee_id, p.external_person_id): p for p in activity.participations.all()}
    wanted = {(p.employee_id, p.external_person_id): p for p in participations}
    for key, old_p in existing.items():
        if key not in wanted:
            delete_audited(old_p, actor=actor)
    snapshot_participants([p for key, p in wanted.items() if key not in existing])
    for key, new_p in wanted.items():
        current = existing.get(key)
        if current is None:
            new_p.activity = activity
            save_audited(new_p, actor=actor, validate=False)
        elif current.role != new_p.role:
            current.role = new_p.role
            save_audited(current, actor=actor, validate=False)

    # Last, from what is now stored (participants' names as recorded): the search text is
    # outside the history, so this update adds no history row.
    activity.search_text = activity_search_text(activity)
    Activity.objects.filter(pk=activity.pk).update(search_text=activity.search_text)


@transaction.atomic
def activity_create(*, actor: Any, agency: Agency, data: ActivityInput) -> Activity:
    """Create a **draft** activity with its topics, locations and participants, all or
    nothing; the department records it now (``recorded_at``).

    Raises ``Forbidden`` if the actor may not create activities in ``agency`` and
    ``ValidationError`` (keyed by field, ``locations[i].country`` for rows) if any part is
    wrong; in both cases nothing is written. A record of the past that arrives from
    elsewhere, in whatever status its source shows, comes in through ``activity_import``.
    """
    if not can_create_activity_in(actor, agency.pk):
        raise Forbidden("You may not create activities for this agency.")
    errors: dict[str, list[str]] = {}
    activity = Activity(status=Status.DRAFT, created_by=actor, recorded_at=timezone.now())
    locations, participations = _validate(
        actor=actor, agency=agency, data=data, instance=activity, errors=errors
    )
    for index, p in enumerate(data.participants):
        for name in ("rank_at_time", "unit_at_time", "name_at_time", "agency_at_time"):
            if getattr(p, name):
                errors.setdefault(f"participants[{index}].{name}", []).append(
                    "Only an imported record carries a rank or unit from its source; a new "
                    "activity records each participant as they are today."
                )
    if errors:
        raise ValidationError(errors)
    _save_children(
        actor=actor,
        activity=activity,
        data=data,
        locations=locations,
        participations=participations,
    )
    summary_refresh(summary_touched([activity.pk]))
    return activity


@transaction.atomic
def activity_import(
    *,
    actor: Any,
    agency: Agency,
    data: ActivityInput,
    status: str,
    recorded_at: dt.datetime | None,
    source: str,
    not_on_record: Sequence[str] = (),
    refresh_summary: bool = True,
) -> Activity:
    """Bring in an activity from an earlier record (a legacy spreadsheet, a reconstructed
    log, the demo), saying where it came from, all or nothing.

    The record keeps ``origin="imported"`` and its ``source`` (required: where a reader can
    find the original); ``status`` is the status the source shows (any declared status;
    later moves still follow the transition table); ``recorded_at`` is when the department
    first recorded the activity according to the source, ``None`` when that is not on
    record (never the load time); ``not_on_record`` lists the lifecycle steps the source
    does not document (keys of ``NOT_ON_RECORD_STEPS``), shown as "approval not on
    record" instead of being invented. A participant's ``rank_at_time`` / ``unit_at_time``
    (and ``name_at_time`` / ``agency_at_time``, when given) are the source's values and
    win over today's. Only coordinators of ``agency`` import
    (``Forbidden`` otherwise); the same validation as ``activity_create`` plus these
    fields raises ``ValidationError`` keyed by field, and nothing is written.
    ``refresh_summary=False`` is for a caller importing many records in one transaction,
    which must then call ``summary_refresh`` itself for all of them before it commits
    (the spreadsheet import does, once per file).
    """
    activity, locations, participations = activity_import_prepare(
        actor=actor,
        agency=agency,
        data=data,
        status=status,
        recorded_at=recorded_at,
        source=source,
        not_on_record=not_on_record,
    )
    _save_children(
        actor=actor,
        activity=activity,
        data=data,
        locations=locations,
        participations=participations,
    )
    if refresh_summary:
        summary_refresh(summary_touched([activity.pk]))
    return activity


def activity_import_prepare(
    *,
    actor: Any,
    agency: Agency,
    data: ActivityInput,
    status: str,
    recorded_at: dt.datetime | None,
    source: str,
    not_on_record: Sequence[str] = (),
    lookups: ActivityLookups | None = None,
) -> tuple[Activity, list[Location], list[Participation]]:
    """Every rule of ``activity_import``, writing nothing: the unsaved activity (with its
    change reason), locations and participations (with the source's values at the
    time), or ``Forbidden`` / ``ValidationError`` exactly as ``activity_import`` raises
    them. ``activity_import`` writes what this returns one record at a time; the bulk
    import (``exchange.bulk``) writes many at once, with ``lookups`` read once per file.
    """
    return _import_prepare(
        actor=actor,
        agency=agency,
        data=data,
        status=status,
        recorded_at=recorded_at,
        source=source,
        not_on_record=not_on_record,
        lookups=lookups,
    )


def activity_import_check(
    *,
    actor: Any,
    agency: Agency,
    data: ActivityInput,
    status: str,
    recorded_at: dt.datetime | None,
    source: str,
    not_on_record: Sequence[str] = (),
    lookups: ActivityLookups,
    memo: CheckMemo,
) -> None:
    """The import's dry run of one record: every rule of ``activity_import_prepare``
    (the same code), raising ``Forbidden`` / ``ValidationError`` exactly as it does, but
    building nothing to write and reusing, through ``memo`` (one per file), what earlier
    rows established about the same values (ADR 0030). The import itself (which writes)
    runs ``activity_import_prepare``; ``exchange/tests/test_bulk.py`` proves both
    give the same answers."""
    _import_prepare(
        actor=actor,
        agency=agency,
        data=data,
        status=status,
        recorded_at=recorded_at,
        source=source,
        not_on_record=not_on_record,
        lookups=lookups,
        memo=memo,
    )


def _import_prepare(
    *,
    actor: Any,
    agency: Agency,
    data: ActivityInput,
    status: str,
    recorded_at: dt.datetime | None,
    source: str,
    not_on_record: Sequence[str],
    lookups: ActivityLookups | None,
    memo: CheckMemo | None = None,
) -> tuple[Activity, list[Location], list[Participation]]:
    if not has_role(actor, Role.COORDINATOR, agency.pk):
        raise Forbidden("Only coordinators of this agency import records.")
    errors: dict[str, list[str]] = {}
    if status not in _STATUSES:
        errors["status"] = [f"Unknown status “{status}”."]
    source = " ".join((source or "").split())
    if not source:
        errors["source"] = ["Say where the record came from."]
    if recorded_at is not None:
        if timezone.is_naive(recorded_at):
            errors["recorded_at"] = ["Give the time with its time zone."]
        elif recorded_at > timezone.now():
            errors["recorded_at"] = ["The date the department recorded it is in the future."]
    steps: list[str] = []
    for key in not_on_record:
        if key not in NOT_ON_RECORD_STEPS:
            known = ", ".join(NOT_ON_RECORD_STEPS)
            errors.setdefault("not_on_record", []).append(
                f"Unknown step “{key}”; known steps: {known}."
            )
        elif key not in steps:
            steps.append(key)
    activity = Activity() if memo is None else memo.new_activity(agency=agency, created_by=actor)
    activity.status = status
    _set_related(activity, "created_by", actor)
    activity.recorded_at = recorded_at
    activity.origin = Origin.IMPORTED
    activity.source = source
    # In the declared order, so two imports of the same record compare equal.
    activity.not_on_record = [key for key in NOT_ON_RECORD_STEPS if key in steps]
    locations, participations = _validate(
        actor=actor,
        agency=agency,
        data=data,
        instance=activity,
        errors=errors,
        lookups=lookups,
        former=True,
        memo=memo,
    )
    if errors:
        raise ValidationError(errors)
    if memo is not None:
        return activity, [], []
    for given, participation in zip(data.participants, participations, strict=True):
        # ``snapshot_participants`` keeps what is already set: the source's values win.
        participation.rank_at_time = given.rank_at_time.strip()
        participation.unit_at_time = given.unit_at_time.strip()
        participation.name_at_time = given.name_at_time.strip()[:200]
        participation.agency_at_time = given.agency_at_time.strip()[:200]
    activity._change_reason = "imported"  # type: ignore[attr-defined]  # the history says how
    return activity, locations, participations


@dataclass
class PreparedImport:
    """One record ``activity_import_prepare`` accepted, ready to be written."""

    activity: Activity
    locations: list[Location]
    participations: list[Participation]
    topics: list[str]


def activity_import_bulk(*, actor: Any, prepared: Sequence[PreparedImport]) -> list[Activity]:
    """Write many records that ``activity_import_prepare`` accepted, in sets: what
    ``activity_import`` (with ``refresh_summary=False``) writes for each, row for row —
    the activity with its topics, locations and participations (snapshotted as
    ``snapshot_participants`` does), its search text, and one history row per record
    written with the actor and reason, chained in one batch (``records.bulk``) — in a
    constant number of statements per call. The caller holds the transaction, has
    checked permission through ``activity_import_prepare``, and recounts the summary
    tables (``summary_refresh``) once for all of them, as the spreadsheet import does.
    New topic names go through ``topic_create`` (a vocabulary, rarely new)."""
    from liaison.records.bulk import chain, history_rows

    if not prepared:
        return []
    now = timezone.now()
    known = {t.name.lower(): t for t in Topic.objects.all()}
    for item in prepared:
        for name in _clean_topics(item.topics):
            if name.lower() not in known:
                topic = topic_create(actor=actor, name=name)
                known[topic.name.lower()] = topic
    topics_of = [[known[n.lower()] for n in _clean_topics(item.topics)] for item in prepared]
    # The search text lists topics in the database's order of names (as
    # ``activity_search_text`` reads them), organisations sorted by name.
    topic_ids = {t.pk for ts in topics_of for t in ts}
    rank = {
        pk: i
        for i, pk in enumerate(
            Topic.objects.filter(pk__in=topic_ids).order_by("name").values_list("pk", flat=True)
        )
    }
    org_ids = {
        i
        for item in prepared
        for i in (item.activity.host_organisation_id, item.activity.organiser_organisation_id)
        if i
    }
    org_names = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    snapshot_participants([p for item in prepared for p in item.participations])
    for item, topics in zip(prepared, topics_of, strict=True):
        activity = item.activity
        places: list[str] = []
        for location in item.locations:
            country: Any = location.country
            places += [str(country.code), str(country.name), location.city]
        orgs = [activity.host_organisation_id, activity.organiser_organisation_id]
        activity.search_text = build_search_text(
            title=activity.title,
            topics=[t.name for t in sorted(topics, key=lambda t: rank[t.pk])],
            purpose=activity.purpose,
            places=[p for p in places if p],
            organisations=sorted(org_names[i] for i in orgs if i),
            people=[p.name_at_time for p in item.participations if p.name_at_time],
        )
    activities = Activity.objects.bulk_create([item.activity for item in prepared])
    locations: list[Location] = []
    participations: list[Participation] = []
    through_model: Any = Activity.topics.through
    links: list[Any] = []
    for item, topics in zip(prepared, topics_of, strict=True):
        for location in item.locations:
            location.activity = item.activity
            location.start_date = item.activity.start_date
            locations.append(location)
        for participation in item.participations:
            participation.activity = item.activity
            participations.append(participation)
        links += [through_model(activity_id=item.activity.pk, topic_id=t.pk) for t in topics]
    Location.objects.bulk_create(locations)
    Participation.objects.bulk_create(participations)
    links = through_model.objects.bulk_create(links)
    written = history_rows(activities, actor=actor, when=now)
    # The topics as of the history row (django-simple-history's many-to-many history).
    m2m_model: Any = apps.get_model("activities", "HistoricalActivity_topics")
    history_of = {row.id: row for row in written}  # type: ignore[attr-defined]
    m2m_rows = m2m_model.objects.bulk_create(
        [
            m2m_model(history=history_of[link.activity_id], id=link.id,
                      activity_id=link.activity_id, topic_id=link.topic_id)
            for link in links
        ]
    )  # fmt: skip
    chain(
        written
        + m2m_rows
        + history_rows(locations, actor=actor, when=now)
        + history_rows(participations, actor=actor, when=now)
    )
    return activities


@transaction.atomic
def activity_import_update(
    *,
    actor: Any,
    activity: Activity,
    data: ActivityInput,
    recorded_at: dt.datetime | None,
    not_on_record: Sequence[str] = (),
) -> Activity:
    """Bring an *imported* record in line with a later reading of its source (a corrected
    legacy spreadsheet): its fields, topics, locations and participants, when it was first
    recorded and what is not on record, written like ``activity_update`` (only what
    changed; one history row per changed record, reason ``re-imported``). A participant
    added here keeps the source's name, rank, unit and agency; one already on the record
    keeps the snapshot it had. The status is not changed here (it moves only through the
    transition table). Coordinators of the activity's agency only (``Forbidden``); a
    record entered here rather than imported, or any invalid part, raises
    ``ValidationError`` keyed by field, and nothing is written."""
    if not has_role(actor, Role.COORDINATOR, activity.agency_id):
        raise Forbidden("Only coordinators of this agency import records.")
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    errors: dict[str, list[str]] = {}
    if activity.origin != Origin.IMPORTED:
        errors["origin"] = ["This record was entered here, not imported: change it on its page."]
    if recorded_at is not None and (timezone.is_naive(recorded_at) or recorded_at > timezone.now()):
        errors["recorded_at"] = ["Give a past time with its time zone."]
    unknown = [k for k in not_on_record if k not in NOT_ON_RECORD_STEPS]
    if unknown:
        errors["not_on_record"] = [f"Unknown step “{k}”." for k in unknown]
    before = _field_values(activity)
    touched = summary_touched([activity.pk])
    itinerary_before = itinerary_of(activity)
    locations, participations = _validate(
        actor=actor,
        agency=activity.agency,
        data=data,
        instance=activity,
        errors=errors,
        former=True,
    )
    if errors:
        raise ValidationError(errors)
    for given, participation in zip(data.participants, participations, strict=True):
        participation.rank_at_time = given.rank_at_time.strip()
        participation.unit_at_time = given.unit_at_time.strip()
        participation.name_at_time = given.name_at_time.strip()[:200]
        participation.agency_at_time = given.agency_at_time.strip()[:200]
    activity.recorded_at = recorded_at
    activity.not_on_record = [key for key in NOT_ON_RECORD_STEPS if key in not_on_record]
    activity._change_reason = "re-imported"  # type: ignore[attr-defined]
    _save_children(
        actor=actor,
        activity=activity,
        data=data,
        locations=locations,
        participations=participations,
        before=before,
    )
    summary_refresh(touched | summary_touched([activity.pk]))
    changes = itinerary_of(activity).changes_from(itinerary_before)
    if changes:
        itinerary_changed(actor=actor, activity=activity, changes=changes)
    return activity


@transaction.atomic
def activity_update(*, actor: Any, activity: Activity, data: ActivityInput) -> Activity:
    """Replace an activity's fields, topics, locations and participants with ``data``.

    The caller has already passed ``access_activity(..., action="change")``. The agency
    and status are never changed here (status moves only through ``activity_transition``).
    Only what changed is written: unchanged locations and participants keep their rows,
    a moved or edited location is changed in place, and an edit that changes nothing
    leaves no history row. When the places or dates change, the apps registered in
    ``activities.hooks`` are told (risk assessments made for the old itinerary reopen).
    """
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    # Re-checked on the locked row: the status may have moved since the caller looked.
    refusal = change_refusal(actor, activity)
    if refusal is not None:
        raise refusal
    before = _field_values(activity)
    touched = summary_touched([activity.pk])
    itinerary_before = itinerary_of(activity)
    errors: dict[str, list[str]] = {}
    locations, participations = _validate(
        actor=actor, agency=activity.agency, data=data, instance=activity, errors=errors
    )
    if errors:
        raise ValidationError(errors)
    _save_children(
        actor=actor,
        activity=activity,
        data=data,
        locations=locations,
        participations=participations,
        before=before,
    )
    summary_refresh(touched | summary_touched([activity.pk]))
    # A changed itinerary (places or dates) reopens the risk assessments made for the old
    # one, in this transaction (activities/hooks.py; ADR 0015).
    changes = itinerary_of(activity).changes_from(itinerary_before)
    if changes:
        itinerary_changed(actor=actor, activity=activity, changes=changes)
    return activity


# django-simple-history keeps the reason in a 100-character column; longer text would
# fail in the database (PostgreSQL) instead of coming back as a sentence.
TRANSITION_REASON_MAX_LENGTH = 100


@transaction.atomic
def activity_transition(*, actor: Any, activity: Activity, name: str, reason: str = "") -> Activity:
    """Move ``activity`` along the declared transition named ``name`` (e.g. "submit").

    Raises ``InvalidTransition`` when the table has no such move from the current status
    or one of its guards refuses (the guard's sentence is the message), ``Forbidden`` when
    none of the actor's roles may make it, and ``ValidationError`` (key ``reason``) when a
    move that needs a reason (deny, cancel, return) has none, or the reason is longer than
    the history's change-reason column.
    """
    reason = reason.strip()
    if len(reason) > TRANSITION_REASON_MAX_LENGTH:
        raise ValidationError(
            {
                "reason": [
                    f"Keep the reason to {TRANSITION_REASON_MAX_LENGTH} characters or fewer "
                    f"(it has {len(reason)})."
                ]
            }
        )
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    transition = find_transition(activity.status, name)
    if transition is None:
        allowed = ", ".join(sorted({t.name for t in transitions_from(activity.status)}))
        raise InvalidTransition(
            f"Cannot {name} an activity that is {activity.get_status_display().lower()}"
            + (f"; allowed: {allowed}." if allowed else "; no further moves are allowed.")
        )
    # Roles and guards are checked here, on the locked row, whatever door the call came
    # through: a page that offered the button a moment ago may be out of date.
    refusal = transition_refusal(actor, activity, transition)
    if refusal is not None:
        raise refusal
    if transition.needs_reason and not reason:
        raise ValidationError(
            {"reason": [f"Give a reason to {transition.label.lower()}: it is kept on the record."]}
        )
    touched = summary_touched([activity.pk])
    activity.status = transition.target
    # The reason is the user's words or nothing: the history names the move itself from
    # the status change (selectors.activity_history), so an empty reason stays empty.
    save_audited(activity, actor=actor, validate=False, reason=reason)
    if transition.target != transition.source:  # ``approve_step`` stays in the chain
        summary_refresh(touched | summary_touched([activity.pk]))
    # What the apps above record for the move (the approval record), in this transaction.
    for effect in TRANSITION_EFFECTS:
        effect(actor=actor, activity=activity, transition=transition, reason=reason)
    return activity


@transaction.atomic
def participation_withdraw(
    *, actor: Any, participation: Participation, reason: str
) -> Participation:
    """A participant drops out of an activity before it runs, with a reason: the request
    at the level of one person (ADR 0014). The participant themself (an employee whose
    sign-in is linked to the record) or a coordinator of the agency may; ``Forbidden``
    otherwise. ``InvalidTransition`` once the activity is under way or over, or when the
    participant already withdrew; ``ValidationError`` (key ``reason``) without a reason.
    The row stays, marked, so the approval record still explains whom it covered."""
    # Only the participation row is locked (PostgreSQL will not lock the nullable side of
    # the join to the employee); its activity and employee are read after.
    participation = Participation.objects.select_for_update(of=("self",)).get(pk=participation.pk)
    activity = participation.activity
    own = (
        participation.employee is not None
        and participation.employee.user_id == actor.pk
        and has_role(actor, Role.EMPLOYEE, activity.agency_id)
    )
    if not own and not has_role(actor, Role.COORDINATOR, activity.agency_id):
        raise Forbidden("Only the participant or a coordinator may withdraw a participant.")
    if participation.withdrawn_at is not None:
        raise InvalidTransition(f"{participation.display_name} has already withdrawn.")
    if activity.status not in WITHDRAWABLE_STATUSES:
        raise InvalidTransition(
            f"A participant can withdraw only before the activity runs; it is "
            f"{activity.get_status_display().lower()}."
        )
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(
            {"reason": ["Give a reason for withdrawing: it is kept on the record."]}
        )
    if len(reason) > 500:
        raise ValidationError(
            {"reason": [f"Keep the reason to 500 characters (it has {len(reason)})."]}
        )
    participation.withdrawn_at = timezone.now()
    participation.withdrawal_reason = reason
    save_audited(participation, actor=actor, reason="withdrew")
    # One who withdrew did not take part: the summary stops counting them (ADR 0013).
    summary_refresh(summary_touched([participation.activity_id]))
    return participation


@transaction.atomic
def category_create(*, actor: Any, name: str, description: str = "") -> Category:
    """Add a category to the vocabulary (coordinators and administrators)."""
    from liaison.accounts.access import REFERENCE_EDITORS, scope_for

    if scope_for(actor, *REFERENCE_EDITORS) == frozenset():
        raise Forbidden("Only coordinators and administrators maintain categories.")
    name = " ".join(name.split())
    if Category.objects.filter(name__iexact=name).exists():
        raise ValidationError({"name": [f"A category named “{name}” already exists."]})
    category = Category(name=name, slug=slugify(name)[:100], description=description)
    save_audited(category, actor=actor)
    return category
