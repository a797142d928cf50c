"""Writes for activities: create, update, status transitions, and the vocabularies.

Every function is keyword-only, takes the acting user, validates everything before it
writes (so bad input changes nothing), runs in one transaction, and leaves history rows
attributed to the actor. Pages, the API, ``load_demo`` and imports all come through here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from liaison.accounts.models import Agency
from liaison.activities.access import can_create_activity_in, can_make_transition
from liaison.activities.models import (
    Activity,
    Category,
    Location,
    ParticipantRole,
    Participation,
    Topic,
)
from liaison.activities.workflow import Status, find_transition, transitions_from
from liaison.core.audit import delete_audited, save_audited
from liaison.core.errors import Forbidden, InvalidTransition
from liaison.people.access import employees_visible_to, external_persons_visible_to
from liaison.people.models import Employee, ExternalPerson, Organisation


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


def _people_for(
    *, actor: Any, agency: Agency, instance: Activity
) -> tuple[QuerySet[Employee], QuerySet[ExternalPerson]]:
    """The people ``actor`` may name as participants of ``instance``: those of its agency
    the actor may see (``employees_visible_to`` / ``external_persons_visible_to``), plus
    those already on it (an employee editing their own request keeps the colleagues a
    coordinator added). Anyone else reads exactly like a person who does not exist, so
    a participant list cannot be used to read another person's name, rank or unit."""
    employees = Q(pk__in=employees_visible_to(actor).values("pk"))
    externals = Q(pk__in=external_persons_visible_to(actor).values("pk"))
    if instance.pk is not None:
        on_it = Participation.objects.filter(activity_id=instance.pk)
        employees |= Q(pk__in=on_it.values("employee_id"))
        externals |= Q(pk__in=on_it.values("external_person_id"))
    return (
        Employee.objects.filter(employees, agency=agency),
        ExternalPerson.objects.filter(externals, agency=agency),
    )


def _validate(
    *,
    actor: Any,
    agency: Agency,
    data: ActivityInput,
    instance: Activity,
    errors: dict[str, list[str]],
) -> tuple[list[Location], list[Participation]]:
    """Fill ``instance`` from ``data`` and check every part; record problems in ``errors``
    keyed by field (``locations[2].country`` for a row) and return unsaved children.
    Participants resolve only among the people ``actor`` may name (``_people_for``)."""
    instance.agency = agency
    instance.title = data.title.strip()
    instance.direction = data.direction
    instance.kind = data.kind
    instance.purpose = data.purpose.strip()
    instance.justification = data.justification.strip()
    instance.start_date = data.start_date  # type: ignore[assignment]
    instance.end_date = data.end_date  # type: ignore[assignment]

    category: Category | None = None
    if data.category_id:
        category = Category.objects.filter(pk=data.category_id).first()
    elif data.category_slug:
        category = Category.objects.filter(slug=data.category_slug).first()
    if (data.category_id or data.category_slug) and category is None:
        errors.setdefault("category", []).append("Unknown category.")
    elif category is not None and not category.active and instance.category_id != category.pk:
        errors.setdefault("category", []).append(
            f"The category “{category.name}” is retired; choose a current one."
        )
    if category is not None:
        instance.category = category

    for key in ("host_organisation_id", "organiser_organisation_id"):
        org_id = getattr(data, key)
        if org_id and not Organisation.objects.filter(pk=org_id).exists():
            errors.setdefault(key.removesuffix("_id"), []).append("Unknown organisation.")
        setattr(instance, key, org_id or None)

    try:
        # Constraints are checked below with field-level messages (and by the database).
        instance.full_clean(
            exclude=["agency", "created_by", "search_text", "status"], validate_constraints=False
        )
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if data.start_date and data.end_date and data.end_date < data.start_date:
        errors.setdefault("end_date", []).append("The end date is before the start date.")

    locations: list[Location] = []
    if not data.locations:
        errors.setdefault("locations", []).append("Give at least one location.")
    for index, loc in enumerate(data.locations):
        location = Location(
            country=(loc.country or "").upper(), city=loc.city.strip(), position=index
        )
        try:
            location.full_clean(exclude=["activity"])
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                if name == "country":
                    messages = [
                        f"“{loc.country}” is not an ISO 3166 country code."
                        if loc.country
                        else "Choose a country."
                    ]
                errors.setdefault(f"locations[{index}].{name}", []).extend(messages)
        locations.append(location)

    participations: list[Participation] = []
    # Serial numbers are unique only within an agency, so they resolve within this one.
    serials = {p.serial_number.strip() for p in data.participants if p.serial_number.strip()}
    may_name_employees, may_name_externals = _people_for(
        actor=actor, agency=agency, instance=instance
    )
    by_serial = dict(
        may_name_employees.filter(serial_number__in=serials).values_list("serial_number", "pk")
    )
    employee_ids = [p.employee_id for p in data.participants if p.employee_id]
    external_ids = [p.external_person_id for p in data.participants if p.external_person_id]
    employees = set(may_name_employees.filter(pk__in=employee_ids).values_list("pk", flat=True))
    externals = set(may_name_externals.filter(pk__in=external_ids).values_list("pk", flat=True))
    seen: set[tuple[str, int | None]] = set()
    for index, p in enumerate(data.participants):
        prefix = f"participants[{index}]"
        serial = p.serial_number.strip()
        if sum(map(bool, (p.employee_id, serial, p.external_person_id))) != 1:
            errors.setdefault(prefix, []).append(
                "Name either an employee or an external person, not both or neither."
            )
            continue
        if p.role not in ParticipantRole.values:
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
        participation = Participation(
            employee_id=employee_id, external_person_id=p.external_person_id, role=p.role
        )
        participations.append(participation)
    return locations, participations


