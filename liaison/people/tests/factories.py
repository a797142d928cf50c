from __future__ import annotations

import factory

from liaison.accounts.tests.factories import AgencyFactory
from liaison.people.models import Employee, ExternalPerson, Organisation


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"National Police Academy {n}")
    country = "CA"
    org_type = "police"


class EmployeeFactory(factory.django.DjangoModelFactory[Employee]):
    class Meta:
        model = Employee

    agency = factory.SubFactory(AgencyFactory)
    serial_number = factory.Sequence(lambda n: f"{30000 + n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    rank = "Sergeant"
    unit = "Training Division"


class ExternalPersonFactory(factory.django.DjangoModelFactory[ExternalPerson]):
    class Meta:
        model = ExternalPerson

    agency = factory.SubFactory(AgencyFactory)
    full_name = factory.Faker("name")
    country = "AE"
