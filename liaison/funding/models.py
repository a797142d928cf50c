"""Who paid: funders, contributions, conflict-of-interest screenings, traveller selections,
anonymous-funding overrides, and the disclosure filings outside payments trigger
(California Form 801, the federal 31 U.S.C. 1353 semiannual report). ADR 0019.

Money is ``Decimal`` with two places, in the currency paid, plus its US-dollar amount at a
recorded rate and date; the database refuses a non-positive amount, a code that is not
three capital letters, and a foreign amount without a rate.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from liaison.accounts.models import Agency
from liaison.activities.models import Activity, Participation
from liaison.funding.workflow import funding_problems
from liaison.people.models import Employee


class FunderType(models.TextChoices):
    # Values are stored and promised in the API: add new ones, never rename.
    DEPARTMENT = "department", "Department budget"
    FEDERAL_GRANT = "federal_grant", "Federal grant"
    STATE_GRANT = "state_grant", "State grant"
    POLICE_FOUNDATION = "police_foundation", "Police foundation"
    HOST_GOVERNMENT = "host_government", "Host government"
    INTERNATIONAL_BODY = "international_body", "International body"
    NGO = "ngo", "Non-governmental organisation"
    COMPANY = "company", "Company"
    INDIVIDUAL = "individual", "Individual"
    ANONYMOUS = "anonymous", "Anonymous"


# Who is not an "outside source": the department's own budget. Grants are outside money
# (the IG counted them so), though federal grants are not a "non-federal source" for 1353.
INSIDE_TYPES = frozenset({FunderType.DEPARTMENT})
FEDERAL_TYPES = frozenset({FunderType.DEPARTMENT, FunderType.FEDERAL_GRANT})


class Funder(models.Model):
    """Someone who pays, as the department records them. A pass-through funder (a
    foundation passing on others' money) names its own sources (``FunderSource``)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=300)
    funder_type = models.CharField("type", max_length=20, choices=FunderType.choices)
    address = models.TextField(blank=True)
    nature_of_business = models.CharField(max_length=300, blank=True)
    country = CountryField(blank=True)
    pass_through = models.BooleanField(
        "passes on others' money",
        default=False,
        help_text="A foundation or body that passes on money from its own donors.",
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="funder_name_once"),
            models.CheckConstraint(
                condition=Q(funder_type__in=FunderType.values), name="funder_type_valid"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="funder_named"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_outside(self) -> bool:
        return self.funder_type not in INSIDE_TYPES

    @property
    def is_anonymous(self) -> bool:
        return self.funder_type == FunderType.ANONYMOUS


class FunderSource(models.Model):
    """One of a pass-through funder's own sources (Form 801: the donor names them)."""

    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="sources")
    source = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="passed_through")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["funder", "source__name"]
        constraints = [
            models.UniqueConstraint(fields=["funder", "source"], name="funder_source_once"),
            models.CheckConstraint(
                condition=~Q(funder=F("source")), name="funder_source_not_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} through {self.funder}"


class PaidFor(models.TextChoices):
    TRANSPORT = "transport", "Transport"
    LODGING = "lodging", "Lodging"
    MEALS = "meals", "Meals"
    REGISTRATION = "registration", "Registration"
    OTHER = "other", "Other"
    IN_KIND = "in_kind", "In kind"


class Contribution(models.Model):
    """One payment (or in-kind gift) towards an activity, for all its travellers or for
    one participant, in the currency paid and in US dollars at a recorded rate."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="contributions")
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="contributions")
    participation = models.ForeignKey(
        Participation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        help_text="Empty: for the activity as a whole.",
    )
    paid_for = models.CharField("what it paid", max_length=20, choices=PaidFor.choices)
    description = models.CharField(
        max_length=300, blank=True, help_text="Required for Other and In kind."
    )
    valuation_method = models.CharField(
        "in-kind valuation method",
        max_length=300,
        blank=True,
        help_text="How an in-kind gift "
        "was valued (e.g. the provider's published rate); required for In kind.",
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, default="USD")
    usd_rate = models.DecimalField(
        "US dollars per unit", max_digits=14, decimal_places=6, null=True, blank=True
    )
    rate_date = models.DateField("rate date", null=True, blank=True)
    usd_amount = models.DecimalField("amount (USD)", max_digits=12, decimal_places=2)
    grant_identifier = models.CharField(max_length=100, blank=True)
    paid_on = models.DateField("payment date", null=True, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["activity", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contribution_amount_positive"),
            models.CheckConstraint(
                condition=Q(usd_amount__gt=0), name="contribution_usd_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(currency__regex=r"^[A-Z]{3}$"), name="contribution_currency_iso"
            ),
            models.CheckConstraint(
                condition=Q(currency="USD")
                | Q(usd_rate__isnull=False, usd_rate__gt=0, rate_date__isnull=False),
                name="contribution_foreign_has_rate",
            ),
            models.CheckConstraint(
                condition=~Q(currency="USD") | Q(usd_amount=F("amount")),
                name="contribution_usd_is_amount",
            ),
            models.CheckConstraint(
                condition=Q(paid_for__in=PaidFor.values), name="contribution_paid_for_valid"
            ),
            models.CheckConstraint(
                condition=~Q(paid_for="in_kind") | ~Q(valuation_method=""),
                name="contribution_in_kind_valued",
            ),
        ]
        indexes = [models.Index(fields=["agency", "paid_on"], name="contribution_agency_paid")]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} from {self.funder} for {self.activity}"

    @classmethod
    def problems_for(cls, activity: Any) -> list[str]:
        """The rule behind the activity workflow's funding guards, which reach it through
        ``activity.contributions.model`` (the workflow imports nothing from this app)."""
        return funding_problems(activity)


class Determination(models.TextChoices):
    NO_CONFLICT = "no_conflict", "No conflict"
    MITIGATED = "mitigated", "Conflict, mitigated (conditions recorded)"
    DECLINE = "decline", "Conflict: decline the funding"


class ConflictScreening(models.Model):
    """A conflict-of-interest screening of one funder for one activity: the four
    questions, the determination, and the reviewer as named that day."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="conflict_screenings"
    )
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="screenings")
    business_before_department = models.BooleanField(
        "has business before the department", default=False
    )
    has_contracts = models.BooleanField("holds or seeks contracts with the city", default=False)
    pending_matters = models.BooleanField("has matters pending with the department", default=False)
    lobbying = models.BooleanField("lobbies the department or the city", default=False)
    determination = models.CharField(max_length=20, choices=Determination.choices)
    rationale = models.TextField(blank=True, help_text="Required unless every answer is no.")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewer_name = models.CharField("reviewer (as named that day)", max_length=200)
    screened_on = models.DateField("date")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["activity", "funder__name"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "funder"], name="screening_once"),
            models.CheckConstraint(
                condition=Q(determination__in=Determination.values),
                name="screening_determination_valid",
            ),
            models.CheckConstraint(
                condition=Q(
                    business_before_department=False,
                    has_contracts=False,
                    pending_matters=False,
                    lobbying=False,
                )
                | ~Q(rationale=""),
                name="screening_yes_has_rationale",
            ),
        ]

    def __str__(self) -> str:
        return f"Screening of {self.funder} for {self.activity}"

    @property
    def any_yes(self) -> bool:
        return any(
            (
                self.business_before_department,
                self.has_contracts,
                self.pending_matters,
                self.lobbying,
            )
        )


