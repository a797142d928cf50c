"""API shapes for activities, their history, transitions and categories.

Keys documented in docs/api.md are a stability promise: add keys freely, never rename
or remove one within /api/v1/. Enumerations are the model's own choices (or, for
transition names, checked against the workflow table by a test), so the OpenAPI document
lists exactly the values the services accept.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from typing import Any, Literal

from django.urls import get_script_prefix, reverse
from ninja import Field, Schema
from pydantic import field_validator

from liaison.accounts.schemas import AgencyRef, PageParams
from liaison.activities.access import allowed_transitions, refused_transitions
from liaison.activities.models import Direction, Kind, Origin, ParticipantRole
from liaison.activities.selectors import (
    YEAR_MAX,
    YEAR_MIN,
    ActivityFilters,
    started_without_approval,
)
from liaison.activities.services import ActivityInput, LocationInput, ParticipantInput
from liaison.activities.workflow import Status
from liaison.core.countries import country_name
from liaison.core.schemas import Id, IsoDate, list_of, start_to_not_before_start_from
from liaison.people.schemas import EmployeeRef, ExternalPersonRef, OrganisationRef

# The verbs of workflow.TRANSITIONS (tests/test_api.py checks they match).
TransitionName = Literal[
    "submit",
    "start_review",
    "clear",
    "approve_step",
    "approve",
    "deny",
    "return",
    "withdraw",
    "cancel",
    "start",
    "complete",
    "close",
]
# The keys of selectors.SORTS (checked the same way).
Sort = Literal["-start_date", "start_date", "title", "-title"]
# The keys of selectors.DIRECTION_GROUPS (checked the same way).
DirectionGroup = Literal["abroad", "at_home", "virtual"]

# --- categories ------------------------------------------------------------------------


class CategoryRef(Schema):
    slug: str
    name: str


class CategoryOut(CategoryRef):
    id: int
    description: str
    active: bool = Field(
        description="Retired categories stay on old records but are not accepted for new ones."
    )


class CategoryIn(Schema):
    name: str = Field(max_length=100)
    description: str = ""


class CategoryListParams(PageParams):
    active: bool | None = Field(None, description="true: current categories only.")


CategoryList = list_of(CategoryOut, "CategoryList")


# --- activities: output ----------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _activity_api_url_parts(script_prefix: str) -> tuple[str, str]:
    pattern = reverse("api:activity_detail", kwargs={"activity_id": 1})
    prefix, suffix = pattern.rsplit("1", 1)
    return prefix, suffix


def activity_api_url(pk: int) -> str:
    """``reverse("api:activity_detail", …)`` for ``pk``, from one reverse per process (a
    list's 25 reverses were ~0.5 ms a request); the tests compare both."""
    prefix, suffix = _activity_api_url_parts(get_script_prefix())
    return f"{prefix}{int(pk)}{suffix}"


class LocationOut(Schema):
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    country_name: str
    city: str

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.country.code)

    @staticmethod
    def resolve_country_name(obj: Any) -> str:
        # From the per-language table (core.countries): ``.name`` is a lazy translation
        # that cost ~0.03 ms a location, a list's 30–50 locations on every request.
        return country_name(obj.country.code)


class ActivityItem(Schema):
    """One row of an activity list."""

    id: int
    agency: AgencyRef
    title: str
    direction: Direction
    kind: Kind
    category: CategoryRef
    start_date: dt.date
    end_date: dt.date
    status: Status
    locations: list[LocationOut]
    url: str = Field(description="This activity in the API.")
    started_without_approval: bool = Field(
        description="Started (or past approval) with no approval on record decided before "
        "the start date (ADR 0014)."
    )

    @staticmethod
    def resolve_started_without_approval(obj: Any) -> bool:
        return started_without_approval(obj)

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return activity_api_url(obj.pk)


class ParticipantOut(Schema):
    """Exactly one of ``employee`` and ``external_person`` is set. ``employee`` and
    ``external_person`` describe the person *today*; ``name``, ``rank``, ``unit`` and
    ``agency`` are what the activity recorded when the person was added (a 2016 trip
    keeps the 2016 rank after a promotion)."""

    id: int
    employee: EmployeeRef | None
    external_person: ExternalPersonRef | None
    role: ParticipantRole
    name: str = Field(description="The participant's name as recorded on this activity.")
    rank: str = Field(description="Rank as recorded on this activity (employees; may be empty).")
    unit: str = Field(
        description="Unit as recorded (employees) or position (external persons); may be empty."
    )
    agency: str = Field(
        description="Agency (employees) or organisation (external persons) as recorded."
    )
    withdrawn_at: dt.datetime | None = Field(
        None, description="When the participant withdrew (null: taking part)."
    )
    withdrawal_reason: str = Field("", description="Why they withdrew (empty: taking part).")

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.display_name)

    @staticmethod
    def resolve_rank(obj: Any) -> str:
        return str(obj.rank_at_time)

    @staticmethod
    def resolve_unit(obj: Any) -> str:
        return str(obj.unit_at_time)

    @staticmethod
    def resolve_agency(obj: Any) -> str:
        return str(obj.agency_at_time)


