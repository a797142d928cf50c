"""The demo's pre-2021 travel records appear as destroyed under retention, with their
tombstones; the inspector's hold keeps everything else (ADR 0024)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from conftest import client_for
from liaison.accounts.models import Agency, User
from liaison.activities.models import Activity
from liaison.demo import context
from liaison.demo.steps import STEPS
from liaison.demo.steps import registry as build
from liaison.demo.steps import retention as step
from liaison.retention.models import LegalHold, Tombstone
from liaison.retention.services import retention_plan

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


def _destroyed_keys() -> list[str]:
    return [
        r["key"]
        for r in context.read_rows("activities.csv")
        if r["travel_records"] == "destroyed_under_retention"
    ]


def test_the_retention_step_runs_last() -> None:
    assert STEPS[-1] is step.load


def test_each_pre_2021_travel_record_is_a_tombstone(demo: Agency) -> None:
    keys = _destroyed_keys()
    tombstones = Tombstone.objects.filter(agency=demo)
    assert tombstones.count() == len(keys) == 84
    assert {t.source for t in tombstones} == {step.ORIGINAL_SOURCE.format(key=k) for k in keys}
    assert all(t.start_date < dt.date(2021, 1, 1) for t in tombstones)
    assert all(len(t.content_sha256) == 64 for t in tombstones)
    assert {t.schedule_years for t in tombstones} == {step.SCHEDULE_YEARS}
    assert {t.destroyed_by.username for t in tombstones} == {"demo-loader"}
    # The originals are gone; the reconstruction the IG relied on is all there.
    assert not Activity.objects.filter(source__startswith="Travel unit file").exists()
    assert Activity.objects.filter(
        agency=demo, start_date__gte=dt.date(2014, 1, 1), start_date__lte=dt.date(2024, 8, 1)
    ).count() == 117  # fmt: skip


def test_the_inspectors_hold_keeps_everything_else(demo: Agency) -> None:
    hold = LegalHold.objects.get(agency=demo, released_at__isnull=True)
    assert hold.placed_by.username == "inspector"
    plan = retention_plan(agency_ids=[demo.pk])
    assert plan.due == []
    assert plan.held  # reconstructed records past the schedule, kept by the hold


def test_the_oversight_page_counts_the_destroyed_records_by_year(demo: Agency) -> None:
    inspector = User.objects.get(username="inspector")
    coverage = client_for(inspector).get("/api/v1/oversight/summary").json()["coverage"]
    assert coverage["destroyed_total"] == 84
    assert [r["year"] for r in coverage["destroyed_by_year"]] == list(range(2014, 2021))
    by_kind = {r["key"]: r["activities"] for r in coverage["activities"]}
    assert by_kind["reconstructed"] >= 117
