"""Building records that are due under retention, with dependants and history."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder

from liaison.accounts.models import Agency, User
from liaison.activities.models import Activity, Location, Participation
from liaison.activities.services import (
    ActivityInput,
    LocationInput,
    ParticipantInput,
    activity_import,
)
from liaison.activities.tests.factories import CategoryFactory
from liaison.core.audit import delete_audited, save_audited
from liaison.funding.models import Contribution
from liaison.funding.tests.factories import ContributionFactory
from liaison.people.models import Employee
from liaison.reports.models import EvaluationReport, Recommendation, ReportAuthor
from liaison.reports.tests.factories import AuthorFactory, RecommendationFactory, ReportFactory


def old_trip(
    actor: User,
    agency: Agency,
    *,
    title: str = "Public Order Command Course",
    start: dt.date = dt.date(2016, 6, 5),
    days: int = 5,
    people: tuple[Employee, ...] = (),
    status: str = "completed",
    with_dependants: bool = True,
) -> Activity:
    """An imported trip with topics, two locations (and a third removed since, so it lives
    on only in history), participants, an evaluation report with an author and a
    recommendation, and a funding contribution."""
    category = CategoryFactory.create(name="Crowd control", slug="crowd-control")
    activity = activity_import(
        actor=actor,
        agency=agency,
        data=ActivityInput(
            title=title,
            direction="outbound",
            kind="course",
            category_id=category.pk,
            purpose="Learn public order command from a partner agency.",
            start_date=start,
            end_date=start + dt.timedelta(days=days),
            topics=["crowd control", "command"],
            locations=[LocationInput("CA", "Toronto"), LocationInput("FR", "Paris")],
            participants=[ParticipantInput(employee_id=p.pk) for p in people],
        ),
        status=status,
        recorded_at=None,
        source=f"Travel unit file for {title}",
    )
    removed = Location(activity=activity, country="GB", city="London", position=9)
    save_audited(removed, actor=actor, validate=False)
    delete_audited(removed, actor=actor)
    if with_dependants:
        report = ReportFactory.create(activity=activity, status="submitted")
        first = Participation.objects.filter(activity=activity).first()
        if first is not None:
            AuthorFactory.create(report=report, participation=first)
        RecommendationFactory.create(report=report)
        ContributionFactory.create(activity=activity)
    return activity


def expected_sha256(activity: Activity) -> str:
    """The SHA-256 the tombstone must carry, computed independently of the service: every
    row the test knows belongs to ``activity``, as canonical JSON (ADR 0024)."""
    reports = EvaluationReport.objects.filter(activity=activity)
    querysets: list[Any] = [
        Activity.objects.filter(pk=activity.pk),
        Location.objects.filter(activity=activity),
        Participation.objects.filter(activity=activity),
        Activity.topics.through.objects.filter(activity=activity),
        reports,
        EvaluationReport.topics.through.objects.filter(evaluationreport__in=reports),
        EvaluationReport.contacts.through.objects.filter(evaluationreport__in=reports),
        ReportAuthor.objects.filter(report__in=reports),
        Recommendation.objects.filter(activity=activity),
        Contribution.objects.filter(activity=activity),
    ]
    rows: list[dict[str, Any]] = []
    for qs in querysets:
        rows += serializers.serialize("python", list(qs.order_by("pk")))
    rows.sort(key=lambda r: (r["model"], str(r["pk"])))
    content = json.dumps(
        rows, cls=DjangoJSONEncoder, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )
    return hashlib.sha256(content.encode()).hexdigest()
