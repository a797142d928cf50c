"""Writes for retention: schedules, legal holds, and destroying what is due (ADR 0024).

Every function is keyword-only, takes the acting user, validates before it writes (bad
input changes nothing), runs in a transaction and leaves history attributed to the actor
(schedules and holds) or a tombstone (destruction).

Destruction (``retention_apply``) walks the schema, not a hand-kept list: an activity's
dependants are every row that points at it, or at one of its dependants, through a foreign
key that protects or cascades (locations, participations, approval steps, contributions,
evaluation reports and their attachments, outcomes, contacts, risk assessments, rows of
apps added later…). People, organisations, funders and policies are pointed *at*, not
pointing, and are kept. The history rows of everything destroyed go too, through ONE
function (``_destroy_history_rows``), because they hold the same content.
"""

from __future__ import annotations

import datetime as dt
import functools
import graphlib
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from liaison.accounts.models import Agency
from liaison.activities.models import Activity, Participation
from liaison.activities.summary import summary_refresh, summary_touched
from liaison.activities.workflow import Status
from liaison.core.audit import save_audited
from liaison.core.errors import Forbidden, InvalidTransition
from liaison.people.models import Employee, ExternalPerson
from liaison.records.audit_chain import destroy_under_retention
from liaison.retention.access import can_edit_schedule, can_keep_holds
from liaison.retention.models import (
    HoldScope,
    LegalHold,
    RecordType,
    RetentionSchedule,
    Tombstone,
)

# An activity is destroyed only once its story is over: these statuses have no way back
# to work in progress. A draft or an approval still pending is never due, however old.
RETAINABLE_STATUSES = (
    Status.COMPLETED,
    Status.CLOSED,
    Status.CANCELLED,
    Status.DENIED,
    Status.WITHDRAWN,
)
REASON_MAX = 2000
AUTHORITY_MAX = 300
YEARS_MAX = 100

# --- schedules ---------------------------------------------------------------------------


@transaction.atomic
def schedule_set(
    *, actor: Any, agency: Agency, record_type: str, years: Any, authority: str
) -> RetentionSchedule:
    """Set how many years ``agency`` keeps ``record_type`` after the activity ends, and
    the rule it follows (``authority``). Creates the schedule or changes it (one per
    agency and type; the history keeps every earlier value). Coordinators and
    administrators of the agency only (``Forbidden``); ``ValidationError`` keyed by field
    for an unknown type, a number of years outside 1–100, or no authority."""
    if not can_edit_schedule(actor, agency.pk):
        raise Forbidden("Only coordinators and administrators set retention schedules.")
    errors: dict[str, list[str]] = {}
    if record_type not in RecordType.values:
        errors["record_type"] = [
            f"Unknown record type “{record_type}”; known: {', '.join(RecordType.values)}."
        ]
    try:
        years_n = int(years)
    except (TypeError, ValueError):
        years_n = 0
        errors["years"] = [f"Give the number of years as a whole number (not “{years}”)."]
    else:
        if not 1 <= years_n <= YEARS_MAX:
            errors["years"] = [f"Keep records between 1 and {YEARS_MAX} years (not {years_n})."]
    authority = " ".join((authority or "").split())
    if not authority:
        errors["authority"] = ["Name the retention rule this schedule follows."]
    elif len(authority) > AUTHORITY_MAX:
        errors["authority"] = [f"Keep the authority to {AUTHORITY_MAX} characters."]
    if errors:
        raise ValidationError(errors)
    schedule = (
        RetentionSchedule.objects.select_for_update()
        .filter(agency=agency, record_type=record_type)
        .first()
    )
    if schedule is None:
        schedule = RetentionSchedule(agency=agency, record_type=record_type)
    elif (schedule.years, schedule.authority) == (years_n, authority):
        return schedule  # nothing changed: no history row
    schedule.years = years_n
    schedule.authority = authority
    save_audited(schedule, actor=actor)
    return schedule


# --- holds -------------------------------------------------------------------------------


