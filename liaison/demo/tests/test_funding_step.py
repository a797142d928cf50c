"""The demo's funding, computed through the API as a reader would (ADR 0019): the Israel
activities total $87,000, "Command and Control Counter-Terrorism" is a $52,470 federal
grant, about 80% of the IG's 117 activities were paid by outside sources, and activities
without a cost in the source show as gaps, never as $0."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings

from liaison.accounts.models import Agency, User
from liaison.activities.models import Activity
from liaison.demo.steps import STEPS
from liaison.demo.steps import funding as step
from liaison.demo.steps import registry as build

CC_TITLE = "Command and Control Counter-Terrorism"
IG_PERIOD = {"start_from": "2014-01-01", "start_to": "2024-08-01"}
MD5 = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def loaded(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=MD5), transaction.atomic():
        with override_settings(DEBUG=True):
            call_command("load_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def inspector(loaded: None, db: None) -> Client:
    client = Client()
    client.force_login(User.objects.get(username="inspector"))
    return client


def test_the_funding_step_runs_after_the_registry() -> None:
    assert STEPS.index(step.load) > STEPS.index(build.load)


def test_israel_activities_total_87000(inspector: Client) -> None:
    body = inspector.get("/api/v1/funding/summary", {"country": "IL", **IG_PERIOD}).json()
    assert body["activities"] == 9
    assert body["without_funding"] == 0
    israel = next(row for row in body["by_country"] if row["country"] == "IL")
    assert Decimal(israel["total_usd"]) == Decimal("87000")


def test_command_and_control_is_a_52470_federal_grant(inspector: Client) -> None:
    activity = Activity.objects.get(title=CC_TITLE)
    body = inspector.get(f"/api/v1/activities/{activity.pk}/funding").json()
    assert Decimal(body["total_usd"]) == Decimal("52470")
    assert {c["funder"]["funder_type"] for c in body["contributions"]} == {"federal_grant"}
    assert all(c["grant_identifier"] for c in body["contributions"])


def test_about_80_percent_outside_funded_and_gaps_are_not_zeros(inspector: Client) -> None:
    body = inspector.get("/api/v1/funding/summary", IG_PERIOD).json()
    assert body["activities"] == 117
    assert 0.78 <= body["outside_share"] <= 0.82
    assert body["without_funding"] > 0
    gap = Activity.objects.filter(contributions__isnull=True, origin="imported").first()
    assert gap is not None
    one = inspector.get(f"/api/v1/activities/{gap.pk}/funding").json()
    assert (one["on_record"], one["total_usd"]) == (False, None)


def test_no_legacy_outside_payment_was_disclosed(inspector: Client) -> None:
    body = inspector.get("/api/v1/funding/summary", IG_PERIOD).json()
    assert len(body["missing_disclosure"]) == body["outside_funded"]


def test_a_second_run_creates_no_funding(loaded: None, db: None) -> None:
    from liaison.funding.models import Contribution

    before = Contribution.objects.count()
    with override_settings(PASSWORD_HASHERS=MD5, DEBUG=True):
        call_command("load_demo", stdout=StringIO())
    assert Contribution.objects.count() == before
    assert Agency.objects.filter(ori_code=build.AGENCY_ORI).count() == 1