class RefusedTransitionOut(Schema):
    name: TransitionName
    reason: str = Field(description="Why the caller may not make this move now.")


class NotOnRecordStep(Schema):
    key: str = Field(description="A key of NOT_ON_RECORD_STEPS, e.g. `approval`.")
    label: str = Field(description="What a reader sees before “not on record”.")


class ActivityDetail(ActivityItem):
    # Provenance (ADR 0007): what the source does not show. Where the record came from and
    # when it was recorded are declared below with the row times.
    not_on_record: list[NotOnRecordStep] = Field(
        description="Lifecycle steps the source does not document, in declared order."
    )

    @staticmethod
    def resolve_not_on_record(obj: Any) -> list[dict[str, str]]:
        return obj.not_on_record_steps  # type: ignore[no-any-return]

    topics: list[str]
    purpose: str
    justification: str
    host_organisation: OrganisationRef | None
    organiser_organisation: OrganisationRef | None
    participants: list[ParticipantOut]
    estimated_cost: Decimal | None = Field(
        description="The requester's estimate of the total cost, US dollars (null: not given)."
    )
    started_without_approval: bool = Field(
        description="True when the activity has started (or is past approval) without an "
        "approval decided before its start date on record: flagged, never hidden."
    )
    approvals_url: str = Field(description="This activity's approval record in the API.")

    @staticmethod
    def resolve_started_without_approval(obj: Any) -> bool:
        return started_without_approval(obj)

    @staticmethod
    def resolve_approvals_url(obj: Any) -> str:
        return f"{reverse('api:activity_detail', kwargs={'activity_id': obj.pk})}/approvals"

    recorded_at: dt.datetime | None = Field(
        description="When the department first recorded the activity: when it was entered "
        "here, or the date an imported record's source shows; null when not on record."
    )
    origin: Origin = Field(description="Entered in Liaison, or imported from an earlier record.")
    source: str = Field(description="Where an imported record came from (empty if entered).")
    created_at: dt.datetime = Field(
        description="When this row was written (internal; a load date for imported records). "
        "Use `recorded_at` for when the department recorded the activity."
    )
    updated_at: dt.datetime
    allowed_transitions: list[TransitionName] = Field(
        description="The transition names the caller may perform now."
    )

    @staticmethod
    def resolve_topics(obj: Any) -> list[str]:
        return [topic.name for topic in obj.topics.all()]

    @staticmethod
    def resolve_participants(obj: Any) -> list[Any]:
        return list(obj.participations.all())

    @staticmethod
    def resolve_allowed_transitions(obj: Any, context: Any) -> list[str]:
        user = context["request"].user
        # One name per verb: "cancel" is declared from several statuses.
        return list(dict.fromkeys(t.name for t in allowed_transitions(user, obj)))

    refused_transitions: list[RefusedTransitionOut] = Field(
        default_factory=list,
        description="Moves one of the caller's roles could make but a guard refuses now "
        "(e.g. an approver who takes part in the activity), each with the reason.",
    )

    @staticmethod
    def resolve_refused_transitions(obj: Any, context: Any) -> list[dict[str, str]]:
        user = context["request"].user
        return [{"name": t.name, "reason": reason} for t, reason in refused_transitions(user, obj)]


ActivityList = list_of(ActivityItem, "ActivityList")


# --- activities: input -----------------------------------------------------------------


class LocationIn(Schema):
    country: str = Field(description="ISO 3166-1 alpha-2 code, e.g. CA.")
    city: str = ""


class ParticipantIn(Schema):
    """Name the person by exactly one of ``employee_id``, ``serial_number`` (an employee of
    the activity's agency) or ``external_person_id``."""

    employee_id: Id | None = None
    serial_number: str | None = Field(None, max_length=20)
    external_person_id: Id | None = None
    role: ParticipantRole = ParticipantRole.ATTENDEE


class ActivityIn(Schema):
    agency_id: Id | None = Field(
        None,
        description="Required only when the caller may create activities in more "
        "than one agency. Ignored on update: an activity never changes agency.",
    )
    title: str = Field(max_length=300)
    direction: Direction
    kind: Kind
    category: str | None = Field(None, description="Category slug (or give category_id).")
    category_id: Id | None = None
    topics: list[str] = []
    purpose: str
    justification: str = ""
    host_organisation_id: Id | None = None
    organiser_organisation_id: Id | None = None
    start_date: dt.date
    end_date: dt.date
    estimated_cost: Decimal | None = Field(
        None, ge=0, max_digits=12, decimal_places=2,
        description="The requester's estimate of the total cost, US dollars.",
    )  # fmt: skip
    locations: list[LocationIn] = Field(description="At least one.")
    participants: list[ParticipantIn] = []

    def to_input(self) -> ActivityInput:
        return ActivityInput(
            title=self.title,
            direction=self.direction,
            kind=self.kind,
            category_id=self.category_id,
            category_slug=self.category or "",
            purpose=self.purpose,
            justification=self.justification,
            topics=self.topics,
            start_date=self.start_date,
            end_date=self.end_date,
            estimated_cost=self.estimated_cost,
            host_organisation_id=self.host_organisation_id,
            organiser_organisation_id=self.organiser_organisation_id,
            locations=[LocationInput(country=loc.country, city=loc.city) for loc in self.locations],
            participants=[
                ParticipantInput(
                    employee_id=p.employee_id,
                    serial_number=p.serial_number or "",
                    external_person_id=p.external_person_id,
                    role=p.role,
                )
                for p in self.participants
            ],
        )


