"""API shapes for employees, external persons and organisations.

Keys documented in docs/api.md are a stability promise: add keys freely, never rename
or remove one within /api/v1/. Enumerations are the model's own choices, so the OpenAPI
document lists exactly the values the database accepts.
"""

from __future__ import annotations

from typing import Annotated, Any

from django.urls import reverse
from ninja import Field, Schema
from pydantic import ConfigDict, field_validator
from pydantic.json_schema import SkipJsonSchema

from liaison.accounts.schemas import AgencyRef, PageParams
from liaison.core.schemas import ExportParams, Id, list_of
from liaison.people.models import EmploymentType, OrganisationType

# --- organisations ---------------------------------------------------------------------


class OrganisationRef(Schema):
    """An organisation as other records name it (host, organiser, employer)."""

    id: int
    name: str
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    type: OrganisationType

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.country.code)

    @staticmethod
    def resolve_type(obj: Any) -> str:
        return str(obj.org_type)


class OrganisationOut(OrganisationRef):
    country_name: str
    website: str
    notes: str
    url: str = Field(description="This record in the API.")

    @staticmethod
    def resolve_country_name(obj: Any) -> str:
        return str(obj.country.name)

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("api:organisation_detail", kwargs={"organisation_id": obj.pk})


class OrganisationIn(Schema):
    name: str = Field(max_length=200)
    country: str = Field(description="ISO 3166-1 alpha-2 code, e.g. CA.")
    type: OrganisationType
    website: str = ""
    notes: str = ""


class OrganisationPatch(Schema):
    """Only the keys sent are changed; an unknown key or a ``null`` is refused (422)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=200)
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code, e.g. CA.")
    type: OrganisationType | None = None
    website: str | None = None
    notes: str | None = None


class OrganisationFilters(Schema):
    q: str = Field("", description="Words that must all appear in the name.")
    country: str = Field("", description="ISO 3166-1 alpha-2 code.")
    type: OrganisationType | None = None


class OrganisationListParams(PageParams, OrganisationFilters):
    pass


class OrganisationExportParams(ExportParams, OrganisationFilters):
    pass


OrganisationList = list_of(OrganisationOut, "OrganisationList")


# --- employees -------------------------------------------------------------------------


class EmployeeRef(Schema):
    """An employee as an activity's participant list names them."""

    id: int
    serial_number: str
    name: str
    rank: str
    unit: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return f"{obj.first_name} {obj.last_name}".strip()


class EmployeeOut(EmployeeRef):
    agency: AgencyRef
    first_name: str
    last_name: str
    employment_type: EmploymentType
    active: bool
    url: str = Field(description="This record in the API.")

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("api:employee_detail", kwargs={"employee_id": obj.pk})


class EmployeeIn(Schema):
    agency_id: Id | None = Field(
        None, description="May be left out by a user who adds people to exactly one agency."
    )
    serial_number: str = Field(max_length=20)
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    rank: str = Field("", max_length=100)
    unit: str = Field("", max_length=200)
    employment_type: EmploymentType = EmploymentType.SWORN
    active: bool = True


class EmployeePatch(Schema):
    """Only the keys sent are changed. No key takes ``null`` (an empty rank is ``""``):
    the record has no "unknown" value for any of them, and the document says so (the
    ``None`` default only marks a key as not sent)."""

    serial_number: Annotated[str, Field(max_length=20)] | SkipJsonSchema[None] = None
    first_name: Annotated[str, Field(max_length=100)] | SkipJsonSchema[None] = None
    last_name: Annotated[str, Field(max_length=100)] | SkipJsonSchema[None] = None
    rank: Annotated[str, Field(max_length=100)] | SkipJsonSchema[None] = None
    unit: Annotated[str, Field(max_length=200)] | SkipJsonSchema[None] = None
    employment_type: EmploymentType | SkipJsonSchema[None] = None
    active: bool | SkipJsonSchema[None] = None

    @field_validator("*")
    @classmethod
    def _not_null(cls, value: Any) -> Any:
        # Runs only for keys that were sent: a default is not validated.
        if value is None:
            raise ValueError('May not be null (send "" to clear a text field).')
        return value


class EmployeeFilters(Schema):
    q: str = Field("", description="Words matched against names and serial number.")
    unit: str = Field("", description="Part of the unit's name.")
    active: bool | None = None
    agency: Id | None = Field(None, description="Agency id.")


class EmployeeListParams(PageParams, EmployeeFilters):
    pass


class EmployeeExportParams(ExportParams, EmployeeFilters):
    pass


EmployeeList = list_of(EmployeeOut, "EmployeeList")


# --- external persons ------------------------------------------------------------------


class ExternalPersonRef(Schema):
    id: int
    full_name: str
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    organisation: OrganisationRef | None

    @staticmethod
    def resolve_country(obj: Any) -> str:
        return str(obj.country.code)


class ExternalPersonOut(ExternalPersonRef):
    agency: AgencyRef
    country_name: str
    position: str
    url: str = Field(description="This record in the API.")

    @staticmethod
    def resolve_country_name(obj: Any) -> str:
        return str(obj.country.name)

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("api:external_person_detail", kwargs={"person_id": obj.pk})


class ExternalPersonIn(Schema):
    agency_id: Id | None = Field(
        None, description="May be left out by a user who adds people to exactly one agency."
    )
    full_name: str = Field(max_length=200)
    country: str = Field(description="ISO 3166-1 alpha-2 code of nationality or service.")
    organisation_id: Id | None = None
    position: str = Field("", max_length=200)


class ExternalPersonPatch(Schema):
    """Only the keys sent are changed; an unknown key is refused (422), and so is a
    ``null`` anywhere but ``organisation_id`` (where it means none or not known)."""

    model_config = ConfigDict(extra="forbid")

    full_name: str | None = Field(None, max_length=200)
    country: str | None = Field(None, description="ISO 3166-1 alpha-2 code.")
    organisation_id: int | None = None
    position: str | None = Field(None, max_length=200)


class ExternalPersonFilters(Schema):
    q: str = Field("", description="Words matched against name, position, organisation.")
    country: str = Field("", description="ISO 3166-1 alpha-2 code.")
    agency: Id | None = Field(None, description="Agency id.")


class ExternalPersonListParams(PageParams, ExternalPersonFilters):
    pass


class ExternalPersonExportParams(ExportParams, ExternalPersonFilters):
    pass


ExternalPersonList = list_of(ExternalPersonOut, "ExternalPersonList")
