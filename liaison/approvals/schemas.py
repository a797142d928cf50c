"""API shapes of the approval record, the rules and the work queue (docs/api.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.urls import reverse
from ninja import Field, Schema

from liaison.accounts.models import Role
from liaison.approvals.models import StepKind, StepState
from liaison.core.schemas import list_of

# The values of models.STEP_ROLES (a test holds them equal).
StepRole = Literal["approver", "command"]
Decision = Literal["approve", "deny", "return"]


class StepOut(Schema):
    round: int = Field(description="Submission number: a return for correction ends a round.")
    position: int = Field(description="0 is the security review; approval steps follow.")
    kind: StepKind
    role: Role = Field(description="The role that takes this step.")
    label: str
    why: str = Field(description="Why this step is on the chain (the rules' conditions).")
    conditions_met: list[str] = Field(description="Names of the conditions that called for it.")
    state: StepState
    decided_at: dt.datetime | None
    decided_by_name: str = Field(description="Who decided, as they were named that day.")
    decided_by_role: str = Field(description="The role they decided in.")
    decided_by_rank: str = Field(description="Their rank that day (may be empty).")
    decided_by_unit: str = Field(description="Their unit that day (may be empty).")
    conditions: str = Field(description="Conditions attached to an approval.")
    reason: str
    participants_at_time: list[str] = Field(
        description="The participants the decision covered, as named on the activity then."
    )
    source: str = Field(description="Where a decision imported from an earlier record is.")


class ApprovalRecordOut(Schema):
    activity_id: int
    activity_url: str
    status: str
    approval_not_on_record: bool = Field(
        description="The imported record's source does not document the approval."
    )
    started_without_approval: bool
    approved_by: list[StepOut] = Field(
        description="The approval steps decided ‘approved’, every round (who approved, when)."
    )
    steps: list[StepOut]

    @staticmethod
    def resolve_activity_id(obj: Any) -> int:
        return int(obj.activity.pk)

    @staticmethod
    def resolve_activity_url(obj: Any) -> str:
        return reverse("api:activity_detail", kwargs={"activity_id": obj.activity.pk})

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return str(obj.activity.status)

    @staticmethod
    def resolve_approval_not_on_record(obj: Any) -> bool:
        return bool(obj.not_on_record)


class DecisionIn(Schema):
    decision: Decision
    reason: str = Field("", description="Required to deny or return; up to 100 characters.")
    conditions: str = Field("", max_length=2000, description="Conditions of an approval.")


class PolicyOut(Schema):
    agency_id: int
    agency_name: str
    approver_role: StepRole
    higher_command_role: StepRole
    cost_threshold: Decimal | None
    advisory_level_threshold: int
    countries: list[str]
    foreign_ministry_inbound: bool
    saved: bool = Field(description="false: the agency uses the default rules.")

    @staticmethod
    def resolve_agency_name(obj: Any) -> str:
        return str(obj.agency.name)

    @staticmethod
    def resolve_saved(obj: Any) -> bool:
        return obj.pk is not None


class PolicyIn(Schema):
    approver_role: StepRole = "approver"
    higher_command_role: StepRole = "command"
    cost_threshold: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    advisory_level_threshold: int = Field(3, description="1 to 4.")
    countries: list[str] = Field([], description="ISO 3166-1 alpha-2 codes.")
    foreign_ministry_inbound: bool = True


class WaitingOut(Schema):
    activity_id: int
    activity_url: str
    title: str
    status: str
    start_date: dt.date
    action: str = Field(description="What the caller is asked to do.")
    why: str
    since: dt.datetime | None

    @staticmethod
    def resolve_activity_id(obj: Any) -> int:
        return int(obj.activity.pk)

    @staticmethod
    def resolve_activity_url(obj: Any) -> str:
        return reverse("api:activity_detail", kwargs={"activity_id": obj.activity.pk})

    @staticmethod
    def resolve_title(obj: Any) -> str:
        return str(obj.activity.title)

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return str(obj.activity.status)

    @staticmethod
    def resolve_start_date(obj: Any) -> dt.date:
        return obj.activity.start_date  # type: ignore[no-any-return]


WaitingList = list_of(WaitingOut, "WaitingList")
PolicyList = list_of(PolicyOut, "ApprovalPolicyList")
