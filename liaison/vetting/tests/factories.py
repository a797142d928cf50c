from __future__ import annotations

import datetime as dt

import factory

from liaison.activities.tests.factories import ActivityFactory
from liaison.people.tests.factories import ExternalPersonFactory
from liaison.vetting.models import Contact, InboundTrainee, VettingRequest


class ContactFactory(factory.django.DjangoModelFactory[Contact]):
    """A contact written straight to the database (service tests use the services)."""

    class Meta:
        model = Contact

    activity = factory.SubFactory(ActivityFactory)
    agency = factory.SelfAttribute("activity.agency")
    external_person = factory.SubFactory(
        ExternalPersonFactory, agency=factory.SelfAttribute("..activity.agency")
    )
    circumstance = "trained_us"
    met_on = factory.SelfAttribute("activity.start_date")
    country = "AE"
    email = "contact@example.org"
    role_at_time = "Instructor"


class TraineeFactory(factory.django.DjangoModelFactory[InboundTrainee]):
    class Meta:
        model = InboundTrainee

    activity = factory.SubFactory(ActivityFactory, direction="inbound")
    agency = factory.SelfAttribute("activity.agency")
    external_person = factory.SubFactory(
        ExternalPersonFactory, agency=factory.SelfAttribute("..activity.agency")
    )
    language = "English"
    language_level = "2"


class VettingFactory(factory.django.DjangoModelFactory[VettingRequest]):
    class Meta:
        model = VettingRequest

    contact = factory.SubFactory(ContactFactory)
    agency = factory.SelfAttribute("contact.agency")
    channel = "investc"
    sent_on = dt.date(2023, 4, 3)
    reference = "INV-2023-0001"
