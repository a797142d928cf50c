"""Writes for foreign contacts, inbound trainees and vetting requests, and the log of
restricted reads (ADR 0016).

Every write is keyword-only, names its ``actor``, checks the actor may write in the
record's agency, validates everything first (so bad input — an unknown country, an expiry
before the request — changes nothing and names its field), runs in one transaction and
leaves one history row attributed to the actor. Pages, the API and ``load_demo`` all come
through here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_countries import countries

from liaison.accounts.access import has_role
from liaison.activities.models import Activity, Direction
from liaison.core.audit import save_audited
from liaison.core.countries import ISO_ALPHA2
from liaison.core.errors import Forbidden, InvalidTransition
from liaison.people.models import ExternalPerson, Organisation
from liaison.vetting.access import NOT_A_WRITER, can_edit_vetting
from liaison.vetting.models import (
    Channel,
    Contact,
    IlrLevel,
    InboundTrainee,
    VettingRequest,
)
from liaison.vetting.workflow import find_transition, transitions_from

INBOUND_DIRECTIONS = (Direction.INBOUND, Direction.FOREIGN_TRAINERS)


def _require_writer(actor: Any, agency_id: int) -> None:
    if not can_edit_vetting(actor, agency_id):
        raise Forbidden(NOT_A_WRITER)


def _check_country(code: str, field: str = "country") -> str:
    code = (code or "").strip().upper()
    if not code:
        raise ValidationError({field: ["Choose a country."]})
    # The shape first: django-countries reads a digit-like text ("²") as a number.
    if not ISO_ALPHA2.fullmatch(code) or code not in countries:
        raise ValidationError(
            {field: [f"Unknown country {code!r}: give an ISO 3166 code such as AE or IL."]}
        )
    return code


def _text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


# --- contacts ---------------------------------------------------------------------------


@dataclass
class ContactInput:
    """A contact as a user gives it: exactly one of ``external_person`` / ``organisation``
    (records of the people registry, already resolved by the caller's access check)."""

    circumstance: str
    met_on: dt.date | None
    country: str
    external_person: ExternalPerson | None = None
    organisation: Organisation | None = None
    role_at_time: str = ""
    email: str = ""
    phone: str = ""
    details: str = ""
    reported_on: dt.date | None = None
    notes: str = ""


def _check_party(activity: Activity, data: ContactInput, exclude_pk: int | None) -> None:
    person, org = data.external_person, data.organisation
    if (person is None) == (org is None):
        raise ValidationError(
            {"external_person": ["Name either the person met or the organisation, not both."]}
        )
    if person is not None and person.agency_id != activity.agency_id:
        raise ValidationError({"external_person": ["Unknown external person."]})
    clash = Contact.objects.filter(activity=activity)
    clash = clash.filter(external_person=person) if person else clash.filter(organisation=org)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        who = person or org
        raise ValidationError(
            {"external_person" if person else "organisation": [
                f"{who} is already recorded as a contact of this activity."
            ]}
        )  # fmt: skip


def _check_contact_dates(data: ContactInput) -> dt.date:
    """The day they were met (required); a report may not come before it."""
    if data.met_on is None:
        raise ValidationError({"met_on": ["Give the day they were met."]})
    if data.reported_on is not None and data.reported_on < data.met_on:
        raise ValidationError({"reported_on": ["A contact cannot be reported before it was met."]})
    return data.met_on


@transaction.atomic
def contact_create(*, actor: Any, activity: Activity, data: ContactInput) -> Contact:
    """Record a foreign contact met on ``activity``: a link to a person or organisation of
    the registry, with how and when they were met and the restricted contact details.
    Security officers of the activity's agency only."""
    _require_writer(actor, activity.agency_id)
    country = _check_country(data.country)
    _check_party(activity, data, exclude_pk=None)
    met_on = _check_contact_dates(data)
    contact = Contact(
        agency_id=activity.agency_id,
        activity=activity,
        external_person=data.external_person,
        organisation=data.organisation,
        circumstance=data.circumstance,
        met_on=met_on,
        country=country,
        role_at_time=_text(data.role_at_time),
        email=_text(data.email),
        phone=_text(data.phone),
        details=_text(data.details),
        reported_on=data.reported_on,
        notes=_text(data.notes),
    )
    save_audited(contact, actor=actor)
    return contact


CONTACT_FIELDS = (
    "circumstance", "met_on", "country", "role_at_time", "email", "phone", "details",
    "reported_on", "notes",
)  # fmt: skip


@transaction.atomic
def contact_update(*, actor: Any, contact: Contact, **changes: Any) -> Contact:
    """Change the named fields of a contact (not whom it links: record another contact
    for that). Marking it reported is ``reported_on``. A change that changes nothing
    writes no history row."""
    unknown = set(changes) - set(CONTACT_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in unknown})
    _require_writer(actor, contact.agency_id)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if "country" in changes:
        changes["country"] = _check_country(changes["country"])
    before = {name: str(getattr(contact, name)) for name in changes}
    for name, value in changes.items():
        if value is None and name not in ("reported_on",):
            raise ValidationError({name: ["This field may not be empty."]})
        setattr(contact, name, _text(value))
    if {name: str(getattr(contact, name)) for name in changes} == before:
        return contact
    data = ContactInput(
        circumstance=contact.circumstance,
        met_on=contact.met_on,
        country=str(contact.country),
        reported_on=contact.reported_on,
    )
    _check_contact_dates(data)
    save_audited(contact, actor=actor)
    return contact


