"""Writes for funders, contributions, conflict-of-interest screenings, traveller
selections, anonymous-funding overrides and disclosure filings (ADR 0019).

Every write is keyword-only, names its ``actor``, checks the actor's role in the record's
agency, validates everything first (bad money — negative, not a number, an unknown
currency, fractions of a cent, a foreign amount without its rate — is a field error and
changes nothing), runs in one transaction and leaves one history row attributed to the
actor. Pages, the API and ``load_demo`` all come through here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from liaison.accounts.models import Agency
from liaison.activities.models import Activity, Participation
from liaison.core.audit import save_audited
from liaison.core.countries import country_code
from liaison.core.currencies import currency_code
from liaison.core.errors import Forbidden
from liaison.funding.access import (
    NOT_A_FUNDING_EDITOR,
    NOT_A_SCREENER,
    NOT_AN_OVERRIDER,
    can_edit_funding,
    can_override_anonymous,
    can_screen,
)
from liaison.funding.models import (
    AnonymousOverride,
    ConflictScreening,
    Contribution,
    Determination,
    Form801,
    Funder,
    FunderSource,
    FunderType,
    PaidFor,
    SelectedBy,
    SemiannualReport,
    TravellerSelection,
)
from liaison.funding.selectors import period_bounds, report_1353
from liaison.people.models import Employee

CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")  # max_digits=12, decimal_places=2


def _text(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _require(allowed: bool, refusal: str) -> None:
    if not allowed:
        raise Forbidden(refusal)


def parse_decimal(value: Any, *, field: str, places: int, label: str) -> Decimal:
    """``value`` (text or a Decimal, never a float) as a positive Decimal with at most
    ``places`` decimal places, or a ``ValidationError`` on ``field`` saying which rule
    it broke."""
    if isinstance(value, float):
        raise ValidationError({field: [f"Give the {label} as text (e.g. “1250.00”), not a float."]})
    text = str(value if value is not None else "").strip().replace(",", "")
    if not text:
        raise ValidationError({field: [f"Give the {label}."]})
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValidationError(
            {field: [f"“{value}” is not a number: give the {label} such as 1250.00."]}
        )
    if number <= 0:
        raise ValidationError({field: [f"The {label} must be more than zero (you gave {value})."]})
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > places:
        raise ValidationError({field: [f"Give the {label} with at most {places} decimal places."]})
    return number


def parse_amount(value: Any, *, field: str = "amount") -> Decimal:
    amount = parse_decimal(value, field=field, places=2, label="amount")
    if amount > MAX_AMOUNT:
        raise ValidationError({field: ["The amount is too large to be a payment for a trip."]})
    return amount


# --- funders ------------------------------------------------------------------------------


@dataclass
class FunderInput:
    name: str
    funder_type: str
    address: str = ""
    nature_of_business: str = ""
    country: str = ""
    pass_through: bool = False
    notes: str = ""


@transaction.atomic
def funder_create(*, actor: Any, agency: Agency, data: FunderInput) -> Funder:
    """Add a funder to the agency's registry. An anonymous funder is recorded as such
    (its name says how the money came, e.g. "Undisclosed donor through the foundation").
    Coordinators of the agency only."""
    _require(can_edit_funding(actor, agency.pk), NOT_A_FUNDING_EDITOR)
    name = _text(data.name or "")
    if not name:
        raise ValidationError({"name": ["Give the funder's name."]})
    if data.funder_type not in FunderType.values:
        raise ValidationError({"funder_type": ["Choose the funder's type."]})
    if Funder.objects.filter(agency=agency, name__iexact=name).exists():
        raise ValidationError({"name": [f"{name} is already in the funders registry."]})
    funder = Funder(
        agency=agency,
        name=name,
        funder_type=data.funder_type,
        address=_text(data.address),
        nature_of_business=_text(data.nature_of_business),
        country=country_code(data.country),
        pass_through=bool(data.pass_through),
        notes=_text(data.notes),
    )
    save_audited(funder, actor=actor)
    return funder


@transaction.atomic
def funder_source_add(*, actor: Any, funder: Funder, source: Funder) -> FunderSource:
    """Name one of a pass-through funder's own sources (another funder of the registry)."""
    _require(can_edit_funding(actor, funder.agency_id), NOT_A_FUNDING_EDITOR)
    if not funder.pass_through:
        raise ValidationError(
            {"source_id": [f"{funder} does not pass on others' money; mark it so first."]}
        )
    if source.agency_id != funder.agency_id:
        raise ValidationError({"source_id": ["Unknown funder."]})
    if source.pk == funder.pk:
        raise ValidationError({"source_id": ["A funder cannot be its own source."]})
    if FunderSource.objects.filter(funder=funder, source=source).exists():
        raise ValidationError({"source_id": [f"{source} is already named as a source."]})
    link = FunderSource(funder=funder, source=source)
    save_audited(link, actor=actor)
    return link


