"""HTML input for employees, external persons and organisations: list filters and the
create/edit forms.

These forms only parse what the browser sends. Every rule (unique serial numbers, unique
organisation names per country, who may write where) lives in ``people.services``, whose
``ValidationError`` is put back on the fields here by ``apply_service_errors``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django_countries import countries

from liaison.accounts.access import AGENCY_UNKNOWN
from liaison.accounts.models import Agency
from liaison.core.forms import UswdsForm
from liaison.people.models import (
    Employee,
    EmploymentType,
    ExternalPerson,
    Organisation,
    OrganisationType,
)

Choices = list[tuple[str, str]]


def _with_blank(choices: Iterable[tuple[Any, Any]], blank: str) -> Choices:
    return [("", blank), *[(str(value), str(label)) for value, label in choices]]


def country_choices(blank: str) -> Choices:
    return _with_blank(((c.code, c.name) for c in countries), blank)


def _set_choices(form: forms.Form, name: str, choices: Choices) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


def apply_service_errors(form: forms.Form, exc: ValidationError) -> None:
    """Show each message of a service's ``ValidationError`` on the field it names (a key
    the form has no field for, e.g. ``agency``, goes to the top of the form)."""
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    for key, texts in messages.items():
        field = key.removesuffix("_id")
        target = field if field in form.fields else None
        for text in texts:
            form.add_error(target, text)


# ---------------------------------------------------------------------------------------
# List filters (GET forms: every field optional, a bad value is ignored, never an error)
# ---------------------------------------------------------------------------------------

ACTIVE_CHOICES: Choices = [
    ("", "Active and inactive"),
    ("yes", "Active only"),
    ("no", "Inactive only"),
]


class EmployeeFilterForm(UswdsForm):
    q = forms.CharField(label="Name or serial number", required=False, max_length=100)
    unit = forms.CharField(label="Unit", required=False, max_length=200)
    active = forms.ChoiceField(label="Status", required=False, choices=ACTIVE_CHOICES)

    def params(self) -> dict[str, Any]:
        """Keyword arguments for ``people.selectors.employee_list``."""
        data = self.cleaned_data if self.is_valid() else {}
        active = {"yes": True, "no": False}.get(data.get("active") or "")
        return {"q": data.get("q", ""), "unit": data.get("unit", ""), "active": active}


class ExternalPersonFilterForm(UswdsForm):
    q = forms.CharField(label="Name, position or organisation", required=False, max_length=100)
    country = forms.ChoiceField(label="Country", required=False)

    def __init__(self, data: Any = None) -> None:
        super().__init__(data)
        _set_choices(self, "country", country_choices("Any country"))

    def params(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {"q": data.get("q", ""), "country": data.get("country", "")}


class OrganisationFilterForm(UswdsForm):
    q = forms.CharField(label="Name", required=False, max_length=100)
    country = forms.ChoiceField(label="Country", required=False)
    org_type = forms.ChoiceField(
        label="Type", required=False, choices=_with_blank(OrganisationType.choices, "Any type")
    )

    def __init__(self, data: Any = None) -> None:
        super().__init__(data)
        _set_choices(self, "country", country_choices("Any country"))

    def params(self) -> dict[str, Any]:
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "q": data.get("q", ""),
            "country": data.get("country", ""),
            "org_type": data.get("org_type", ""),
        }


# ---------------------------------------------------------------------------------------
# Create and edit forms
# ---------------------------------------------------------------------------------------


class AgencyChoiceMixin:
    """Offers an agency select only to a user who may write in more than one agency; with
    exactly one, the record goes there without asking. Which agency it is, and what is
    said when none is chosen, is ``accounts.access.agency_for_new_record``'s rule: the
    view passes it ``chosen_agency_id()``, exactly as the API passes ``agency_id``."""

    fields: dict[str, forms.Field]
    cleaned_data: dict[str, Any]

    def _set_agencies(self, agencies: QuerySet[Agency] | None) -> None:
        self.agencies = agencies
        if agencies is None or agencies.count() < 2:
            self.fields.pop("agency", None)
        else:
            field = self.fields["agency"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = agencies

    def chosen_agency_id(self) -> int | None:
        agency = self.cleaned_data.get("agency") if "agency" in self.fields else None
        return agency.pk if agency is not None else None


def _agency_field(**kwargs: Any) -> forms.ModelChoiceField:
    # Optional here: "choose one" is said by agency_for_new_record, in its words.
    return forms.ModelChoiceField(
        label="Agency",
        required=False,
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={"invalid_choice": AGENCY_UNKNOWN},
        **kwargs,
    )


class EmployeeForm(AgencyChoiceMixin, UswdsForm):
    agency = _agency_field()
    serial_number = forms.CharField(
        label="Serial number", max_length=20, help_text="Unique within the agency."
    )
    first_name = forms.CharField(label="First name", max_length=100)
    last_name = forms.CharField(label="Last name", max_length=100)
    rank = forms.CharField(
        label="Rank",
        max_length=100,
        required=False,
        help_text="For example Sergeant, Captain, Deputy Chief.",
    )
    unit = forms.CharField(label="Unit", max_length=200, required=False)
    employment_type = forms.ChoiceField(
        label="Employment type", choices=EmploymentType.choices, widget=forms.RadioSelect
    )
    active = forms.BooleanField(label="Currently employed", required=False)

    def __init__(
        self,
        data: Any = None,
        *,
        agencies: QuerySet[Agency] | None,
        initial: dict[str, Any] | None = None,
    ) -> None:
        """``agencies``: where a new employee may go; ``None`` when editing (an
        employee's agency never changes)."""
        super().__init__(
            data, initial=initial or {"employment_type": EmploymentType.SWORN, "active": True}
        )
        self._set_agencies(agencies)

    @staticmethod
    def initial_for(employee: Employee) -> dict[str, Any]:
        return {
            name: getattr(employee, name)
            for name in (
                "serial_number",
                "first_name",
                "last_name",
                "rank",
                "unit",
                "employment_type",
                "active",
            )
        }

    def employee_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "serial_number",
                "first_name",
                "last_name",
                "rank",
                "unit",
                "employment_type",
                "active",
            )
        }