# --- inbound trainees ------------------------------------------------------------------


@dataclass
class TraineeInput:
    external_person: ExternalPerson
    registration_number: str = ""
    registered_on: dt.date | None = None
    sponsoring_organisation: Organisation | None = None
    recommended_by: str = ""
    recommended_on: dt.date | None = None
    language: str = ""
    language_level: str = ""
    notes: str = ""


@transaction.atomic
def trainee_create(*, actor: Any, activity: Activity, data: TraineeInput) -> InboundTrainee:
    """Record the intake of a foreign trainee of an inbound course (or a course taught by
    foreign trainers). Security officers of the activity's agency only."""
    _require_writer(actor, activity.agency_id)
    if activity.direction not in INBOUND_DIRECTIONS:
        raise ValidationError(
            {"activity": ["Only inbound courses and foreign trainers' courses have trainees."]}
        )
    person = data.external_person
    if person.agency_id != activity.agency_id:
        raise ValidationError({"external_person": ["Unknown external person."]})
    if InboundTrainee.objects.filter(activity=activity, external_person=person).exists():
        raise ValidationError(
            {"external_person": [f"{person} is already a trainee of this activity."]}
        )
    if data.language_level and data.language_level not in IlrLevel.values:
        raise ValidationError({"language_level": ["Choose an ILR level from 0 to 5."]})
    if data.language_level and not data.language.strip():
        raise ValidationError({"language": ["Name the language the level is for."]})
    if data.recommended_on and not data.recommended_by.strip():
        raise ValidationError({"recommended_by": ["Name who made the recommendation."]})
    trainee = InboundTrainee(
        agency_id=activity.agency_id,
        activity=activity,
        external_person=person,
        registration_number=_text(data.registration_number),
        registered_on=data.registered_on,
        sponsoring_organisation=data.sponsoring_organisation,
        recommended_by=_text(data.recommended_by),
        recommended_on=data.recommended_on,
        language=_text(data.language),
        language_level=data.language_level,
        notes=_text(data.notes),
    )
    save_audited(trainee, actor=actor)
    return trainee


# --- vetting requests -------------------------------------------------------------------


@dataclass
class VettingInput:
    channel: str
    sent_on: dt.date | None
    channel_detail: str = ""
    reference: str = ""
    expires_on: dt.date | None = None
    source_document: str = ""
    notes: str = ""


EXPIRY_BEFORE_REQUEST = "The expiry must be after the date the request was sent ({sent})."


