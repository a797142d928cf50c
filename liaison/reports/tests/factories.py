from __future__ import annotations

import factory

from liaison.activities.tests.factories import ActivityFactory
from liaison.reports.models import EvaluationReport, Recommendation, ReportAuthor

# A report that meets the default minimums (ReportPolicy's defaults).
FULL_CONTENT = dict(
    purpose="Attend the partner agency's public order command course and compare its "
    "tactics with ours.",
    itinerary="Five days at the partner academy; two days with the public order unit at "
    "a stadium match; one day at the command and control centre.",
    key_takeaways="Crowd control works best with early dialogue: liaison officers in soft "
    "uniform spoke to organisers hours before the event, which lowered tension. Commanders "
    "kept a written decision log. Lines were held by fewer officers than ours would use, "
    "with reserves out of sight.",
    practical_applications="Introduce police liaison teams for large demonstrations and a "
    "decision log for silver commanders; adapt our public order course to add dialogue.",
    potential_benefits="Fewer injuries to the public and to officers at large events, and "
    "decisions that can be explained afterwards to the public and in court.",
)


class ReportFactory(factory.django.DjangoModelFactory[EvaluationReport]):
    """A report written straight to the database (service tests use the services)."""

    class Meta:
        model = EvaluationReport

    activity = factory.SubFactory(ActivityFactory)
    agency = factory.SelfAttribute("activity.agency")
    due_on = factory.LazyAttribute(lambda o: o.activity.end_date)
    created_by = factory.SubFactory("liaison.accounts.tests.factories.UserFactory")


class AuthorFactory(factory.django.DjangoModelFactory[ReportAuthor]):
    class Meta:
        model = ReportAuthor


class RecommendationFactory(factory.django.DjangoModelFactory[Recommendation]):
    class Meta:
        model = Recommendation

    report = factory.SubFactory(ReportFactory)
    agency = factory.SelfAttribute("report.agency")
    activity = factory.SelfAttribute("report.activity")
    position = factory.Sequence(lambda n: n + 1)
    text = "Adopt police liaison teams for large demonstrations."