class ExternalPersonForm(AgencyChoiceMixin, UswdsForm):
    agency = _agency_field(help_text="The agency whose records this person is in.")
    full_name = forms.CharField(label="Full name", max_length=200)
    organisation = forms.ModelChoiceField(
        label="Organisation",
        required=False,
        queryset=Organisation.objects.none(),
        empty_label="None or not known",
        help_text="Not in the list? Add it to the organisation registry first.",
    )
    position = forms.CharField(
        label="Position",
        max_length=200,
        required=False,
        help_text="Rank or job title in their organisation.",
    )
    country = forms.ChoiceField(
        label="Country", help_text="Nationality, or the country of the person's service."
    )

    def __init__(
        self,
        data: Any = None,
        *,
        agencies: QuerySet[Agency] | None,
        organisations: QuerySet[Organisation],
        initial: dict[str, Any] | None = None,
    ) -> None:
        """``agencies``: where a new person may go; ``None`` when editing (a person's
        agency never changes)."""
        super().__init__(data, initial=initial)
        self._set_agencies(agencies)
        organisation = self.fields["organisation"]
        assert isinstance(organisation, forms.ModelChoiceField)
        organisation.queryset = organisations
        _set_choices(self, "country", country_choices("Choose a country"))

    @staticmethod
    def initial_for(person: ExternalPerson) -> dict[str, Any]:
        return {
            "full_name": person.full_name,
            "organisation": person.organisation_id,
            "position": person.position,
            "country": str(person.country),
        }

    def person_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            "organisation": data.get("organisation"),
            "position": data["position"],
            "country": data["country"],
        }


class OrganisationForm(UswdsForm):
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="The organisation's own name, e.g. Royal Thai Police.",
    )
    country = forms.ChoiceField(label="Country", help_text="Where it is based.")
    org_type = forms.ChoiceField(
        label="Type", choices=_with_blank(OrganisationType.choices, "Choose a type")
    )
    website = forms.URLField(
        label="Website",
        required=False,
        assume_scheme="https",
        help_text="Optional, e.g. https://www.interpol.int",
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea)

    def __init__(self, data: Any = None, *, initial: dict[str, Any] | None = None) -> None:
        super().__init__(data, initial=initial)
        _set_choices(self, "country", country_choices("Choose a country"))

    @staticmethod
    def initial_for(organisation: Organisation) -> dict[str, Any]:
        return {
            "name": organisation.name,
            "country": str(organisation.country),
            "org_type": organisation.org_type,
            "website": organisation.website,
            "notes": organisation.notes,
        }

    def organisation_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data[name] for name in ("name", "country", "org_type", "website", "notes")}