def _clean_reason(reason: str, *, key: str, what: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({key: [f"Give a reason to {what}: it is kept on the record."]})
    if len(reason) > REASON_MAX:
        raise ValidationError(
            {key: [f"Keep the reason to {REASON_MAX} characters (it has {len(reason)})."]}
        )
    return reason


@transaction.atomic
def hold_place(
    *,
    actor: Any,
    agency: Agency,
    scope: str,
    reason: str,
    activity_id: int | None = None,
    employee_id: int | None = None,
    external_person_id: int | None = None,
) -> LegalHold:
    """Place a legal hold on every record of ``agency``, one activity of it, or every
    activity of one of its employees or external persons (``scope``). Only overseers of
    the agency (``Forbidden``); a reason is required, and the scope must name exactly what
    it says, within the agency (``ValidationError`` keyed by field otherwise). From the
    moment it commits, ``retention_apply`` destroys nothing in its scope (the agency row
    is locked by both, so a destruction running at the same time waits for it)."""
    if not can_keep_holds(actor, agency.pk):
        raise Forbidden("Only overseers place legal holds.")
    errors: dict[str, list[str]] = {}
    try:
        reason = _clean_reason(reason, key="reason", what="place a hold")
    except ValidationError as exc:
        errors.update(exc.message_dict)
    hold = LegalHold(agency=agency, scope=scope, reason=reason)
    named = {
        "activity": activity_id,
        "employee": employee_id,
        "external_person": external_person_id,
    }
    if scope not in HoldScope.values:
        errors["scope"] = [f"Unknown scope “{scope}”; known: {', '.join(HoldScope.values)}."]
    else:
        for key, value in named.items():
            if key != scope and value:
                errors.setdefault(key, []).append(
                    f"A hold on {HoldScope(scope).label.lower()} names no {key.replace('_', ' ')}."
                )
        if scope == HoldScope.AGENCY:
            hold.scope_label = agency.name
        elif not named[scope]:
            errors.setdefault(scope, []).append(
                f"Name the {scope.replace('_', ' ')} the hold is on."
            )
        elif scope == HoldScope.ACTIVITY:
            activity = Activity.objects.filter(pk=activity_id or 0, agency=agency).first()
            if activity is None:
                errors.setdefault("activity", []).append(
                    f"No activity number {activity_id} in {agency.name}."
                )
            else:
                hold.activity_number = activity.pk
                hold.scope_label = f"{activity.title} (activity {activity.pk})"[:300]
        elif scope == HoldScope.EMPLOYEE:
            employee = Employee.objects.filter(pk=employee_id or 0, agency=agency).first()
            if employee is None:
                errors.setdefault("employee", []).append(f"No such employee in {agency.name}.")
            else:
                hold.employee = employee
                hold.scope_label = (
                    f"{employee.first_name} {employee.last_name} ({employee.serial_number})"
                )
        else:
            person = ExternalPerson.objects.filter(
                pk=external_person_id or 0, agency=agency
            ).first()
            if person is None:
                errors.setdefault("external_person", []).append(
                    f"No such external person in {agency.name}."
                )
            else:
                hold.external_person = person
                hold.scope_label = str(person)[:300]
    if errors:
        raise ValidationError(errors)
    Agency.objects.select_for_update().filter(pk=agency.pk).first()
    hold.placed_by = actor
    hold.placed_at = timezone.now()
    save_audited(hold, actor=actor, reason="placed")
    return hold


@transaction.atomic
def hold_release(*, actor: Any, hold: LegalHold, reason: str) -> LegalHold:
    """Release a hold in force, with a reason. Only overseers of its agency
    (``Forbidden``); ``InvalidTransition`` if it was already released; ``ValidationError``
    (key ``reason``) without a reason. The hold row stays, with who released it, when
    and why; its history shows both the placing and the release."""
    hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
    if not can_keep_holds(actor, hold.agency_id):
        raise Forbidden("Only overseers release legal holds.")
    if hold.released_at is not None:
        raise InvalidTransition("This hold has already been released.")
    hold.release_reason = _clean_reason(reason, key="reason", what="release a hold")
    hold.released_by = actor
    hold.released_at = timezone.now()
    save_audited(hold, actor=actor, reason="released")
    return hold


# --- what is due, and what a hold keeps ----------------------------------------------------


def years_before(day: dt.date, years: int) -> dt.date:
    """``day`` moved back ``years`` calendar years (29 February → 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def years_after(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def holds_in_force() -> QuerySet[LegalHold]:
    return LegalHold.objects.filter(released_at__isnull=True)


def held_q(holds: QuerySet[LegalHold] | None = None) -> Q:
    """Activities a hold in force keeps: its agency is held, it is held itself, or one of
    its participants (employee or external person) is held."""
    holds = holds if holds is not None else holds_in_force()
    participant_held = Participation.objects.filter(activity_id=OuterRef("pk")).filter(
        Q(employee_id__in=holds.filter(scope=HoldScope.EMPLOYEE).values("employee_id"))
        | Q(
            external_person_id__in=holds.filter(scope=HoldScope.EXTERNAL_PERSON).values(
                "external_person_id"
            )
        )
    )
    return (
        Q(agency_id__in=holds.filter(scope=HoldScope.AGENCY).values("agency_id"))
        | Q(pk__in=holds.filter(scope=HoldScope.ACTIVITY).values("activity_number"))
        | Q(Exists(participant_held))
    )


def holds_keeping(activity: Activity) -> list[LegalHold]:
    """The holds in force that keep ``activity``, oldest first."""
    people = Participation.objects.filter(activity_id=activity.pk)
    return list(
        holds_in_force()
        .filter(
            Q(scope=HoldScope.AGENCY, agency_id=activity.agency_id)
            | Q(scope=HoldScope.ACTIVITY, activity_number=activity.pk)
            | Q(scope=HoldScope.EMPLOYEE, employee_id__in=people.values("employee_id"))
            | Q(
                scope=HoldScope.EXTERNAL_PERSON,
                external_person_id__in=people.values("external_person_id"),
            )
        )
        .order_by("placed_at", "id")
    )


@dataclass
class PlanItem:
    activity: Activity
    schedule: RetentionSchedule
    due_on: dt.date
    holds: list[LegalHold] = field(default_factory=list)


@dataclass
class RetentionPlan:
    """What a run would destroy (``due``) and what holds keep (``held``)."""

    today: dt.date
    due: list[PlanItem] = field(default_factory=list)
    held: list[PlanItem] = field(default_factory=list)
    destroyed: list[Tombstone] = field(default_factory=list)


def due_activities(
    *, schedule: RetentionSchedule, today: dt.date, activity_ids: Iterable[int] | None = None
) -> QuerySet[Activity]:
    """Activities of the schedule's agency whose retention period has run out by
    ``today``: finished (``RETAINABLE_STATUSES``) and ended at least ``years`` ago."""
    qs = Activity.objects.filter(
        agency_id=schedule.agency_id,
        status__in=RETAINABLE_STATUSES,
        end_date__lte=years_before(today, schedule.years),
    )
    if activity_ids is not None:
        qs = qs.filter(pk__in=list(activity_ids))
    return qs.order_by("end_date", "id")


def retention_plan(
    *,
    today: dt.date | None = None,
    agency_ids: Sequence[int] | None = None,
    activity_ids: Iterable[int] | None = None,
) -> RetentionPlan:
    """What ``retention_apply`` would do on ``today``: every due activity, split into those
    it would destroy and those a hold keeps (with the holds). Reads only."""
    today = today or timezone.localdate()
    ids = list(activity_ids) if activity_ids is not None else None
    plan = RetentionPlan(today=today)
    schedules = RetentionSchedule.objects.filter(record_type=RecordType.ACTIVITY)
    if agency_ids is not None:
        schedules = schedules.filter(agency_id__in=list(agency_ids))
    for schedule in schedules.select_related("agency").order_by("agency__name"):
        for activity in due_activities(schedule=schedule, today=today, activity_ids=ids):
            item = PlanItem(
                activity=activity,
                schedule=schedule,
                due_on=years_after(activity.end_date, schedule.years),
                holds=holds_keeping(activity),
            )
            (plan.held if item.holds else plan.due).append(item)
    return plan


# --- destruction ---------------------------------------------------------------------------


def _is_history_model(model: type[models.Model]) -> bool:
    # django-simple-history's historical models (and their many-to-many tables) carry the
    # model they record as ``instance_type``.
    return hasattr(model, "instance_type")


def _history_model(model: type[models.Model]) -> type[models.Model] | None:
    manager = getattr(model, "history", None)
    history = getattr(manager, "model", None)
    return history if history is not None and _is_history_model(history) else None


# Relations that make a row part of what it points at (destroyed with it). SET_NULL and
# friends mean "may outlive it": such rows are not collected, only ordered before.
_OWNING = (models.CASCADE, models.PROTECT, models.RESTRICT)


@functools.cache
def _relations_to(target: type[models.Model]) -> list[tuple[type[models.Model], models.Field]]:
    """Every (model, foreign key) in the project that points at ``target``, history and
    retention's own models excepted, and rows derived from the records rather than part
    of them (``derived_from_records``: the export's stored lines, ADR 0031, which their
    own trigger removes with the activity)."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if _is_history_model(model) or model._meta.app_label == "retention":
            continue
        if getattr(model, "derived_from_records", False):
            continue
        for f in model._meta.concrete_fields:
            if f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model is target:
                found.append((model, f))
    return found


@dataclass
class _Collected:
    ids: dict[type[models.Model], set[int]] = field(default_factory=lambda: defaultdict(set))
    # child model → parent models it points at (deletion order: children first)
    edges: dict[type[models.Model], set[type[models.Model]]] = field(
        default_factory=lambda: defaultdict(set)
    )


def _collect(activity: Activity) -> _Collected:
    """The activity and every row that belongs to it, live or only in history (a location
    removed in an earlier edit survives in history rows, which name the activity)."""
    got = _Collected()
    got.ids[Activity].add(activity.pk)
    queue: list[type[models.Model]] = [Activity]
    may_outlive: list[tuple[type[models.Model], models.Field, type[models.Model]]] = []
    while queue:
        parent = queue.pop()
        parent_ids = got.ids[parent]
        for child, fk in _relations_to(parent):
            got.edges[child].add(parent)
            if getattr(fk.remote_field, "on_delete", None) not in _OWNING:
                may_outlive.append((child, fk, parent))
                continue
            found = set(
                child._default_manager.filter(**{f"{fk.attname}__in": parent_ids}).values_list(
                    "pk", flat=True
                )
            )
            history = _history_model(child)
            if history is not None and fk.attname in {
                f.attname for f in history._meta.concrete_fields
            }:
                found |= set(
                    history._default_manager.filter(
                        **{f"{fk.attname}__in": parent_ids}
                    ).values_list("id", flat=True)
                )
            new = found - got.ids[child]
            if new:
                got.ids[child] |= new
                queue.append(child)
    # A row that may outlive what it points at (SET_NULL: a risk assessment's location)
    # must itself be part of the record: nulling a kept row would change it without
    # history. None exists today; if one appears, destruction stops and says where.
    for child, fk, parent in may_outlive:
        outside = child._default_manager.filter(**{f"{fk.attname}__in": got.ids[parent]}).exclude(
            pk__in=got.ids.get(child, set())
        )
        if outside.exists():
            raise RuntimeError(
                f"{child._meta.label} rows outside the record point at it through {fk.name}."
            )
    return got


def _canonical_content(got: _Collected) -> tuple[bytes, dict[str, int]]:
    """The destroyed rows as canonical JSON (sorted by model and id, keys sorted, no
    spaces), with each attached file's SHA-256, and a count of rows per model."""
    rows: list[dict[str, Any]] = []
    counts: dict[str, int] = {}
    for model, ids in got.ids.items():
        live = list(model._default_manager.filter(pk__in=ids).order_by("pk"))
        if not live:
            continue
        counts[model._meta.label_lower] = len(live)
        for obj, data in zip(live, serializers.serialize("python", live), strict=True):
            files = {
                f.name: _file_digest(getattr(obj, f.name))
                for f in model._meta.concrete_fields
                if isinstance(f, models.FileField)
            }
            rows.append({**data, **({"file_sha256": files} if files else {})})
    rows.sort(key=lambda r: (r["model"], str(r["pk"])))
    content = json.dumps(
        rows, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return content.encode(), counts


def _file_digest(fieldfile: Any) -> str:
    if not fieldfile:
        return ""
    digest = hashlib.sha256()
    try:
        with fieldfile.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
    except FileNotFoundError:
        return "missing"
    return digest.hexdigest()


def _destroy_history_rows(model: type[models.Model], ids: set[int], tombstone: Tombstone) -> int:
    """Delete the history rows of ``model``'s rows ``ids`` (with their many-to-many
    history rows), destroyed under ``tombstone``. Returns how many rows went.

    THE ONE PLACE WHERE HISTORY ROWS ARE DELETED, and only through the audit trail's
    sanctioned path (ADR 0023): ``records.audit_chain.destroy_under_retention`` grants a
    destruction permit per row naming the tombstone, which the database's DELETE trigger
    requires, and ``verify_audit`` then counts those links as destroyed under retention,
    not as missing. Their links stay in the chain (hashes only, no content)."""
    history = _history_model(model)
    if history is None or not ids:
        return 0
    gone = 0
    for chunk in _chunks(sorted(ids)):
        rows = list(history._default_manager.filter(id__in=chunk))
        gone += destroy_under_retention(
            rows,
            tombstone_id=str(tombstone.pk),
            actor=tombstone.destroyed_by,
            reason=f"Retention: {tombstone.record_type} {tombstone.record_number}",
        )
    return gone


def _chunks(ids: Sequence[Any] | set[Any], size: int = 500) -> Iterable[list[Any]]:
    items = sorted(ids)
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _delete_order(got: _Collected) -> list[type[models.Model]]:
    """Collected models, children before the parents they point at."""
    graph: dict[type[models.Model], set[type[models.Model]]] = defaultdict(set)
    for child, parents in got.edges.items():
        for parent in parents:
            if child in got.ids and parent in got.ids and child is not parent:
                graph[parent].add(child)  # a parent waits for its children
    for model in got.ids:
        graph.setdefault(model, set())
    return list(graphlib.TopologicalSorter(graph).static_order())


def activity_destroy(
    *, actor: Any, activity: Activity, schedule: RetentionSchedule, today: dt.date
) -> Tombstone:
    """Destroy one due, unheld activity with everything that belongs to it and its
    history, and leave its tombstone; all or nothing. Called by ``retention_apply`` inside
    a transaction that holds the agency's lock and has re-checked the holds."""
    got = _collect(activity)
    content, counts = _canonical_content(got)
    tombstone = Tombstone(
        agency_id=activity.agency_id,
        record_type=RecordType.ACTIVITY,
        record_number=activity.pk,
        title=activity.title,
        start_date=activity.start_date,
        end_date=activity.end_date,
        status=activity.status,
        origin=activity.origin,
        source=activity.source,
        schedule=schedule,
        schedule_years=schedule.years,
        schedule_authority=schedule.authority,
        due_on=years_after(activity.end_date, schedule.years),
        destroyed_by=actor,
        destroyed_at=timezone.now(),
        content_sha256=hashlib.sha256(content).hexdigest(),
    )
    touched = summary_touched([activity.pk])
    files = [
        getattr(obj, f.name)
        for model, ids in got.ids.items()
        for f in model._meta.concrete_fields
        if isinstance(f, models.FileField)
        for obj in model._default_manager.filter(pk__in=ids)
        if getattr(obj, f.name)
    ]
    tombstone.save()
    history_rows = 0
    for model in _delete_order(got):
        history_rows += _destroy_history_rows(model, got.ids[model], tombstone)
        for chunk in _chunks(got.ids[model]):
            qs = model._default_manager.filter(pk__in=chunk)
            # A raw delete: no signals, so no "deleted" history rows are written for what
            # is being destroyed; the order above keeps every foreign key satisfied.
            qs._raw_delete(qs.db)
    tombstone.contents = {**counts, "history rows": history_rows}
    tombstone.save(update_fields=["contents"])
    summary_refresh(touched)
    for stored in files:
        # Files go only once the rows are gone for good.
        transaction.on_commit(functools.partial(stored.storage.delete, stored.name))
    return tombstone


def retention_apply(
    *,
    actor: Any,
    today: dt.date | None = None,
    dry_run: bool = False,
    agency_ids: Sequence[int] | None = None,
    activity_ids: Iterable[int] | None = None,
) -> RetentionPlan:
    """Destroy every activity that is due under its agency's schedule and kept by no hold
    in force, each in its own transaction, leaving a tombstone per activity destroyed:
    what it was, its dates, the schedule, who (``actor``) and when, and the SHA-256 of
    the canonical JSON of everything destroyed. ``dry_run`` reads only and returns what
    would go and what a hold keeps. ``activity_ids``/``agency_ids`` narrow the run.

    Each destruction locks its agency row and re-reads the activity and its holds first,
    so a hold placed while the run goes (``hold_place`` takes the same lock) wins."""
    if actor is None or not getattr(actor, "is_active", False):
        raise Forbidden("Destruction is done by a named, active user.")
    plan = retention_plan(today=today, agency_ids=agency_ids, activity_ids=activity_ids)
    if dry_run:
        return plan
    still_due: list[PlanItem] = []
    for item in plan.due:
        with transaction.atomic():
            Agency.objects.select_for_update().filter(pk=item.activity.agency_id).first()
            activity = Activity.objects.filter(pk=item.activity.pk).first()
            if (
                activity is None
                or not due_activities(
                    schedule=item.schedule, today=plan.today, activity_ids=[activity.pk]
                ).exists()
            ):
                continue
            holds = holds_keeping(activity)
            if holds:
                plan.held.append(PlanItem(activity, item.schedule, item.due_on, holds))
                continue
            plan.destroyed.append(
                activity_destroy(
                    actor=actor, activity=activity, schedule=item.schedule, today=plan.today
                )
            )
            still_due.append(item)
    plan.due = still_due
    return plan
