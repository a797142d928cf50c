"""The oversight summary's filter form: the page's twin of ``schemas.SummaryParams``.

It only parses what the browser sends; a value that does not parse is reported on its
field (the page then shows no figures rather than figures for a filter nobody asked for).
"""

from __future__ import annotations

from typing import Any

from django import forms

from liaison.accounts.models import Agency
from liaison.activities.selectors import DIRECTION_GROUPS
from liaison.activities.workflow import Status
from liaison.core.forms import UswdsForm
from liaison.oversight.selectors import DEFAULT_STATUSES, SummaryFilters

_DATE = {"invalid": "Enter a date as YYYY-MM-DD."}


class SummaryFilterForm(UswdsForm):
    start_from = forms.DateField(
        label="Started on or after",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages=_DATE,
    )
    start_to = forms.DateField(
        label="Started on or before",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages=_DATE,
    )
    status = forms.MultipleChoiceField(
        label="Status",
        required=False,
        choices=Status.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every status except draft, cancelled and denied.",
    )
    direction_group = forms.MultipleChoiceField(
        label="Direction",
        required=False,
        choices=[(key, label) for key, (label, _) in DIRECTION_GROUPS.items()],
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: every direction.",
    )
    agency = forms.IntegerField(
        label="Agency",
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        error_messages={"invalid": "Choose an agency from the list."},
    )

    def __init__(self, data: Any, *, agencies: list[Agency]) -> None:
        if "status" not in data:
            # The default statuses show as ticked, so the reader sees what is counted.
            data = data.copy()
            data.setlist("status", list(DEFAULT_STATUSES))
        super().__init__(data)
        self.fields["agency"].widget = forms.Select(
            choices=[("", f"All my agencies ({len(agencies)})")]
            + [(str(a.pk), a.name) for a in agencies]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start_from, start_to = data.get("start_from"), data.get("start_to")
        if start_from and start_to and start_from > start_to:
            self.add_error("start_to", "Choose a date on or after the first date.")
        return data

    def summary_filters(self) -> SummaryFilters:
        data = self.cleaned_data
        return SummaryFilters(
            agency=data.get("agency"),
            start_from=data.get("start_from"),
            start_to=data.get("start_to"),
            statuses=tuple(data.get("status") or ()),
            direction_groups=tuple(data.get("direction_group") or ()),
        )
