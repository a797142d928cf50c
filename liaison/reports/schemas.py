"""API shapes for evaluation reports, reviews, attachments, the overdue list, search and
the report rules (ADR 0017). Keys documented in docs/api.md are a stability promise."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.urls import reverse
from ninja import Field, Schema

from liaison.core.schemas import ExportParams, Id, PageParams, list_of
from liaison.reports.workflow import CHECKLIST_KEYS, ReportStatus

TransitionName = Literal["submit", "return", "acknowledge"]


class ReportAuthorOut(Schema):
    participation_id: int
    name: str
    unit: str
    signed_at: dt.datetime | None

    @staticmethod
    def resolve_name(obj: Any) -> str:
        p = obj.participation
        return p.name_at_time or (p.employee.full_name if p.employee else str(p))

    @staticmethod
    def resolve_unit(obj: Any) -> str:
        return str(obj.participation.unit_at_time)


class ReportRecommendationOut(Schema):
    id: int
    position: int
    text: str


class ReportAttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    description: str
    uploaded_at: dt.datetime
    download_url: str

    @staticmethod
    def resolve_download_url(obj: Any) -> str:
        return reverse("api:report_attachment_download", kwargs={"attachment_id": obj.pk})


class ReportReviewOut(Schema):
    id: int
    decision: Literal["returned", "acknowledged"]
    reviewer_name: str
    checklist: dict[str, bool]
    reason: str
    resubmit_by: dt.date | None
    reviewed_at: dt.datetime


class ReportShortfallOut(Schema):
    field: str
    message: str


class ReportSummaryOut(Schema):
    id: int
    activity_id: int
    activity_title: str
    status: ReportStatus
    origin: Literal["entered", "imported"]
    due_on: dt.date
    resubmit_by: dt.date | None
    due: dt.date = Field(description="The day the authors must act by: resubmit_by once returned.")
    overdue: bool
    days_overdue: int
    insufficient: str = Field(
        description="Empty, or the flag of a report below the agency's minimums, e.g. "
        "“Insufficient: missing purpose, key takeaways.”"
    )
    authors: list[str]
    url: str

    @staticmethod
    def resolve_activity_title(obj: Any) -> str:
        return str(obj.activity.title)

    @staticmethod
    def resolve_authors(obj: Any) -> list[str]:
        return list(obj.author_names)

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("api:report_detail", kwargs={"report_id": obj.pk})


class ReportDetailOut(ReportSummaryOut):
    purpose: str
    itinerary: str
    key_takeaways: str
    practical_applications: str
    potential_benefits: str
    topics: list[str]
    contact_ids: list[int] = Field(
        description="Contacts register ids; empty for those who may not read the register."
    )
    contacts_count: int
    contacts_not_in_register: str
    recommendations: list[ReportRecommendationOut]
    authors_signed: list[ReportAuthorOut]
    attachments: list[ReportAttachmentOut]
    reviews: list[ReportReviewOut]
    shortfalls: list[ReportShortfallOut]
    submitted_at: dt.datetime | None
    acknowledged_at: dt.datetime | None
    allowed_transitions: list[str]

    @staticmethod
    def resolve_topics(obj: Any) -> list[str]:
        return [t.name for t in obj.topics.all()]

    @staticmethod
    def resolve_contact_ids(obj: Any) -> list[int]:
        return list(obj.visible_contact_ids)

    @staticmethod
    def resolve_contacts_count(obj: Any) -> int:
        return int(obj.contacts.count())

    @staticmethod
    def resolve_recommendations(obj: Any) -> list[Any]:
        return list(obj.recommendations.all())

    @staticmethod
    def resolve_authors_signed(obj: Any) -> list[Any]:
        return list(obj.authors.all())

    @staticmethod
    def resolve_attachments(obj: Any) -> list[Any]:
        return list(obj.attachment_list)

    @staticmethod
    def resolve_reviews(obj: Any) -> list[Any]:
        return list(obj.review_list)

    @staticmethod
    def resolve_shortfalls(obj: Any) -> list[dict[str, str]]:
        return [{"field": s.field, "message": s.message} for s in obj.shortfalls]


ReportList = list_of(ReportSummaryOut, "EvaluationReportList")


class ReportFilterParams(Schema):
    status: ReportStatus | None = None
    activity_id: Id | None = None


class ReportListParams(PageParams, ReportFilterParams):
    pass


class ReportExportParams(ExportParams, ReportFilterParams):
    pass


class ReportCreateIn(Schema):
    participation_ids: list[Id] = Field(
        min_length=1,
        description="The authors: one participant, or several for a co-signed group report.",
    )


class ReportContentIn(Schema):
    """The whole content of a report (a PUT replaces it); a draft may be incomplete."""

    purpose: str = ""
    itinerary: str = ""
    key_takeaways: str = ""
    practical_applications: str = ""
    potential_benefits: str = ""
    topics: list[str] = Field(default_factory=list)
    contact_ids: list[Id] = Field(
        default_factory=list, description="Contacts of this activity in the register."
    )
    contacts_not_in_register: str = ""
    recommendations: list[str] = Field(default_factory=list, description="In order.")


class ReportTransitionIn(Schema):
    name: TransitionName
    reason: str = Field("", description="Required to return: what must be corrected.")
    resubmit_by: dt.date | None = Field(None, description="Required to return.")
    checklist: dict[str, bool] = Field(
        default_factory=dict,
        description="Review only: " + ", ".join(CHECKLIST_KEYS) + ". Acknowledging needs all.",
    )


class ReportToStartOut(Schema):
    participation_id: int
    activity_id: int
    activity_title: str
    activity_end_date: dt.date
    due: dt.date
    overdue: bool

    @staticmethod
    def resolve_participation_id(obj: Any) -> int:
        return int(obj.pk)

    @staticmethod
    def resolve_activity_title(obj: Any) -> str:
        return str(obj.activity.title)

    @staticmethod
    def resolve_activity_end_date(obj: Any) -> dt.date:
        return obj.activity.end_date  # type: ignore[no-any-return]


ReportToStartListOut = list_of(ReportToStartOut, "ReportsToStartList")


class OwedReportOut(Schema):
    activity_id: int
    activity_title: str
    report_id: int | None
    status: Literal["draft", "returned", "not_started"]
    names: list[str]
    units: list[str]
    due: dt.date
    overdue: bool
    days_overdue: int

    @staticmethod
    def resolve_activity_id(obj: Any) -> int:
        return int(obj.activity.pk)

    @staticmethod
    def resolve_activity_title(obj: Any) -> str:
        return str(obj.activity.title)

    @staticmethod
    def resolve_report_id(obj: Any) -> int | None:
        return obj.report.pk if obj.report is not None else None

    @staticmethod
    def resolve_status(obj: Any) -> str:
        return obj.status or "not_started"


OwedReportListOut = list_of(OwedReportOut, "OwedReportList")


class OwedReportParams(Schema):
    which: Literal["overdue", "due_soon"] = "overdue"
    unit: str | None = Field(
        None, max_length=200, description="The participant's unit as recorded."
    )
    approver_id: Id | None = Field(None, description="Only activities this user approved.")


class ReportSearchParams(Schema):
    q: str = Field("", max_length=200, description="Words to find; empty: no results.")


class ReportSearchHitOut(Schema):
    report: ReportSummaryOut
    rank: float
    snippet: str = Field(description="HTML: escaped text with the matches in <mark>.")
    recommendations: list[ReportRecommendationOut]


ReportSearchListOut = list_of(ReportSearchHitOut, "ReportSearchList")


class ReportHistoryOut(Schema):
    when: dt.datetime
    who: str
    what: str
    status: ReportStatus


ReportHistoryListOut = list_of(ReportHistoryOut, "ReportHistoryList")


class ReportPolicyOut(Schema):
    agency_id: int
    agency_name: str
    due_days: int
    due_soon_days: int
    reminder_interval_days: int
    escalate_after_days: int
    min_purpose: int
    min_itinerary: int
    min_key_takeaways: int
    min_practical_applications: int
    min_potential_benefits: int
    min_recommendations: int
    min_topics: int

    @staticmethod
    def resolve_agency_name(obj: Any) -> str:
        return str(obj.agency.name)


ReportPolicyListOut = list_of(ReportPolicyOut, "ReportPolicyList")


class ReportPolicyIn(Schema):
    due_days: int
    due_soon_days: int
    reminder_interval_days: int
    escalate_after_days: int
    min_purpose: int
    min_itinerary: int
    min_key_takeaways: int
    min_practical_applications: int
    min_potential_benefits: int
    min_recommendations: int
    min_topics: int
