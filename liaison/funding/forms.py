"""HTML input for funders, contributions, screenings, selections, overrides and filings.
The forms only parse what the browser sends — money stays *text* here, so the service
gives the one set of sentences for a bad amount on both doors; every rule lives in
``funding.services``, whose field errors are put back on the rows
(``people.forms.apply_service_errors``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet

from liaison.activities.models import Participation
from liaison.core.forms import UswdsForm
from liaison.funding.models import Determination, Funder, FunderType, PaidFor, SelectedBy
from liaison.funding.services import (
    ContributionInput,
    FunderInput,
    ScreeningInput,
    SelectionInput,
)
from liaison.people.forms import apply_service_errors, country_choices
from liaison.people.models import Employee

__all__ = ["apply_service_errors"]

DATE = forms.DateInput(attrs={"type": "date"})
TEXTAREA = forms.Textarea(attrs={"rows": 3})


def _choices(choices: Any, blank: str) -> list[tuple[str, str]]:
    return [("", blank), *[(str(v), str(label)) for v, label in choices]]


class FunderForm(UswdsForm):
    name = forms.CharField(label="Name", max_length=300)
    funder_type = forms.ChoiceField(label="Type", choices=_choices(FunderType.choices, "Choose…"))
    address = forms.CharField(label="Address", required=False, widget=TEXTAREA)
    nature_of_business = forms.CharField(label="Nature of business", required=False, max_length=300)
    country = forms.ChoiceField(label="Country", required=False, choices=[])
    pass_through = forms.BooleanField(
        label="Passes on others' money (e.g. a foundation): it must name its sources",
        required=False,
    )
    notes = forms.CharField(label="Notes", required=False, widget=TEXTAREA)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices("Not given")  # type: ignore[attr-defined]

    def funder_input(self) -> FunderInput:
        return FunderInput(**self.cleaned_data)


class FunderSourceForm(UswdsForm):
    source = forms.ModelChoiceField(
        label="Source (a funder of the registry)", queryset=Funder.objects.none()
    )

    def __init__(self, *args: Any, funders: QuerySet[Funder], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = funders  # type: ignore[attr-defined]


class ContributionForm(UswdsForm):
    funder = forms.ModelChoiceField(
        label="Funder",
        queryset=Funder.objects.none(),
        help_text="Missing? Add it to the funders registry first.",
    )
    paid_for = forms.ChoiceField(label="What it paid", choices=_choices(PaidFor.choices, "Choose…"))
    amount = forms.CharField(
        label="Amount", max_length=30, help_text="In the currency paid, e.g. 1250.00."
    )
    currency = forms.CharField(label="Currency (ISO 4217)", max_length=10, initial="USD")
    usd_rate = forms.CharField(
        label="US dollars per unit",
        required=False,
        max_length=30,
        help_text="Required unless the currency is USD.",
    )
    rate_date = forms.DateField(label="Date of the rate", required=False, widget=DATE)
    participation = forms.ModelChoiceField(
        label="For one participant",
        queryset=Participation.objects.none(),
        required=False,
        help_text="Empty: for the whole activity.",
    )
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=300,
        help_text="Required for Other and In kind.",
    )
    valuation_method = forms.CharField(
        label="In-kind valuation method", required=False, max_length=300
    )
    grant_identifier = forms.CharField(label="Grant identifier", required=False, max_length=100)
    paid_on = forms.DateField(label="Payment date", required=False, widget=DATE)
    notes = forms.CharField(label="Notes", required=False, widget=TEXTAREA)

    def __init__(
        self,
        *args: Any,
        funders: QuerySet[Funder],
        participants: QuerySet[Participation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = funders  # type: ignore[attr-defined]
        self.fields["participation"].queryset = participants  # type: ignore[attr-defined]

    def contribution_input(self) -> ContributionInput:
        data = {k: v for k, v in self.cleaned_data.items() if k != "reason"}
        return ContributionInput(**data)


class ContributionCorrectionForm(ContributionForm):
    """The contribution form, filled with what is recorded, and the reason for the change
    (kept in the history)."""

    reason = forms.CharField(
        label="Why it is corrected",
        max_length=100,
        help_text="Required; up to 100 characters. Kept in the change history.",
    )

    @staticmethod
    def initial_from(contribution: Any) -> dict[str, Any]:
        return {
            "funder": contribution.funder_id,
            "paid_for": contribution.paid_for,
            "amount": contribution.amount,
            "currency": contribution.currency,
            "usd_rate": contribution.usd_rate if contribution.usd_rate is not None else "",
            "rate_date": contribution.rate_date,
            "participation": contribution.participation_id,
            "description": contribution.description,
            "valuation_method": contribution.valuation_method,
            "grant_identifier": contribution.grant_identifier,
            "paid_on": contribution.paid_on,
            "notes": contribution.notes,
        }


class ScreeningForm(UswdsForm):
    funder = forms.ModelChoiceField(label="Funder screened", queryset=Funder.objects.none())
    business_before_department = forms.BooleanField(
        label="Has business before the department", required=False
    )
    has_contracts = forms.BooleanField(
        label="Holds or seeks contracts with the city", required=False
    )
    pending_matters = forms.BooleanField(
        label="Has matters pending with the department", required=False
    )
    lobbying = forms.BooleanField(label="Lobbies the department or the city", required=False)
    determination = forms.ChoiceField(
        label="Determination", choices=_choices(Determination.choices, "Choose…")
    )
    rationale = forms.CharField(
        label="Reasoning",
        required=False,
        widget=TEXTAREA,
        help_text="Required when any answer is yes.",
    )
    screened_on = forms.DateField(
        label="Date", required=False, widget=DATE, help_text="Empty: today."
    )

    def __init__(self, *args: Any, funders: QuerySet[Funder], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = funders  # type: ignore[attr-defined]

    def screening_input(self) -> ScreeningInput:
        return ScreeningInput(**self.cleaned_data)


class SelectionForm(UswdsForm):
    participation = forms.ModelChoiceField(label="Traveller", queryset=Participation.objects.none())
    selected_by = forms.ChoiceField(
        label="Selected by", choices=_choices(SelectedBy.choices, "Choose…")
    )
    selector_name = forms.CharField(label="Name and title of who selected", max_length=200)
    selector_employee = forms.ModelChoiceField(
        label="The selector, if an employee of ours",
        queryset=Employee.objects.none(),
        required=False,
    )
    selector_is_agency_head = forms.BooleanField(
        label="The selector is the agency head", required=False
    )
    selected_on = forms.DateField(label="Selected on", required=False, widget=DATE)

    def __init__(
        self,
        *args: Any,
        travellers: QuerySet[Participation],
        employees: QuerySet[Employee],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["participation"].queryset = travellers  # type: ignore[attr-defined]
        self.fields["selector_employee"].queryset = employees  # type: ignore[attr-defined]

    def selection_input(self) -> SelectionInput:
        data = dict(self.cleaned_data)
        data.pop("participation")
        return SelectionInput(**data)


class OverrideForm(UswdsForm):
    reason = forms.CharField(label="Reason for letting anonymous funding stand", widget=TEXTAREA)


class Form801Form(UswdsForm):
    official_use = forms.CharField(label="Description of official use", widget=TEXTAREA)


class Form801UpdateForm(UswdsForm):
    official_use = forms.CharField(
        label="Description of official use", widget=TEXTAREA, required=False
    )
    verified_by_name = forms.CharField(
        label="Verified by (agency head or designee)", required=False, max_length=200
    )
    verified_on = forms.DateField(label="Verified on", required=False, widget=DATE)
    posted_on = forms.DateField(label="Posted on the website", required=False, widget=DATE)

    def changes(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}


class Report1353Form(UswdsForm):
    period_start = forms.DateField(label="Period starting", widget=forms.HiddenInput)
    filed_on = forms.DateField(label="Filed on", required=False, widget=DATE, initial=dt.date.today)


class ContributionFilterForm(UswdsForm):
    """The contributions list's filters (``selectors.ContributionFilters``); a value that
    does not parse is ignored, as on every list page."""

    year = forms.IntegerField(
        label="Year the activity started", required=False, min_value=1900, max_value=2999
    )
    funder_type = forms.ChoiceField(
        label="Funder type", required=False, choices=[("", "Any type"), *FunderType.choices]
    )
    paid_for = forms.ChoiceField(
        label="What it paid for", required=False, choices=[("", "Anything"), *PaidFor.choices]
    )

    def filters(self) -> Any:
        from liaison.funding.selectors import ContributionFilters

        data = self.cleaned_data if self.is_valid() else {}
        return ContributionFilters(
            year=data.get("year"),
            funder_type=data.get("funder_type", ""),
            paid_for=data.get("paid_for", ""),
        )