def snapshot_participant(participation: Participation) -> None:
    """Record who the participant is *today* on the participation, once, when they are
    added: the activity keeps that rank, unit and agency after the person changes
    (``Participation.*_at_time``). Fields already set (an import's values) are kept."""
    if participation.employee_id:
        e = Employee.objects.select_related("agency").get(pk=participation.employee_id)
        assert e.agency is not None
        values = {
            "name_at_time": f"{e.first_name} {e.last_name}",
            "rank_at_time": e.rank,
            "unit_at_time": e.unit,
            "agency_at_time": e.agency.name,
        }
    else:
        x = ExternalPerson.objects.select_related("organisation").get(
            pk=participation.external_person_id or 0
        )
        values = {
            "name_at_time": x.full_name,
            "unit_at_time": x.position,
            "agency_at_time": x.organisation.name if x.organisation else "",
        }
    for name, value in values.items():
        if not getattr(participation, name):
            setattr(participation, name, value)


def _topics_for(names: Sequence[str]) -> list[Topic]:
    topics = []
    for name in names:
        topic = Topic.objects.filter(name__iexact=name).first()
        if topic is None:
            topic = Topic.objects.create(name=name)
        topics.append(topic)
    return topics


def _save_children(
    *,
    actor: Any,
    activity: Activity,
    data: ActivityInput,
    locations: list[Location],
    participations: list[Participation],
) -> None:
    topic_names = _clean_topics(data.topics)
    save_audited(activity, actor=actor, validate=False)
    activity.topics.set(_topics_for(topic_names))

    # Replace locations wholesale (they have no identity of their own).
    for old in list(activity.locations.all()):
        delete_audited(old, actor=actor)
    for location in locations:
        location.activity = activity
        save_audited(location, actor=actor, validate=False)

    # Participations keep their identity (later reports hang off them): update in place.
    existing = {(p.employee_id, p.external_person_id): p for p in activity.participations.all()}
    wanted = {(p.employee_id, p.external_person_id): p for p in participations}
    for key, old_p in existing.items():
        if key not in wanted:
            delete_audited(old_p, actor=actor)
    for key, new_p in wanted.items():
        current = existing.get(key)
        if current is None:
            new_p.activity = activity
            snapshot_participant(new_p)
            save_audited(new_p, actor=actor, validate=False)
        elif current.role != new_p.role:
            current.role = new_p.role
            save_audited(current, actor=actor, validate=False)

    # Last, from what is now stored (participants' names as recorded): the search text is
    # outside the history, so this update adds no history row.
    activity.search_text = activity_search_text(activity)
    Activity.objects.filter(pk=activity.pk).update(search_text=activity.search_text)


@transaction.atomic
def activity_create(
    *, actor: Any, agency: Agency, data: ActivityInput, status: str = Status.DRAFT
) -> Activity:
    """Create an activity with its topics, locations and participants, all or nothing.

    Raises ``Forbidden`` if the actor may not create activities in ``agency`` and
    ``ValidationError`` (keyed by field, ``locations[i].country`` for rows) if any part is
    wrong; in both cases nothing is written. New activities start as drafts; only
    ``load_demo`` and imports pass another ``status`` for historical records.
    """
    if not can_create_activity_in(actor, agency.pk):
        raise Forbidden("You may not create activities for this agency.")
    errors: dict[str, list[str]] = {}
    activity = Activity(status=status, created_by=actor, recorded_at=timezone.now())
    locations, participations = _validate(
        actor=actor, agency=agency, data=data, instance=activity, errors=errors
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
    return activity


@transaction.atomic
def activity_update(*, actor: Any, activity: Activity, data: ActivityInput) -> Activity:
    """Replace an activity's fields, topics, locations and participants with ``data``.

    The caller has already passed ``access_activity(..., action="change")``. The agency
    and status are never changed here (status moves only through ``activity_transition``).
    """
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
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
    )
    return activity


# django-simple-history keeps the reason in a 100-character column; longer text would
# fail in the database (PostgreSQL) instead of coming back as a sentence.
TRANSITION_REASON_MAX_LENGTH = 100


@transaction.atomic
def activity_transition(*, actor: Any, activity: Activity, name: str, reason: str = "") -> Activity:
    """Move ``activity`` along the declared transition named ``name`` (e.g. "submit").

    Raises ``InvalidTransition`` when the table has no such move from the current status,
    ``Forbidden`` when the actor's roles do not allow it, and ``ValidationError`` (key
    ``reason``) when the reason is longer than the history's change-reason column.
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
    if not can_make_transition(actor, activity, transition):
        raise Forbidden(
            f"Your role does not allow you to {transition.label.lower()} this activity."
        )
    activity.status = transition.target
    save_audited(
        activity,
        actor=actor,
        validate=False,
        reason=reason or f"{transition.name}: {transition.source} → {transition.target}",
    )
    return activity


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