# --- contributions ------------------------------------------------------------------------


@dataclass
class ContributionInput:
    funder: Funder | None
    paid_for: str
    amount: Any
    currency: str = "USD"
    usd_rate: Any = None
    rate_date: dt.date | None = None
    participation: Participation | None = None
    description: str = ""
    valuation_method: str = ""
    grant_identifier: str = ""
    paid_on: dt.date | None = None
    notes: str = ""


def _money(data: ContributionInput) -> tuple[Decimal, str, Decimal | None, Decimal]:
    """(amount, currency, rate, USD amount), every field checked; all errors at once."""
    errors: dict[str, list[str]] = {}
    amount = currency = rate = None
    try:
        amount = parse_amount(data.amount)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        currency = currency_code(data.currency)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if currency and currency != "USD":
        blank_rate = data.usd_rate is None or str(data.usd_rate).strip() == ""
        if blank_rate:
            errors["usd_rate"] = [
                f"Give the rate to US dollars for {currency} (US dollars per {currency}) "
                "and the date it applied."
            ]
        else:
            try:
                rate = parse_decimal(data.usd_rate, field="usd_rate", places=6, label="rate")
            except ValidationError as exc:
                errors.update(exc.message_dict)
        if data.rate_date is None:
            errors["rate_date"] = [f"Give the date of the {currency} rate."]
    if errors:
        raise ValidationError(errors)
    assert amount is not None and currency is not None
    if currency == "USD":
        return amount, currency, None, amount
    assert rate is not None
    usd = (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)
    if usd <= 0:
        raise ValidationError({"usd_rate": ["At this rate the amount is less than a cent."]})
    if usd > MAX_AMOUNT:
        raise ValidationError({"usd_rate": ["At this rate the amount is too large."]})
    return amount, currency, rate, usd


def _contribution_fields(activity: Activity, data: ContributionInput) -> dict[str, Any]:
    """The checked field values of a contribution towards ``activity``: what recording
    and correcting a contribution both require."""
    amount, currency, rate, usd = _money(data)
    funder = data.funder
    if funder is None or funder.agency_id != activity.agency_id:
        raise ValidationError({"funder": ["Choose a funder from the agency's registry."]})
    if data.paid_for not in PaidFor.values:
        raise ValidationError({"paid_for": ["Choose what it paid for."]})
    if data.paid_for in (PaidFor.OTHER, PaidFor.IN_KIND) and not (data.description or "").strip():
        raise ValidationError({"description": ["Describe what was paid or given."]})
    if data.paid_for == PaidFor.IN_KIND and not (data.valuation_method or "").strip():
        raise ValidationError(
            {
                "valuation_method": [
                    "Say how the in-kind gift was valued (e.g. the provider's rate)."
                ]
            }
        )
    if data.participation is not None and data.participation.activity_id != activity.pk:
        raise ValidationError({"participation": ["That participant is not on this activity."]})
    return {
        "funder": funder,
        "participation": data.participation,
        "paid_for": data.paid_for,
        "description": _text(data.description),
        "valuation_method": _text(data.valuation_method),
        "amount": amount,
        "currency": currency,
        "usd_rate": rate,
        "rate_date": data.rate_date if rate is not None else None,
        "usd_amount": usd,
        "grant_identifier": _text(data.grant_identifier),
        "paid_on": data.paid_on,
        "notes": _text(data.notes),
    }


