"""API shapes for foreign contacts, inbound trainees, vetting requests and the log of
restricted reads. Keys documented in docs/api.md are a stability promise. Enumerations
are the models' own choices, so the OpenAPI document lists what the database accepts."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.urls import reverse
from django.utils import timezone
from ninja import Field, Schema
from pydantic import ConfigDict

from liaison.core.schemas import Id, PageParams, list_of
from liaison.records.models import Door
from liaison.vetting.models import Channel, Circumstance, IlrLevel
from liaison.vetting.workflow import VettingStatus, is_current

TransitionName = Literal["approve", "deny", "suspend", "cancel"]


class PartyRef(Schema):
    id: int
    name: str


class VettingOut(Schema):
    id: int
    subject_type: Literal["contact", "trainee"]
    subject_id: int
    subject_name: str
    channel: Channel
    channel_label: str
    channel_detail: str
    sent_on: dt.date
    reference: str
    status: VettingStatus
    decided_on: dt.date | None
    expires_on: dt.date | None
    source_document: str
    notes: str
    current_today: bool = Field(description="Approved and not expired today.")
    url: str

    @staticmethod
    def resolve_subject_type(obj: Any) -> str:
        return "contact" if obj.contact_id else "trainee"

    @staticmethod
    def resolve_subject_id(obj: Any) -> int:
        return int(obj.contact_id or obj.trainee_id)

    @staticmethod
    def resolve_current_today(obj: Any) -> bool:
        return is_current(status=obj.status, expires_on=obj.expires_on, on=timezone.localdate())

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("api:vetting_detail", kwargs={"vetting_id": obj.pk})


class ReportOut(Schema):
    state: Literal["on_time", "late", "due", "overdue"]
    text: str
    deadline: dt.date
    business_days_after_return: int | None
    flagged: bool


class ContactOut(Schema):
    id: int
    activity_id: int
    activity_title: str
    kind: Literal["person", "organisation"]
    external_person: PartyRef | None
    organisation: PartyRef | None
    name: str
    circumstance: Circumstance
    met_on: dt.date
    role_at_time: str
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    email: str
    phone: str
    details: str
    reported_on: dt.date | None
    report: ReportOut
    vetting_state: str
    notes: str
    url: str

    @staticmethod
    def resolve_activity_title(obj: Any) -> str:
        return str(obj.activity.title)

    @staticmethod
    def resolve_external_person(obj: Any) -> dict[str, Any] | None:
        p = obj.external_person
        return {"id": p.pk, "name": p.full_name} if p else None

    @staticmethod
    def resolve_organisation(obj: Any) -> dict[str, Any] | None:
        o = obj.organisation
        return {"id": o.pk, "name": o.name} if o else None

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.party_name)

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.country.code)

    @staticmethod
    def resolve_report(obj: Any) -> dict[str, Any]:
        r = obj.report
        return {
            "state": r.key,
            "text": r.text,
            "deadline": r.deadline,
            "business_days_after_return": r.business_days,
            "flagged": r.flagged,
        }

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("api:contact_detail", kwargs={"contact_id": obj.pk})


class ContactDetail(ContactOut):
    vetting_requests: list[VettingOut]

    @staticmethod
    def resolve_vetting_requests(obj: Any) -> list[Any]:
        return list(obj.vetting_requests.order_by("-sent_on", "-id"))


ContactList = list_of(ContactOut, "ContactList")


class ContactIn(Schema):
    """Name exactly one of ``external_person_id`` and ``organisation_id`` (records of the
    people registry)."""

    external_person_id: Id | None = None
    organisation_id: Id | None = None
    circumstance: Circumstance
    met_on: dt.date
    country: str = Field(description="ISO 3166-1 alpha-2 code, e.g. AE.")
    role_at_time: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=50)
    details: str = ""
    reported_on: dt.date | None = None
    notes: str = ""


class ContactPatch(Schema):
    """Only the keys sent are changed; an unknown key is refused (422)."""

    model_config = ConfigDict(extra="forbid")

    circumstance: Circumstance | None = None
    met_on: dt.date | None = None
    country: str | None = None
    role_at_time: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=50)
    details: str | None = None
    reported_on: dt.date | None = Field(None, description="null: not reported yet.")
    notes: str | None = None


class ContactListParams(PageParams):
    report: Literal["on_time", "late", "due", "overdue", "flagged"] | None = Field(
        None, description="Only contacts whose report is in this state (flagged: late or overdue)."
    )
    vetting: (
        Literal["current", "requested", "expired", "denied", "suspended", "cancelled",
                "not requested"] | None
    ) = Field(None, description="Only contacts whose vetting is in this state today.")  # fmt: skip


class TraineeOut(Schema):
    id: int
    activity_id: int
    activity_title: str
    course_starts: dt.date
    external_person: PartyRef
    registration_number: str
    registered_on: dt.date | None
    sponsoring_organisation: PartyRef | None
    recommended_by: str
    recommended_on: dt.date | None
    language: str
    language_level: IlrLevel | Literal[""]
    notes: str
    vetting_state: str = Field(description="The vetting on the day the course starts.")
    url: str

    @staticmethod
    def resolve_activity_title(obj: Any) -> str:
        return str(obj.activity.title)

    @staticmethod
    def resolve_course_starts(obj: Any) -> dt.date:
        return obj.activity.start_date  # type: ignore[no-any-return]

    @staticmethod
    def resolve_external_person(obj: Any) -> dict[str, Any]:
        return {"id": obj.external_person.pk, "name": obj.external_person.full_name}

    @staticmethod
    def resolve_sponsoring_organisation(obj: Any) -> dict[str, Any] | None:
        o = obj.sponsoring_organisation
        return {"id": o.pk, "name": o.name} if o else None

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("api:trainee_detail", kwargs={"trainee_id": obj.pk})


class TraineeDetail(TraineeOut):
    vetting_requests: list[VettingOut]

    @staticmethod
    def resolve_vetting_requests(obj: Any) -> list[Any]:
        return list(obj.vetting_requests.order_by("-sent_on", "-id"))


class TraineeIn(Schema):
    external_person_id: Id
    registration_number: str = Field("", max_length=50)
    registered_on: dt.date | None = None
    sponsoring_organisation_id: Id | None = None
    recommended_by: str = Field("", max_length=200)
    recommended_on: dt.date | None = None
    language: str = Field("", max_length=50)
    language_level: IlrLevel | Literal[""] = Field("", description="ILR level, 0 to 5.")
    notes: str = ""


class ActivityVettingOut(Schema):
    """An activity's contacts and inbound trainees (restricted)."""

    activity_id: int
    report_deadline: dt.date
    trainees_vetted: bool = Field(
        description="Every inbound trainee has a vetting current on the first day."
    )
    contacts: list[ContactOut]
    trainees: list[TraineeOut]


