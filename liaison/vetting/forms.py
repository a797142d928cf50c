"""HTML input for contacts, inbound trainees and vetting requests. The forms only parse
what the browser sends; every rule lives in ``vetting.services``, whose field errors are
put back on the rows here (``people.forms.apply_service_errors``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet

from liaison.core.forms import UswdsForm
from liaison.people.forms import apply_service_errors, country_choices
from liaison.people.models import ExternalPerson, Organisation
from liaison.vetting.models import Channel, Circumstance, Contact, IlrLevel
from liaison.vetting.services import ContactInput, TraineeInput, VettingInput
from liaison.vetting.workflow import TRANSITION_NAMES

__all__ = ["apply_service_errors"]

DATE = forms.DateInput(attrs={"type": "date"})


def _choices(choices: Any, blank: str) -> list[tuple[str, str]]:
    return [("", blank), *[(str(v), str(label)) for v, label in choices]]


class ContactForm(UswdsForm):
    external_person = forms.ModelChoiceField(
        label="Person met",
        queryset=ExternalPerson.objects.none(),
        required=False,
        help_text="Choose a person or an organisation. Missing? A coordinator adds them "
        "to the people registry.",
    )
    organisation = forms.ModelChoiceField(
        label="Organisation met", queryset=Organisation.objects.none(), required=False
    )
    circumstance = forms.ChoiceField(
        label="How they were met", choices=_choices(Circumstance.choices, "Choose…")
    )
    met_on = forms.DateField(label="Met on", widget=DATE)
    role_at_time = forms.CharField(label="Role or position at the time", required=False,
                                   max_length=200)  # fmt: skip
    country = forms.ChoiceField(label="Nationality or country", choices=[])
    email = forms.EmailField(label="Email", required=False)
    phone = forms.CharField(label="Phone", required=False, max_length=50)
    details = forms.CharField(label="Other contact details", required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip
    reported_on = forms.DateField(
        label="Reported on", required=False, widget=DATE,
        help_text="The day the traveller reported the contact; empty if not yet.",
    )  # fmt: skip
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self,
        *args: Any,
        people: QuerySet[ExternalPerson] | None = None,
        organisations: QuerySet[Organisation] | None = None,
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices("Choose a country…")  # type: ignore[attr-defined]
        if editing:
            del self.fields["external_person"]
            del self.fields["organisation"]
        else:
            self.fields["external_person"].queryset = people  # type: ignore[attr-defined]
            self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]

    @staticmethod
    def initial_for(contact: Contact) -> dict[str, Any]:
        return {name: getattr(contact, name) for name in (
            "circumstance", "met_on", "role_at_time", "email", "phone", "details",
            "reported_on", "notes",
        )} | {"country": str(contact.country)}  # fmt: skip

    def contact_input(self) -> ContactInput:
        return ContactInput(**self.cleaned_data)

    def changes(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class TraineeForm(UswdsForm):
    external_person = forms.ModelChoiceField(
        label="Trainee", queryset=ExternalPerson.objects.none()
    )
    registration_number = forms.CharField(label="Registration number", required=False,
                                          max_length=50)  # fmt: skip
    registered_on = forms.DateField(label="Registered on", required=False, widget=DATE)
    sponsoring_organisation = forms.ModelChoiceField(
        label="Sponsoring agency", queryset=Organisation.objects.none(), required=False
    )
    recommended_by = forms.CharField(
        label="Embassy recommendation by", required=False, max_length=200,
        help_text="e.g. the embassy's regional security officer.",
    )  # fmt: skip
    recommended_on = forms.DateField(label="Recommendation date", required=False, widget=DATE)
    language = forms.CharField(label="Language of instruction", required=False, max_length=50)
    language_level = forms.ChoiceField(
        label="Proficiency (ILR scale)", required=False,
        choices=_choices(IlrLevel.choices, "Not assessed"),
    )  # fmt: skip
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self,
        *args: Any,
        people: QuerySet[ExternalPerson],
        organisations: QuerySet[Organisation],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["external_person"].queryset = people  # type: ignore[attr-defined]
        self.fields["sponsoring_organisation"].queryset = organisations  # type: ignore[attr-defined]

    def trainee_input(self) -> TraineeInput:
        return TraineeInput(**self.cleaned_data)


class VettingForm(UswdsForm):
    channel = forms.ChoiceField(label="Channel asked", choices=_choices(Channel.choices, "Choose…"))
    channel_detail = forms.CharField(
        label="Channel (details)", required=False, max_length=200,
        help_text="Which office or person; required for Other.",
    )  # fmt: skip
    sent_on = forms.DateField(label="Date sent", widget=DATE, initial=dt.date.today)
    reference = forms.CharField(label="Reference", required=False, max_length=100)
    expires_on = forms.DateField(
        label="Expiry",
        required=False,
        widget=DATE,
        help_text="If the channel gave one; after the date sent.",
    )
    source_document = forms.CharField(label="Source document", required=False, max_length=300)
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def vetting_input(self) -> VettingInput:
        return VettingInput(**self.cleaned_data)


class VettingDecisionForm(UswdsForm):
    name = forms.ChoiceField(choices=[(n, n) for n in TRANSITION_NAMES], widget=forms.HiddenInput)
    decided_on = forms.DateField(label="Decision date", required=False, widget=DATE,
                                 help_text="Empty: today.")  # fmt: skip
    expires_on = forms.DateField(label="Expiry", required=False, widget=DATE)
    source_document = forms.CharField(label="Source document", required=False, max_length=300)
    reason = forms.CharField(label="Reason", required=False,
                             widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="Required to deny, suspend or cancel.")  # fmt: skip

    def decision(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["source_document"] = data.get("source_document") or None
        return data
