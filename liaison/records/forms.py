from __future__ import annotations

from typing import Any

from django import forms

from liaison.core.forms import UswdsForm
from liaison.records.selectors import EventFilters, event_tables


class EventFilterForm(UswdsForm):
    """The audit events' filters, on the page and in the export links (GET)."""

    date_from = forms.DateField(label="From (date)", required=False, help_text="YYYY-MM-DD")
    date_to = forms.DateField(label="To (date, inclusive)", required=False, help_text="YYYY-MM-DD")
    table = forms.ChoiceField(label="Source", required=False)
    actor = forms.CharField(label="Account name", max_length=150, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["table"].choices = [("", "Every source"), *event_tables()]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def filters(self) -> EventFilters:
        data = self.cleaned_data
        return EventFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            table=data.get("table") or "",
            actor=(data.get("actor") or "").strip(),
        )
