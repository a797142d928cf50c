"""Foreign contacts, inbound trainees and vetting (ADR 0016), through the services.

Four activities entered since the IG review (2025–2026, ``vetting_activities.csv``) carry
the contacts the department now records, with vetting requests in every status
(``contacts.csv``, ``vetting.csv``): one contact reported late (nine business days after
return), one never reported, one approval expired, an inbound course starting in
December 2026 with one trainee vetted, one awaiting an answer and one denied. The legacy
summer-2023 UAE course keeps its five trainees with the intake the source shows (who, and
their ministry) and **no vetting on record** — the gap the IG found.

The security officer sign-in records the contacts and vetting (only security officers
may); the loader (a coordinator) adds the people and imports the activities.
Idempotent: people by name + country, activities by source, contacts and trainees by
activity + person or organisation, vetting requests by reference.
"""

from __future__ import annotations

import datetime as dt

from liaison.activities.models import Activity, Origin
from liaison.activities.services import (
    ActivityInput,
    LocationInput,
    ParticipantInput,
    activity_import,
)
from liaison.demo.context import DemoContext, read_rows, split_list
from liaison.demo.steps.registry import recorded_at
from liaison.people.models import ExternalPerson
from liaison.people.services import external_person_create
from liaison.vetting.models import Contact, InboundTrainee, VettingRequest
from liaison.vetting.services import (
    ContactInput,
    TraineeInput,
    VettingInput,
    contact_create,
    trainee_create,
    vetting_request_create,
    vetting_request_transition,
)

SOURCE = "Metro City PD training register 2025–2026 (demo), entry {key}"
# The moves that bring a new request to the status the source shows.
MOVES = {
    "requested": [],
    "approved": ["approve"],
    "denied": ["deny"],
    "suspended": ["suspend"],
    "cancelled": ["cancel"],
}


def _date(value: str) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def load(ctx: DemoContext) -> None:
    security = ctx.logins["security"]
    people = _people(ctx)
    activities = _activities(ctx, people)
    activities["A109"] = ctx.activity("A109")
    subjects = _contacts_and_trainees(ctx, security, people, activities)
    _vetting(ctx, security, subjects)


def _people(ctx: DemoContext) -> dict[str, ExternalPerson]:
    assert ctx.agency is not None
    existing = {
        (p.full_name, str(p.country)): p for p in ExternalPerson.objects.filter(agency=ctx.agency)
    }
    people: dict[str, ExternalPerson] = {}
    for row in read_rows("contacts.csv"):
        key = row["person"]
        if not key or key in people:
            continue
        if key in ctx.external_people:
            people[key] = ctx.external_people[key]
            continue
        person = existing.get((row["full_name"], row["country"]))
        ctx.report.count("external people", person is None)
        if person is None:
            person = external_person_create(
                actor=ctx.actor,
                agency=ctx.agency,
                full_name=row["full_name"],
                country=row["country"],
                organisation=ctx.organisations[row["person_organisation"]],
                position=row["position"],
            )
        people[key] = person
    return people


def _activities(ctx: DemoContext, people: dict[str, ExternalPerson]) -> dict[str, Activity]:
    assert ctx.agency is not None
    found: dict[str, Activity] = {}
    for row in read_rows("vetting_activities.csv"):
        key = row["key"]
        source = SOURCE.format(key=key)
        activity = Activity.objects.filter(
            agency=ctx.agency, origin=Origin.IMPORTED, source=source
        ).first()
        ctx.report.count("activities", activity is None)
        if activity is None:
            participants = [
                ParticipantInput(serial_number=serial) for serial in split_list(row["employees"])
            ] + [
                ParticipantInput(external_person_id=people[p].pk, role="trainee")
                for p in split_list(row["trainees"])
            ]
            activity = activity_import(
                actor=ctx.actor,
                agency=ctx.agency,
                data=ActivityInput(
                    title=row["title"],
                    direction=row["direction"],
                    kind=row["kind"],
                    category_id=ctx.categories[row["category"]].pk,
                    purpose=f"{row['title']}: {row['topics'].replace(';', ',')}.",
                    start_date=dt.date.fromisoformat(row["start_date"]),
                    end_date=dt.date.fromisoformat(row["end_date"]),
                    topics=split_list(row["topics"]),
                    host_organisation_id=ctx.organisations[row["host"]].pk,
                    organiser_organisation_id=ctx.organisations[row["organiser"]].pk,
                    locations=[
                        LocationInput(country=country, city=city)
                        for country, _, city in (
                            loc.partition(":") for loc in split_list(row["locations"])
                        )
                    ],
                    participants=participants,
                ),
                status=row["status"],
                recorded_at=recorded_at(row),
                source=source,
            )
        found[key] = activity
    return found


def _contacts_and_trainees(
    ctx: DemoContext,
    security: object,
    people: dict[str, ExternalPerson],
    activities: dict[str, Activity],
) -> dict[str, Contact | InboundTrainee]:
    subjects: dict[str, Contact | InboundTrainee] = {}
    for row in read_rows("contacts.csv"):
        activity = activities[row["activity"]]
        person = people.get(row["person"]) if row["person"] else None
        organisation = ctx.organisations[row["organisation"]] if row["organisation"] else None
        if row["subject"] == "trainee":
            assert person is not None
            trainee = InboundTrainee.objects.filter(
                activity=activity, external_person=person
            ).first()
            ctx.report.count("inbound trainees", trainee is None)
            if trainee is None:
                trainee = trainee_create(
                    actor=security,
                    activity=activity,
                    data=TraineeInput(
                        external_person=person,
                        registration_number=row["registration_number"],
                        registered_on=_date(row["registered_on"]),
                        sponsoring_organisation=ctx.organisations.get(row["sponsor"]),
                        recommended_by=row["recommended_by"],
                        recommended_on=_date(row["recommended_on"]),
                        language=row["language"],
                        language_level=row["language_level"],
                        notes=row["notes"],
                    ),
                )
            subjects[row["key"]] = trainee
            continue
        contact = Contact.objects.filter(
            activity=activity, external_person=person, organisation=organisation
        ).first()
        ctx.report.count("foreign contacts", contact is None)
        if contact is None:
            contact = contact_create(
                actor=security,
                activity=activity,
                data=ContactInput(
                    external_person=person,
                    organisation=organisation,
                    circumstance=row["circumstance"],
                    met_on=_date(row["met_on"]),
                    country=row["country"],
                    role_at_time=row["role_at_time"],
                    email=row["email"],
                    phone=row["phone"],
                    reported_on=_date(row["reported_on"]),
                    notes=row["notes"],
                ),
            )
        subjects[row["key"]] = contact
    return subjects


def _vetting(
    ctx: DemoContext, security: object, subjects: dict[str, Contact | InboundTrainee]
) -> None:
    for row in read_rows("vetting.csv"):
        subject = subjects[row["subject"]]
        exists = VettingRequest.objects.filter(
            agency_id=subject.agency_id, reference=row["reference"]
        ).exists()
        ctx.report.count("vetting requests", not exists)
        if exists:
            continue
        vetting = vetting_request_create(
            actor=security,
            subject=subject,
            data=VettingInput(
                channel=row["channel"],
                channel_detail=row["channel_detail"],
                sent_on=_date(row["sent_on"]),
                reference=row["reference"],
            ),
        )
        for name in MOVES[row["status"]]:
            vetting = vetting_request_transition(
                actor=security,
                vetting=vetting,
                name=name,
                reason=row["reason"],
                decided_on=_date(row["decided_on"]),
                expires_on=_date(row["expires_on"]),
                source_document=row["source_document"] or None,
            )
