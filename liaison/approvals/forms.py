"""HTML input for decisions and the approval rules."""

from __future__ import annotations

from django import forms

from liaison.approvals.models import STEP_ROLES

_ROLE_CHOICES = [(r.value, r.label) for r in STEP_ROLES]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            ("approve", "Approve"),
            ("deny", "Deny"),
            ("return", "Return to the requester for correction"),
        ],
        widget=forms.RadioSelect,
    )
    conditions = forms.CharField(
        label="Conditions",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional, with an approval: what the approval depends on.",
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=100,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required to deny or return; up to 100 characters, kept on the record.",
    )


class PolicyForm(forms.Form):
    approver_role = forms.ChoiceField(label="Who approves every request", choices=_ROLE_CHOICES)
    higher_command_role = forms.ChoiceField(
        label="Who approves as well when a condition below applies", choices=_ROLE_CHOICES
    )
    cost_threshold = forms.DecimalField(
        label="Cost threshold (US dollars)",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text="Higher command approves above this estimated cost. Empty: never for cost.",
    )
    advisory_level_threshold = forms.IntegerField(
        label="Travel advisory level",
        min_value=1,
        max_value=4,
        help_text="Higher command approves when a location is assessed at this level or higher.",
    )
    countries = forms.CharField(
        label="Countries",
        required=False,
        max_length=1000,
        help_text="ISO codes separated by commas, e.g. “IL, AE”: higher command always approves.",
    )
    foreign_ministry_inbound = forms.BooleanField(
        label="Higher command approves inbound programmes for a foreign ministry",
        required=False,
    )
