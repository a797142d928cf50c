"""API shapes for funders, contributions, screenings, selections, overrides, Form 801
filings, the 1353 periods and the money views. Keys documented in docs/api.md are a
stability promise. Money goes out as decimal *strings* and comes in only as strings, so
no amount ever passes through a float (ADR 0019)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.urls import reverse
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator

from liaison.core.schemas import (
    ExportParams,
    Id,
    IsoDate,
    PageParams,
    list_of,
    start_to_not_before_start_from,
)
from liaison.funding.models import Determination, FunderType, PaidFor, SelectedBy

Money = str


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


class FunderRef(Schema):
    id: int
    name: str
    funder_type: FunderType


class FunderOut(Schema):
    id: int
    name: str
    funder_type: FunderType
    anonymous: bool
    address: str
    nature_of_business: str
    country: str = Field(description="ISO 3166-1 alpha-2 code, or empty.")
    pass_through: bool
    sources: list[FunderRef] = Field(description="A pass-through funder's own sources.")
    notes: str
    url: str

    @staticmethod
    def resolve_anonymous(obj: Any) -> bool:
        return bool(obj.is_anonymous)

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.country.code or "")

    @staticmethod
    def resolve_sources(obj: Any) -> list[Any]:
        return [link.source for link in obj.sources.select_related("source")]

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("api:funder_detail", kwargs={"funder_id": obj.pk})


FunderList = list_of(FunderOut, "FunderList")


class FunderListParams(PageParams):
    funder_type: FunderType | None = Field(None, description="Only funders of this type.")


class FunderIn(Schema):
    name: str = Field(max_length=300)
    funder_type: FunderType
    agency_id: Id | None = Field(None, description="Needed when you work in several agencies.")
    address: str = ""
    nature_of_business: str = Field("", max_length=300)
    country: str = Field("", description="ISO 3166-1 alpha-2 code.")
    pass_through: bool = False
    notes: str = ""


class FunderSourceIn(Schema):
    source_id: Id


class ContributionOut(Schema):
    id: int
    activity_id: int
    funder: FunderRef
    outside: bool = Field(description="Paid by someone other than the department's budget.")
    participation_id: int | None
    paid_for: PaidFor
    description: str
    valuation_method: str
    amount: Money
    currency: str = Field(description="ISO 4217 code.")
    usd_rate: str | None = Field(description="US dollars per unit of `currency`.")
    rate_date: dt.date | None
    usd_amount: Money
    grant_identifier: str
    paid_on: dt.date | None
    form_801_id: int | None
    notes: str

    @staticmethod
    def resolve_outside(obj: Any) -> bool:
        return bool(obj.funder.is_outside)

    @staticmethod
    def resolve_amount(obj: Any) -> str:
        return f"{obj.amount:.2f}"

    @staticmethod
    def resolve_usd_amount(obj: Any) -> str:
        return f"{obj.usd_amount:.2f}"

    @staticmethod
    def resolve_usd_rate(obj: Any) -> str | None:
        return None if obj.usd_rate is None else str(obj.usd_rate)

    @staticmethod
    def resolve_form_801_id(obj: Any) -> int | None:
        form = getattr(obj, "form_801", None)
        return form.pk if form else None


ContributionList = list_of(ContributionOut, "ContributionList")


class ContributionFilterParams(Schema):
    year: int | None = Field(None, ge=1900, le=2999, description="Only activities started then.")
    funder_type: FunderType | None = Field(None, description="Only funders of this type.")
    paid_for: PaidFor | None = Field(None, description="Only contributions paying for this.")
    funder: Id | None = Field(None, description="Only this funder's contributions (funder id).")
    agency: Id | None = Field(None, description="Agency id.")


class ContributionListParams(PageParams, ContributionFilterParams):
    pass


class ContributionExportParams(ExportParams, ContributionFilterParams):
    pass


class ContributionIn(Schema):
    funder_id: Id
    paid_for: PaidFor
    amount: str = Field(description='A decimal string, e.g. "1250.00" (never a JSON number).')
    currency: str = Field("USD", description="ISO 4217 code.")
    usd_rate: str | None = Field(None, description="Required unless USD: US dollars per unit.")
    rate_date: dt.date | None = Field(None, description="Required with `usd_rate`.")
    participation_id: Id | None = Field(None, description="Empty: for the whole activity.")
    description: str = Field("", max_length=300)
    valuation_method: str = Field("", max_length=300, description="Required for in_kind.")
    grant_identifier: str = Field("", max_length=100)
    paid_on: dt.date | None = None
    notes: str = ""


class ContributionCorrectionIn(ContributionIn):
    """The whole contribution as it should read (what is left out takes its default), and
    why it is corrected."""

    reason: str = Field(
        min_length=1, max_length=100, description="Why it is corrected; kept in the history."
    )


class ScreeningOut(Schema):
    id: int
    funder: FunderRef
    business_before_department: bool
    has_contracts: bool
    pending_matters: bool
    lobbying: bool
    determination: Determination
    rationale: str
    reviewer_name: str
    screened_on: dt.date


class ScreeningIn(Schema):
    funder_id: Id
    determination: Determination
    business_before_department: bool = False
    has_contracts: bool = False
    pending_matters: bool = False
    lobbying: bool = False
    rationale: str = Field("", description="Required when any answer is yes.")
    screened_on: dt.date | None = Field(None, description="Default: today.")


class SelectionOut(Schema):
    participation_id: int
    selected_by: SelectedBy
    selector_name: str
    selector_employee_id: int | None
    selector_is_agency_head: bool
    self_selection: bool
    acceptable: bool
    selected_on: dt.date | None

    @staticmethod
    def resolve_self_selection(obj: Any) -> bool:
        return bool(obj.is_self_selection)


class SelectionIn(Schema):
    participation_id: Id
    selected_by: SelectedBy
    selector_name: str = Field(max_length=200)
    selector_employee_id: Id | None = None
    selector_is_agency_head: bool = False
    selected_on: dt.date | None = None


class OverrideOut(Schema):
    official_name: str
    reason: str
    made_on: dt.date


class OverrideIn(Schema):
    reason: str


class ActivityFundingOut(Schema):
    """An activity's funding record and what it still lacks for approval."""

    activity_id: int
    on_record: bool = Field(description="False: no funding recorded at all (a gap, not $0).")
    outside_funded: bool
    total_usd: Money | None
    outside_usd: Money
    contributions: list[ContributionOut]
    screenings: list[ScreeningOut]
    selections: list[SelectionOut]
    anonymous_override: OverrideOut | None
    problems: list[str] = Field(description="Why approval would be refused, as sentences.")

    @staticmethod
    def resolve_activity_id(obj: Any) -> int:
        return int(obj.activity.pk)

    @staticmethod
    def resolve_total_usd(obj: Any) -> str | None:
        return _money(obj.total_usd)

    @staticmethod
    def resolve_outside_usd(obj: Any) -> str:
        return f"{obj.outside_usd:.2f}"

    @staticmethod
    def resolve_anonymous_override(obj: Any) -> Any:
        return obj.override

    @staticmethod
    def resolve_problems(obj: Any) -> list[str]:
        return list(obj.problem_texts)


