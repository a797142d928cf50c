"""A country "code" that is not two letters — "²", a Unicode digit django-countries would
read as a number — is a field error naming ``country``, and nothing is saved (it was a
500 on the organisation API)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from conftest import client_for
from liaison.accounts.models import Agency, User
from liaison.people.models import ExternalPerson, Organisation
from liaison.people.services import (
    external_person_create,
    external_person_update,
    organisation_create,
    organisation_update,
)
from liaison.people.tests.factories import ExternalPersonFactory, OrganisationFactory

NOT_CODES = ["²", "¹²", "C1", "ISR"]


@pytest.mark.parametrize("country", NOT_CODES)
def test_the_organisation_api_names_the_field(clerk: User, country: str) -> None:
    response = client_for(clerk).post(
        "/api/v1/organisations",
        {"name": "Police Academy", "country": country, "type": "police"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "country" in response.json()["errors"]
    assert not Organisation.objects.filter(name="Police Academy").exists()


@pytest.mark.parametrize("country", NOT_CODES)
def test_every_people_service_refuses_it_and_changes_nothing(
    clerk: User, agency: Agency, country: str
) -> None:
    organisation = OrganisationFactory.create(country="FR")
    person = ExternalPersonFactory.create(agency=agency, country="FR")
    writes = [
        lambda: organisation_create(
            actor=clerk, name="Academy", country=country, org_type="police"
        ),
        lambda: organisation_update(actor=clerk, organisation=organisation, country=country),
        lambda: external_person_create(
            actor=clerk, agency=agency, full_name="A B", country=country
        ),
        lambda: external_person_update(actor=clerk, person=person, country=country),
    ]
    for write in writes:
        with pytest.raises(ValidationError) as caught:
            write()
        assert "country" in caught.value.message_dict
    organisation.refresh_from_db()
    person.refresh_from_db()
    assert (str(organisation.country), str(person.country)) == ("FR", "FR")
    assert ExternalPerson.objects.count() == 1
