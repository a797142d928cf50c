from __future__ import annotations

import datetime as dt

import factory

from liaison.accounts.tests.factories import AgencyFactory
from liaison.activities.models import Activity, Category, Location, Participation
from liaison.activities.services import build_search_text
from liaison.people.tests.factories import EmployeeFactory


class CategoryFactory(factory.django.DjangoModelFactory[Category]):
    class Meta:
        model = Category
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ActivityFactory(factory.django.DjangoModelFactory[Activity]):
    """An activity written straight to the database (tests of services use the services)."""

    class Meta:
        model = Activity

    agency = factory.SubFactory(AgencyFactory)
    title = factory.Sequence(lambda n: f"Human Trafficking Investigations Course {n}")
    direction = "outbound"
    kind = "course"
    category = factory.SubFactory(CategoryFactory)
    purpose = "Learn current practice in investigating trafficking networks."
    start_date = dt.date(2023, 5, 1)
    end_date = dt.date(2023, 5, 5)
    status = "completed"
    search_text = factory.LazyAttribute(
        lambda o: build_search_text(title=o.title, topics=[], purpose=o.purpose)
    )


class LocationFactory(factory.django.DjangoModelFactory[Location]):
    class Meta:
        model = Location

    activity = factory.SubFactory(ActivityFactory)
    country = "CA"
    city = "Toronto"


class ParticipationFactory(factory.django.DjangoModelFactory[Participation]):
    class Meta:
        model = Participation

    activity = factory.SubFactory(ActivityFactory)
    employee = factory.SubFactory(
        EmployeeFactory, agency=factory.SelfAttribute("..activity.agency")
    )
    role = "attendee"