@transaction.atomic
def contribution_create(*, actor: Any, activity: Activity, data: ContributionInput) -> Contribution:
    """Record one payment (or in-kind gift) towards ``activity``, for the whole activity
    or one participant, with its US-dollar amount at the recorded rate. Coordinators of
    the activity's agency only."""
    _require(can_edit_funding(actor, activity.agency_id), NOT_A_FUNDING_EDITOR)
    contribution = Contribution(
        agency_id=activity.agency_id, activity=activity, **_contribution_fields(activity, data)
    )
    save_audited(contribution, actor=actor)
    return contribution


CORRECTION_REASON_MAX_LENGTH = 100  # the history row's change reason


@transaction.atomic
def contribution_correct(
    *, actor: Any, contribution: Contribution, data: ContributionInput, reason: str
) -> Contribution:
    """Correct a recorded contribution (a mistyped amount, the wrong funder), saying why;
    the history keeps what it said before. Coordinators of the activity's agency only. A
    payment whose Form 801 the agency head has verified is not changed: the verified form
    describes it as it was. A correction that changes nothing writes no history row."""
    _require(can_edit_funding(actor, contribution.agency_id), NOT_A_FUNDING_EDITOR)
    contribution = (
        Contribution.objects.select_for_update().select_related("activity").get(pk=contribution.pk)
    )
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why the contribution is corrected."]})
    if len(reason) > CORRECTION_REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": [f"Keep the reason to {CORRECTION_REASON_MAX_LENGTH} characters."]}
        )
    verified = (
        Form801.objects.filter(contribution=contribution, verified_on__isnull=False)
        .values_list("verified_on", flat=True)
        .first()
    )
    if verified is not None:
        raise ValidationError(
            {
                "__all__": [
                    f"The Form 801 of this payment was verified on {verified:%d %B %Y}: "
                    "a verified disclosure is not changed."
                ]
            }
        )
    fields = _contribution_fields(contribution.activity, data)
    if all(getattr(contribution, name) == value for name, value in fields.items()):
        return contribution
    for name, value in fields.items():
        setattr(contribution, name, value)
    save_audited(contribution, actor=actor, reason=reason)
    return contribution


# --- conflict-of-interest screening -------------------------------------------------------


@dataclass
class ScreeningInput:
    funder: Funder | None
    determination: str
    business_before_department: bool = False
    has_contracts: bool = False
    pending_matters: bool = False
    lobbying: bool = False
    rationale: str = ""
    screened_on: dt.date | None = None


def _name_of(user: Any) -> str:
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return str(full or user.get_username())


