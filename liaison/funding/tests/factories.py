from __future__ import annotations

from decimal import Decimal

import factory

from liaison.accounts.tests.factories import AgencyFactory
from liaison.activities.tests.factories import ActivityFactory
from liaison.funding.models import ConflictScreening, Contribution, Funder


class FunderFactory(factory.django.DjangoModelFactory[Funder]):
    class Meta:
        model = Funder

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Metro City Police Foundation {n}")
    funder_type = "police_foundation"
    address = "100 Main Street, Metro City, CA"
    nature_of_business = "Charitable support of the police department"
    country = "US"


class ContributionFactory(factory.django.DjangoModelFactory[Contribution]):
    class Meta:
        model = Contribution

    activity = factory.SubFactory(ActivityFactory)
    agency = factory.SelfAttribute("activity.agency")
    funder = factory.SubFactory(FunderFactory, agency=factory.SelfAttribute("..activity.agency"))
    paid_for = "transport"
    amount = Decimal("1800.00")
    currency = "USD"
    usd_amount = factory.SelfAttribute("amount")


class ScreeningFactory(factory.django.DjangoModelFactory[ConflictScreening]):
    class Meta:
        model = ConflictScreening

    activity = factory.SubFactory(ActivityFactory)
    agency = factory.SelfAttribute("activity.agency")
    funder = factory.SubFactory(FunderFactory, agency=factory.SelfAttribute("..activity.agency"))
    determination = "no_conflict"
    reviewer_name = "Commander Lee"
    screened_on = factory.Faker("date_object")
