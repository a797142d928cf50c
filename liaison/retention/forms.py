"""HTML input for retention pages. The services validate again (two doors, one rule);
their ``ValidationError`` is put back on these fields by ``apply_service_errors``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from liaison.activities.forms import AgencyIdsField
from liaison.core.forms import UswdsForm
from liaison.core.schemas import MAX_ID
from liaison.retention.models import HoldScope, RecordType

ID_ERRORS = {"invalid": "Give the number as a whole number.", "max_value": "No such number."}


class ScheduleForm(UswdsForm):
    record_type = forms.ChoiceField(label="Record type", choices=RecordType.choices)
    years = forms.IntegerField(
        label="Years to keep after the activity ends",
        min_value=1,
        max_value=100,
        error_messages={"invalid": "Give the number of years as a whole number."},
    )
    authority = forms.CharField(
        label="Authority",
        max_length=300,
        help_text="The retention rule this follows, e.g. the records schedule item.",
    )


class HoldForm(UswdsForm):
    agency = forms.ChoiceField(label="Agency")
    scope = forms.ChoiceField(
        label="What the hold keeps", choices=HoldScope.choices, widget=forms.RadioSelect
    )
    activity = forms.IntegerField(
        label="Activity number",
        required=False,
        min_value=1,
        max_value=MAX_ID,
        error_messages=ID_ERRORS,
        help_text="For a hold on one activity: the number in its address (/activities/123/).",
    )
    employee = forms.IntegerField(
        label="Employee id",
        required=False,
        min_value=1,
        max_value=MAX_ID,
        error_messages=ID_ERRORS,
        help_text="For a hold on every activity of one employee.",
    )
    external_person = forms.IntegerField(
        label="External person id",
        required=False,
        min_value=1,
        max_value=MAX_ID,
        error_messages=ID_ERRORS,
        help_text="For a hold on every activity of one external person.",
    )
    reason = forms.CharField(label="Reason", widget=forms.Textarea, max_length=2000)

    def __init__(self, data: Any = None, *, agencies: list[Any]) -> None:
        super().__init__(data)
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]  # type: ignore[attr-defined]
        if len(agencies) == 1:
            self.fields["agency"].initial = agencies[0].pk


class ReleaseForm(UswdsForm):
    reason = forms.CharField(
        label="Why the hold is released", widget=forms.Textarea, max_length=2000
    )


class TombstoneFilterForm(UswdsForm):
    agency = AgencyIdsField(label="Agency", required=False)
    year = forms.IntegerField(
        label="Year the activity started",
        required=False,
        min_value=1900,
        max_value=2100,
        error_messages={"invalid": "Give a year as four digits."},
    )


def apply_service_errors(exc: ValidationError, form: forms.Form) -> None:
    """Each message of the service's ``ValidationError`` on the field it names (or the
    form as a whole when the form has no such field)."""
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for key, texts in messages.items():
        field = key if key in form.fields else None
        for text in texts:
            form.add_error(field, text)