class Form801In(Schema):
    official_use: str


class Form801Patch(Schema):
    """Only the keys sent are changed; an unknown key is refused (422)."""

    model_config = ConfigDict(extra="forbid")

    official_use: str | None = None
    verified_by_name: str | None = Field(None, max_length=200)
    verified_on: dt.date | None = None
    posted_on: dt.date | None = None


class Form801Out(Schema):
    id: int
    contribution_id: int
    official_use: str
    verified_by_name: str
    verified_on: dt.date | None
    posted_on: dt.date | None
    fields: dict[str, str] = Field(description="The printed form's fields, in its order.")
    pdf_url: str

    @staticmethod
    def resolve_fields(obj: Any) -> dict[str, str]:
        from liaison.funding.selectors import form801_fields

        return form801_fields(obj)

    @staticmethod
    def resolve_pdf_url(obj: Any) -> str:
        return reverse("api:form801_pdf", kwargs={"form_id": obj.pk})


class PostingOut(Schema):
    contribution_id: int
    activity_id: int
    activity_title: str
    funder: str
    usd_amount: Money
    used_on: dt.date
    quarter_total_usd: Money
    required: bool
    deadline: dt.date
    state: Literal["posted", "posted_late", "due", "overdue", "not_required", "missing"]
    text: str
    form_801_id: int | None

    @staticmethod
    def resolve_contribution_id(obj: Any) -> int:
        return int(obj.contribution.pk)

    @staticmethod
    def resolve_activity_id(obj: Any) -> int:
        return int(obj.contribution.activity_id)

    @staticmethod
    def resolve_activity_title(obj: Any) -> str:
        return str(obj.contribution.activity.title)

    @staticmethod
    def resolve_funder(obj: Any) -> str:
        return str(obj.contribution.funder.name)

    @staticmethod
    def resolve_usd_amount(obj: Any) -> str:
        return f"{obj.contribution.usd_amount:.2f}"

    @staticmethod
    def resolve_quarter_total_usd(obj: Any) -> str:
        return f"{obj.quarter_total_usd:.2f}"

    @staticmethod
    def resolve_form_801_id(obj: Any) -> int | None:
        return obj.form.pk if obj.form else None