@transaction.atomic
def screening_record(*, actor: Any, activity: Activity, data: ScreeningInput) -> ConflictScreening:
    """Record the conflict-of-interest screening of one funder for ``activity``: the four
    questions, the determination, and the actor as reviewer (their name as it is today is
    kept). Approvers and higher command of the agency; once per funder and activity."""
    _require(can_screen(actor, activity.agency_id), NOT_A_SCREENER)
    funder = data.funder
    if funder is None or funder.agency_id != activity.agency_id:
        raise ValidationError({"funder": ["Choose a funder from the agency's registry."]})
    if not activity.contributions.filter(funder=funder).exists():
        raise ValidationError({"funder": [f"{funder} has paid nothing towards this activity."]})
    if ConflictScreening.objects.filter(activity=activity, funder=funder).exists():
        raise ValidationError({"funder": [f"{funder} is already screened for this activity."]})
    if data.determination not in Determination.values:
        raise ValidationError({"determination": ["Choose a determination."]})
    answers = (
        data.business_before_department,
        data.has_contracts,
        data.pending_matters,
        data.lobbying,
    )
    if any(answers) and not (data.rationale or "").strip():
        raise ValidationError(
            {"rationale": ["A “yes” to any question needs the reasoning behind the determination."]}
        )
    screening = ConflictScreening(
        agency_id=activity.agency_id,
        activity=activity,
        funder=funder,
        business_before_department=bool(data.business_before_department),
        has_contracts=bool(data.has_contracts),
        pending_matters=bool(data.pending_matters),
        lobbying=bool(data.lobbying),
        determination=data.determination,
        rationale=_text(data.rationale),
        reviewer=actor,
        reviewer_name=_name_of(actor),
        screened_on=data.screened_on or timezone.localdate(),
    )
    save_audited(screening, actor=actor)
    return screening


# --- traveller selection ------------------------------------------------------------------


@dataclass
class SelectionInput:
    selected_by: str
    selector_name: str
    selector_employee: Employee | None = None
    selector_is_agency_head: bool = False
    selected_on: dt.date | None = None


@transaction.atomic
def selection_record(
    *, actor: Any, participation: Participation, data: SelectionInput
) -> TravellerSelection:
    """Record who selected one traveller. The facts are kept as they were (a funder's
    choice, an agency head's own name) — the approval guard refuses such a selection,
    which is how the rule is both recorded and checked. Coordinators only; once per
    traveller (a correction is a new participant record's matter, not an overwrite)."""
    activity = participation.activity
    _require(can_edit_funding(actor, activity.agency_id), NOT_A_FUNDING_EDITOR)
    if participation.employee_id is None:
        raise ValidationError({"participation": ["Only our employees are selected to travel."]})
    if TravellerSelection.objects.filter(participation=participation).exists():
        raise ValidationError(
            {"participation": ["This traveller's selection is already recorded."]}
        )
    if data.selected_by not in SelectedBy.values:
        raise ValidationError({"selected_by": ["Say whether the agency or the funder selected."]})
    if not (data.selector_name or "").strip():
        raise ValidationError({"selector_name": ["Name who selected the traveller."]})
    employee = data.selector_employee
    if employee is not None and employee.agency_id != activity.agency_id:
        raise ValidationError({"selector_employee": ["Unknown employee."]})
    selection = TravellerSelection(
        agency_id=activity.agency_id,
        participation=participation,
        selected_by=data.selected_by,
        selector_name=_text(data.selector_name),
        selector_employee=employee,
        selector_is_agency_head=bool(data.selector_is_agency_head),
        selected_on=data.selected_on,
    )
    save_audited(selection, actor=actor)
    return selection


# --- anonymous funding --------------------------------------------------------------------


@transaction.atomic
def anonymous_override_record(*, actor: Any, activity: Activity, reason: str) -> AnonymousOverride:
    """A named official (higher command of the agency) lets an activity with anonymous
    funding go to approval, with the reason; the actor is the official, named as they
    are today. Only when anonymous funding is on record; once per activity."""
    _require(can_override_anonymous(actor, activity.agency_id), NOT_AN_OVERRIDER)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Give the reason for letting anonymous funding stand."]})
    if not activity.contributions.filter(funder__funder_type=FunderType.ANONYMOUS).exists():
        raise ValidationError({"reason": ["This activity has no anonymous funding to override."]})
    if AnonymousOverride.objects.filter(activity=activity).exists():
        raise ValidationError({"reason": ["An override is already recorded for this activity."]})
    override = AnonymousOverride(
        agency_id=activity.agency_id,
        activity=activity,
        official=actor,
        official_name=_name_of(actor),
        reason=reason,
        made_on=timezone.localdate(),
    )
    save_audited(override, actor=actor)
    return override


# --- Form 801 -----------------------------------------------------------------------------


