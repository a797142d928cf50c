"""Factories for the outcomes app's tests, and small ones for the evaluation reports and
recommendations outcomes build on (the reports app's own factories are its helper's; the
merge reconciles them). Records are written straight to the database: tests of the
services call the services."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from liaison.accounts.tests.factories import UserFactory
from liaison.activities.tests.factories import ActivityFactory
from liaison.outcomes.models import Adoption, AlignmentReview, Decision, Policy
from liaison.reports.models import EvaluationReport, Recommendation


class ReportFactory(factory.django.DjangoModelFactory[EvaluationReport]):
    """An acknowledged evaluation report (recommendations are decided once acknowledged)."""

    class Meta:
        model = EvaluationReport

    activity = factory.SubFactory(ActivityFactory)
    agency = factory.SelfAttribute("activity.agency")
    status = "acknowledged"
    # The reports app's constraint: an acknowledged report (not imported) has its date.
    acknowledged_at = factory.LazyAttribute(
        lambda o: timezone.now() if o.status == "acknowledged" else None
    )
    due_on = factory.LazyAttribute(lambda o: o.activity.end_date + dt.timedelta(days=30))
    purpose = "Learn how a partner force polices large demonstrations."
    key_takeaways = "Dialogue teams reduce confrontations; kettling escalates them."
    created_by = factory.SubFactory(UserFactory)


class RecommendationFactory(factory.django.DjangoModelFactory[Recommendation]):
    class Meta:
        model = Recommendation

    report = factory.SubFactory(ReportFactory)
    activity = factory.SelfAttribute("report.activity")
    agency = factory.SelfAttribute("report.agency")
    position = 1
    text = "Form dialogue teams that talk to protest organisers before and during events."


class PolicyFactory(factory.django.DjangoModelFactory[Policy]):
    class Meta:
        model = Policy

    agency = factory.SubFactory("liaison.accounts.tests.factories.AgencyFactory")
    identifier = factory.Sequence(lambda n: f"Directive {n}")
    title = "Tactical De-Escalation Techniques"
    summary = "Consider tactics that persuade a suspect to comply voluntarily."
    effective_from = dt.date(2016, 10, 1)


class DecisionFactory(factory.django.DjangoModelFactory[Decision]):
    class Meta:
        model = Decision

    recommendation = factory.SubFactory(RecommendationFactory)
    agency = factory.SelfAttribute("recommendation.agency")
    outcome = "adopted"
    reason = "Fits the unit's work."
    decided_on = dt.date(2024, 1, 15)
    decided_by = factory.SubFactory(UserFactory)
    decided_by_name = "Raymond Castellanos"
    decided_by_role = "Approver"


class AdoptionFactory(factory.django.DjangoModelFactory[Adoption]):
    """An open adoption of an adopted recommendation."""

    class Meta:
        model = Adoption

    recommendation = factory.LazyAttribute(
        lambda o: DecisionFactory.create().recommendation  # adopted
    )
    activity = factory.SelfAttribute("recommendation.activity")
    agency = factory.SelfAttribute("recommendation.agency")
    kind = "tactic"
    what_changed = "Dialogue teams deployed at permitted demonstrations."
    effective_on = dt.date(2024, 3, 1)
    recorded_by = factory.SubFactory(UserFactory)
    recorded_by_name = "Raymond Castellanos"
    recorded_by_role = "Approver"


class ReviewFactory(factory.django.DjangoModelFactory[AlignmentReview]):
    class Meta:
        model = AlignmentReview

    adoption = factory.SubFactory(AdoptionFactory)
    agency = factory.SelfAttribute("adoption.agency")
    policy = factory.SubFactory(PolicyFactory, agency=factory.SelfAttribute("..adoption.agency"))
    verdict = "aligned"
    rationale = "Talking first is de-escalation."
    reviewed_on = dt.date(2024, 4, 1)
    reviewed_by = factory.SubFactory(UserFactory)
    reviewed_by_name = "Priya Nair"
    reviewed_by_role = "Policy reviewer"
