"""The demo's outcomes: the policy library, decisions, adoptions (one in conflict with the
de-escalation directive), follow-ups and a "nothing was adopted" statement (ADR 0018)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from liaison.accounts.models import Agency, User
from liaison.demo.context import DemoContext
from liaison.demo.steps import STEPS
from liaison.demo.steps import outcomes as step
from liaison.demo.steps import registry as build
from liaison.demo.steps import reports as reports_step
from liaison.outcomes.library import DE_ESCALATION
from liaison.outcomes.models import AlignmentReview, Decision, NothingAdopted, Policy
from liaison.outcomes.selectors import adoption_list

FAST_HASHING = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])


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


def test_the_outcomes_step_runs_after_the_reports() -> None:
    assert STEPS.index(step.load) > STEPS.index(reports_step.load) > STEPS.index(build.load)


def test_the_policy_library_holds_seed_002(demo: Agency) -> None:
    assert Policy.objects.filter(agency=demo).count() == 13
    directive = Policy.objects.get(agency=demo, identifier=DE_ESCALATION)
    assert directive.title == "Tactical De-Escalation Techniques"
    assert directive.history.get().history_user == User.objects.get(username="reviewer")


def test_the_thai_crowd_tactic_conflicts_with_the_de_escalation_directive(demo: Agency) -> None:
    conflict = AlignmentReview.objects.get(agency=demo, verdict="conflicts")
    assert conflict.policy.identifier == DE_ESCALATION
    assert "Royal Thai Police" in conflict.adoption.activity.title
    assert conflict.reviewed_by_role == "Policy reviewer"
    inspector = User.objects.get(username="inspector")
    page = Client()
    page.force_login(inspector)
    html = page.get("/oversight/").content.decode()
    assert 'data-figure="conflicts"' in html
    api = page.get("/api/v1/oversight/summary").json()["outcomes"]
    assert api["conflicts"]["adoptions"] == 1
    assert api["unreviewed"]["adoptions"] == 1


def test_decisions_of_every_kind_and_one_statement_that_nothing_was_adopted(demo: Agency) -> None:
    outcomes = set(Decision.objects.filter(agency=demo).values_list("outcome", flat=True))
    assert outcomes == {"adopted", "rejected", "deferred"}
    statement = NothingAdopted.objects.get(agency=demo)
    assert statement.stated_by_name == "Raymond Castellanos"
    assert "Interpol" in statement.activity.title
    reader = User.objects.get(username="inspector")
    closed = adoption_list(user=reader, today=dt.date(2026, 11, 25), state="closed")
    assert [a.follow_ups.count() for a in closed] == [2]


def test_with_no_recommendation_to_find_the_step_says_it_skipped(
    demo: Agency, caplog: pytest.LogCaptureFixture
) -> None:
    # A run that knows no activity keys finds no recommendation by (key, position).
    ctx = DemoContext(agency=demo)
    ctx.logins = {name: User.objects.get(username=name) for name in ("reviewer", "commander")}
    decisions = Decision.objects.count()
    with caplog.at_level(logging.WARNING):
        step.load(ctx)
    assert "no recommendations" in caplog.text
    assert Decision.objects.count() == decisions
    assert ctx.report.existing["policies"] == 13
