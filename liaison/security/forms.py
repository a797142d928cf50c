"""HTML input for the risk register and the assessments (the services validate again)."""

from __future__ import annotations

from django import forms

from liaison.core.forms import UswdsForm
from liaison.security.models import ADVISORY_LEVELS, BriefingKind, Decision, RiskIndicator


class CountryFilterForm(UswdsForm):
    q = forms.CharField(label="Country", required=False, max_length=100)
    level = forms.TypedChoiceField(
        label="Current level",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Any level"), *sorted(ADVISORY_LEVELS.items())],
    )
    indicator = forms.ChoiceField(
        label="Risk indicator", required=False, choices=[("", "Any"), *RiskIndicator.choices]
    )


class ImportForm(UswdsForm):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: country, record (advisory or concern), level, effective_date, "
        "indicators, text, source, source_reference.",
    )
    dry_run = forms.BooleanField(
        label="Check and preview only; save nothing", required=False, initial=True
    )


class AdvisoryForm(UswdsForm):
    level = forms.TypedChoiceField(
        label="Advisory level",
        coerce=int,
        choices=[("", "Choose"), *sorted(ADVISORY_LEVELS.items())],
    )
    effective_date = forms.DateField(label="In force from", help_text="YYYY-MM-DD")
    indicators = forms.MultipleChoiceField(
        label="Risk indicators",
        required=False,
        choices=RiskIndicator.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    source_name = forms.CharField(
        label="Source",
        max_length=300,
        help_text="e.g. U.S. Department of State travel advisory, 14 Oct 2023",
    )
    source_reference = forms.CharField(
        label="URL or document reference", max_length=500, required=False
    )


class AssessmentForm(UswdsForm):
    concerns = forms.CharField(
        label="Concerns",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Restricted: only security officers and overseers read this.",
    )
    mitigations = forms.CharField(
        label="Mitigations",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Restricted: only security officers and overseers read this.",
    )
    decision = forms.ChoiceField(
        label="Decision", choices=Decision.choices, widget=forms.RadioSelect
    )
    conditions = forms.CharField(
        label="Conditions",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when the trip may proceed with conditions. Shown to the requester.",
    )


class BriefingForm(UswdsForm):
    kind = forms.ChoiceField(label="Briefing", choices=BriefingKind.choices)
    given_on = forms.DateField(label="Given on", help_text="YYYY-MM-DD")
    given_by = forms.CharField(label="Given by", max_length=200)
    notes = forms.CharField(label="Notes", max_length=500, required=False)


def apply_errors(form: forms.Form, messages: dict[str, list[str]]) -> None:
    """Put a service's field-keyed errors on the form (unknown keys: the whole form)."""
    for name, texts in messages.items():
        for text in texts:
            form.add_error(name if name in form.fields else None, text)