class ActivityFilterParams(Schema):
    """The activity list's filters, as the list endpoint and the exports take them."""

    q: str = Field(
        "",
        description="Full-text search over title, topics, purpose, location countries "
        "(code and name) and cities, host and organiser names and participants' names.",
    )
    country: str = Field("", description="ISO 3166-1 alpha-2 code of any location.")
    category: str = Field("", description="Category slug.")
    direction: Direction | None = None
    direction_group: list[DirectionGroup] = Field(
        [],
        description="Repeat for several: abroad (outbound), at_home (inbound and foreign "
        "trainers), virtual.",
    )
    year: int | None = Field(None, ge=YEAR_MIN, le=YEAR_MAX, description="Year of the start date.")
    start_from: IsoDate | None = Field(None, description="Start date on or after (YYYY-MM-DD).")
    start_to: IsoDate | None = Field(None, description="Start date on or before (YYYY-MM-DD).")
    status: list[Status] = Field([], description="Repeat for several; none means any status.")
    person: str = Field(
        "",
        max_length=200,
        description="A participant, by serial number or by words of their name "
        "(among the employees the caller may see).",
    )
    organisation: Id | None = Field(None, description="Host or organiser id.")
    agency: list[Id] = Field([], description="Agency id; repeat for several.")
    started_without_approval: bool = Field(
        False,
        description="true: only activities that started without an approval on record "
        "decided before their start date.",
    )
    origin: Origin | None = Field(
        None, description="imported: only records reconstructed from other sources."
    )
    missing: Literal["report", "approval", "funding"] | None = Field(
        None,
        description="Only activities with no evaluation report submitted, no approval, or "
        "no funding contribution on record.",
    )
    sort: Sort = "-start_date"

    _dates_in_order = field_validator("start_to")(start_to_not_before_start_from)

    def to_filters(self) -> ActivityFilters:
        return ActivityFilters(
            q=self.q,
            country=self.country,
            category=self.category,
            direction=self.direction or "",
            direction_groups=tuple(self.direction_group),
            year=self.year,
            start_from=self.start_from,
            start_to=self.start_to,
            statuses=tuple(self.status),
            person=self.person,
            organisation=self.organisation,
            agencies=tuple(self.agency),
            started_without_approval=self.started_without_approval,
            origin=self.origin or "",
            missing=self.missing or "",
            sort=self.sort,
        )


class ActivityListParams(PageParams, ActivityFilterParams):
    """One page of the filtered list."""


class RelatedActivityParams(PageParams):
    sort: Sort = "-start_date"


class WithdrawIn(Schema):
    reason: str = Field(description="Why the participant withdraws; kept on the record.")


class TransitionIn(Schema):
    name: TransitionName
    reason: str = Field("", description="Why; kept in the history.")


# --- history ---------------------------------------------------------------------------

JsonScalar = str | int | float | bool | None


class FieldChange(Schema):
    """One field's change, as a person reads it: choices by their labels, related records
    by their names on the day of the change, topics as a comma-separated list, dates as
    "12 May 2016". ``null`` means empty."""

    field: str = Field(description="The field's name in the API and the models.")
    label: str = Field(description="The field's name as the page shows it.")
    old: JsonScalar
    new: JsonScalar

    @field_validator("old", "new", mode="before")
    @classmethod
    def _as_json_scalar(cls, value: Any) -> Any:
        # History values can be dates, countries, lazy strings: give clients plain text.
        if value is None or isinstance(value, str | int | float | bool):
            return value
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value)


class HistoryEntry(Schema):
    """``summary`` describes the record as it was recorded (a participant by the name,
    rank and unit stored when they were added) or, for a status move, names the
    transition ("Submit for approval"). ``reason`` is the user's own words, or empty."""

    when: dt.datetime
    who: str
    object: Literal["Activity", "Location", "Participant"]
    object_id: int
    action: Literal["created", "changed", "deleted"]
    summary: str
    changes: list[FieldChange]
    reason: str


HistoryList = list_of(HistoryEntry, "HistoryList")


# --- participant candidates (the form's autocomplete, as data) -------------------------


class ParticipantCandidateParams(Schema):
    q: str = Field("", max_length=100, description="Words of a name, or a serial number.")
    activity: Id | None = Field(
        None,
        description="When editing: the activity (adds the people already on it).",
    )


class ParticipantCandidate(EmployeeRef):
    label: str = Field(description="How the page's participant box shows the choice.")

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return f"{obj.first_name} {obj.last_name} ({obj.serial_number})"


class ParticipantCandidateList(Schema):
    items: list[ParticipantCandidate]