class VettingIn(Schema):
    channel: Channel
    channel_detail: str = Field("", max_length=200, description="Required for `other`.")
    sent_on: dt.date
    reference: str = Field("", max_length=100)
    expires_on: dt.date | None = Field(None, description="Must be after `sent_on`.")
    source_document: str = Field("", max_length=300)
    notes: str = ""


class VettingTransitionIn(Schema):
    name: TransitionName
    reason: str = Field("", description="Required for deny, suspend and cancel.")
    decided_on: dt.date | None = Field(None, description="Default: today.")
    expires_on: dt.date | None = None
    source_document: str | None = Field(None, max_length=300)


class TraineeFlagOut(Schema):
    activity_id: int
    trainee_id: int | None
    name: str
    days_until_start: int
    vetting_state: str
    text: str

    @staticmethod
    def resolve_activity_id(obj: Any) -> int:
        return int(obj.activity.pk)

    @staticmethod
    def resolve_trainee_id(obj: Any) -> int | None:
        return obj.trainee.pk if obj.trainee else None

    @staticmethod
    def resolve_days_until_start(obj: Any) -> int:
        return int(obj.days)

    @staticmethod
    def resolve_vetting_state(obj: Any) -> str:
        return str(obj.state)


class VettingQueueOut(Schema):
    count: int
    awaiting_answer: list[VettingOut]
    trainees: list[TraineeFlagOut]
    overdue_contacts: list[ContactOut]
    contacts_not_sent: list[ContactOut]
    expiring: list[VettingOut]


class ReadOut(Schema):
    id: int
    at: dt.datetime
    username: str
    object_type: str
    object_id: int
    object: str
    door: Door
    path: str

    @staticmethod
    def resolve_username(obj: Any) -> str:
        return str(obj.user.username)

    @staticmethod
    def resolve_object_type(obj: Any) -> str:
        return str(obj.content_type.model)

    @staticmethod
    def resolve_object(obj: Any) -> str:
        return str(obj.object_repr)


ReadList = list_of(ReadOut, "RestrictedReadList")


class ReadListParams(PageParams):
    username: str = Field("", description="Only this user's reads.")