PostingList = list_of(PostingOut, "Form801PostingList")


class PostingListParams(PageParams):
    state: Literal["posted", "posted_late", "due", "overdue", "not_required", "missing"] | None = (
        Field(None, description="Only payments in this posting state.")
    )


class PeriodOut(Schema):
    period_start: dt.date
    period_end: dt.date
    due: dt.date
    state: Literal["filed", "filed_late", "due", "overdue"]
    text: str
    filed_on: dt.date | None
    payments: int | None = Field(description="Rows filed (0: a negative report).")
    xlsx_url: str

    @staticmethod
    def resolve_filed_on(obj: Any) -> dt.date | None:
        return obj.report.filed_on if obj.report else None

    @staticmethod
    def resolve_payments(obj: Any) -> int | None:
        return obj.report.payments if obj.report else None

    @staticmethod
    def resolve_xlsx_url(obj: Any) -> str:
        return reverse("api:report1353_xlsx", kwargs={"period_start": obj.period_start})


class Report1353In(Schema):
    period_start: dt.date = Field(description="1 April or 1 October.")
    filed_on: dt.date | None = Field(None, description="Default: today.")
    agency_id: Id | None = None


class CountryCost(Schema):
    country: str
    activities: int
    with_funding: int
    total_usd: Money


class YearCost(Schema):
    year: int
    activities: int
    with_funding: int
    total_usd: Money
    outside_usd: Money


class FunderTypeCost(Schema):
    funder_type: FunderType
    label: str
    total_usd: Money
    activities: int


class ActivityRef(Schema):
    id: int
    title: str
    start_date: dt.date


class MoneySummaryOut(Schema):
    activities: int
    with_funding: int
    without_funding: int = Field(description="Activities with no funding on record (gaps).")
    outside_funded: int
    outside_share: float | None = Field(description="outside_funded / activities.")
    total_usd: Money
    outside_usd: Money
    by_country: list[CountryCost]
    by_year: list[YearCost]
    by_funder_type: list[FunderTypeCost]
    missing_disclosure: list[ActivityRef] = Field(
        description="Outside-funded activities with a payment that has no Form 801."
    )


class MoneyParams(Schema):
    year: int | None = Field(None, ge=1900, le=2999, description="Only activities started then.")
    country: str | None = Field(
        None, pattern=r"^[A-Za-z]{2}$", description="Only activities with a location in it."
    )
    start_from: IsoDate | None = Field(None, description="Start date on or after (YYYY-MM-DD).")
    start_to: IsoDate | None = Field(None, description="Start date on or before (YYYY-MM-DD).")

    _dates_in_order = field_validator("start_to")(start_to_not_before_start_from)


class AgencyParams(Schema):
    agency_id: Id | None = Field(None, description="Needed when you read several agencies.")
