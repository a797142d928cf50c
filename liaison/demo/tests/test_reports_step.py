"""The demo's evaluation reports (ADR 0017): legacy one-liners flagged insufficient, full
reports with numbered recommendations, the employee's own reports through the review
cycle, overdue ones, and search that finds what was learned about crowd control."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from liaison.accounts.models import Agency, User
from liaison.demo.context import read_rows
from liaison.demo.steps import STEPS, imports
from liaison.demo.steps import registry as build
from liaison.demo.steps import reports as step
from liaison.reports.models import EvaluationReport, Recommendation, ReportReview
from liaison.reports.selectors import (
    TrackingFilters,
    decorate,
    owed_reports,
    search_results,
    with_relations,
)

FAST_HASHING = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), FAST_HASHING, transaction.atomic():
        with override_settings(DEBUG=True):
            call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(loaded: None, db: None) -> Agency:
    return Agency.objects.get(ori_code=build.AGENCY_ORI)


def test_the_step_runs_after_approvals() -> None:
    names = [s.__module__.rsplit(".", 1)[-1] for s in STEPS]
    assert names.index("reports") == names.index("approvals") + 1
    assert step.load in STEPS


def test_legacy_one_liners_are_kept_and_flagged_insufficient(demo: Agency) -> None:
    imported = EvaluationReport.objects.filter(agency=demo, origin="imported")
    # The unit log's reports (the imports step) came without their text: flagged too.
    unit_log = imported.filter(activity__source__startswith=imports.FILE_NAME)
    assert unit_log.count() == 5
    reports = with_relations(unit_log)
    assert all(decorate(r, today=TODAY).insufficient for r in reports)  # type: ignore[attr-defined]
    legacy = with_relations(imported.exclude(pk__in=unit_log))
    flags = [decorate(r, today=TODAY).insufficient for r in legacy]  # type: ignore[attr-defined]
    brief = sum(
        1 for row in read_rows("activities.csv") if row["evaluation_report"] == "brief_statement"
    )
    assert sum(1 for f in flags if f.startswith("Insufficient: missing purpose")) == brief
    assert sum(1 for f in flags if not f) == 7


def test_full_reports_number_their_recommendations_for_the_outcomes_step(demo: Agency) -> None:
    a110 = Recommendation.objects.filter(activity__title__startswith="World Youth Day 2023")
    assert list(a110.values_list("position", flat=True)) == [1, 2, 3, 4]
    assert "less-lethal launchers" in a110.get(position=3).text


def test_the_employee_s_report_went_through_a_return_and_was_acknowledged(demo: Agency) -> None:
    report = EvaluationReport.objects.get(activity__title=step.ENTERED_TITLES["R11"])
    assert report.status == "acknowledged"
    assert list(ReportReview.objects.filter(report=report).values_list("decision", flat=True)) == [
        "returned", "acknowledged",
    ]  # fmt: skip
    waiting = EvaluationReport.objects.get(activity__title=step.ENTERED_TITLES["R12"])
    assert waiting.status == "submitted"


def test_some_reports_are_overdue(demo: Agency) -> None:
    inspector = User.objects.get(username="inspector")
    overdue = owed_reports(user=inspector, filters=TrackingFilters("overdue"), today=TODAY)
    titles = {o.activity.title for o in overdue}
    assert {"Aviation Maintenance Symposium", step.V01_TITLE} <= titles


def test_crowd_control_finds_the_reports_that_discuss_it(demo: Agency) -> None:
    inspector = User.objects.get(username="inspector")
    results = search_results(user=inspector, query="crowd control")
    assert results[0].report.activity.title.startswith("World Youth Day 2023")
    assert any(r.report.activity.title == step.ENTERED_TITLES["R12"] for r in results)