class SelectedBy(models.TextChoices):
    AGENCY = "agency", "The agency"
    FUNDER = "funder", "The funder"


class TravellerSelection(models.Model):
    """Who selected one traveller of an activity (Form 801: the agency, not the donor,
    selects who travels; the agency head may not select themself)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    participation = models.OneToOneField(
        Participation, on_delete=models.PROTECT, related_name="selection"
    )
    selected_by = models.CharField(max_length=10, choices=SelectedBy.choices)
    selector_name = models.CharField("selected by (name and title that day)", max_length=200)
    selector_is_agency_head = models.BooleanField("selector is the agency head", default=False)
    selector_employee = models.ForeignKey(
        Employee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The employee who selected, when an employee of ours did.",
    )
    selected_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["participation"]
        constraints = [
            models.CheckConstraint(
                condition=Q(selected_by__in=SelectedBy.values), name="selection_by_valid"
            ),
            models.CheckConstraint(condition=~Q(selector_name=""), name="selection_named"),
        ]

    def __str__(self) -> str:
        return f"{self.participation} selected by {self.selector_name}"

    @property
    def acceptable(self) -> bool:
        return self.selected_by == SelectedBy.AGENCY and not (
            self.selector_is_agency_head and self.is_self_selection
        )

    @property
    def is_self_selection(self) -> bool:
        return (
            self.selector_employee_id is not None
            and self.selector_employee_id == self.participation.employee_id
        )


class AnonymousOverride(models.Model):
    """A named official's decision to let an activity with anonymous funding proceed to
    approval, with the reason (recorded, never silent)."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    activity = models.OneToOneField(
        Activity, on_delete=models.PROTECT, related_name="anonymous_override"
    )
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    official_name = models.CharField("official (as named that day)", max_length=200)
    reason = models.TextField()
    made_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="override_has_reason"),
            models.CheckConstraint(condition=~Q(official_name=""), name="override_named"),
        ]

    def __str__(self) -> str:
        return f"Anonymous funding override for {self.activity}"


class Form801(models.Model):
    """The California Form 801 record of one outside payment: the contribution holds the
    payment's facts; this holds what the filing adds (official use, the agency head's
    verification) and when it was posted on the agency's website."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    contribution = models.OneToOneField(
        Contribution, on_delete=models.PROTECT, related_name="form_801"
    )
    official_use = models.TextField("description of official use")
    verified_by_name = models.CharField(
        "verified by (agency head or designee, as named that day)", max_length=200, blank=True
    )
    verified_on = models.DateField(null=True, blank=True)
    posted_on = models.DateField("posted on the website", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["contribution"]
        constraints = [
            models.CheckConstraint(
                condition=Q(verified_on__isnull=True) | ~Q(verified_by_name=""),
                name="form801_verifier_named",
            ),
            models.CheckConstraint(
                condition=Q(posted_on__isnull=True) | Q(verified_on__isnull=False),
                name="form801_verified_before_posting",
            ),
        ]

    def __str__(self) -> str:
        return f"Form 801 for {self.contribution}"


class SemiannualReport(models.Model):
    """That the agency filed its 31 U.S.C. 1353 report for a half-year (April–September,
    due 30 November; October–March, due 31 May). The rows are computed from the
    contributions (``selectors.report_1353``); this records the filing."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    period_start = models.DateField(help_text="1 April or 1 October.")
    filed_on = models.DateField()
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    payments = models.PositiveIntegerField(help_text="Rows reported (0: a negative report).")
    total_usd = models.DecimalField(max_digits=14, decimal_places=2, default=Decimal("0"))
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "period_start"], name="report1353_once"),
            models.CheckConstraint(
                condition=Q(period_start__day=1, period_start__month__in=[4, 10]),
                name="report1353_period_start",
            ),
            models.CheckConstraint(condition=Q(total_usd__gte=0), name="report1353_total"),
        ]

    def __str__(self) -> str:
        return f"1353 report from {self.period_start}"