@transaction.atomic
def form801_create(*, actor: Any, contribution: Contribution, official_use: str) -> Form801:
    """Start the Form 801 record of one outside payment, with the description of its
    official use. Coordinators only; not for the department's own budget."""
    _require(can_edit_funding(actor, contribution.agency_id), NOT_A_FUNDING_EDITOR)
    if not contribution.funder.is_outside:
        raise ValidationError(
            {"contribution": ["The department's own budget is not a payment to disclose."]}
        )
    if Form801.objects.filter(contribution=contribution).exists():
        raise ValidationError({"contribution": ["This payment already has its Form 801."]})
    if not (official_use or "").strip():
        raise ValidationError({"official_use": ["Describe the official use of the payment."]})
    form = Form801(
        agency_id=contribution.agency_id,
        contribution=contribution,
        official_use=official_use.strip(),
    )
    save_audited(form, actor=actor)
    return form


@transaction.atomic
def form801_update(
    *,
    actor: Any,
    form: Form801,
    official_use: str | None = None,
    verified_by_name: str | None = None,
    verified_on: dt.date | None = None,
    posted_on: dt.date | None = None,
) -> Form801:
    """Change the official use, record the agency head's verification (name and date),
    or the day the form was posted on the website (only once verified). A change that
    changes nothing writes no history row."""
    _require(can_edit_funding(actor, form.agency_id), NOT_A_FUNDING_EDITOR)
    form = Form801.objects.select_for_update().get(pk=form.pk)
    before = (form.official_use, form.verified_by_name, form.verified_on, form.posted_on)
    if official_use is not None:
        if not official_use.strip():
            raise ValidationError({"official_use": ["Describe the official use of the payment."]})
        form.official_use = official_use.strip()
    if verified_on is not None:
        name = (verified_by_name or form.verified_by_name or "").strip()
        if not name:
            raise ValidationError({"verified_by_name": ["Name who verified the form."]})
        form.verified_by_name, form.verified_on = name, verified_on
    elif verified_by_name:
        raise ValidationError({"verified_on": ["Give the date of the verification."]})
    if posted_on is not None:
        if form.verified_on is None:
            raise ValidationError(
                {"posted_on": ["The agency head verifies the form before it is posted."]}
            )
        if posted_on < form.verified_on:
            raise ValidationError({"posted_on": ["A form cannot be posted before it is verified."]})
        form.posted_on = posted_on
    if (form.official_use, form.verified_by_name, form.verified_on, form.posted_on) == before:
        return form
    save_audited(form, actor=actor)
    return form


# --- the 1353 semiannual report -----------------------------------------------------------


@transaction.atomic
def semiannual_report_file(
    *, actor: Any, agency: Agency, period_start: dt.date, filed_on: dt.date | None = None
) -> SemiannualReport:
    """Record that the agency filed its 1353 report for the half-year starting on
    ``period_start`` (1 April or 1 October): the rows and total are taken from the
    contributions as they are now (a period without payments is a negative report).
    Coordinators only; once per period; not before the period ends."""
    _require(can_edit_funding(actor, agency.pk), NOT_A_FUNDING_EDITOR)
    try:
        start, end = period_bounds(period_start)
    except ValueError as exc:
        raise ValidationError({"period_start": [str(exc)]}) from None
    filed = filed_on or timezone.localdate()
    if filed <= end:
        raise ValidationError(
            {"filed_on": [f"The period runs to {end}: file its report after it ends."]}
        )
    if SemiannualReport.objects.filter(agency=agency, period_start=start).exists():
        raise ValidationError({"period_start": ["This period's report is already filed."]})
    rows = report_1353(agency=agency, period_start=start)
    report = SemiannualReport(
        agency=agency,
        period_start=start,
        filed_on=filed,
        filed_by=actor,
        payments=len(rows),
        total_usd=sum((r.total_usd for r in rows), Decimal("0")),
    )
    save_audited(report, actor=actor)
    return report