def _check_expiry(sent_on: dt.date | None, expires_on: dt.date | None) -> None:
    if sent_on and expires_on and expires_on <= sent_on:
        raise ValidationError({"expires_on": [EXPIRY_BEFORE_REQUEST.format(sent=sent_on)]})


@transaction.atomic
def vetting_request_create(
    *, actor: Any, subject: Contact | InboundTrainee, data: VettingInput
) -> VettingRequest:
    """Record that a vetting request was sent for a contact or an inbound trainee. It
    starts ``requested``; decisions are moves of ``vetting_request_transition``."""
    _require_writer(actor, subject.agency_id)
    if data.channel not in Channel.values:
        raise ValidationError({"channel": ["Choose the channel the request went to."]})
    if data.channel == Channel.OTHER and not data.channel_detail.strip():
        raise ValidationError({"channel_detail": ["Name the channel the request went to."]})
    if data.sent_on is None:
        raise ValidationError({"sent_on": ["Give the date the request was sent."]})
    _check_expiry(data.sent_on, data.expires_on)
    vetting = VettingRequest(
        agency_id=subject.agency_id,
        contact=subject if isinstance(subject, Contact) else None,
        trainee=subject if isinstance(subject, InboundTrainee) else None,
        channel=data.channel,
        channel_detail=_text(data.channel_detail),
        sent_on=data.sent_on,
        reference=_text(data.reference),
        expires_on=data.expires_on,
        source_document=_text(data.source_document),
        notes=_text(data.notes),
    )
    save_audited(vetting, actor=actor)
    return vetting


@transaction.atomic
def vetting_request_transition(
    *,
    actor: Any,
    vetting: VettingRequest,
    name: str,
    reason: str = "",
    decided_on: dt.date | None = None,
    expires_on: dt.date | None = None,
    source_document: str | None = None,
) -> VettingRequest:
    """Move a vetting request along the declared table (``workflow.TRANSITIONS``), with
    the decision date (default today), the expiry the channel gave and the source
    document. A move not in the table, or refused by a guard, raises
    ``InvalidTransition``; a move that needs a reason refuses a blank one."""
    _require_writer(actor, vetting.agency_id)
    vetting = VettingRequest.objects.select_for_update().get(pk=vetting.pk)
    transition = find_transition(vetting.status, name)
    if transition is None:
        allowed = ", ".join(sorted({t.name for t in transitions_from(vetting.status)})) or "none"
        raise InvalidTransition(
            f"A {vetting.get_status_display().lower()} vetting request cannot be {name!r}-ed "
            f"(allowed: {allowed})."
        )
    if not any(has_role(actor, role, vetting.agency_id) for role in transition.roles):
        raise Forbidden(f"Your role does not allow you to {transition.label.lower()}.")
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise ValidationError({"reason": ["Give the reason the channel gave, or yours."]})
    decided = decided_on or timezone.localdate()
    if decided < vetting.sent_on:
        raise ValidationError(
            {"decided_on": [f"The decision cannot come before the request ({vetting.sent_on})."]}
        )
    if expires_on is not None:
        _check_expiry(vetting.sent_on, expires_on)
        vetting.expires_on = expires_on
    if source_document is not None and source_document.strip():
        vetting.source_document = source_document.strip()
    vetting.decided_on = decided
    for guard in transition.guards:
        if not guard.check(actor, vetting):
            raise InvalidTransition(guard.refusal)
    vetting.status = transition.target
    if reason:
        vetting.notes = f"{vetting.notes}\n{decided}: {reason}".strip()
    # The history row's change reason is the move's name: the reason itself is kept, whole,
    # in the notes (whose change the same history row records). simple-history's change
    # reason is a 100-character column, which PostgreSQL enforces: a longer reason there
    # failed the whole move (the outcomes app does the same).
    save_audited(vetting, actor=actor, reason=transition.label)
    return vetting


# --- the log of restricted reads --------------------------------------------------------
